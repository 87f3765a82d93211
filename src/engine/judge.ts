/**
 * The primary decision of an accepted event (docs/engine.md: "Governed or not", "Decided events",
 * "Noted events", "Flags"), with the state change it carries. Timers are ./fire.ts's job and have
 * already fired when these run.
 */
import type { TriggerIR } from "../ir/types.js";
import type { DecidedEvent } from "../vocab/events.js";
import { DECIDED_EVENTS } from "../vocab/events.js";
import { DAY_MS, resetCtx, tierAfter, tierNow, type Ctx } from "./context.js";
import { mergeCites, NO_CITES, NO_EFFECTS, type Decision, type Effect, type Subject } from "./decision.js";
import type { Event } from "./event.js";
import { applyActions, schedule } from "./measures.js";
import { rulesFor, traceRule, type CompiledRule, type EventRules } from "./rules.js";
import { cites, decision, subjectOf, type CompiledVersion, type Firing, type Runtime } from "./runtime.js";
import { ensureUser, newGroup, type EngineState, type FlagRecord, type GroupState } from "./state.js";
import { addDuration, formatInstant } from "./time.js";
import { cancelTimer } from "./timers.js";

const DECIDED: ReadonlySet<string> = new Set(DECIDED_EVENTS);

const C_EFFECTIVE = cites("A15.effective");
const C_VERIFIED = cites("A6.real-name", "A6.pii");
const C_CREDIT = cites("A7.credit");
const C_AGREEMENT = cites("A5.agreement");
const C_ROLES = cites("A2.roles");
const C_COMPLAINTS = cites("A12.complaints");
const C_PROHIBITED = cites("A10.prohibited-content");
const C_GROUP_ID = cites("A8.group-id");
const C_MANAGEMENT = cites("A9.management-rights");

function firing(ev: Event): Firing {
  return { id: ev.id, at: ev.at, type: ev.type };
}

// ---------------------------------------------------------------------------------------------
// Ungoverned: facts are recorded, nothing is judged.

export function judgeUngoverned(ev: Event, st: EngineState, now: number, first: CompiledVersion): Decision {
  const subject = subjectOf(st, ev.type === "complaint.filed" ? ev.by : (ev.actor ?? ev.user), ev.group, ev.complaint);
  recordFacts(ev, st, now);
  const reason = `event at ${ev.at} is before the policy takes effect at ${formatInstant(first.data.effectiveMs, first.data.zone)}`;
  return decision(firing(ev), "ungoverned", subject, "effective/not-yet", reason, C_EFFECTIVE, NO_EFFECTS, null);
}

function recordFacts(ev: Event, st: EngineState, now: number): void {
  switch (ev.type) {
    case "user.registered": {
      const u = ensureUser(st, ev.user!, now);
      if (u.registeredAt === null) u.registeredAt = now;
      return;
    }
    case "user.verified":
      ensureUser(st, ev.user!, now).verified = true;
      return;
    case "user.credit":
      ensureUser(st, ev.user!, now).credit = ev.level;
      return;
    case "agreement.published":
      st.agreement = { version: ev.version, publishedAt: now };
      return;
    case "agreement.accepted": {
      const u = ensureUser(st, ev.user!, now);
      if (!u.accepted.includes(ev.version!)) u.accepted.push(ev.version!);
      return;
    }
    case "group.create": {
      if (st.groups[ev.group!] !== undefined) return;
      const u = ensureUser(st, ev.user!, now);
      st.groups[ev.group!] = newGroup(ev.user!, ev.category!, ev.name, now);
      u.groupsCreated++;
      u.groupsJoined++;
      return;
    }
    case "group.join": {
      const g = st.groups[ev.group!];
      if (g === undefined || g.members[ev.user!] !== undefined) return;
      addMember(st, g, ev.user!, now);
      return;
    }
    case "group.leave":
      leave(st, ev, now);
      return;
    case "group.info": {
      const g = st.groups[ev.group!];
      if (g === undefined) return;
      ensureUser(st, ev.actor!, now);
      g.name = ev.name;
      g.category = ev.category!;
      g.hasInfoPage = true;
      return;
    }
    case "group.role": {
      const g = st.groups[ev.group!];
      if (g === undefined) return;
      ensureUser(st, ev.actor!, now);
      setRole(g, ev.user!, ev.role!);
      return;
    }
    default:
      return;
  }
}

