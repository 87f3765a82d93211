/**
 * What the playground computes, without the page: compile a policy text, run an events text
 * through it (the same `runStream` as `qungui run`), collect rule and requirement coverage, and
 * explain one event after replaying the ones before it. The page (./app/main.ts) renders these;
 * test/browser/playground.test.ts compares its counts with `qungui run`'s.
 */
import { compilePolicyText } from "../compile.js";
import { emptyState, inputLine, runnableProgram, runStream, splitLines, type Decision, type DeadLetter, type Explanation, type Program, type StreamCounts } from "../engine/index.js";
import type { PolicyIR } from "../ir/types.js";
import { REQUIREMENTS } from "../law/articles.js";
import { coverageUniverse, exercised, type CoverageItem } from "../policytest/coverage.js";

export interface Compiled {
  ir: PolicyIR;
  program: Program;
}

/** The policy's IR and program, or null when it has errors (the editor shows them). */
export function compileForPlayground(text: string, file: string): Compiled | null {
  const r = compilePolicyText(text, file, { selfCheck: false });
  const { program } = runnableProgram(r.ir, r.diagnostics, file);
  return r.ir && program ? { ir: r.ir, program } : null;
}

export interface Row {
  /** 1-based line of the event in the events text. */
  line: number;
  decision?: Decision;
  deadLetter?: DeadLetter;
}

export interface CoverageLine {
  name: string;
  kind: string;
  hits: number;
}

export interface RunResult {
  counts: StreamCounts;
  rows: Row[];
  rules: CoverageLine[];
  requirements: CoverageLine[];
}

export function runEvents(c: Compiled, eventsText: string): RunResult {
  const rows: Row[] = [];
  let line = 0;
  const lines = splitLines(eventsText);
  // runStream numbers lines itself; the sinks are called in input order, so the current line is known.
  const numbered = (function* () {
    for (const l of lines) {
      line++;
      yield l;
    }
  })();
  const counts = runStream(c.program, numbered, emptyState(), {
    decision: (_json, d) => rows.push({ line, decision: d }),
    deadLetter: (_json, dl) => rows.push({ line, deadLetter: dl }),
  });
  const hits = new Map<string, number>();
  const cited = new Map<string, number>();
  for (const r of rows) {
    if (!r.decision) continue;
    for (const name of exercised(r.decision)) hits.set(name, (hits.get(name) ?? 0) + 1);
    for (const cite of r.decision.cites) cited.set(cite.req, (cited.get(cite.req) ?? 0) + 1);
  }
  const rules = coverageUniverse(c.ir).map((i: CoverageItem) => ({ name: i.name, kind: i.kind, hits: hits.get(i.name) ?? 0 }));
  const requirements = REQUIREMENTS.filter((r) => r.kind !== "doc").map((r) => ({ name: r.id, kind: r.kind, hits: cited.get(r.id) ?? 0 }));
  return { counts, rows, rules, requirements };
}

/** Explains the event on `line` (1-based) after replaying every event before it. */
export function explainLine(c: Compiled, eventsText: string, line: number): Explanation | null {
  const lines = splitLines(eventsText);
  const target = lines[line - 1];
  if (target === undefined || inputLine(target) === null) return null;
  const state = emptyState();
  for (let i = 0; i < line - 1; i++) {
    const l = inputLine(lines[i]!);
    if (l !== null) c.program.evaluateLine(l, i + 1, state);
  }
  return c.program.explain(inputLine(target)!, state);
}
