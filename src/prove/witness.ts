/**
 * From a solver witness to a real breach. The facts of the witness are built from the empty state
 * as a stream: everything a state can record without being judged (users, verifications, credit,
 * acceptances, groups, members, roles, info pages) is set up by events before the policy's first
 * effective instant, which the engine records as facts without judging them (docs/engine.md,
 * "Governed or not"); recent activity is made by posts the policy itself allows. Then the witness's
 * event is sent under the version that was refuted, and the stream is replayed through the
 * compiled engine and the verify oracle. A witness counts as a breach only when the engine decides
 * the last event as predicted and the oracle reports the requirement broken there.
 *
 * Facts only measures produce (closed, blacklisted, suspended, cancelled) are made by flags that
 * trigger the version's own measures; mutes and flags counted in a window are made by events just
 * before the witness's event. Whatever cannot be built is reported as not replayed, never as a
 * breach.
 */
import { cloneState, compileProgram, emptyState, serializeDecision, snapshotState, type Decision } from "../engine/index.js";
import type { EngineState } from "../engine/state.js";
import type { ActionIR, PolicyIR, TriggerIR, VersionIR } from "../ir/types.js";
import { addDuration, formatInstant, parseRfc3339 } from "../source/time.js";
import { identityOf, secretsOf } from "../verify/generate.js";
import { Oracle, type GenEvent } from "../verify/oracle.js";
import { calendarLengths, durationOfAtom, SELF } from "./facts.js";
import type { FactValue, Situation } from "./situation.js";

export interface Replay {
  /** `confirmed`: replayed, decided as predicted, and the oracle saw the breach; `not-confirmed`: replayed but not; `not-built`: no stream was made. */
  status: "confirmed" | "not-confirmed" | "not-built";
  message: string;
  /** The stream that shows it (for monotonicity: the one with the lower credit, which is allowed). */
  events: GenEvent[];
  /** For monotonicity: the same stream with the credit raised, which is denied. */
  raisedEvents?: GenEvent[];
  /** Not built: the measure facts the engine produced instead of the witness's (a hint for another search). */
  observed?: Record<string, boolean>;
}

const UNBUILT: readonly [string, string][] = [
  ["closed", "a closed group"],
  ["blacklisted", "a blacklist"],
  ["posting-suspended", "suspended posting"],
  ["management-suspended", "suspended management rights"],
  ["creation-cancelled", "a cancelled creation qualification"],
  ["muted", "a mute"],
];

/** A fact only a measure produces, for a root of the witness (`group` for the group's). */
interface Need {
  holder: string;
  kind: "closed" | "blacklisted" | "posting-suspended" | "management-suspended" | "creation-cancelled";
  what: string;
}

/** Measure facts of a group; the others are a user's (`blacklisted` is both). */
const GROUP_KINDS: readonly Need["kind"][] = ["closed", "posting-suspended"];

const ACTION_OF: Record<Need["kind"], ActionIR["kind"]> = {
  closed: "close-group",
  blacklisted: "blacklist",
  "posting-suspended": "suspend-posting",
  "management-suspended": "suspend-management",
  "creation-cancelled": "cancel-creation",
};

function flatActions(actions: readonly ActionIR[]): ActionIR[] {
  return actions.flatMap((a) => (a.kind === "warn" ? [a, ...flatActions(a.otherwise)] : [a]));
}

/** A prohibited-content category whose default severity satisfies a trigger. */
function categoryFor(v: VersionIR, t: TriggerIR): string | undefined {
  const sev = (name: string) => v.prohibited.severities.indexOf(name);
  const ok = (c: { name: string; severity: string }) =>
    (t.categories.length === 0 || t.categories.includes(c.name)) &&
    (t.severity === null || (t.severityOp === "==" ? c.severity === t.severity : sev(c.severity) >= sev(t.severity)));
  return v.prohibited.categories.find(ok)?.name;
}

/**
 * Flags that make the version's own measures (or its responsibility fallback) produce the facts
 * the witness needs, then the first instant at which the engine's state has exactly the witness's
 * measure facts (the needed ones hold, lapsing side effects have lapsed). Returns that instant, or
 * why no route was found.
 */
