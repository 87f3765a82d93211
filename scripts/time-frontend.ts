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
 * `parse` times parsing alone. docs/performance.md ("Allocation") has figures taken with it.
 */
import { readFileSync } from "node:fs";
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
const rows: number[][] = [];
for (let r = 0; r < runs; r++) {
  gc?.();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const parsed = parse(new Source("synthetic.qg", text));
  const t1 = performance.now();
  if (parseOnly) {
    rows.push([t1 - t0, cpu(c0)]);
    continue;
  }
  check(parsed.ast!);
  const t2 = performance.now();
  const ir = emitIR(parsed.ast!, typeOfExprs(parsed.ast!), { text });
  const t3 = performance.now();
  compileProgram(ir);
  const t4 = performance.now();
  rows.push([t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0, cpu(c0)]);
}
const names = parseOnly ? ["parse", "parse-cpu"] : ["parse", "check", "emit", "program", "total", "cpu"];
const median = (i: number): number => rows.map((x) => x[i]!).sort((a, b) => a - b)[rows.length >> 1]!;
const least = (i: number): number => Math.min(...rows.map((x) => x[i]!));
console.log(`${rules} rules, ${runs} runs (ms, median/min): ` + names.map((n, i) => `${n} ${median(i).toFixed(0)}/${least(i).toFixed(0)}`).join("  "));
