/**
 * `npm run bench:http`: load test of the HTTP decision API. Starts the built `qungui serve` on
 * 127.0.0.1 (a free port, a SQLite store in a temporary directory, durability `full` unless
 * QUNGUI_BENCH_DURABILITY=normal; with QUNGUI_BENCH_STORE=postgres, a PostgreSQL server of its own
 * with fsync on, started like the tests' (test/service/postgres.ts), or the one at
 * QUNGUI_TEST_PG_URL), then autocannon posts batches of 100 distinct events from a
 * seeded stream over 50 connections for 10 seconds (QUNGUI_BENCH_SECONDS). Reports events and
 * decisions per second, latency percentiles per request, and the server's own counts from /metrics;
 * the server's CPU time (process and main thread, Linux) and decisions per second of it, the
 * client's CPU time and the load average, since the machine it runs on may be shared.
 *
 * Needs `npm run build` first (it runs dist/, as production does). Target: ≥ 20 000 decisions/s.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { compilePolicyText } from "../src/compile.js";
import { formatInstant, zonedInstant } from "../src/source/time.js";
import { generateLines } from "../src/workload/generate.js";
import { startPostgres, type TestServer } from "../test/service/postgres.js";

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; max: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  "2xx": number;
}
type Autocannon = (opts: Record<string, unknown>, cb: (err: Error | null, result: AutocannonResult) => void) => unknown;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

const ROOT = join(import.meta.dirname, "..");
const SECONDS = Number(process.env["QUNGUI_BENCH_SECONDS"] ?? 10);
const CONNECTIONS = 50;
const BATCH = 100;
const DURABILITY = process.env["QUNGUI_BENCH_DURABILITY"] ?? "full";
const STORE_KIND = process.env["QUNGUI_BENCH_STORE"] ?? "sqlite";

if (!existsSync(join(ROOT, "dist", "cli", "serve.js"))) {
  console.error("bench:http runs the built server: run `npm run build` first");
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), "qungui-bench-http-"));
const policyPath = join(ROOT, "policies", "cac-2017.qg");
const { ir } = compilePolicyText(readFileSync(policyPath, "utf8"), policyPath);
if (ir === null) throw new Error("the reference policy does not compile");
const policyJson = join(dir, "policy.json");
writeFileSync(policyJson, JSON.stringify(ir));

// Enough distinct events for the run at 50 000 events/s; well-formed only (malformed ones are 400s).
const wanted = Math.max(100_000, SECONDS * 50_000);
console.error(`generating ${wanted.toLocaleString("en-US")} events…`);
const lines = [
  ...generateLines(ir, {
    seed: 99,
    events: wanted,
    users: 20_000,
    startMs: zonedInstant("2017-10-08T09:00", "Asia/Shanghai")!,
    meanGapMs: 60_000,
    malformedPerMille: 0,
    zone: "Asia/Shanghai",
  }),
];
// Each event gets its `at` when it is sent: event time runs at SPEEDUP × the bench's wall clock, so
// batches that overtake each other on the 50 connections stay within the policy's tolerance (5
// minutes), as live traffic does. The generator's own jumps (days between events) would make most
// of a reordered batch "older than the clock" dead letters.
const SPEEDUP = 60;
const AT = /"at":"[^"]*"/;
const batches: string[][] = [];
for (let i = 0; i + BATCH <= lines.length; i += BATCH) batches.push(lines.slice(i, i + BATCH));
const baseMs = zonedInstant("2017-10-09T00:00", "Asia/Shanghai")!;
let wallStart = 0;
function body(k: number): string {
  const now = baseMs + (Date.now() - wallStart) * SPEEDUP;
  const b = batches[k % batches.length]!;
  let out = "[";
  for (let j = 0; j < b.length; j++) out += (j ? "," : "") + b[j]!.replace(AT, `"at":"${formatInstant(now + j, "+08:00")}"`);
  return out + "]";
}

// QUNGUI_BENCH_PROF=DIR writes a V8 CPU profile of the server there.
const prof = process.env["QUNGUI_BENCH_PROF"] ? ["--cpu-prof", `--cpu-prof-dir=${process.env["QUNGUI_BENCH_PROF"]}`] : [];
// A larger young generation: the server allocates many short-lived strings per event, and the
// default 16 MB semi-space promotes them to the old generation (GC was a fifth of the profile).
// Set QUNGUI_BENCH_NODE_FLAGS="" to measure Node's defaults.
const nodeFlags = (process.env["QUNGUI_BENCH_NODE_FLAGS"] ?? "--max-semi-space-size=64").split(" ").filter(Boolean);
let pg: TestServer | null = null;
let storeArg = join(dir, "bench.db");
if (STORE_KIND === "postgres") {
  pg = startPostgres({ fsync: true });
  storeArg = `${pg.url}${pg.url.includes("?") ? "&" : "?"}schema=bench_${process.pid}`;
}
// The events are of 2017: the wall-clock timer tick would move the engine clock to today, so it is
// off (the tick costs a heap peek a second when no timer is due). Logs at warn: the server's
// request log is not what is measured.
const server = spawn(
  process.execPath,
  [...nodeFlags, ...prof, join(ROOT, "bin", "qungui.js"), "serve", policyJson, "--port", "0", "--host", "127.0.0.1", "--store", storeArg, "--durability", DURABILITY, "--max-batch", "1000", "--tick", "off", "--log-level", "warn"],
  { cwd: ROOT, stdio: ["ignore", "inherit", "pipe"] },
);
const url = await new Promise<string>((resolve, reject) => {
  let err = "";
  server.stderr!.on("data", (b: Buffer) => {
    err += b.toString("utf8");
    const m = /qungui serve: (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
    if (m && (/qungui serve: ready/.test(err) || !/recovering/.test(err))) resolve(m[1]!);
  });
  server.on("exit", (code) => reject(new Error(`server exited (${code}): ${err}`)));
});

/**
 * CPU seconds (user + system) used so far by the server process (all its threads) and by its main
 * thread alone (the event loop: requests, the engine), from /proc (Linux); null elsewhere. The
 * machine is shared: decisions per second of the server's own CPU time is the figure another job
 * on it disturbs least, and the main thread's share says how far one core would carry.
 */
