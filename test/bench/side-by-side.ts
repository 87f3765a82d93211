/**
 * `qungui run` against the hand-written Node pipeline (test/bench/pipeline.ts), side by side on
 * the same seeded events, file to file, each a process of its own (issue 13): the ratio of their
 * event rates (qungui ÷ pipeline, best of the rounds, run alternately so a busy neighbour costs
 * both alike), the rates, and the start-up time of each (the best wall time on an empty file).
 * Part of `npm run bench`; on its own (`npm run bench:pipeline`):
 *
 *   npx tsc -p tsconfig.bench.json && node node_modules/.cache/qungui-bench/test/bench/side-by-side.js [--lines 200000] [--rounds 3]
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { compilePolicyText } from "../../src/compile.js";
import { policyId } from "../../src/ir/identity.js";
import type { PolicyIR } from "../../src/ir/types.js";
import { zonedInstant } from "../../src/source/time.js";
import { generateLines } from "../../src/workload/generate.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const COMPILED = fileURLToPath(import.meta.url).endsWith(".js");
const ZONE = "Asia/Shanghai";

export interface Peer {
  /** Best wall time of the rounds, and the rate it gives. */
  seconds: number;
  eventsPerSecond: number;
  /** Best CPU time (user + system) of the rounds, and the rate it gives. */
  cpuSeconds: number;
  eventsPerCpuSecond: number;
  /** Best wall and CPU time on an empty input: start-up and exit. */
  startupSeconds: number;
  startupCpuSeconds: number;
  /** inputs/primary decisions/dead letters, as the summary line says. */
  counts: string;
}

export interface SideBySide {
  lines: number;
  rounds: number;
  qungui: Peer;
  pipeline: Peer;
  /** qungui's events per CPU second ÷ the pipeline's, start-up included (the figure the target is on). */
  ratio: number;
  /** The same without either's start-up CPU time (the stream alone). */
  ratioWithoutStartup: number;
  /** The same on wall time (noisy on a shared machine). */
  wallRatio: number;
}

/** Writes the benchmark's seeded events, the generator and options of the end-to-end run. */
export function writeEvents(ir: PolicyIR, file: string, lines: number, seed: number): void {
  const fd = openSync(file, "w");
  let buf: string[] = [];
  const opts = { seed: seed + 3, events: lines, users: 100_000, startMs: zonedInstant("2018-01-01T09:00", ZONE)!, meanGapMs: 100, malformedPerMille: 1, zone: ZONE, jumpScale: 1e-4 };
  for (const line of generateLines(ir, opts)) {
    buf.push(line);
    if (buf.length === 10_000) {
      writeSync(fd, buf.join("\n") + "\n");
      buf = [];
    }
  }
  if (buf.length) writeSync(fd, buf.join("\n") + "\n");
  closeSync(fd);
}

const GNU_TIME = existsSync("/usr/bin/time");

/**
 * One process's wall time, CPU time (user + system, by GNU time when there is one: on a machine
 * shared with other work the wall time measures the neighbours too) and its stderr.
 */
async function timed(args: string[], cwd: string): Promise<{ seconds: number; cpu: number; stderr: string }> {
  const timeFile = join(cwd, "time.txt");
  const t0 = performance.now();
  const child = GNU_TIME
    ? spawn("/usr/bin/time", ["-o", timeFile, "-f", "%U %S", process.execPath, ...args], { stdio: ["ignore", "ignore", "pipe"], cwd })
    : spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"], cwd });
  let err = "";
  child.stderr.on("data", (b: Buffer) => (err += b.toString("utf8")));
  const code = await new Promise<number>((r) => child.on("close", (c) => r(c ?? 1)));
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`${args.join(" ")} exited with ${code}: ${err.slice(0, 500)}`);
  let cpu = seconds;
  if (GNU_TIME) {
    const [u, sy] = readFileSync(timeFile, "utf8").trim().split(/\s+/).slice(-2).map(Number);
    if (Number.isFinite(u) && Number.isFinite(sy)) cpu = u! + sy!;
  }
  return { seconds, cpu, stderr: err };
}

/** `N events → D decisions + L dead letters` from a summary line. */
function countsOf(stderr: string): string {
  return /(\d+) events → (\d+) decisions \+ (\d+) dead letters/.exec(stderr)?.slice(1, 4).join("/") ?? "?";
}

