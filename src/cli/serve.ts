/**
 * `qungui serve [POLICY]`: the HTTP decision API (src/http/server.ts) on a durable store, configured
 * by flags, environment variables and a config file (./serve-config.ts).
 *
 * Start-up: the store is opened first (a bad path or URL is exit 2 with one line); then the server
 * listens — live at once, ready once the engine has recovered the store, which it retries while the
 * database is unreachable. The policy in force is the store's when it has one (a restart serves
 * what was reloaded); the policy file is the first policy of a new store, or, with
 * `--adopt-policy`, replaces the store's (journaled). Without a policy file the store's serves.
 *
 * Stop: SIGTERM or SIGINT drains (readiness 503, no new connections, requests in flight answered)
 * within `--grace`, then the engine and the store are closed and the process exits 0.
 */
import type { Program } from "../engine/index.js";
import { renderDiagnostics } from "../source/render.js";
import { loadStoredPolicy, StoredPolicyError } from "../store/stored-policy.js";
import { buildServer, drainServer } from "../http/server.js";
import { createEngine, type Engine } from "../service/engine.js";
import { describeStore, openStore } from "../store/open.js";
import { StoreError, type Store } from "../store/types.js";
import { EXIT, UsageError, type Io } from "./io.js";
import { requirePolicy } from "./load-policy.js";
import { resolveServeConfig, type ServeConfig } from "./serve-config.js";
import { adminToken, readPem } from "./serve-secrets.js";

/** The store's policy in force, for a server started without a policy file. */
async function storedProgram(store: Store): Promise<Program | null> {
  const key = (await store.stats()).policy;
  if (key === null) return null;
  const text = await store.getPolicy(key);
  if (text === null) throw new StoreError(`the store does not hold its policy ${key.slice(0, 12)}…`);
  return loadStoredPolicy(key, text, { wallClock: () => Date.now() }).program;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Opens the engine, retrying while the store fails transiently (the database is still starting). */
async function openEngine(program: Program, store: Store, c: ServeConfig, io: Io, stopping: () => boolean): Promise<Engine> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await createEngine(program, { store, clock: () => Date.now(), policy: c.adoptPolicy ? "given" : "stored" });
    } catch (e) {
      if (!(e instanceof StoreError) || !e.transient || stopping()) throw e;
      const wait = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
      io.err(`qungui serve: the store is not available (${e.message}); trying again in ${wait / 1000} s\n`);
      await sleep(wait);
    }
  }
}

export async function runServe(policyArg: string | undefined, flags: Record<string, unknown>, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const c = await resolveServeConfig(policyArg, flags, env);
  if (c.cluster) return (await import("./serve-cluster.js")).runServeCluster(c, io, env);
  const token = adminToken(c, env);
  const tls = c.tlsCert !== undefined && c.tlsKey !== undefined ? { cert: readPem(c.tlsCert), key: readPem(c.tlsKey) } : undefined;
  let given: Program | null = null;
  if (c.policy !== undefined) {
    const loaded = requirePolicy(c.policy, io, { wallClock: () => Date.now() });
    if (!loaded) return EXIT.diagnostics;
    given = loaded.program;
  }
  const where = c.store === undefined ? "memory (not durable)" : describeStore(c.store);
  let store: Store;
  try {
    store = await openStore(c.store ?? "memory:", { durability: c.durability });
  } catch (e) {
    if (e instanceof StoreError) throw new UsageError(e.message);
    throw e;
  }
  let program: Program;
  try {
    const stored = given === null ? await storedProgram(store) : null;
    if (given === null && stored === null) throw new UsageError(`no policy: give a policy file (${where} has no policy in force)`);
    program = (given ?? stored)!;
  } catch (e) {
    await store.close();
    if (e instanceof StoredPolicyError) {
      io.err(`${where}: ${e.message}\n` + renderDiagnostics(e.diagnostics, undefined, { color: io.color }) + "\n");
      return EXIT.diagnostics;
    }
    if (e instanceof StoreError) throw new UsageError(`${where}: ${e.message}`);
    throw e;
  }

  let stopping = false;
  const engine = openEngine(program, store, c, io, () => stopping);
  const app = await buildServer({
    engine,
    adminToken: token,
    bodyLimit: c.bodyLimit,
    maxBatch: c.maxBatch,
    logger: c.logLevel === "silent" ? false : { level: c.logLevel },
    policyName: c.policy ?? "policy.qg",
    clock: () => Date.now(),
    tickMs: c.tick,
    requestTimeoutMs: c.requestTimeout,
    headersTimeoutMs: c.headersTimeout,
    keepAliveTimeoutMs: c.keepAliveTimeout,
    ...(tls !== undefined ? { tls } : {}),
  });
  let address: string;
  try {
    address = await app.listen({ port: c.port, host: c.host });
    // fastify names the scheme from its own https option; this server's TLS is its factory's.
    if (tls !== undefined) address = address.replace(/^http:/, "https:");
  } catch (e) {
    stopping = true;
    await engine.then((x) => x.close()).catch(() => undefined);
    await store.close();
    throw new UsageError(`cannot listen on ${c.host}:${c.port}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  io.err(`qungui serve: ${address} — store ${where}, policy reload ${token === undefined ? "disabled (no token)" : "enabled"}, timers ${c.tick === 0 ? "fired by events only (--tick off)" : `fired by the wall clock every ${c.tick} ms`}; recovering\n`);

  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  const started = engine.then(
    (e) => {
      const differs = given !== null && e.policy !== given.id;
      io.err(
        `qungui serve: ready — policy ${e.program.name} (${e.policy.slice(0, 12)}, in force since journal position ${e.policySince}), ${e.position} journal entries recovered` +
          (differs ? `; the store's policy in force is not ${c.policy} (${given!.id.slice(0, 12)}): serving the store's (--adopt-policy switches to the file's)` : "") +
          "\n",
      );
      if (differs) app.log.warn({ policy: { stored: e.policy, file: given!.id } }, "the store's policy in force differs from the policy file; serving the store's");
      return null;
    },
    (e: unknown) => e,
  );
  const first = await Promise.race([signalled.then((s) => ({ signal: s })), started.then((failure) => ({ failure }))]);
  let code: number = EXIT.ok;
  if ("failure" in first && first.failure !== null) {
    // The store holds something this qungui cannot recover: say so and stop.
    const e = first.failure;
    io.err(`qungui: ${where}: ${e instanceof Error ? e.message : String(e)}\n`);
    code = EXIT.usage;
  } else if ("failure" in first) {
    await signalled;
  }
  stopping = true;
  const { cut } = await drainServer(app, c.grace);
  await engine.then((e) => e.close()).catch(() => undefined);
  await store.close();
  io.err(`qungui serve: stopped${cut > 0 ? ` (${cut} requests still in flight after ${c.grace} ms were cut)` : ""}\n`);
  return code;
}