function cpuSeconds(pid: number | undefined): { process: number; mainThread: number } | null {
  const ticks = (path: string) => {
    const stat = readFileSync(path, "utf8");
    // Fields after the command name (in parentheses, may contain spaces): utime is the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks: USER_HZ is 100 on Linux
  };
  try {
    return { process: ticks(`/proc/${pid}/stat`), mainThread: ticks(`/proc/${pid}/task/${pid}/stat`) };
  } catch {
    return null;
  }
}

let next = 0;
let exhausted = false;
const cpuBefore = cpuSeconds(server.pid);
const clientCpuBefore = process.cpuUsage();
wallStart = Date.now();
console.error(`${url}: ${CONNECTIONS} connections, batches of ${BATCH}, ${SECONDS} s, durability ${DURABILITY}`);
const result = await new Promise<AutocannonResult>((resolve, reject) => {
  autocannon(
    {
      url,
      connections: CONNECTIONS,
      duration: SECONDS,
      requests: [
        {
          method: "POST",
          path: "/v1/decide",
          headers: { "content-type": "application/json" },
          setupRequest: (req: Record<string, unknown>) => {
            if (next >= batches.length) exhausted = true;
            req["body"] = body(next++);
            return req;
          },
        },
      ],
    },
    (err, res) => (err ? reject(err) : resolve(res)),
  );
});

const cpuAfter = cpuSeconds(server.pid);
const clientCpu = process.cpuUsage(clientCpuBefore);
const metrics = await (await fetch(`${url}/metrics`)).text();
server.kill("SIGTERM");
await new Promise((r) => server.on("exit", r));
pg?.stop();
rmSync(dir, { recursive: true, force: true });

const counter = (name: string) =>
  metrics
    .split("\n")
    .filter((l) => l.startsWith(name) && !l.startsWith("#"))
    .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
const events = counter("qungui_events_total");
const decisions = counter("qungui_decisions_total");
const dead = counter("qungui_dead_letters_total");
const seconds = result.duration;
const round2 = (x: number) => Math.round(x * 100) / 100;
const report = {
  connections: CONNECTIONS,
  batch: BATCH,
  seconds,
  store: STORE_KIND,
  durability: DURABILITY,
  nodeFlags: nodeFlags.join(" "),
  requestsPerSecond: Math.round(result.requests.average),
  eventsPerSecond: Math.round(events / seconds),
  decisionsPerSecond: Math.round(decisions / seconds),
  serverCpuSeconds: cpuBefore === null || cpuAfter === null ? null : round2(cpuAfter.process - cpuBefore.process),
  serverMainThreadCpuSeconds: cpuBefore === null || cpuAfter === null ? null : round2(cpuAfter.mainThread - cpuBefore.mainThread),
  decisionsPerServerCpuSecond: cpuBefore === null || cpuAfter === null ? null : Math.round(decisions / Math.max(0.01, cpuAfter.process - cpuBefore.process)),
  clientCpuSeconds: round2((clientCpu.user + clientCpu.system) / 1e6),
  loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
  events,
  decisions,
  deadLetters: dead,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  reusedEvents: exhausted,
};
console.log(JSON.stringify(report, null, 2));
console.error(
  `bench:http: ${report.decisionsPerSecond.toLocaleString("en-US")} decisions/s (${report.eventsPerSecond.toLocaleString("en-US")} events/s), ` +
    `p99 ${report.latencyMs.p99} ms per request of ${BATCH}, ${report.decisionsPerServerCpuSecond?.toLocaleString("en-US") ?? "?"} decisions per server CPU second (main thread ${report.serverMainThreadCpuSeconds ?? "?"} of ${report.serverCpuSeconds ?? "?"} CPU s), load ${report.loadAverage[0]}, ${dead} dead letters, ${result.non2xx} non-2xx — target ≥ 20,000 decisions/s: ${report.decisionsPerSecond >= 20_000 ? "met" : "NOT met"}`,
);