function addMember(st: EngineState, g: GroupState, user: string, now: number): void {
  g.members[user] = "member";
  g.memberCount++;
  ensureUser(st, user, now).groupsJoined++;
}

function setRole(g: GroupState, user: string, role: "manager" | "member"): void {
  const cur = g.members[user];
  if (role === "manager" && cur === "member") {
    g.members[user] = "manager";
    g.managerCount++;
  } else if (role === "member" && cur === "manager") {
    g.members[user] = "member";
    g.managerCount--;
  }
}

function removeMember(st: EngineState, g: GroupState, user: string): void {
  const cur = g.members[user];
  if (cur === undefined || cur === "creator") return;
  delete g.members[user];
  g.memberCount--;
  if (cur === "manager") g.managerCount--;
  const u = st.users[user];
  if (u !== undefined && u.groupsJoined > 0) u.groupsJoined--;
}

/** group.leave; returns the reason. */
function leave(st: EngineState, ev: Event, now: number): string {
  const user = ev.user!;
  const gid = ev.group!;
  ensureUser(st, user, now);
  const g = st.groups[gid];
  if (g === undefined) return `group ${gid} is unknown; nothing changes`;
  const role = g.members[user];
  if (role === undefined) return `user ${user} is not a member of group ${gid}; nothing changes`;
  if (role === "creator") return `the creator ${user} cannot leave group ${gid}; nothing changes`;
  removeMember(st, g, user);
  return `user ${user} left group ${gid}`;
}

// ---------------------------------------------------------------------------------------------
// Governed

