/**
 * Decisions (docs/engine.md, "Decision shape"; interface v1 of docs/events.md) and
 * their serialiser. Objects are built with their keys in the documented order, and
 * {@link serializeDecision} writes that order explicitly, so output is byte-stable.
 */
import type { Cite } from "../ir/types.js";
import type { EventType, Role } from "../vocab/events.js";
import type { SanctionKind } from "../vocab/actions.js";

/**
 * What a decision says about its event:
 *
 * - `allow` / `deny`: the verdict on a decided event (`group.create`, `group.join`, `group.info`,
 *   `group.role`, `group.manage`, `message.post`, `records.purge`); only an `allow` changes the state.
 * - `noted`: nothing to decide (registrations, credit, agreements, leaving, complaints, `clock`,
 *   most timer decisions); the facts are recorded.
 * - `measures`: a `content.flagged` (or a timer that imposes sanctions); the effects list them.
 * - `ungoverned`: the event is before the policy's first effective instant; it is not judged, but
 *   the facts it carries are recorded.
 */
export type Outcome = "allow" | "deny" | "noted" | "measures" | "ungoverned";

/**
 * Whom a decision concerns. For an event: `user` is the acting user (`actor` for events that name
 * one), `group` the event's group; for a timer decision, the group, user or complaint the timer
 * concerns. Absent keys are omitted, never null; when present they appear in this order.
 */
export interface Subject {
  /** The acting (or, for a timer, the concerned) user id. */
  user?: string;
  /** The group id, when the event or timer has one. */
  group?: string;
  /** The user's role in the group before the event; present when both are. */
  role?: Role;
  /** The complaint id, on complaint events and their timer decisions. */
  complaint?: string;
}

/** Who an effect applies to: a user or a group, by id (exactly one key). */
export type EffectTarget = { user: string } | { group: string };

/**
 * The Article 11 measures a `measure` effect can carry: the sanctions of src/vocab/actions.ts,
 * whose table says which apply to groups, which to users and which to either.
 */
export type MeasureKind = SanctionKind;

/**
 * Something the platform must do because of a decision, in the order the decision lists them
 * (docs/events.md, "Effects"). Instants (`until`, `due`) are RFC 3339 strings with a numeric offset
 * in the zone of the policy version that judged the event.
 *
 * - `measure`: apply an Article 11 measure to `target`; `until` when it ends by timer, `from`/`to`
 *   (credit levels) on `lower-credit`.
 * - `record`: the decision belongs to the retained record (Articles 11 and 13).
 * - `report`: report to `to` (the competent authority).
 * - `obligation`: something the platform or a group must do, by `due` when there is a deadline:
 *   publish an `info-page`, `resolve-complaint`, or `rectify` after a warning.
 * - `escalate`: escalate a complaint, or a flag in a group.
 * - `remove-message`: remove the message (flagged content, or a manager's `delete-message`).
 * - `tier`: the group's tier changed (`from` is null on creation).
 */
export type Effect =
  | { kind: "measure"; target: EffectTarget; measure: MeasureKind; until?: string; from?: string; to?: string }
  | { kind: "record" }
  | { kind: "report"; to: string }
  | { kind: "obligation"; what: "info-page" | "resolve-complaint" | "rectify"; target?: EffectTarget; complaint?: string; due?: string }
  | { kind: "escalate"; what: "complaint"; complaint: string }
  | { kind: "escalate"; what: "flag"; group: string; message: string | null }
  | { kind: "remove-message"; message: string }
  | { kind: "tier"; group: string; from: string | null; to: string | null };

/**
 * The engine's answer to an event (interface v1 of docs/events.md): one primary decision per
 * evaluated event, plus one per timer that fell due, each written before the primary decision
 * of the event that fired it. Decisions are plain data; {@link serializeDecision} writes one as
 * a JSON line with the keys in this declaration's order, byte for byte what the CLI writes and
 * the stores keep. The interface is additive: new optional fields may appear, an incompatible
 * change gets a new `v`. A decision never contains personal information.
 */
