/**
 * The decision log as Article 13 sees it: every decision is a record, kept in order; an inspection
 * exports the records of a time range, optionally of one group or one user, complete and in the
 * order they were made. The durable stores implement the same filter, and `verify` checks it.
 */
import type { Decision } from "../engine/decision.js";
import { parseRfc3339 } from "../source/time.js";

/**
 * Which decisions an inspection selects (`Store.exportDecisions`, {@link DecisionLog.export},
 * `qungui records export`): those whose time is in `[fromMs, toMs)` and that concern the group and
 * the user given. A decision's time is its `at`, and a timer decision's its `due` (when it fell
 * due, not when the event that fired it arrived). Omitted fields do not filter; `{}` selects
 * everything.
 */
export interface InspectionFilter {
  /** Inclusive lower bound on the decision's time (epoch ms). */
  fromMs?: number;
  /** Exclusive upper bound on the decision's time (epoch ms). */
  toMs?: number;
  /** Only decisions about this group id. */
  group?: string;
  /** Only decisions about this user id. */
  user?: string;
}

/**
 * Everyone a decision concerns, in any role (src/records/parties.ts computes it when the decision
 * is made, from the decision, its event and the complaint it is about): the stores keep it beside
 * each decision, and an inspection for a user or group selects on it.
 */
export interface Parties {
  users: readonly string[];
  groups: readonly string[];
}

/**
 * True when a decision concerns the group or user as its subject or as the target of an effect:
 * what a decision says by itself. The stores select on its {@link Parties} instead, which also
 * name the roles only its event shows (the target of a removal, a complainant, …); this is their
 * fallback for records stored without them.
 */
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

/** True when the parties include the filter's group and user. */
export function partiesConcern(p: Parties, f: InspectionFilter): boolean {
  return (f.group === undefined || p.groups.includes(f.group)) && (f.user === undefined || p.users.includes(f.user));
}

/** A decision's time, epoch ms: its `due` for a timer decision, else its `at`. */
export function decisionTimeMs(d: Decision): number {
  return parseRfc3339(d.due ?? d.at) ?? 0;
}

/** Whether a decision's time (see {@link decisionTimeMs}) falls in the filter's range. */
export function inRange(d: Decision, f: InspectionFilter): boolean {
  if (f.fromMs === undefined && f.toMs === undefined) return true;
  const at = decisionTimeMs(d);
  return (f.fromMs === undefined || at >= f.fromMs) && (f.toMs === undefined || at < f.toMs);
}

/** Whether a filter selects anything less than everything. */
export function filters(f: InspectionFilter): boolean {
  return f.group !== undefined || f.user !== undefined || f.fromMs !== undefined || f.toMs !== undefined;
}

/** An in-memory decision log. */
export class DecisionLog {
  private readonly records: { d: Decision; parties: Parties | undefined }[] = [];

  /** Records a decision (with its parties, when known); records are kept in the order they are appended. */
  append(d: Decision, parties?: Parties | null): void {
    this.records.push({ d, parties: parties ?? undefined });
  }

  get size(): number {
    return this.records.length;
  }

  /** The inspection set: matching records in the order they were made. */
  export(f: InspectionFilter): Decision[] {
    return this.records.filter((r) => inRange(r.d, f) && (r.parties === undefined ? concerns(r.d, f) : partiesConcern(r.parties, f))).map((r) => r.d);
  }
}
