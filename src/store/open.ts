/**
 * One way to open any store by where it is (`--store`, `QUNGUI_STORE`, the library's
 * {@link openStore}):
 *
 * | form | store |
 * |---|---|
 * | `postgres://user:pass@host:5432/db?schema=qungui` (or `postgresql://`) | PostgreSQL; `schema` (default `qungui`) is the store's schema, the other parameters are the driver's |
 * | `sqlite:PATH`, or a plain path | SQLite file |
 * | `memory:` | in memory, not durable |
 *
 * Any other `scheme:` is refused rather than taken for a file name (`postgresql:qungui` must not
 * quietly become a SQLite file of that name).
 */
import { MemoryStore } from "./memory.js";
import { openPostgresStore } from "./postgres.js";
import { openSqliteStore } from "./sqlite.js";
import { StoreError, type Store } from "./types.js";

/** How {@link openStore} opens a store. */
export interface OpenStoreOptions {
  /** SQLite: `full` (default, fsync at every commit) or `normal`. PostgreSQL commits are as durable as the server is configured. */
  durability?: "full" | "normal";
  /** Refuse to create a store that does not exist (exports and purges of a mistyped store). */
  mustExist?: boolean;
  /** SQLite: open read-only. */
  readonly?: boolean;
  /** PostgreSQL: connections in the pool (default 4). */
  poolSize?: number;
  /** Snapshots to keep (default: all). */
  keepSnapshots?: number;
}

/** What kind of store a `--store` value names, and where, without opening it. */
export type StoreAddress = { kind: "postgres"; connectionString: string; schema: string } | { kind: "sqlite"; path: string } | { kind: "memory" };

/** Reads a `--store` value (see the table above); a {@link StoreError} for one it cannot use. */
export function parseStoreAddress(urlOrPath: string): StoreAddress {
  const text = urlOrPath.trim();
  if (text === "") throw new StoreError("the store is empty: give a file path or a postgres:// URL");
  if (/^postgres(ql)?:\/\//i.test(text)) {
    let u: URL;
    try {
      u = new URL(text);
    } catch {
      throw new StoreError("not a usable PostgreSQL URL (postgres://user@host:port/database)");
    }
    const schema = u.searchParams.get("schema") ?? "qungui";
    u.searchParams.delete("schema");
    return { kind: "postgres", connectionString: u.toString(), schema };
  }
  if (text === "memory:") return { kind: "memory" };
  if (text.startsWith("sqlite:")) return { kind: "sqlite", path: text.slice("sqlite:".length).replace(/^\/\/(?=\/)/, "") };
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(text);
  if (scheme !== null) {
    const name = scheme[1]!.toLowerCase();
    const hint = name.startsWith("postgres") ? " (a PostgreSQL store is postgres://user@host:port/database)" : "";
    throw new StoreError(`unknown kind of store ${JSON.stringify(`${name}:`)}${hint}; a SQLite file is a path (or sqlite:PATH)`);
  }
  return { kind: "sqlite", path: text };
}

/** A store's address for messages: the URL without its password. */
export function describeStore(urlOrPath: string): string {
  try {
    const a = parseStoreAddress(urlOrPath);
    if (a.kind !== "postgres") return a.kind === "memory" ? "memory (not durable)" : a.path;
    const u = new URL(a.connectionString);
    if (u.password !== "") u.password = "***";
    return `${u.toString()} (schema ${a.schema})`;
  } catch {
    return "the store";
  }
}

/**
 * Opens the store at `urlOrPath` (see the module's table), creating it when needed unless
 * `mustExist`. Every failure is a {@link StoreError} with one line of explanation.
 *
 * @example
 * ```ts
 * const store = await openStore(process.env.QUNGUI_STORE ?? "qungui.db");
 * const engine = await createEngine(program, { store, clock: Date.now });
 * ```
 */
export async function openStore(urlOrPath: string, options: OpenStoreOptions = {}): Promise<Store> {
  const a = parseStoreAddress(urlOrPath);
  switch (a.kind) {
    case "postgres":
      return openPostgresStore({
        connectionString: a.connectionString,
        schema: a.schema,
        mustExist: options.mustExist === true,
        ...(options.poolSize !== undefined ? { poolSize: options.poolSize } : {}),
        ...(options.keepSnapshots !== undefined ? { keepSnapshots: options.keepSnapshots } : {}),
      });
    case "sqlite":
      return openSqliteStore(a.path, {
        synchronous: options.durability ?? "full",
        mustExist: options.mustExist === true,
        readonly: options.readonly === true,
        ...(options.keepSnapshots !== undefined ? { keepSnapshots: options.keepSnapshots } : {}),
      });
    case "memory":
      if (options.mustExist === true) throw new StoreError("a memory store holds nothing to read");
      return new MemoryStore(options.keepSnapshots !== undefined ? { keepSnapshots: options.keepSnapshots } : {});
  }
}
