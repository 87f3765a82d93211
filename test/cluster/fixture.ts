/**
 * What the cluster tests share: the services a test block runs against (PostgreSQL, a three-node
 * NATS cluster, the built CLI), worker child processes that can be SIGKILLed, and reads of the
 * decision log from PostgreSQL.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { postgresUnavailable, startPostgres, type TestServer } from "../service/postgres.js";
import { natsUnavailable, startNatsCluster, type NatsCluster } from "./nats.js";

export const ROOT = join(import.meta.dirname, "..", "..");
export const CLI = join(ROOT, "bin", "qungui.js");

/** Why a cluster test block cannot run here (no `nats-server`, no PostgreSQL), or null; says so when it cannot. */
export async function clusterUnavailable(what: string): Promise<string | null> {
  const why = natsUnavailable() ?? (await postgresUnavailable());
  if (why !== null) console.warn(`skipping ${what}: ${why}`);
  return why;
}

/** The services of one test block, for its tests and for the hooks it registers after them. */
export interface ClusterServices {
  readonly nats: NatsCluster;
  readonly pg: TestServer;
  /** A new temporary directory, removed when the block ends. */
  tempDir(prefix: string): string;
}

/**
 * Starts PostgreSQL and a three-node NATS cluster (and builds the CLI if dist/ lacks the cluster
 * commands) before the tests of the `describe` block it is called in, and stops them, removing the
 * block's temporary directories, after. Hooks the block registers later run after these start and
 * before they stop (vitest runs `afterAll` hooks in reverse order).
 */
export function clusterServices(): ClusterServices {
  let nats: NatsCluster | undefined;
  let server: TestServer | undefined;
  const dirs: string[] = [];
  beforeAll(async () => {
    ensureBuilt();
    server = startPostgres();
    nats = await startNatsCluster();
  }, 300_000);
  afterAll(() => {
    nats?.stop();
    server?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const started = <T>(service: T | undefined, name: string): T => {
    if (service === undefined) throw new Error(`${name} is not running: use the cluster services in tests and hooks only`);
    return service;
  };
  return {
    get nats() {
      return started(nats, "the NATS cluster");
    },
    get pg() {
      return started(server, "PostgreSQL");
    },
    tempDir(prefix: string): string {
      const d = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(d);
      return d;
    },
  };
}

export function ensureBuilt(): void {
  if (!existsSync(join(ROOT, "dist", "cli", "worker.js"))) {
    execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.build.json")], { cwd: ROOT, stdio: "inherit" });
  }
}

/** Runs the CLI to completion; resolves with its exit code and output. */
export function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString("utf8")));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
    child.on("exit", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export interface WorkerProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/** Starts `qungui worker` as a child process; its log is appended to `logFile`. */
export function startWorker(name: string, natsUrls: string[], store: string, logFile: string, extra: string[] = []): WorkerProcess {
  const child = spawn(process.execPath, [CLI, "worker", "--name", name, "--nats", ...natsUrls, "--store", store, "--rebalance", "200", ...extra], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  const log = createWriteStream(logFile, { flags: "a" });
  child.stderr!.pipe(log);
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { name, child, exited };
}

export interface LoggedDecision {
  logSeq: number;
  p: number;
  streamSeq: number;
  eventId: string | null;
  primary: boolean;
  json: string;
}

export async function readLog(url: string, schema: string): Promise<{ decisions: LoggedDecision[]; deadLetters: { p: number; streamSeq: number; json: string }[] }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const d = await c.query(`SELECT log_seq, p, stream_seq, event_id, primary_decision, json FROM "${schema}".cluster_decisions ORDER BY log_seq`);
    const dl = await c.query(`SELECT p, stream_seq, json FROM "${schema}".cluster_dead_letters ORDER BY id`);
    return {
      decisions: d.rows.map((r) => ({ logSeq: Number(r.log_seq), p: Number(r.p), streamSeq: Number(r.stream_seq), eventId: r.event_id, primary: r.primary_decision, json: r.json })),
      deadLetters: dl.rows.map((r) => ({ p: Number(r.p), streamSeq: Number(r.stream_seq), json: r.json })),
    };
  } finally {
    await c.end();
  }
}

/** Total of decided messages (sum of the partitions' `consumed`). */
export async function consumedTotal(url: string, schema: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query(`SELECT coalesce(sum(consumed), 0)::bigint AS n FROM "${schema}".cluster_partitions`);
    return Number(r.rows[0].n);
  } finally {
    await c.end();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `done()` or the deadline (a safety net against a hang, not a timing assertion). */
export async function until(done: () => Promise<boolean>, deadlineMs: number, what: string): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`gave up waiting: ${what}`);
    await sleep(200);
  }
}
