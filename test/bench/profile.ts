/**
 * One evaluator on the benchmark's workload, for the profiler (docs/performance.md):
 *
 *   npx tsc -p tsconfig.bench.json
 *   node --cpu-prof --cpu-prof-dir=prof node_modules/.cache/qungui-bench/test/bench/profile.js qungui [--all-decision] [--users N]
 *
 * Builds the population and the stream as `npm run bench` does (smaller by default: 200k users,
 * 20k groups, 300k events), loads the state, then runs the events through `qungui` or
 * `handwritten` three times over fresh thirds of the stream, printing CPU and wall time per event.
 * With `--latency`, each event of the last third is also timed on its own (as `npm run bench`
 * times its latency events) and the p50 and p99 are printed: with a small `--users` the state
 * fits in the processor's caches, which separates the engine's own cost from memory latency.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { compilePolicyText } from "../../src/compile.js";
import { compileProgram } from "../../src/engine/index.js";
import { zonedInstant } from "../../src/source/time.js";
import { DECIDED_EVENTS } from "../../src/vocab/events.js";
import { generateLines, generatePopulation } from "../../src/workload/generate.js";
import { HandWritten } from "./handwritten.js";
import { engineStateOf } from "./state.js";

const argv = process.argv.slice(2);
const which = argv[0] === "handwritten" ? "handwritten" : "qungui";
const allDecision = argv.includes("--all-decision");
const flag = (name: string, d: number): number => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : d);
const users = flag("--users", 200_000);
const events = flag("--events", 300_000);
const latency = argv.includes("--latency");

const ir = compilePolicyText(readFileSync("policies/cac-2017.qg", "utf8"), "policies/cac-2017.qg").ir!;
const program = compileProgram(ir);
const start = zonedInstant("2018-03-01T09:00", "Asia/Shanghai")!;
const pop = generatePopulation(ir, { seed: 2017, users, groups: users / 10, atMs: start - 86_400_000 });
const decided: ReadonlySet<string> = new Set(DECIDED_EVENTS);
const objs: unknown[] = [];
for (const line of generateLines(ir, { seed: 2018, events, users: Math.round(users * 1.05), startMs: start, meanGapMs: 100, malformedPerMille: 1, zone: "Asia/Shanghai", population: pop, jumpScale: 1e-4 })) {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    o = line;
  }
  if (!allDecision || decided.has((o as { type?: string }).type ?? "")) objs.push(o);
}
const st = which === "qungui" ? engineStateOf(pop) : null;
const hw = which === "handwritten" ? new HandWritten() : null;
hw?.load(pop);
const evaluate = st !== null ? (o: unknown) => program.evaluate(o, st) : (o: unknown) => hw!.evaluate(o);
const third = Math.floor(objs.length / 3);
const lat = new Float64Array(third);
for (let k = 0; k < 3; k++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  if (latency && k === 2) {
    for (let i = k * third; i < (k + 1) * third; i++) {
      const a = performance.now();
      evaluate(objs[i]);
      lat[i - k * third] = performance.now() - a;
    }
  } else for (let i = k * third; i < (k + 1) * third; i++) evaluate(objs[i]);
  const c = process.cpuUsage(c0);
  console.log(`${which}${allDecision ? " all-decision" : ""}: ${third} events, ${(((c.user + c.system) * 1000) / third).toFixed(0)} ns CPU, ${(((performance.now() - t0) * 1e6) / third).toFixed(0)} ns wall per event`);
}
if (latency) {
  const sorted = Float64Array.from(lat).sort();
  const us = (q: number): string => (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 1000).toFixed(2);
  console.log(`${which}: latency of ${third} events (${users} users), p50 ${us(0.5)} µs, p99 ${us(0.99)} µs`);
}
