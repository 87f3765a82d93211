/**
 * Impact analysis on a recorded stream: the same events judged under the old and the new policy
 * (each with its own state, since a decision that differs changes what follows), and the
 * decisions that differ grouped by the pair of deciding rules and by requirement, with counts and
 * example event ids.
 */
import { compileProgram, emptyState, splitLines, type Decision, type Program } from "../engine/index.js";
import type { PolicyIR, VersionIR } from "../ir/types.js";

export interface ReplayGroup {
  /** `group.join: permit/group.join (allow) → limits/member-cap (deny)`. */
  key: string;
  type: string;
  from: { outcome: string; rule: string };
  to: { outcome: string; rule: string };
  count: number;
  /** Up to three event ids (or input line numbers for timer decisions). */
  examples: string[];
}

export interface ReplayDiff {
  inputs: number;
  /** Decisions compared (primary and timer decisions, position by position per input). */
  decisions: number;
  differing: number;
  /** Inputs one side took and the other refused as a dead letter. */
  deadLetterDifferences: number;
  byRule: ReplayGroup[];
  /** Requirement id → number of differing decisions citing it (on either side). */
  byRequirement: Record<string, number>;
}

/** A policy that judges every governed event by one of its versions (for `--from`/`--to`). */
export function pinnedTo(ir: PolicyIR, v: VersionIR): PolicyIR {
  return { ...ir, versions: [{ ...v, effective: ir.versions[0]!.effective }] };
}

function label(d: Decision | undefined): { outcome: string; rule: string } {
  return d ? { outcome: d.outcome, rule: d.rule } : { outcome: "none", rule: "—" };
}

export function replayDiff(oldIr: PolicyIR, newIr: PolicyIR, text: string): ReplayDiff {
  const programs: Program[] = [compileProgram(oldIr), compileProgram(newIr)];
  const states = [emptyState(), emptyState()];
  const groups = new Map<string, ReplayGroup>();
  const byRequirement: Record<string, number> = {};
  let inputs = 0;
  let decisions = 0;
  let differing = 0;
  let deadLetterDifferences = 0;
  const lines = splitLines(text);
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    inputs++;
    const [a, b] = programs.map((p, k) => p.evaluateLine(line, i + 1, states[k]!));
    if ((a!.deadLetter === undefined) !== (b!.deadLetter === undefined)) deadLetterDifferences++;
    const n = Math.max(a!.decisions.length, b!.decisions.length);
    for (let k = 0; k < n; k++) {
      const x = a!.decisions[k];
      const y = b!.decisions[k];
      decisions++;
      if (x && y && x.outcome === y.outcome && x.rule === y.rule) continue;
      differing++;
      const from = label(x);
      const to = label(y);
      const type = (y ?? x)!.type;
      const key = `${type}: ${from.rule} (${from.outcome}) → ${to.rule} (${to.outcome})`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { key, type, from, to, count: 0, examples: [] }));
      g.count++;
      const id = (y ?? x)!.event ?? `line ${i + 1}`;
      if (g.examples.length < 3 && !g.examples.includes(id)) g.examples.push(id);
      const reqs = new Set([...(x?.cites ?? []), ...(y?.cites ?? [])].map((c) => c.req));
      for (const r of reqs) byRequirement[r] = (byRequirement[r] ?? 0) + 1;
    }
  });
  const byRule = [...groups.values()].sort((p, q) => q.count - p.count || (p.key < q.key ? -1 : 1));
  return { inputs, decisions, differing, deadLetterDifferences, byRule, byRequirement };
}
