/**
 * The decision log as Article 13 sees it: every decision is a record, kept in order; an inspection
 * exports the records of a time range, optionally of one group or one user, complete and in the
 * order they were made. The durable stores implement the same filter, and `verify` checks it.
 */
import type { Decision } from "../engine/decision.js";
import { parseRfc3339 } from "../source/time.js";

/**
 * Which decisions an inspection selects (`Store.exportDecisions`, {@link DecisionLog.export},
 * `qungui records export`): those whose `at` is in `[fromMs, toMs)` and that concern the group and
 * the user given. A decision concerns a group or user when it is its subject or the target of one
 * of its effects. Omitted fields do not filter; `{}` selects everything.
 */
export interface InspectionFilter {
  /** Inclusive lower bound on the decision's `at` (epoch ms). */
  fromMs?: number;
  /** Exclusive upper bound on the decision's `at` (epoch ms). */
  toMs?: number;
  /** Only decisions about this group id. */
  group?: string;
  /** Only decisions about this user id. */
  user?: string;
}

/** True when a decision concerns the group or user: as its subject or as the target of an effect. */
export function concerns(d: Decision, f: InspectionFilter): boolean {
  if (f.group !== undefined) {
    const inSubject = d.subject.group === f.group;
    const inEffects = d.effects.some((e) => (e.kind === "measure" && "group" in e.target && e.target.group === f.group) || (e.kind === "tier" && e.group === f.group));
    if (!inSubject && !inEffects) return false;
  }
  if (f.user !== undefined) {
    const inSubject = d.subject.user === f.user;
    const inEffects = d.effects.some((e) => e.kind === "measure" && "user" in e.target && e.target.user === f.user);
    if (!inSubject && !inEffects) return false;
  }
  return true;
}

/** Whether a decision's time falls in the filter's range. */
export function inRange(d: Decision, f: InspectionFilter): boolean {
  const at = parseRfc3339(d.at) ?? 0;
  return (f.fromMs === undefined || at >= f.fromMs) && (f.toMs === undefined || at < f.toMs);
}

/** An in-memory decision log. */
export class DecisionLog {
  private readonly records: Decision[] = [];

  /** Records a decision; records are kept in the order they are appended. */
  append(d: Decision): void {
    this.records.push(d);
  }

  get size(): number {
    return this.records.length;
  }

  /** The inspection set: matching records in the order they were made. */
  export(f: InspectionFilter): Decision[] {
    return this.records.filter((d) => inRange(d, f) && concerns(d, f));
  }
}