function routeMeasures(ir: PolicyIR, vi: number, v: VersionIR, b: Builder, needs: Need[], people: Map<string, string>, f: Record<string, FactValue>, exists: boolean, from: number, next: number, byTimer: boolean): number | string | Unbuilt {
  const flagGroup = exists ? "g" : "hz";
  if (!exists) b.push("group.create", { user: "h0", group: "hz", category: v.categories[0]?.name ?? "general" });
  let t = from + 3_600_000;
  const waits = new Set<number>([60_000]);
  let flagged = 0;
  for (const need of needs) {
    const holderId = need.holder === "group" ? null : (people.get(need.holder) ?? null);
    const isManager = need.holder !== "group" && f[`${need.holder}.role`] === "manager";
    const isCreatorOfG = exists && holderId === "c1";
    const wanted = ACTION_OF[need.kind];
    const fits = (a: ActionIR): boolean => {
      if (a.kind !== wanted || !("target" in a)) return false;
      if (need.holder === "group") return a.target === "group";
      return a.target === "user" || (a.target === "creator" && isCreatorOfG) || (a.target === "managers" && isManager);
    };
    const resp = v.responsibility;
    const timerFits = resp !== null && exists && flatActions(resp.otherwise).some(fits);
    const measure = byTimer && timerFits ? undefined : v.measures.find((m) => flatActions(m.actions).some(fits) && categoryFor(v, m.trigger) !== undefined);
    if (measure) {
      const a = flatActions(measure.actions).find(fits)!;
      const user = (a as { target: string }).target === "user" && holderId !== null ? holderId : "z1";
      const category = categoryFor(v, measure.trigger)!;
      for (let i = 0; i < Math.max(1, measure.trigger.count); i++) {
        b.push("content.flagged", { group: flagGroup, user, message: `zm${++flagged}`, category }, (t += 60_000));
      }
      for (const x of flatActions(measure.actions)) if ("duration" in x && x.duration) waits.add(addDuration(0, x.duration, "UTC") + 120_000);
      continue;
    }
    if (resp && timerFits) {
      const any = v.measures.map((m) => categoryFor(v, m.trigger)).find((c) => c !== undefined) ?? v.prohibited.categories[0]?.name;
      if (any === undefined) return `no content category to flag for ${need.what}`;
      b.push("content.flagged", { group: "g", user: "z1", message: `zm${++flagged}`, category: any }, (t += 60_000));
      waits.add(addDuration(0, resp.window, "UTC") + 120_000);
      continue;
    }
    return `no measure of version ${v.version} gives ${need.what} (${need.holder})`;
  }
  // Try the instants after the last flag at which measures have taken effect or lapsed.
  const program = compileProgram(ir);
  const base = emptyState();
  for (const e of b.events) {
    const r = program.evaluate(e, base);
    if (r.deadLetter) return `event ${e.id} (${e.type}) was refused while building: ${r.deadLetter.reason}`;
  }
  const holds = (st: EngineState, now: number, holder: string, kind: Need["kind"]): boolean => {
    if (holder === "group") {
      const g = st.groups["g"];
      if (!g) return false;
      if (kind === "closed") return g.closed;
      if (kind === "blacklisted") return g.blacklisted && (g.blacklistedUntil === null || g.blacklistedUntil > now);
      return g.postingSuspendedUntil !== null && g.postingSuspendedUntil > now;
    }
    const u = st.users[people.get(holder) ?? ""];
    if (!u) return false;
    if (kind === "blacklisted") return u.blacklisted && (u.blacklistedUntil === null || u.blacklistedUntil > now);
    if (kind === "management-suspended") return u.managementSuspendedUntil !== null && u.managementSuspendedUntil > now;
    if (kind === "creation-cancelled") return u.creationCancelled;
    return false;
  };
  const roots = [...(exists ? ["group"] : []), ...people.keys()];
  const kinds = Object.keys(ACTION_OF) as Need["kind"][];
  let observed: Record<string, boolean> | undefined;
  for (const wait of [...waits].sort((x, y) => x - y)) {
    const at = t + wait;
    if (at >= next) break;
    const st = cloneState(base);
    program.advance(at - 1000, st);
    const seen: Record<string, boolean> = {};
    for (const holder of roots) for (const kind of kinds) if (GROUP_KINDS.includes(kind) === (holder === "group") || (holder === "group" && kind === "blacklisted")) seen[`${holder}.${kind}`] = holds(st, at - 1000, holder, kind);
    if (Object.entries(seen).every(([name, x]) => x === (f[name] === true))) return at;
    if (!observed && needs.every((n) => seen[`${n.holder}.${n.kind}`])) observed = seen;
  }
  const message = `the measures that give ${needs.map((n) => n.what).join(", ")} also change other facts of the witness`;
  return observed ? { message, observed } : message;
}