export async function sideBySide(ir: PolicyIR, o: { root: string; lines: number; rounds: number; seed: number; log: (s: string) => void }): Promise<SideBySide> {
  const dir = mkdtempSync(join(tmpdir(), "qungui-side-"));
  try {
    const events = join(dir, "events.jsonl");
    const empty = join(dir, "empty.jsonl");
    writeEvents(ir, events, o.lines, o.seed);
    writeFileSync(empty, "");
    const id = policyId(ir);
    const policy = join(o.root, "policies/cac-2017.qg");
    const qungui = (input: string) => [join(o.root, "bin/qungui.js"), "run", policy, input, "--dead-letter", join(dir, "q-dead.jsonl"), "--now", "2030-01-01T00:00:00Z"];
    const script = COMPILED ? [join(HERE, "pipeline.js")] : ["--import", "tsx", join(HERE, "pipeline.ts")];
    const pipeline = (input: string) => [...script, input, join(dir, "p-decisions.jsonl"), join(dir, "p-dead.jsonl"), id];
    const best = { q: Infinity, p: Infinity, qs: Infinity, ps: Infinity, qc: Infinity, pc: Infinity, qsc: Infinity, psc: Infinity };
    let qCounts = "";
    let pCounts = "";
    for (let r = 0; r < o.rounds; r++) {
      const qs = await timed(qungui(empty), dir);
      const ps = await timed(pipeline(empty), dir);
      const q = await timed(qungui(events), dir);
      const p = await timed(pipeline(events), dir);
      best.qs = Math.min(best.qs, qs.seconds);
      best.ps = Math.min(best.ps, ps.seconds);
      best.qsc = Math.min(best.qsc, qs.cpu);
      best.psc = Math.min(best.psc, ps.cpu);
      best.q = Math.min(best.q, q.seconds);
      best.p = Math.min(best.p, p.seconds);
      best.qc = Math.min(best.qc, q.cpu);
      best.pc = Math.min(best.pc, p.cpu);
      qCounts = countsOf(q.stderr);
      pCounts = countsOf(p.stderr);
      o.log(`round ${r + 1}: qungui run ${q.seconds.toFixed(2)} s wall ${q.cpu.toFixed(2)} s CPU, pipeline ${p.seconds.toFixed(2)} s wall ${p.cpu.toFixed(2)} s CPU`);
    }
    if (qCounts.split("/")[0] !== pCounts.split("/")[0]) throw new Error(`qungui run and the pipeline read different events: ${qCounts} vs ${pCounts}`);
    if (qCounts !== pCounts) o.log(`note: counts differ (inputs/decisions/dead letters): qungui ${qCounts}, pipeline ${pCounts}`);
    const peer = (seconds: number, cpu: number, startup: number, startupCpu: number, counts: string): Peer => ({
      seconds,
      eventsPerSecond: o.lines / seconds,
      cpuSeconds: cpu,
      eventsPerCpuSecond: o.lines / cpu,
      startupSeconds: startup,
      startupCpuSeconds: startupCpu,
      counts,
    });
    const qp = peer(best.q, best.qc, best.qs, best.qsc, qCounts);
    const pp = peer(best.p, best.pc, best.ps, best.psc, pCounts);
    return {
      lines: o.lines,
      rounds: o.rounds,
      qungui: qp,
      pipeline: pp,
      ratio: best.pc / best.qc,
      ratioWithoutStartup: (best.pc - best.psc) / (best.qc - best.qsc),
      wallRatio: best.p / best.q,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The comparison as lines of text. */
export function describeSideBySide(s: SideBySide): string {
  const f = (n: number) => Math.round(n).toLocaleString("en-US");
  return [
    `qungui run vs hand-written pipeline, ${f(s.lines)} events file to file (best of ${s.rounds}): ratio ${s.ratio.toFixed(2)}× on CPU time (${s.ratioWithoutStartup.toFixed(2)}× without start-up; ${s.wallRatio.toFixed(2)}× on wall time)`,
    `  qungui run: ${f(s.qungui.eventsPerCpuSecond)} events/CPU-s (${s.qungui.cpuSeconds.toFixed(2)} s CPU), ${f(s.qungui.eventsPerSecond)} events/s wall; start-up ${s.qungui.startupSeconds.toFixed(2)} s wall, ${s.qungui.startupCpuSeconds.toFixed(2)} s CPU; counts ${s.qungui.counts}`,
    `  pipeline:   ${f(s.pipeline.eventsPerCpuSecond)} events/CPU-s (${s.pipeline.cpuSeconds.toFixed(2)} s CPU), ${f(s.pipeline.eventsPerSecond)} events/s wall; start-up ${s.pipeline.startupSeconds.toFixed(2)} s wall, ${s.pipeline.startupCpuSeconds.toFixed(2)} s CPU; counts ${s.pipeline.counts}`,
  ].join("\n");
}

// Run on its own.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  const num = (flag: string, d: number) => (argv.includes(flag) ? Number(argv[argv.indexOf(flag) + 1]) : d);
  let root = HERE;
  while (!existsSync(join(root, "package.json")) || !existsSync(join(root, "policies"))) root = dirname(root);
  const ir = compilePolicyText(readFileSync(join(root, "policies/cac-2017.qg"), "utf8"), "policies/cac-2017.qg").ir!;
  const s = await sideBySide(ir, { root, lines: num("--lines", 200_000), rounds: num("--rounds", 3), seed: num("--seed", 2017), log: (t) => process.stderr.write(`[bench] ${t}\n`) });
  process.stdout.write(describeSideBySide(s) + "\n");
}
