/**
 * `npm run bench:cluster`: the cluster end to end on this machine — a 3-node JetStream cluster and a
 * PostgreSQL server on loopback (the tests' helpers), 1, 2 and 4 `qungui worker` processes.
 *
 * For each worker count, two rounds on a fresh stream and schema each:
 * - End to end: the workers are running (and own every partition) when `qungui ingest` starts
 *   publishing EVENTS events; events/s from the start of the publish to the last committed decision
 *   (publishing and deciding compete for the machine, as in production). Then latency: events are
 *   published one at a time at a steady rate; each one's latency is from just before its publish to
 *   the arrival of the worker's announcement, which is sent after the commit: p50 and p99.
 * - Backlog: EVENTS events published by `qungui ingest` with no worker running (its messages/s), then
 *   the workers are started on that backlog; events/s from the first commit to the last.
 * - Cost: PostgreSQL statements (each one round trip: the driver does not pipeline) and rows written
 *   per event, from the workers' own counts, and events per batch, for both rounds.
 *
 * The load average (1 min) is recorded before and after each round: on a shared machine the totals
 * move with it. Results go to bench/cluster.json and stdout. Needs the built CLI (npm run build) and
 * nats-server and PostgreSQL installed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { publishOne, messagesOf } from "../src/cluster/ingest.js";
import { partitionOwners } from "../src/cluster/locks.js";
import { connectNats } from "../src/cluster/nats.js";
import { compilePolicyText } from "../src/compile.js";
import { zonedInstant } from "../src/source/time.js";
import { partitionedStream } from "../test/cluster/workload.js";
import { natsUnavailable, startNatsCluster } from "../test/cluster/nats.js";
import { postgresUnavailable, startPostgres } from "../test/service/postgres.js";

const ROOT = join(import.meta.dirname, "..");
const CLI = join(ROOT, "bin", "qungui.js");
const PARTITIONS = 8;
const EVENTS = Number(process.env["BENCH_CLUSTER_EVENTS"] ?? 24_000);
const LATENCY_EVENTS = 400;
const LATENCY_RATE = 200; // events/s
const WORKER_COUNTS = [1, 2, 4];

const why = natsUnavailable() ?? (await postgresUnavailable());
if (why !== null) {
  console.error(`bench:cluster: ${why}`);
  process.exit(2);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function run(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    c.stderr.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
    c.on("exit", (code) => resolve({ code: code ?? -1, stderr }));
  });
}

const ir = compilePolicyText(readFileSync(join(ROOT, "policies/cac-2017.qg"), "utf8"), "cac-2017.qg").ir!;
const stream = partitionedStream(ir, { partitions: PARTITIONS, eventsPerPartition: Math.ceil(EVENTS / PARTITIONS), usersPerPartition: 800, seed: 3, startMs: zonedInstant("2017-10-01T09:00", "Asia/Shanghai")! });
const lines = stream.lines.slice(0, EVENTS);
const lastAt = stream.lastMs;
const eventsFile = writeTemp(lines);

const pgServer = startPostgres();
const nats = await startNatsCluster();
// Ctrl-C stops the servers too.
process.once("SIGINT", () => {
  nats.stop();
  pgServer.stop();
  process.exit(130);
});
const results: Record<string, unknown>[] = [];
const load = () => Number(loadavg()[0]!.toFixed(1));

interface WorkerRun {
  child: ChildProcess;
  log: string;
  exited: Promise<void>;
}
interface Cost {
  statements: number;
  rowsWritten: number;
  eventsPerBatch: number;
}

try {
  const client = new pg.Client({ connectionString: pgServer.url });
  await client.connect();
  const conn = await connectNats(nats.urls, "bench-cluster");
  const consumed = async (schema: string) => Number((await client.query(`SELECT coalesce(sum(consumed), 0)::bigint AS n FROM "${schema}".cluster_partitions`)).rows[0].n);
  const fresh = async (schema: string) => {
    await conn.jsm.streams.delete("QUNGUI").catch(() => undefined);
    const init = await run(["cluster", "init", join(ROOT, "policies/cac-2017.qg"), "--nats", ...nats.urls, "--store", `${pgServer.url}&schema=${schema}`, "--partitions", String(PARTITIONS)]);
    if (init.code !== 0) throw new Error(init.stderr);
  };
  const startWorkers = (n: number, schema: string): WorkerRun[] =>
    Array.from({ length: n }, (_, i) => {
      const child = spawn(process.execPath, [CLI, "worker", "--name", `b${i}`, "--nats", ...nats.urls, "--store", `${pgServer.url}&schema=${schema}`, "--rebalance", "200"], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
      const p: WorkerRun = { child, log: "", exited: new Promise<void>((r) => child.on("exit", () => r())) };
      child.stderr!.on("data", (b: Buffer) => (p.log += b.toString("utf8")));
      return p;
    });
  /** Stops the workers and adds up their own counts. */
  const stopWorkers = async (procs: WorkerRun[]): Promise<Cost> => {
    for (const p of procs) p.child.kill("SIGTERM");
    await Promise.all(procs.map((p) => p.exited));
    let statements = 0;
    let rows = 0;
    let messages = 0;
    let batches = 0;
    for (const p of procs) {
      const m = /stopped after (\d+) messages in (\d+) batches .*?, (\d+) PostgreSQL statements, (\d+) rows written/.exec(p.log);
      if (m === null) throw new Error(`worker log without its summary:\n${p.log}`);
      messages += Number(m[1]);
      batches += Number(m[2]);
      statements += Number(m[3]);
      rows += Number(m[4]);
    }
    return { statements: Number((statements / messages).toFixed(2)), rowsWritten: Number((rows / messages).toFixed(2)), eventsPerBatch: Number((messages / batches).toFixed(1)) };
  };
  const stored = async () => (await conn.jsm.streams.info("QUNGUI")).state.messages;

  for (const workers of WORKER_COUNTS) {
    // --- End to end: publish while the workers decide.
    const e2eSchema = `bench_e2e_${workers}`;
    await fresh(e2eSchema);
    const procs = startWorkers(workers, e2eSchema);
    for (;;) {
      const owners = await partitionOwners(client, e2eSchema);
      if (owners.size === PARTITIONS) break;
      await sleep(100);
    }
    const loadBefore = load();
    const t0 = performance.now();
    const ing = await run(["ingest", eventsFile, "--nats", ...nats.urls]);
    if (ing.code !== 0) throw new Error(ing.stderr);
    const total = await stored();
    while ((await consumed(e2eSchema)) < total) await sleep(20);
    const e2eSeconds = (performance.now() - t0) / 1000;
    const loadAfter = load();

    // Latency: one event at a time at a steady rate, each a new user registering after the stream.
    const sent = new Map<string, number>();
    const decided = new Map<string, number>();
    const sub = conn.nc.subscribe("qungui.decided.*", {
      callback: (err, msg) => {
        if (err !== null) return;
        const a = JSON.parse(msg.string()) as { d: [string | null, boolean, string][] };
        for (const [id, primary] of a.d) if (id !== null && primary && sent.has(id)) decided.set(id, performance.now());
      },
    });
    for (let i = 0; i < LATENCY_EVENTS; i++) {
      const id = `lat-${workers}-${i}`;
      const line = JSON.stringify({ id, type: "user.registered", at: new Date(lastAt + 86_400_000 + i * 1000).toISOString(), user: `lat-user-${i}` });
      const r = messagesOf(line, i + 1, { partitions: PARTITIONS, maxPayload: 1 << 20 });
      if ("deadLetter" in r) throw new Error(r.deadLetter.reason);
      sent.set(id, performance.now());
      await publishOne(conn.js, r.messages[0]!, 30_000);
      await sleep(1000 / LATENCY_RATE);
    }
    while (decided.size < LATENCY_EVENTS) await sleep(50);
    sub.unsubscribe();
    const lat = [...decided].map(([id, at]) => at - sent.get(id)!).sort((a, b) => a - b);
    const e2eCost = await stopWorkers(procs);

    // --- Backlog: published first, then decided.
    const schema = `bench_${workers}`;
    await fresh(schema);
    const ingBacklog = await run(["ingest", eventsFile, "--nats", ...nats.urls]);
    if (ingBacklog.code !== 0) throw new Error(ingBacklog.stderr);
    const ingestRate = Number((/([0-9,]+) messages\/s/.exec(ingBacklog.stderr)?.[1] ?? "0").replace(/,/g, ""));
    const backlog = await stored();
    const backlogLoad = load();
    const w0 = performance.now();
    const bprocs = startWorkers(workers, schema);
    while ((await consumed(schema)) < backlog) await sleep(50);
    const wall = (performance.now() - w0) / 1000;
    const span = (await client.query(`SELECT min(committed_at)::bigint AS a, max(committed_at)::bigint AS b FROM "${schema}".cluster_decisions`)).rows[0];
    const seconds = Math.max(0.001, (Number(span.b) - Number(span.a)) / 1000);
    const backlogCost = await stopWorkers(bprocs);

    const result = {
      workers,
      partitions: PARTITIONS,
      events: total,
      endToEnd: {
        eventsPerSecond: Math.round(total / e2eSeconds),
        seconds: Number(e2eSeconds.toFixed(1)),
        loadAverage: [loadBefore, loadAfter],
        latencyMs: { p50: Number(lat[Math.floor(lat.length * 0.5)]!.toFixed(1)), p99: Number(lat[Math.floor(lat.length * 0.99)]!.toFixed(1)), rate: LATENCY_RATE },
        perEvent: e2eCost,
      },
      backlog: {
        eventsPerSecond: Math.round(backlog / seconds),
        decideSeconds: Number(seconds.toFixed(1)),
        wallSecondsWithStartup: Number(wall.toFixed(1)),
        loadAverage: [backlogLoad, load()],
        ingestMessagesPerSecond: ingestRate,
        perEvent: backlogCost,
      },
    };
    results.push(result);
    console.log(JSON.stringify(result));
  }
  await conn.close();
  await client.end();
} finally {
  nats.stop();
  pgServer.stop();
}
mkdirSync(join(ROOT, "bench"), { recursive: true });
writeFileSync(join(ROOT, "bench", "cluster.json"), JSON.stringify({ machine: "see docs/cluster.md", results }, null, 2) + "\n");

function writeTemp(ls: string[]): string {
  const f = join(ROOT, "node_modules", ".cache", "qungui-bench-cluster.jsonl");
  mkdirSync(join(ROOT, "node_modules", ".cache"), { recursive: true });
  writeFileSync(f, ls.join("\n") + "\n");
  return f;
}
