/**
 * `qungui serve POLICY --port N [--store FILE]`: the HTTP decision API (src/http/server.ts) on a
 * durable store. The admin token that guards `POST /v1/policy` comes from `--token-file` or the
 * environment variable QUNGUI_ADMIN_TOKEN (never from argv, where `ps` would show it). Stops
 * cleanly on SIGINT/SIGTERM: requests in flight finish and are committed.
 */
import { readFileSync } from "node:fs";
import { compileProgram } from "../engine/index.js";
import { buildServer } from "../http/server.js";
import { createEngine } from "../service/engine.js";
import { MemoryStore } from "../store/memory.js";
import { openSqliteStore } from "../store/sqlite.js";
import { StoreError, type Store } from "../store/types.js";
import { EXIT, UsageError, type Io } from "./io.js";
import { requirePolicy } from "./load-policy.js";
import { parseDurability } from "./run-store.js";

export interface ServeFlags {
  port: string;
  host: string;
  store?: string;
  durability?: string;
  tokenFile?: string;
  bodyLimit?: string;
  maxBatch?: string;
  log?: boolean;
}

function intFlag(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(value)}`);
  return n;
}

function adminToken(flags: ServeFlags): string | undefined {
  if (flags.tokenFile !== undefined) {
    let t: string;
    try {
      t = readFileSync(flags.tokenFile, "utf8").trim();
    } catch (e) {
      throw new UsageError(`cannot read ${flags.tokenFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (t.length < 16) throw new UsageError(`the token in ${flags.tokenFile} is too short (16 characters at least)`);
    return t;
  }
  const env = process.env["QUNGUI_ADMIN_TOKEN"];
  if (env !== undefined && env.length > 0 && env.length < 16) throw new UsageError("QUNGUI_ADMIN_TOKEN is too short (16 characters at least)");
  return env === undefined || env.length === 0 ? undefined : env;
}

export async function runServe(policyFile: string, flags: ServeFlags, io: Io): Promise<number> {
  const port = intFlag("--port", flags.port, 8080, 0, 65535);
  const bodyLimit = intFlag("--body-limit", flags.bodyLimit, 4 * 1024 * 1024, 1024, 1024 * 1024 * 1024);
  const maxBatch = intFlag("--max-batch", flags.maxBatch, 10_000, 1, 1_000_000);
  const token = adminToken(flags);
  const ir = requirePolicy(policyFile, io);
  if (!ir) return EXIT.diagnostics;
  let store: Store;
  try {
    store = flags.store !== undefined ? openSqliteStore(flags.store, { synchronous: parseDurability(flags.durability) }) : new MemoryStore();
  } catch (e) {
    if (e instanceof StoreError) throw new UsageError(e.message);
    throw e;
  }
  let engine;
  try {
    engine = await createEngine(compileProgram(ir), { store, clock: () => Date.now() });
  } catch (e) {
    await store.close();
    if (e instanceof StoreError) throw new UsageError(`${flags.store ?? "store"}: ${e.message}`);
    throw e;
  }
  const app = await buildServer({ engine, adminToken: token, bodyLimit, maxBatch, logger: flags.log === true, policyName: policyFile });
  let address: string;
  try {
    address = await app.listen({ port, host: flags.host });
  } catch (e) {
    await store.close();
    throw new UsageError(`cannot listen on ${flags.host}:${port}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  io.err(
    `qungui serve: ${address} — policy ${engine.program.name} (${engine.policy.slice(0, 12)}), ` +
      `store ${flags.store ?? "in memory (not durable)"}, ${engine.position} journal entries recovered, ` +
      `policy reload ${token === undefined ? "disabled (no token)" : "enabled"}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await app.close();
  await engine.close();
  await store.close();
  io.err("qungui serve: stopped\n");
  return EXIT.ok;
}