export function judge(rt: Runtime, cv: CompiledVersion, ev: Event, st: EngineState, now: number): Decision {
  if (DECIDED.has(ev.type)) return judgeDecided(rt, cv, ev, st, now);
  const f = firing(ev);
  const policy = cv.data.version;
  const zone = cv.data.zone;
  switch (ev.type) {
    case "user.registered":
    case "user.verified":
    case "user.credit":
    case "agreement.published":
    case "agreement.accepted": {
      recordFacts(ev, st, now);
      const u = ev.user;
      const [rule, reason, c] =
        ev.type === "user.registered"
          ? ["facts/registered", `user ${u} is registered`, NO_CITES]
          : ev.type === "user.verified"
            ? ["facts/verified", `user ${u} has a verified real identity`, C_VERIFIED]
            : ev.type === "user.credit"
              ? ["facts/credit", `user ${u} has credit level ${ev.level}`, C_CREDIT]
              : ev.type === "agreement.published"
                ? ["facts/agreement-published", `service agreement version ${ev.version} is published`, C_AGREEMENT]
                : ["facts/agreement-accepted", `user ${u} accepted service agreement version ${ev.version}`, C_AGREEMENT];
      return decision(f, "noted", subjectOf(st, u, null), rule, reason, c, NO_EFFECTS, policy);
    }
    case "group.leave": {
      const subject = subjectOf(st, ev.user, ev.group);
      return decision(f, "noted", subject, "groups/leave", leave(st, ev, now), C_ROLES, NO_EFFECTS, policy);
    }
    case "complaint.filed":
      return fileComplaint(cv, ev, st, now);
    case "complaint.resolved":
      return resolveComplaint(cv, ev, st, now);
    case "content.flagged":
      return judgeFlag(rt, cv, ev, st, now);
    case "clock":
      return decision(f, "noted", {}, "clock/advance", `the clock is at ${formatInstant(now, zone)}`, NO_CITES, NO_EFFECTS, policy);
    default:
      throw new Error(`no handler for event type ${ev.type}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Complaints (A12.complaints)

function fileComplaint(cv: CompiledVersion, ev: Event, st: EngineState, now: number): Decision {
  const id = ev.complaint!;
  const f = firing(ev);
  const policy = cv.data.version;
  if (ev.by !== null) ensureUser(st, ev.by, now);
  if (ev.user !== null) ensureUser(st, ev.user, now);
  const subject = subjectOf(st, ev.by, ev.group, id);
  if (st.complaints[id] !== undefined) {
    return decision(f, "noted", subject, "complaints/already-filed", `complaint ${id} was already filed; nothing changes`, C_COMPLAINTS, NO_EFFECTS, policy);
  }
  const cfg = cv.data.ir.complaints;
  const due = cfg === null ? null : addDuration(now, cfg.resolveWithin, cv.data.zone, 1);
  const timer =
    due === null ? null : schedule(st, "complaint-due", due, cv.data.index, { complaint: id, group: ev.group, user: ev.user, message: ev.message }).seq;
  st.complaints[id] = {
    filedAt: now,
    due,
    by: ev.by,
    group: ev.group,
    user: ev.user,
    message: ev.message,
    resolved: false,
    resolvedAt: null,
    overdue: false,
    timer,
  };
  const dueText = due === null ? null : formatInstant(due, cv.data.zone);
  const effect: Effect =
    dueText === null
      ? { kind: "obligation", what: "resolve-complaint", complaint: id }
      : { kind: "obligation", what: "resolve-complaint", complaint: id, due: dueText };
  const reason = dueText === null ? `complaint ${id} is accepted` : `complaint ${id} is accepted and must be resolved by ${dueText}`;
  return decision(f, "noted", subject, "complaints/accepted", reason, C_COMPLAINTS, [effect], policy);
}

function resolveComplaint(cv: CompiledVersion, ev: Event, st: EngineState, now: number): Decision {
  const id = ev.complaint!;
  const f = firing(ev);
  const policy = cv.data.version;
  ensureUser(st, ev.actor!, now);
  const c = st.complaints[id];
  if (c === undefined) {
    return decision(f, "noted", subjectOf(st, ev.actor, null, id), "complaints/unknown", `complaint ${id} was never filed; nothing changes`, C_COMPLAINTS, NO_EFFECTS, policy);
  }
  const subject = subjectOf(st, ev.actor, c.group, id);
  if (c.resolved) {
    return decision(f, "noted", subject, "complaints/already-resolved", `complaint ${id} is already resolved; nothing changes`, C_COMPLAINTS, NO_EFFECTS, policy);
  }
  c.resolved = true;
  c.resolvedAt = now;
  if (c.timer !== null) cancelTimer(st.timers, c.timer);
  c.timer = null;
  const reason = c.overdue ? `complaint ${id} is resolved by ${ev.actor}, after its deadline` : `complaint ${id} is resolved by ${ev.actor}`;
  return decision(f, "noted", subject, "complaints/resolved", reason, C_COMPLAINTS, NO_EFFECTS, policy);
}

// ---------------------------------------------------------------------------------------------
// Flags (A10.prohibited-content, A11.*)

function pruneFlags(flags: FlagRecord[], horizon: number, now: number): void {
  if (!Number.isFinite(horizon) || flags.length === 0) return;
  const cutoff = now - horizon;
  let k = 0;
  while (k < flags.length && flags[k]!.t <= cutoff) k++;
  if (k > 0) flags.splice(0, k);
}

function triggerMatches(t: TriggerIR, cv: CompiledVersion, sev: number, category: string, list: readonly FlagRecord[], now: number): boolean {
  const v = cv.data;
  const want = t.severity === null ? -1 : v.severityIndex.get(t.severity)!;
  const sevOk = (s: number): boolean => t.severity === null || (t.severityOp === "==" ? s === want : s >= want);
  const catOk = (c: string): boolean => t.categories.length === 0 || t.categories.includes(c);
  if (!sevOk(sev) || !catOk(category)) return false;
  if (t.count <= 1) return true;
  const from = t.within === null ? -Infinity : addDuration(now, t.within, v.zone, -1);
  let n = 0;
  for (let i = list.length - 1; i >= 0; i--) {
    const r = list[i]!;
    if (r.t <= from) break;
    if (r.t <= now && sevOk(v.severityIndex.get(r.severity) ?? -1) && catOk(r.category) && ++n >= t.count) return true;
  }
  return false;
}

function judgeFlag(rt: Runtime, cv: CompiledVersion, ev: Event, st: EngineState, now: number): Decision {
  const f = firing(ev);
  const v = cv.data;
  const gid = ev.group!;
  const uid = ev.user!;
  const g = st.groups[gid];
  const subject = subjectOf(st, uid, gid);
  ensureUser(st, uid, now);
  if (g === undefined) {
    return decision(f, "noted", subject, "flags/unknown-group", `message ${ev.message} is flagged in unknown group ${gid}; nothing changes`, C_PROHIBITED, NO_EFFECTS, v.version);
  }
  const u = st.users[uid]!;
  const severity = ev.severity ?? v.flagSeverity.get(ev.category!)!;
  const sev = v.severityIndex.get(severity)!;
  const rec: FlagRecord = { t: now, severity, category: ev.category! };
  pruneFlags(g.flags, rt.flagHorizonMs, now);
  pruneFlags(u.flags, rt.flagHorizonMs, now);
  g.flags.push(rec);
  u.flags.push({ t: now, severity, category: ev.category! });
  g.flagTotal++;
  u.flagTotal++;

  const matching = v.measures.filter((m) => triggerMatches(m.trigger, cv, sev, ev.category!, m.trigger.scope === "group" ? g.flags : u.flags, now));
  const effects: Effect[] = [{ kind: "remove-message", message: ev.message! }];
  for (const m of matching) {
    applyActions(m.actions, { st, v, now, group: gid, user: uid, complaint: null, message: ev.message, rule: m.name, cites: m.cites }, effects);
  }
  let rule = "prohibited/remove";
  let reason = `message ${ev.message} in group ${gid} is flagged as ${ev.category} (${severity}) and removed`;
  if (matching.length > 0) {
    let best = matching[0]!;
    const rank = (t: TriggerIR): number => (t.severity === null ? -1 : v.severityIndex.get(t.severity)!);
    for (const m of matching) {
      if (m.trigger.count > best.trigger.count || (m.trigger.count === best.trigger.count && rank(m.trigger) > rank(best.trigger))) best = m;
    }
    rule = best.name;
    reason += matching.length === 1 ? `; measure ${best.name} applies` : `; measures ${matching.map((m) => m.name).join(", ")} apply`;
  }
  const allCites = matching.length === 0 ? C_PROHIBITED : mergeCites(C_PROHIBITED, ...matching.map((m) => m.cites));

  const resp = v.ir.responsibility;
  if (resp !== null) {
    const due = addDuration(now, resp.window, v.zone, 1);
    const t = schedule(st, "responsibility-due", due, v.index, { group: gid, user: uid, message: ev.message });
    g.pending.push({ timer: t.seq, message: ev.message!, user: uid });
  }
  return decision(f, "measures", subject, rule, reason, allCites, effects, v.version);
}

// ---------------------------------------------------------------------------------------------
// Decided events

interface Guard {
  rule: string;
  reason: string;
  cites: typeof C_ROLES;
}

/**
 * State changes the rules cannot make sense of are refused even when the policy's rules allow
 * them: the engine never applies a create over a used id, a change to an unknown group, a second
 * join, or a role change or removal of someone who is not a member (or is the creator).
 */
function integrityGuard(c: Ctx): Guard | null {
  const ev = c.ev;
  const g = c.g;
  if (ev.type === "records.purge") return null;
  if (ev.type === "group.create") {
    return g === undefined ? null : { rule: "integrity/group-id-used", reason: `group id ${ev.group} is already in use`, cites: C_GROUP_ID };
  }
  if (g === undefined) return { rule: "integrity/unknown-group", reason: `group ${ev.group} does not exist`, cites: C_ROLES };
  switch (ev.type) {
    case "group.join":
      return g.members[c.actor!] === undefined ? null : { rule: "integrity/already-member", reason: `user ${c.actor} is already a member of group ${ev.group}`, cites: C_ROLES };
    case "group.role": {
      const role = g.members[ev.user!];
      if (role === undefined) return { rule: "integrity/not-member", reason: `user ${ev.user} is not a member of group ${ev.group}`, cites: C_ROLES };
      if (role === "creator") return { rule: "integrity/creator-role", reason: `the creator of group ${ev.group} keeps the creator role`, cites: C_ROLES };
      return null;
    }
    case "group.manage": {
      if (ev.action === "delete-message") return null;
      const role = g.members[ev.target!];
      if (role === undefined) return { rule: "integrity/not-member", reason: `user ${ev.target} is not a member of group ${ev.group}`, cites: C_ROLES };
      if (role === "creator" && ev.action === "remove-member") {
        return { rule: "integrity/creator-protected", reason: `nobody removes the creator of group ${ev.group}`, cites: C_MANAGEMENT };
      }
      return null;
    }
    default:
      return null;
  }
}

function traceAll(rt: Runtime, cv: CompiledVersion, rules: EventRules, c: Ctx): void {
  const sink = rt.explain!;
  let cache = rt.traced.get(cv);
  if (cache === undefined) rt.traced.set(cv, (cache = new Map()));
  for (const r of rules.all) {
    let t = cache.get(r.ir);
    if (t === undefined) cache.set(r.ir, (t = traceRule(cv.data, r.ir)));
    t.tracer.values.fill(undefined);
    const holds = t.when(c) === true;
    sink.traces.push({ rule: r.ir, holds, tracer: { nodes: t.tracer.nodes, values: [...t.tracer.values] } });
  }
}

function judgeDecided(rt: Runtime, cv: CompiledVersion, ev: Event, st: EngineState, now: number): Decision {
  const c = rt.ctx;
  resetCtx(c, st, cv.data, ev, now);
  const rules = rulesFor(cv.rules, ev.type as DecidedEvent);
  if (rt.explain !== null) traceAll(rt, cv, rules, c);
  const subject: Subject =
    ev.group === null ? { user: c.actor! } : { user: c.actor!, group: ev.group, role: c.g === undefined ? "none" : (c.g.members[c.actor!] ?? "none") };
  const f = firing(ev);
  const policy = cv.data.version;
  let deciding: CompiledRule | null = null;
  for (const r of rules.denies) {
    if (r.when(c) === true) {
      deciding = r;
      break;
    }
  }
  if (deciding !== null) return decision(f, "deny", subject, deciding.ir.name, deciding.because(c), deciding.cites, NO_EFFECTS, policy);
  for (const r of rules.allows) {
    if (r.when(c) === true) {
      deciding = r;
      break;
    }
  }
  if (deciding === null) {
    return decision(f, "deny", subject, "engine/no-permit", `no rule of the policy permits ${ev.type}`, NO_CITES, NO_EFFECTS, policy);
  }
  const guard = integrityGuard(c);
  if (guard !== null) {
    if (rt.explain !== null) rt.explain.guard = guard.rule;
    return decision(f, "deny", subject, guard.rule, guard.reason, guard.cites, NO_EFFECTS, policy);
  }
  const reason = deciding.because(c);
  const effects = applyAllowed(c, cv, st, now);
  return decision(f, "allow", subject, deciding.ir.name, reason, deciding.cites, effects, policy);
}

function tierEffect(group: string, from: string | null, to: string | null): Effect {
  return { kind: "tier", group, from, to };
}

/** The state change of an allowed event and its effects (docs/engine.md, table of decided events). */
function applyAllowed(c: Ctx, cv: CompiledVersion, st: EngineState, now: number): readonly Effect[] {
  const ev = c.ev;
  const actor = c.actor!;
  const gid = ev.group;
  const infoPage = cv.data.ir.limits.infoPage;
  ensureUser(st, actor, now);
  switch (ev.type) {
    case "group.create": {
      const to = tierAfter(c)?.name ?? null;
      const u = st.users[actor]!;
      st.groups[gid!] = newGroup(actor, ev.category!, ev.name, now);
      u.groupsCreated++;
      u.groupsJoined++;
      const effects: Effect[] = [tierEffect(gid!, null, to)];
      if (infoPage !== null && 1 >= infoPage.from) effects.push({ kind: "obligation", what: "info-page", target: { group: gid! } });
      return effects;
    }
    case "group.join": {
      const g = c.g!;
      const from = tierNow(c)?.name ?? null;
      const to = tierAfter(c)?.name ?? null;
      const before = g.memberCount;
      if (ev.approvedBy !== null) ensureUser(st, ev.approvedBy, now);
      addMember(st, g, actor, now);
      const effects: Effect[] = [];
      if (from !== to) effects.push(tierEffect(gid!, from, to));
      if (infoPage !== null && !g.hasInfoPage && before < infoPage.from && g.memberCount >= infoPage.from) {
        effects.push({ kind: "obligation", what: "info-page", target: { group: gid! } });
      }
      return effects.length === 0 ? NO_EFFECTS : effects;
    }
    case "group.info": {
      const g = c.g!;
      const from = tierNow(c)?.name ?? null;
      const to = tierAfter(c)?.name ?? null;
      g.name = ev.name;
      g.category = ev.category!;
      g.hasInfoPage = true;
      return from !== to ? [tierEffect(gid!, from, to)] : NO_EFFECTS;
    }
    case "group.role":
      ensureUser(st, ev.user!, now);
      setRole(c.g!, ev.user!, ev.role!);
      return NO_EFFECTS;
    case "group.manage":
      return manage(c, cv, st, now);
    case "message.post": {
      const a = c.g!.activity;
      const cutoff = now - DAY_MS;
      let k = 0;
      while (k < a.length && a[k]! <= cutoff) k++;
      // Expired entries are dropped in batches: counting skips them anyway (binary search).
      if (k > 32 || (k > 0 && k * 2 >= a.length)) a.splice(0, k);
      a.push(now);
      return NO_EFFECTS;
    }
    case "records.purge":
      if (st.purgedBefore === null || st.purgedBefore < ev.beforeMs) st.purgedBefore = ev.beforeMs;
      return NO_EFFECTS;
    default:
      return NO_EFFECTS;
  }
}

function manage(c: Ctx, cv: CompiledVersion, st: EngineState, now: number): readonly Effect[] {
  const ev = c.ev;
  const g = c.g!;
  const target = ev.target!;
  const actor = c.actor!;
  const actorRole = g.members[actor];
  const actorUser = st.users[actor];
  const active =
    actorRole === "creator" ||
    (actorRole === "manager" && !(actorUser !== undefined && actorUser.managementSuspendedUntil !== null && actorUser.managementSuspendedUntil > now));
  let effects: readonly Effect[] = NO_EFFECTS;
  switch (ev.action) {
    case "remove-member":
      removeMember(st, g, target);
      break;
    case "mute":
      ensureUser(st, target, now);
      g.muted[target] = addDuration(now, cv.data.ir.management.muteFor, cv.data.zone, 1);
      break;
    case "delete-message":
      effects = [{ kind: "remove-message", message: target }];
      break;
  }
  // A11.responsibility: the creator or an active manager acting on a flagged message or user handles the flag.
  if (active && g.pending.length > 0) {
    const byMessage = ev.action === "delete-message";
    const keep = [];
    for (const p of g.pending) {
      if ((byMessage ? p.message : p.user) === target) cancelTimer(st.timers, p.timer);
      else keep.push(p);
    }
    g.pending = keep;
  }
  return effects;
}

