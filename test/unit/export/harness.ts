/**
 * Runs event streams through our evaluator and, for every decided event, through json-rules-engine
 * running the export with facts from our state tracker; returns what disagreed.
 */
import type { PolicyIR } from "../../../src/ir/types.js";
import { compileProgram, type EngineState } from "../../../src/engine/index.js";
import { FactExtractor, prepareLine, type Facts } from "../../../src/export/facts.js";
import { exportJsonRulesEngine, type JreExport } from "../../../src/export/json-rules-engine.js";
import { JreRunner } from "../../bench/jre.js";

export interface DiffResult {
  events: number;
  decided: number;
  /** Deciding rule → decided events. */
  rules: Map<string, number>;
  mismatches: string[];
  export: JreExport;
  evaluatorMs: number;
  jreMs: number;
}

interface Case {
  line: string;
  version: number;
  facts: Facts;
  outcome: string;
  rule: string;
}

export async function differential(ir: PolicyIR, streams: readonly { lines: Iterable<string>; state: EngineState }[]): Promise<DiffResult> {
  const exported = exportJsonRulesEngine(ir);
  if (exported.export === null) throw new Error(exported.problems.join("; "));
  const exp = exported.export;
  const program = compileProgram(ir);
  const extractor = new FactExtractor(ir, exp);
  const jre = new JreRunner(exp);
  const t0 = performance.now();
  const cases: Case[] = [];
  let events = 0;
  for (const { lines, state } of streams) {
    let n = 0;
    for (const line of lines) {
      n++;
      events++;
      const p = prepareLine(program, line, n, state);
      const f = p.event === undefined ? null : extractor.facts(p.event, state, p.now);
      const r = program.evaluateLine(line, n, state);
      if (f === null) continue;
      const d = r.decisions[r.decisions.length - 1];
      if (d === undefined) throw new Error(`no primary decision for ${line}`);
      cases.push({ line, version: f.version, facts: f.facts, outcome: d.outcome, rule: d.rule });
    }
  }
  const evaluatorMs = performance.now() - t0;
  const t1 = performance.now();
  const mismatches: string[] = [];
  const rules = new Map<string, number>();
  for (const c of cases) {
    const j = await jre.decide(c.version, c.facts);
    rules.set(c.rule, (rules.get(c.rule) ?? 0) + 1);
    if (j.outcome !== c.outcome || j.rule !== c.rule) {
      mismatches.push(`qungui ${c.outcome} ${c.rule}, json-rules-engine ${j.outcome} ${j.rule}\n  event: ${c.line}\n  facts: ${JSON.stringify(c.facts)}`);
    }
  }
  return { events, decided: cases.length, rules, mismatches, export: exp, evaluatorMs, jreMs: performance.now() - t1 };
}
