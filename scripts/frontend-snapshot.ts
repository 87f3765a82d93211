/**
 * A snapshot of everything the front end produces, for refactoring it without changing what it
 * says: for every `.qg` file in the repository, a few synthetic policies, and deterministic
 * mutations of each (characters and tokens deleted, duplicated, inserted — error recovery's
 * inputs), the AST (spans included), the comments, the parse and check diagnostics and the IR,
 * one JSON file per input.
 *
 *   npx tsx scripts/frontend-snapshot.ts OUT_DIR            # write the snapshot
 *   npx tsx scripts/frontend-snapshot.ts OUT_DIR --compare  # compare with a snapshot written before
 *
 * Take the snapshot on the commit before a front-end change, then compare on the change. Not part
 * of the test suite: it is an instrument for one refactoring at a time (about 3,000 inputs).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { check } from "../src/check/index.js";
import { compilePolicyText } from "../src/compile.js";
import { Source } from "../src/source/span.js";
import { parse } from "../src/syntax/index.js";
import { syntheticPolicy } from "../test/bench/synthetic.js";

const [out, mode] = process.argv.slice(2);
if (out === undefined) {
  console.error("usage: frontend-snapshot OUT_DIR [--compare]");
  process.exit(2);
}
const compare = mode === "--compare";

/** A small deterministic generator (mutations must be the same on both sides). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const PIECES = ["{", "}", "(", ")", ",", ".", "rule", "deny", "when", "and", "or", "not", "1", "\"x\"", "serves", "on", "measure", "then", "if", "else", "..", "[", "]", "==", "<", "+", "，", "“x”", "'x'", "/*", "\"", "2017-13-40", "A8.Member-Cap", "within", "days", "小组", "\n"];

function mutations(text: string, seed: number, n: number): string[] {
  const rnd = lcg(seed);
  const result: string[] = [];
  for (let k = 0; k < n; k++) {
    const at = Math.floor(rnd() * text.length);
    const len = 1 + Math.floor(rnd() * 12);
    const kind = k % 4;
    if (kind === 0) result.push(text.slice(0, at) + text.slice(at + len));
    else if (kind === 1) result.push(text.slice(0, at) + text.slice(at, at + len) + text.slice(at));
    else if (kind === 2) result.push(text.slice(0, at) + " " + PIECES[Math.floor(rnd() * PIECES.length)] + " " + text.slice(at));
    else result.push(text.slice(0, at));
  }
  return result;
}

const files = execFileSync("git", ["ls-files", "*.qg"], { encoding: "utf8" }).trim().split("\n").sort();
const reference = readFileSync("policies/cac-2017.qg", "utf8");
const inputs: { name: string; text: string }[] = [];
files.forEach((f, i) => {
  const text = readFileSync(f, "utf8");
  inputs.push({ name: f, text });
  mutations(text, 1000 + i, 30).forEach((m, k) => inputs.push({ name: `${f}~${k}`, text: m }));
});
for (const n of [1, 10, 200]) inputs.push({ name: `synthetic-${n}.qg`, text: syntheticPolicy(reference, n) });
mutations(syntheticPolicy(reference, 20), 7, 60).forEach((m, k) => inputs.push({ name: `synthetic-20.qg~${k}`, text: m }));

function snapshot(name: string, text: string): string {
  const source = new Source(name, text);
  const parsed = parse(source);
  const checked = parsed.ast !== null && !parsed.diagnostics.some((d) => d.severity === "error") ? check(parsed.ast) : null;
  const compiled = compilePolicyText(text, name, { lenient: true });
  return JSON.stringify({ parsed, checked, ir: compiled.ir, compileDiagnostics: compiled.diagnostics }, null, 1);
}

if (!compare) mkdirSync(out, { recursive: true });
let differ = 0;
let missing = 0;
for (const { name, text } of inputs) {
  const file = join(out, name.replace(/[/~]/g, "__") + ".json");
  const now = snapshot(name, text);
  if (!compare) writeFileSync(file, now);
  else if (!existsSync(file)) missing++;
  else if (readFileSync(file, "utf8") !== now) {
    differ++;
    if (differ <= 10) console.log(`differs: ${name}`);
  }
}
if (compare) {
  const stored = readdirSync(out).length;
  console.log(`${inputs.length} inputs, ${differ} differ, ${missing} missing (snapshot has ${stored})`);
  process.exit(differ + missing > 0 || stored !== inputs.length ? 1 : 0);
}
console.log(`${inputs.length} inputs written to ${out}`);
