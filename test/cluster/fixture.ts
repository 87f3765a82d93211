/**
 * What the cluster tests share: the built CLI (built when dist/ lacks the cluster commands), worker
 * child processes that can be SIGKILLed, and reads of the decision log from PostgreSQL.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";

export const ROOT = join(import.meta.dirname, "..", "..");
export const CLI = join(ROOT, "bin", "qungui.js");

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
