/**
 * Decided events (docs/engine.md, "Decided events"): the version's rules for the event type, in
 * precedence order (first holding deny, else first holding allow), then the version's integrity
 * guards (the IR's `guards`, lowered by src/ir/guards.ts), and the state change and effects of an
 * allowed event.
 */
import type { DecidedEvent, EventType } from "../vocab/events.js";
import { handledElsewhere } from "../source/exhaustive.js";
import { DAY_MS, resetCtx, tierAfter, tierNow, type Ctx } from "./context.js";
import { NO_CITES, NO_EFFECTS, type Decision, type Effect, type Subject } from "./decision.js";
import type { Event, EventOf } from "./event.js";
import { addMember, removeMember, setRole } from "./groups.js";
import { rulesFor, traceRule, type CompiledRule, type EventRules } from "./rules.js";
import { decision, firing, type CompiledVersion, type Runtime } from "./runtime.js";
import { ensureUser, newGroup, type EngineState } from "./state.js";
import { addDuration } from "../source/time.js";
import { cancelTimer } from "./timers.js";

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

export function judgeDecided(rt: Runtime, cv: CompiledVersion, ev: Event, st: EngineState, now: number): Decision {
  const c = rt.ctx;
  resetCtx(c, st, cv.data, ev, now);
  const rules = rulesFor(cv.rules, ev.type as DecidedEvent);
  if (rt.explain !== null) traceAll(rt, cv, rules, c);
  const subject: Subject =
    ev.group === null ? { user: c.actor! } : { user: c.actor!, group: ev.group, role: c.g === undefined ? "none" : (c.g.members[c.actor!] ?? "none") };
  const f = firing(ev);
  const policy = cv.stamp;
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
  // The IR's integrity guards (src/ir/guards.ts): the first that holds refuses the change the rules allowed.
  for (const g of rules.guards) {
    if (g.when(c) === true) {
      if (rt.explain !== null) rt.explain.guard = g.ir.name;
      return decision(f, "deny", subject, g.ir.name, g.because(c), g.cites, NO_EFFECTS, policy);
    }
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
      st.groups[gid!] = newGroup(actor, ev.category, ev.name, now);
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
      g.category = ev.category;
      g.hasInfoPage = true;
      return from !== to ? [tierEffect(gid!, from, to)] : NO_EFFECTS;
    }
    case "group.role":
      ensureUser(st, ev.user, now);
      setRole(c.g!, ev.user, ev.role);
      return NO_EFFECTS;
    case "group.manage":
      return manage(c, ev, cv, st, now);
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
      // Only decided events are judged here: every one of them has its case above.
      handledElsewhere<Exclude<EventType, DecidedEvent>>(ev.type);
      return NO_EFFECTS;
  }
}

function manage(c: Ctx, ev: EventOf<"group.manage">, cv: CompiledVersion, st: EngineState, now: number): readonly Effect[] {
  const g = c.g!;
  const target = ev.target;
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
