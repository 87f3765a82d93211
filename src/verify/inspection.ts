/**
 * A13.inspection as a stream property: for the decisions of a stream, an inspection export by
 * time range, group or user contains exactly the records that concern them, in the order made.
 * The expected set is computed here directly from the decisions, not through the log's filter.
 */
import type { Decision } from "../engine/decision.js";
import { DecisionLog, decisionTimeMs } from "../records/log.js";
import type { Violation } from "./oracle.js";

export function inspectionCompleteness(decisions: readonly Decision[], index: number): Violation[] {
  if (decisions.length === 0) return [];
  const log = new DecisionLog();
  for (const d of decisions) log.append(d);
  // A decision's time is its `at`, a timer decision's its `due` (records/log.ts).
  const times = decisions.map(decisionTimeMs);
  const mid = times[Math.floor(times.length / 2)]!;
  // The generator's own universe (g1, g2, u1…u4) is where histories are rich; members added by
  // `fill` steps are many and alike, so a few of them are enough.
  const groups = firstDistinct(decisions.map((d) => d.subject.group), 4);
  const users = firstDistinct(decisions.map((d) => d.subject.user), 6);
  const out: Violation[] = [];
  const expectEqual = (what: string, got: Decision[], want: Decision[]) => {
    if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
      out.push({ req: "A13.inspection", message: `inspection export ${what} returned ${got.length} records, expected ${want.length} in order`, index });
    }
  };
  expectEqual(`from ${decisions[0]!.at}`, log.export({ fromMs: mid }), decisions.filter((_, i) => times[i]! >= mid));
  expectEqual(`before ${decisions[0]!.at}`, log.export({ toMs: mid }), decisions.filter((_, i) => times[i]! < mid));
  for (const g of groups) {
    const want = decisions.filter((d) => d.subject.group === g || d.effects.some((e) => (e.kind === "measure" && "group" in e.target && e.target.group === g) || (e.kind === "tier" && e.group === g)));
    expectEqual(`for group ${g}`, log.export({ group: g }), want);
  }
  for (const u of users) {
    const want = decisions.filter((d) => d.subject.user === u || d.effects.some((e) => e.kind === "measure" && "user" in e.target && e.target.user === u));
    expectEqual(`for user ${u}`, log.export({ user: u }), want);
  }
  return out;
}

function firstDistinct(xs: readonly (string | undefined)[], n: number): string[] {
  const out = new Set<string>();
  for (const x of xs) {
    if (x !== undefined) out.add(x);
    if (out.size >= n) break;
  }
  return [...out];
}
