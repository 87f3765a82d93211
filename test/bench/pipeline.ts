/**
 * The hand-written Node pipeline that `qungui run` is measured against end to end (issue 13):
 * what an engineer would write without qungui to decide a JSON Lines file with the reference
 * policy — read the file in chunks, `JSON.parse` each line, decide it with plain code
 * (test/bench/handwritten.ts), `JSON.stringify` a decision of the same shape (with `policyName`
 * and `policyId`), and write decisions and dead letters to their files in large buffered writes.
 *
 *   node node_modules/.cache/qungui-bench/test/bench/pipeline.js EVENTS.jsonl DECISIONS.jsonl DEAD.jsonl POLICY_ID
 *
 * It prints `N events → D decisions + L dead letters` on stderr like `qungui run`, so
 * `npm run bench` can check that both read the same events and agree on the counts. It does no
 * more checking than the hand-written evaluator: no UTF-8 validation, no line-length limit, no
 * redaction of what a dead letter quotes beyond the evaluator's own.
 */
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { HandWritten } from "./handwritten.js";

const [eventsFile, decisionsFile, deadFile, policyId] = process.argv.slice(2);
if (eventsFile === undefined || decisionsFile === undefined || deadFile === undefined || policyId === undefined) {
  process.stderr.write("usage: pipeline EVENTS DECISIONS DEAD POLICY_ID\n");
  process.exit(2);
}

/** Buffered output: lines joined and written a megabyte at a time. */
class Out {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly fd: number) {}
  line(s: string): void {
    this.parts.push(s);
    this.size += s.length + 1;
    if (this.size > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.parts.length === 0) return;
    writeSync(this.fd, this.parts.join("\n") + "\n");
    this.parts = [];
    this.size = 0;
  }
}

const hw = new HandWritten();
const out = new Out(openSync(decisionsFile, "w"));
const dead = new Out(openSync(deadFile, "w"));
const stamp = `,"policyName":"cac-2017","policyId":${JSON.stringify(policyId)}}`;
let inputs = 0;
let primary = 0;
let deadLetters = 0;
let lineNo = 0;

function decide(line: string): void {
  lineNo++;
  if (line.trim() === "") return;
  inputs++;
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    deadLetters++;
    dead.line(JSON.stringify({ line: lineNo, reason: "invalid JSON", raw: `[withheld: not JSON, ${line.length} characters]` }));
    return;
  }
  const r = hw.evaluate(o);
  for (const d of r.decisions) {
    if (d.trigger !== "timer") primary++;
    const json = JSON.stringify(d);
    out.line(json.slice(0, -1) + stamp);
  }
  if (r.deadLetter) {
    deadLetters++;
    dead.line(JSON.stringify({ ...r.deadLetter, line: lineNo }));
  }
}

const t0 = performance.now();
const fd = openSync(eventsFile, "r");
const chunk = Buffer.allocUnsafe(1 << 20);
let rest = "";
for (;;) {
  const n = readSync(fd, chunk, 0, chunk.length, null);
  if (n === 0) break;
  // A chunk may end inside a multi-byte character: decode up to the last newline only.
  const last = chunk.lastIndexOf(0x0a, n - 1);
  if (last < 0) {
    // A line longer than a chunk (none in the benchmark's events); decoded as it comes.
    rest += chunk.toString("utf8", 0, n);
    continue;
  }
  const lines = (rest + chunk.toString("utf8", 0, last)).split("\n");
  rest = chunk.toString("utf8", last + 1, n);
  for (const line of lines) decide(line);
}
if (rest !== "") decide(rest);
closeSync(fd);
out.flush();
dead.flush();
const seconds = (performance.now() - t0) / 1000;
process.stderr.write(`pipeline: ${inputs} events → ${primary} decisions + ${deadLetters} dead letters, ${Math.round(inputs / seconds)} events/s\n`);