class Builder {
  readonly events: GenEvent[] = [];
  private seq = 0;
  private t: number;
  constructor(
    private readonly zone: string,
    start: number,
  ) {
    this.t = start;
  }
  mark(): [number, number, number] {
    return [this.events.length, this.seq, this.t];
  }
  reset([length, seq, t]: [number, number, number]): void {
    this.events.length = length;
    this.seq = seq;
    this.t = t;
  }
  push(type: string, fields: Record<string, unknown>, at?: number): void {
    const when = at ?? (this.t += 1000);
    this.events.push({ id: `w${++this.seq}`, type, at: formatInstant(when, this.zone), ...fields });
  }
}

function effectiveOf(v: VersionIR): number {
  return parseRfc3339(v.effective) ?? NaN;
}

/** Why a witness was not built, with the measure facts the engine showed instead (for the solver to take into account). */
export interface Unbuilt {
  message: string;
  observed: Record<string, boolean>;
}

/** Builds the stream of a situation; a string (or {@link Unbuilt}) says why it cannot be built. */
export function buildStream(ir: PolicyIR, vi: number, s: Situation): GenEvent[] | string | Unbuilt {
  const v = ir.versions[vi]!;
  const f = s.facts;
  const first = Math.min(...ir.versions.map(effectiveOf));
  const setupStart = first - 30 * 86_400_000;
  if (!(setupStart > Date.UTC(1970, 0, 2))) return "the policy takes effect too early to record facts before it";
  const b = new Builder(v.zone, setupStart);
  if (s.event === "any") {
    b.push("user.registered", { user: "a1" }, f["event.at"] as number);
    return b.events;
  }
  const needs: Need[] = [];
  const muted: string[] = [];
  for (const [key, what] of UNBUILT) {
    for (const [name, value] of Object.entries(f)) {
      if (value !== true || !name.endsWith(`.${key}`)) continue;
      if (key === "muted") muted.push(name.slice(0, name.indexOf(".")));
      else needs.push({ holder: name.slice(0, name.indexOf(".")), kind: key as Need["kind"], what });
    }
  }
  const exists = f["group.exists"] === true;
  const isCreator = (root: string) => exists && f[`${root}.role`] === "creator";
  const people = new Map<string, string>(); // root → user id
  if (exists) people.set("creator", "c1");
  people.set("actor", isCreator("actor") ? "c1" : "a1");
  // The same user when the witness says the actor acts on themselves.
  if ("target.role" in f) people.set("target", f[SELF] === true ? people.get("actor")! : isCreator("target") ? "c1" : "t1");
  if ("approver.role" in f) people.set("approver", isCreator("approver") ? "c1" : "p1");
  const rootOf = new Map<string, string>();
  for (const [root, id] of people) if (!rootOf.has(id)) rootOf.set(id, root);

  const levels = v.credit.levels;
  const agreementVersion = v.agreement?.currentVersion ?? "1";
  if (v.agreement && v.agreement.currentVersion === null) b.push("agreement.published", { version: agreementVersion });
  const category = (x: FactValue | undefined) => (typeof x === "string" && x !== "(undeclared)" ? x : "undeclared-category");
  const activity = exists ? ((f["group.activity"] as number) ?? 0) : 0;
  const poster = activity > 0 ? "w1" : null;
  const profile = (id: string, root: string | null) => {
    b.push("user.registered", { user: id });
    const verified = root === null || f[`${root}.verified`] === true;
    const accepted = root === null || f[`${root}.accepted`] === true;
    if (verified) b.push("user.verified", { user: id, identity: identityOf(id) });
    if (accepted && v.agreement) b.push("agreement.accepted", { user: id, version: agreementVersion });
    const level = root === null ? levels[levels.length - 1] : (f[`${root}.credit`] as string | null);
    if (level) b.push("user.credit", { user: id, level });
  };
  for (const [id, root] of rootOf) profile(id, root);
  if (poster) profile(poster, null);

  // The group, its members and roles.
  if (exists) {
    const cat = category(f["group.category"]);
    b.push("group.create", { user: "c1", group: "g", category: cat });
    const members = f["group.members"] as number;
    const managers = f["group.managers"] as number;
    const joined = new Set<string>(["c1"]);
    const rootManagers: string[] = [];
    for (const [id, root] of rootOf) {
      const role = f[`${root}.role`];
      if (id === "c1" || role === "none" || role === undefined) continue;
      b.push("group.join", { user: id, group: "g" });
      joined.add(id);
      if (role === "manager") rootManagers.push(id);
    }
    if (poster) {
      b.push("group.join", { user: poster, group: "g" });
      joined.add(poster);
    }
    const fill = members - joined.size;
    if (fill < 0) return `the group has ${members} members, fewer than the users the witness places in it`;
    const extraManagers = managers - rootManagers.length;
    if (extraManagers < 0 || extraManagers > fill) return `the group's ${managers} managers do not fit its members`;
    for (let i = 1; i <= fill; i++) b.push("group.join", { user: `f${i}`, group: "g" });
    for (const id of rootManagers) b.push("group.role", { actor: "c1", group: "g", user: id, role: "manager" });
    for (let i = 1; i <= extraManagers; i++) b.push("group.role", { actor: "c1", group: "g", user: `f${i}`, role: "manager" });
    if (f["group.has-info-page"] === true) b.push("group.info", { actor: "c1", group: "g", name: "g", category: cat });
  }
  // Other groups each user created or is in, to reach the counts of the witness.
  let hosts = 0;
  for (const [id, root] of rootOf) {
    const created = f[`${root}.groups-created`];
    const joinedCount = f[`${root}.groups-joined`];
    if (typeof created !== "number" || typeof joinedCount !== "number") continue;
    const inG = exists && (id === "c1" || (f[`${root}.role`] !== "none" && f[`${root}.role`] !== undefined));
    const madeG = exists && id === "c1";
    const moreCreated = created - (madeG ? 1 : 0);
    const moreJoined = joinedCount - (inG ? 1 : 0) - Math.max(0, moreCreated);
    if (moreCreated < 0 || moreJoined < 0) return `user ${id}'s group counts (${created} created, ${joinedCount} joined) do not fit the group of the witness`;
    for (let i = 1; i <= moreCreated; i++) b.push("group.create", { user: id, group: `x-${id}-${i}`, category: category(f["group.category"] ?? f["event.category"]) });
    for (let i = 1; i <= moreJoined; i++) {
      const host = `h${++hosts}`;
      b.push("group.create", { user: "h0", group: host, category: category(f["group.category"] ?? f["event.category"]) });
      b.push("group.join", { user: id, group: host });
    }
  }

  // The event, under the version refuted; activity is posted in the day before it.
  const from = effectiveOf(v);
  const next = ir.versions[vi + 1] ? effectiveOf(ir.versions[vi + 1]!) : Infinity;
  const wanted = typeof f["event.at"] === "number" ? (f["event.at"] as number) : from;
  let at = Math.max(wanted, from + 2 * 3_600_000);
  // An instant at which each calendar duration of the witness has the length the solver chose.
  for (const [name, value] of Object.entries(f)) {
    const d = durationOfAtom(name);
    if (d === undefined || typeof value !== "number") continue;
    const t = calendarLengths(d, v.zone, from).get(value);
    if (t === undefined) return `no instant gives ${name} a length of ${value} ms`;
    at = t;
  }
  if (at >= next) at = Math.max(wanted, from);
  if (at >= next) return "the version is in force too briefly to build the witness";
  if (needs.length > 0) {
    // The version's measures first; else its responsibility fallback (a flag left unhandled).
    const mark = b.mark();
    let routed = routeMeasures(ir, vi, v, b, needs, people, f, exists, from, next, false);
    if (typeof routed !== "number") {
      b.reset(mark);
      const byTimer = routeMeasures(ir, vi, v, b, needs, people, f, exists, from, next, true);
      if (typeof byTimer === "number") routed = byTimer;
      else {
        b.reset(mark);
        return routed;
      }
    }
    at = routed;
    // Measures may have lowered credit on the way: the witness's levels are set again just before.
    for (const [id, root] of rootOf) {
      const level = f[`${root}.credit`];
      if (typeof level === "string") b.push("user.credit", { user: id, level }, at - 1000);
    }
  }
  if (poster) {
    const start = at - 3_600_000;
    if (start < from) return "the version is in force too briefly to post the group's activity";
    for (let i = 0; i < activity; i++) b.push("message.post", { user: poster, group: "g", message: `wm${i + 1}` }, start + i);
  }
  const id = (root: string) => people.get(root) ?? `${root[0]}1`;
  const late = lateFacts(v, f, muted, people, exists, at);
  if (typeof late === "string") return late;
  for (const [type, fields, when] of late) b.push(type, fields, when);
  switch (s.event) {
    case "group.create":
      b.push("group.create", { user: id("actor"), group: "g", category: category(f["event.category"]) }, at);
      break;
    case "group.join":
      b.push("group.join", { user: id("actor"), group: "g", ...(f["event.approved"] === true ? { approvedBy: id("approver") } : {}) }, at);
      break;
    case "group.info":
      b.push("group.info", { actor: id("actor"), group: "g", name: "g", category: category(f["event.category"]) }, at);
      break;
    case "group.role":
      b.push("group.role", { actor: id("actor"), group: "g", user: id("target"), role: f["event.role"] }, at);
      break;
    case "group.manage": {
      const action = f["event.action"] as string;
      b.push("group.manage", { actor: id("actor"), group: "g", action, target: action === "delete-message" ? "m-x" : id("target") }, at);
      break;
    }
    case "message.post":
      b.push("message.post", { user: id("actor"), group: "g", message: "m-x" }, at);
      break;
    case "records.purge": {
      const back = (f["event.now"] as number) - (f["event.before"] as number);
      b.push("records.purge", { actor: id("actor"), before: formatInstant(at - back, v.zone) }, at);
      break;
    }
  }
  return b.events;
}