export interface Decision {
  /** The interface version. */
  v: 1;
  /** The event that produced the decision (for a timer: the event whose arrival fired it); null from `advance`. */
  event: string | null;
  /** The event's `at` as given (RFC 3339); for `advance`, the instant advanced to, in the zone of the version in force. */
  at: string;
  /** The event's type (`clock` for `advance`). */
  type: EventType;
  /** Present, and `"timer"`, on timer decisions only. */
  trigger?: "timer";
  /** Timer decisions only: the instant the timer was due (RFC 3339 with offset, in the zone of the version that set it). */
  due?: string;
  outcome: Outcome;
  subject: Subject;
  /** The deciding rule's name (`real-name/post`, `permit/group.join`, a measure's name, `complaints/overdue`). */
  rule: string;
  /** One English sentence for a person (a rule's `because` template, filled in); ids only, never personal information. */
  reason: string;
  /** The articles and requirement ids the deciding rule serves. */
  cites: readonly Cite[];
  /** What the platform must do, in order; empty for most decisions. */
  effects: readonly Effect[];
  /** The policy version that judged the event; null when ungoverned. */
  policy: string | null;
  /** The name of the policy that received the event (its header's name: `cac-2017`). */
  policyName: string;
  /** The id of that policy: SHA-256 of its IR, independent of the file it was compiled from (see `policyId`). */
  policyId: string;
}

/** The policy fields of a decision, one frozen object per compiled version (and one for ungoverned events). */
export interface PolicyStamp {
  readonly policy: string | null;
  readonly policyName: string;
  readonly policyId: string;
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

/**
 * What `JSON.stringify` gives for a string, without calling it for the common case: a string
 * with no quote, backslash, control character or surrogate (a lone surrogate is escaped by
 * `JSON.stringify`, a paired one is not, so both go the slow way) is the same string in quotes.
 * Ids, instants, rule names and most reasons are such strings.
 */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function quoted(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

function subjectText(s: Subject): string {
  let out = "{";
  let sep = "";
  if (s.user !== undefined) {
    out += `"user":${quoted(s.user)}`;
    sep = ",";
  }
  if (s.group !== undefined) {
    out += `${sep}"group":${quoted(s.group)}`;
    sep = ",";
  }
  if (s.role !== undefined) {
    out += `${sep}"role":"${s.role}"`;
    sep = ",";
  }
  if (s.complaint !== undefined) out += `${sep}"complaint":${quoted(s.complaint)}`;
  return out + "}";
}

/**
 * The policy fields that end every line, kept for the last policy seen: a stream's decisions
 * come from one or a few versions, and these strings are the same objects decision after decision.
 */
let lastPolicy: string | null = null;
let lastPolicyName = "";
let lastPolicyId = "";
let lastPolicyText: string | null = null;

function policyText(d: Decision): string {
  if (lastPolicyText !== null && d.policy === lastPolicy && d.policyName === lastPolicyName && d.policyId === lastPolicyId) return lastPolicyText;
  lastPolicy = d.policy;
  lastPolicyName = d.policyName;
  lastPolicyId = d.policyId;
  lastPolicyText = `,"policy":${d.policy === null ? "null" : quoted(d.policy)},"policyName":${quoted(d.policyName)},"policyId":${quoted(d.policyId)}}`;
  return lastPolicyText;
}

/** One decision as one JSON line (no newline), keys in the documented order. */
export function serializeDecision(d: Decision): string {
  let out = `{"v":1,"event":${d.event === null ? "null" : quoted(d.event)},"at":${quoted(d.at)},"type":"${d.type}"`;
  if (d.trigger !== undefined) out += `,"trigger":"${d.trigger}"`;
  if (d.due !== undefined) out += `,"due":${quoted(d.due)}`;
  out += `,"outcome":"${d.outcome}","subject":${subjectText(d.subject)},"rule":${quoted(d.rule)},"reason":${quoted(d.reason)}`;
  out += `,"cites":${citesText(d.cites)},"effects":${d.effects.length === 0 ? "[]" : JSON.stringify(d.effects)}`;
  return out + policyText(d);
}

/** Cites of several sources, deduplicated and ordered by article, then requirement id. */
export function mergeCites(...lists: readonly (readonly Cite[])[]): Cite[] {
  const seen = new Map<string, Cite>();
  for (const l of lists) for (const c of l) if (!seen.has(c.req)) seen.set(c.req, { article: c.article, req: c.req });
  return [...seen.values()].sort((a, b) => a.article - b.article || (a.req < b.req ? -1 : a.req > b.req ? 1 : 0));
}
