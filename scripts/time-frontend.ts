/**
 * Times the front end's stages on the bench's synthetic policy (test/bench/synthetic.ts), for
 * comparing two versions of the code on a shared machine: wall and CPU time per stage, median and
 * minimum of several runs after a warm-up. With `--single-threaded-gc` the collector runs on the
 * main thread, so CPU time is the process's own work, steadier than wall time under load.
 *
 *   npx esbuild scripts/time-frontend.ts --bundle --platform=node --format=esm \
 *     --outfile=node_modules/.cache/time-frontend.mjs --external:chevrotain --external:ajv --external:ajv-formats \
 *     '--banner:js=import{createRequire as __cr}from "module";const require=__cr(import.meta.url);'
 *   node --expose-gc --single-threaded-gc node_modules/.cache/time-frontend.mjs [rules=10000] [runs=7] [parse]
 *
 * (Bundled rather than run through tsx, whose esbuild settings wrap every closure in a naming call.)
 * `parse` times parsing alone. It prints the median and minimum of each stage in wall time and in
 * CPU time, and the load average before and after. docs/performance.md has figures taken with it.
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { check, typeOfExprs } from "../src/check/index.js";
import { compileProgram } from "../src/engine/index.js";
import { emitIR } from "../src/ir/emit.js";
import { Source } from "../src/source/span.js";
import { parse } from "../src/syntax/index.js";
import { syntheticPolicy } from "../test/bench/synthetic.js";

const reference = readFileSync("policies/cac-2017.qg", "utf8");
const rules = Number(process.argv[2] ?? 10_000);
const runs = Number(process.argv[3] ?? 7);
const parseOnly = process.argv[4] === "parse";
const text = syntheticPolicy(reference, rules);
const gc = (globalThis as { gc?: () => void }).gc;
const cpu = (from: NodeJS.CpuUsage): number => {
  const c = process.cpuUsage(from);
  return (c.user + c.system) / 1000;
};

parse(new Source("warm-up.qg", syntheticPolicy(reference, 50)));
const load0 = loadavg()[0]!;
/** Per run: wall then CPU milliseconds of each stage. */
const rows: { wall: number[]; cpu: number[] }[] = [];
for (let r = 0; r < runs; r++) {
  gc?.();
  const wall: number[] = [];
  const used: number[] = [];
  let c = process.cpuUsage();
  let t = performance.now();
  const lap = (): void => {
    const now = performance.now();
    wall.push(now - t);
    used.push(cpu(c));
    c = process.cpuUsage();
    t = performance.now();
  };
  const parsed = parse(new Source("synthetic.qg", text));
  lap();
  if (!parseOnly) {
    check(parsed.ast!);
    lap();
    const ir = emitIR(parsed.ast!, typeOfExprs(parsed.ast!), { text });
    lap();
    compileProgram(ir);
    lap();
    wall.push(wall.reduce((a, b) => a + b, 0));
    used.push(used.reduce((a, b) => a + b, 0));
  }
  rows.push({ wall, cpu: used });
}
const names = parseOnly ? ["parse"] : ["parse", "check", "emit", "program", "total"];
const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1]!;
const figure = (kind: "wall" | "cpu", i: number): string => {
  const xs = rows.map((x) => x[kind][i]!);
  return `${median(xs).toFixed(0)}/${Math.min(...xs).toFixed(0)}`;
};
console.log(`${rules} rules, ${runs} runs, load ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} (ms, median/min)`);
console.log(`  wall  ${names.map((n, i) => `${n} ${figure("wall", i)}`).join("  ")}`);
console.log(`  cpu   ${names.map((n, i) => `${n} ${figure("cpu", i)}`).join("  ")}`);