/**
 * Facts made by events just before the witness's event, under the policy: mutes (the group's
 * creator mutes the member; the mute lasts the version's mute duration, so it holds at the event)
 * and flags counted in a window (flagged messages of the user, or in the group, a second apart).
 * Both are judged like any event: a mute the policy refuses, or a measure the flags trigger,
 * shows in the replay, which then does not confirm the witness.
 */
function lateFacts(v: VersionIR, f: Record<string, FactValue>, muted: readonly string[], people: ReadonlyMap<string, string>, exists: boolean, at: number): [string, Record<string, unknown>, number][] | string {
  const out: [string, Record<string, unknown>, number][] = [];
  let t = at - 1000;
  const mutedIds = new Set<string>();
  for (const root of muted) {
    const who = people.get(root);
    // One user under two roots (actor and target) is muted once.
    if (who !== undefined && mutedIds.has(who)) continue;
    if (who !== undefined) mutedIds.add(who);
    if (!exists || who === undefined) return `the witness needs a mute (${root}.muted) of a user outside any group`;
    if (who === "c1") return `the witness needs a mute of the group's creator (${root}.muted)`;
    if (f[`${root}.role`] === "none" || f[`${root}.role`] === undefined) return `the witness needs a mute (${root}.muted) of a user who is not a member of the group`;
    if (addDuration(0, v.management.muteFor, "UTC") <= at - t) return `the version's mutes (${v.management.muteFor.amount} ${v.management.muteFor.unit}) lapse before the event`;
    out.push(["group.manage", { actor: "c1", group: "g", action: "mute", target: who }, t--]);
  }
  // The least severe category: its flags trigger the fewest measures on the way.
  const sev = (c: { severity: string }) => v.prohibited.severities.indexOf(c.severity);
  const category = [...v.prohibited.categories].sort((x, y) => sev(x) - sev(y))[0]?.name;
  let flagged = 0;
  for (const [name, value] of Object.entries(f)) {
    const w = /^window:([a-z]+):/.exec(name);
    if (!w || typeof value !== "number" || value <= 0) continue;
    if (category === undefined) return `the witness needs flags within a window (${name}) and the version declares no prohibited content`;
    if (value > 50) return `the witness needs ${value} flags within a window (${name})`;
    const root = w[1]!;
    // The target's flags are the actor's when they are one user: flagged once.
    if (root === "target" && f[SELF] === true) continue;
    const user = root === "group" ? "z1" : people.get(root);
    if (user === undefined || !exists) return `the witness needs flags within a window (${name}) in no group`;
    for (let i = 0; i < value; i++) out.push(["content.flagged", { group: "g", user, message: `wf${++flagged}`, category }, (t -= 1000)]);
  }
  return out.sort((x, y) => x[2] - y[2]);
}

