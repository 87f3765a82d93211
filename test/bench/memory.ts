/**
 * Memory of a loaded state, measured in a process of its own (`node --expose-gc --import tsx
 * test/bench/memory.ts qungui|handwritten USERS GROUPS SEED`): the population is generated, loaded,
 * dropped, and the heap collected before RSS and heap are read. Prints one JSON line.
 */
import { readFileSync } from "node:fs";
import { compilePolicyText } from "../../src/compile.js";
import { generatePopulation } from "../../src/workload/generate.js";
import { HandWritten } from "./handwritten.js";
import { engineStateOf } from "./state.js";

const [which, usersArg, groupsArg, seedArg] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
const collect = (): void => {
  for (let i = 0; i < 3; i++) gc?.();
};

const ir = compilePolicyText(readFileSync("policies/cac-2017.qg", "utf8"), "policies/cac-2017.qg").ir!;
collect();
const base = process.memoryUsage();
let pop: ReturnType<typeof generatePopulation> | null = generatePopulation(ir, { seed: Number(seedArg), users: Number(usersArg), groups: Number(groupsArg), atMs: Date.UTC(2018, 2, 1) });
const memberships = pop.groups.reduce((n, g) => n + g.members.length, 0);
let keep: unknown;
if (which === "qungui") keep = engineStateOf(pop);
else {
  const hw = new HandWritten();
  hw.load(pop);
  keep = hw;
}
pop = null;
collect();
const after = process.memoryUsage();
console.log(JSON.stringify({ which, users: Number(usersArg), groups: Number(groupsArg), memberships, baseRss: base.rss, baseHeap: base.heapUsed, rss: after.rss, heapUsed: after.heapUsed, kept: keep !== undefined }));
