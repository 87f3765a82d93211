/**
 * Decisions (docs/engine.md, "Decision shape"; interface v1 of ../shared/design/EVENTS.md) and
 * their serialiser. Objects are built with their keys in the documented order, and
 * {@link serializeDecision} writes that order explicitly, so output is byte-stable.
 */
import type { Cite } from "../ir/types.js";
import type { EventType, Role } from "../vocab/events.js";

export type Outcome = "allow" | "deny" | "noted" | "measures" | "ungoverned";

export interface Subject {
  user?: string;
  group?: string;
  /** The user's role in the group before the event; present when both are. */
  role?: Role;
  complaint?: string;
}

export type EffectTarget = { user: string } | { group: string };

export type MeasureKind =
  | "warn"
  | "suspend-posting"
  | "close-group"
  | "blacklist"
  | "lower-credit"
  | "suspend-management"
  | "cancel-creation";

export type Effect =
  | { kind: "measure"; target: EffectTarget; measure: MeasureKind; until?: string; from?: string; to?: string }
  | { kind: "record" }
  | { kind: "report"; to: string }
  | { kind: "obligation"; what: "info-page" | "resolve-complaint" | "rectify"; target?: EffectTarget; complaint?: string; due?: string }
  | { kind: "escalate"; what: "complaint"; complaint: string }
  | { kind: "escalate"; what: "flag"; group: string; message: string | null }
  | { kind: "remove-message"; message: string }
  | { kind: "tier"; group: string; from: string | null; to: string | null };

export interface Decision {
  v: 1;
  /** The event that produced the decision (for a timer: the event whose arrival fired it); null from `advance`. */
  event: string | null;
  at: string;
  type: EventType;
  trigger?: "timer";
  due?: string;
  outcome: Outcome;
  subject: Subject;
  rule: string;
  reason: string;
  cites: readonly Cite[];
  effects: readonly Effect[];
  /** The policy version that judged the event; null when ungoverned. */
  policy: string | null;
}

export const NO_EFFECTS: readonly Effect[] = Object.freeze([]);
export const NO_CITES: readonly Cite[] = Object.freeze([]);

const citesJson = new WeakMap<readonly Cite[], string>();

function citesText(cites: readonly Cite[]): string {
  let s = citesJson.get(cites);
  if (s === undefined) {
    s = "[" + cites.map((c) => `{"article":${c.article},"req":${JSON.stringify(c.req)}}`).join(",") + "]";
    if (Object.isFrozen(cites)) citesJson.set(cites, s);
  }
  return s;
}

function subjectText(s: Subject): string {
  let out = "{";
  let sep = "";
  if (s.user !== undefined) {
    out += `"user":${JSON.stringify(s.user)}`;
    sep = ",";
  }
  if (s.group !== undefined) {
    out += `${sep}"group":${JSON.stringify(s.group)}`;
    sep = ",";
  }
  if (s.role !== undefined) {
    out += `${sep}"role":"${s.role}"`;
    sep = ",";
  }
  if (s.complaint !== undefined) out += `${sep}"complaint":${JSON.stringify(s.complaint)}`;
  return out + "}";
}

/** One decision as one JSON line (no newline), keys in the documented order. */
export function serializeDecision(d: Decision): string {
  let out = `{"v":1,"event":${d.event === null ? "null" : JSON.stringify(d.event)},"at":${JSON.stringify(d.at)},"type":"${d.type}"`;
  if (d.trigger !== undefined) out += `,"trigger":"${d.trigger}"`;
  if (d.due !== undefined) out += `,"due":${JSON.stringify(d.due)}`;
  out += `,"outcome":"${d.outcome}","subject":${subjectText(d.subject)},"rule":${JSON.stringify(d.rule)},"reason":${JSON.stringify(d.reason)}`;
  out += `,"cites":${citesText(d.cites)},"effects":${d.effects.length === 0 ? "[]" : JSON.stringify(d.effects)}`;
  out += `,"policy":${d.policy === null ? "null" : JSON.stringify(d.policy)}}`;
  return out;
}

/** Cites of several sources, deduplicated and ordered by article, then requirement id. */
export function mergeCites(...lists: readonly (readonly Cite[])[]): Cite[] {
  const seen = new Map<string, Cite>();
  for (const l of lists) for (const c of l) if (!seen.has(c.req)) seen.set(c.req, { article: c.article, req: c.req });
  return [...seen.values()].sort((a, b) => a.article - b.article || (a.req < b.req ? -1 : a.req > b.req ? 1 : 0));
}