/** Replays a stream through the compiled engine and the oracle: the last primary decision and the oracle's findings there. */
export function replay(ir: PolicyIR, events: readonly GenEvent[]): { last: Decision | undefined; violations: { req: string; message: string }[]; refused?: string } {
  const program = compileProgram(ir);
  const state = emptyState();
  const oracle = new Oracle(ir, secretsOf([...events]));
  let last: Decision | undefined;
  for (let i = 0; i < events.length; i++) {
    const r = program.evaluate(events[i], state);
    if (r.deadLetter) return { last, violations: [], refused: `event ${events[i]!.id} (${events[i]!.type}) was refused: ${r.deadLetter.reason}` };
    oracle.observe(events[i]!, r.decisions, r.decisions.map(serializeDecision));
    last = r.decisions[r.decisions.length - 1];
  }
  const lastIndex = events.length - 1;
  return { last, violations: oracle.violations.filter((x) => x.index === lastIndex).map((x) => ({ req: x.req, message: x.message })) };
}

function decided(d: Decision | undefined): string {
  return d ? `${d.outcome} by ${d.rule}` : "no decision";
}

/** Builds and replays a refuted obligation's witness (two, for monotonicity). */
export function confirm(ir: PolicyIR, vi: number, req: string, s: Situation, raised?: Situation): Replay {
  const events = buildStream(ir, vi, s);
  if (typeof events === "string") return { status: "not-built", message: events, events: [] };
  if (!Array.isArray(events)) return { status: "not-built", message: events.message, events: [], observed: events.observed };
  const r = replay(ir, events);
  if (r.refused) return { status: "not-confirmed", message: r.refused, events };
  if (raised) {
    const more = buildStream(ir, vi, raised);
    if (!Array.isArray(more)) return { status: "not-built", message: typeof more === "string" ? more : more.message, events };
    const r2 = replay(ir, more);
    if (r2.refused) return { status: "not-confirmed", message: r2.refused, events, raisedEvents: more };
    const ok = r.last?.outcome === "allow" && r2.last?.outcome === "deny";
    return ok
      ? { status: "confirmed", message: `allowed by ${r.last!.rule} at the lower credit, denied by ${r2.last!.rule} at the higher`, events, raisedEvents: more }
      : { status: "not-confirmed", message: `the engine decided ${decided(r.last)} and ${decided(r2.last)}`, events, raisedEvents: more };
  }
  const expected = s.event === "any" || (r.last !== undefined && (r.last.outcome === "allow") === s.allowed && r.last.rule === s.rule);
  const breach = r.violations.find((x) => x.req === req);
  if (expected && breach) return { status: "confirmed", message: breach.message, events };
  if (!expected) return { status: "not-confirmed", message: `the engine decided ${decided(r.last)}, the encoding predicted ${s.allowed ? "allow" : "deny"} by ${s.rule}`, events };
  return { status: "not-confirmed", message: `the engine decided ${decided(r.last)} as predicted, but the oracle saw no breach of ${req}`, events };
}
