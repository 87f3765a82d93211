/**
 * What the judging modules share: the compiled versions, the reusable context, and small builders
 * for decisions and subjects.
 */
import type { Cite, RuleIR } from "../ir/types.js";
import { articleOf } from "../law/articles.js";
import type { DecidedEvent, Role } from "../vocab/events.js";
import type { Ctx } from "./context.js";
import type { Decision, Effect, Outcome, PolicyStamp, Subject } from "./decision.js";
import type { Event } from "./event.js";
import type { Compiled, Tracer } from "./expr.js";
import type { EventRules } from "./rules.js";
import type { EngineState } from "./state.js";
import type { VersionData } from "./version.js";

export interface CompiledVersion {
  data: VersionData;
  /** What every decision judged by this version says about the policy (one frozen object). */
  stamp: PolicyStamp;
  rules: ReadonlyMap<DecidedEvent, EventRules>;
  responsibilityCites: readonly Cite[];
  complaintsCites: readonly Cite[];
}

/** One rule's traced evaluation, collected while explaining. */
export interface RuleTrace {
  rule: RuleIR;
  holds: boolean;
  tracer: Tracer;
}

export interface ExplainSink {
  version: CompiledVersion | null;
  now: number;
  traces: RuleTrace[];
  /** Set when the rules allowed but an integrity guard refused the state change. */
  guard: string | null;
  /** On a `content.flagged`: every measure's trigger against the flag, in the version's order. */
  measures: MeasureTrace[];
}

/** How one measure's trigger met a flag (for `qungui explain`). */
export interface MeasureTrace {
  measure: string;
  /** `== serious`, `>= minor`, or null for any severity. */
  severity: string | null;
  severityMatched: boolean;
  /** Empty: any category. */
  categories: string[];
  categoryMatched: boolean;
  scope: "group" | "user";
  /** Flags it needs, this one included, and how many matching flags the window holds (this one included). */
  needed: number;
  counted: number;
  within: { amount: number; unit: string } | null;
  applied: boolean;
}

export interface Runtime {
  versions: readonly CompiledVersion[];
  /** Flags older than this are pruned from the windows (Infinity: never). */
  flagHorizonMs: number;
  ctx: Ctx;
  explain: ExplainSink | null;
  /** Traced closures per version (a rule object may be shared by versions with different scales). */
  traced: Map<CompiledVersion, Map<RuleIR, { when: Compiled; tracer: Tracer }>>;
}

/** The firing event (or `advance` call) decisions are attributed to. */
export interface Firing {
  id: string | null;
  at: string;
  type: Event["type"];
}

/** The firing of an event's own decisions: the event itself, of which decisions read only `id`, `at` and `type` (no copy per event). */
export function firing(ev: Event): Firing {
  return ev;
}

const citeCache = new Map<string, readonly Cite[]>();

/** Frozen cites of requirement ids (`cites("A6.real-name", "A6.pii")`). */
export function cites(...reqs: string[]): readonly Cite[] {
  const key = reqs.join(",");
  let c = citeCache.get(key);
  if (c === undefined) {
    c = Object.freeze(reqs.map((req) => Object.freeze({ article: articleOf(req) ?? 0, req })));
    citeCache.set(key, c);
  }
  return c;
}

export function decision(
  f: Firing,
  outcome: Outcome,
  subject: Subject,
  rule: string,
  reason: string,
  cites: readonly Cite[],
  effects: readonly Effect[],
  stamp: PolicyStamp,
): Decision {
  return { v: 1, event: f.id, at: f.at, type: f.type, outcome, subject, rule, reason, cites, effects, policy: stamp.policy, policyName: stamp.policyName, policyId: stamp.policyId };
}

export function timerDecision(
  f: Firing,
  due: string,
  outcome: Outcome,
  subject: Subject,
  rule: string,
  reason: string,
  cites: readonly Cite[],
  effects: readonly Effect[],
  stamp: PolicyStamp,
): Decision {
  return { v: 1, event: f.id, at: f.at, type: f.type, trigger: "timer", due, outcome, subject, rule, reason, cites, effects, policy: stamp.policy, policyName: stamp.policyName, policyId: stamp.policyId };
}

export function roleIn(st: EngineState, group: string, user: string): Role {
  const g = st.groups[group];
  return g === undefined ? "none" : (g.members[user] ?? "none");
}

/**
 * `{user, group, role}` with each part present only when known; role when both user and group are.
 * Each combination is one object literal, so subjects come in a few fixed shapes (built up key by
 * key they took many, and every reader of a subject paid for it).
 */
export function subjectOf(st: EngineState, user: string | null, group: string | null, complaint: string | null = null): Subject {
  if (complaint === null) {
    if (user !== null) return group !== null ? { user, group, role: roleIn(st, group, user) } : { user };
    return group !== null ? { group } : {};
  }
  if (user !== null) return group !== null ? { user, group, role: roleIn(st, group, user), complaint } : { user, complaint };
  return group !== null ? { group, complaint } : { complaint };
}
