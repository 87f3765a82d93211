/**
 * The stores every contract test runs against: memory and SQLite always; PostgreSQL when the `pg`
 * driver is installed and a server can be started (test/service/postgres.ts), else it is listed as
 * skipped with the reason.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStore } from "../../src/store/memory.js";
import { openSqliteStore } from "../../src/store/sqlite.js";
import { openPostgresStore } from "../../src/store/postgres.js";
import type { Store } from "../../src/store/types.js";
import { postgresUnavailable, startPostgres, type TestServer } from "./postgres.js";

export interface StoreFactory {
  name: string;
  /** A fresh, empty store. */
  create(): Promise<Store>;
  /** A second handle on the same store as `of` (another process or instance), when the kind has one. */
  reopen?(of: Store): Promise<Store>;
  cleanup(): void;
}

export function sqliteFactory(options: { synchronous?: "full" | "normal" } = {}): StoreFactory {
  const dir = mkdtempSync(join(tmpdir(), "qungui-store-"));
  let n = 0;
  return {
    name: "sqlite",
    create: async () => openSqliteStore(join(dir, `s${++n}.db`), { synchronous: options.synchronous ?? "normal" }),
    reopen: async (of) => openSqliteStore(of.location, { synchronous: options.synchronous ?? "normal" }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function memoryFactory(): StoreFactory {
  return { name: "memory", create: async () => new MemoryStore(), cleanup: () => undefined };
}

export function postgresFactory(): StoreFactory {
  let server: TestServer | undefined;
  let n = 0;
  const url = () => (server ??= startPostgres()).url;
  return {
    name: "postgres",
    create: async () => openPostgresStore({ connectionString: url(), schema: `t${process.pid}_${++n}` }),
    reopen: async (of) => openPostgresStore({ connectionString: url(), schema: of.location.replace(/^postgres schema /, "") }),
    cleanup: () => server?.stop(),
  };
}

/** The stores to test, and the ones skipped here with the reason. */
export async function storeFactories(): Promise<{ factories: StoreFactory[]; skipped: { name: string; reason: string }[] }> {
  const factories = [memoryFactory(), sqliteFactory()];
  const skipped: { name: string; reason: string }[] = [];
  const why = await postgresUnavailable();
  if (why === null) factories.push(postgresFactory());
  else skipped.push({ name: "postgres", reason: why });
  return { factories, skipped };
}
