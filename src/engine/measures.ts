/**
 * Article 11 actions: each becomes effects on the decision and changes to the state, with the
 * timers that end them (docs/engine.md, "Flags"). Used by flags, the responsibility and complaint
 * timers, and rectification.
 */
import type { ActionIR, Cite, DurationIR, TargetName } from "../ir/types.js";
import type { Effect, EffectTarget } from "./decision.js";
import { creditIndex } from "./context.js";
import { ensureUser, type EngineState, type Timer, type TimerKind } from "./state.js";
import { addDuration, formatInstant } from "../source/time.js";
import { cancelTimer, pushTimer } from "./timers.js";
import { ProgramError, type VersionData } from "./version.js";
import { ACTIONS, isSanction, targetFits } from "../vocab/actions.js";
import { assertNever } from "../source/exhaustive.js";

/** Where actions apply: the group and user a flag (or complaint) concerns. */
export interface Scope {
  st: EngineState;
  v: VersionData;
  now: number;
  group: string | null;
  user: string | null;
  complaint: string | null;
  message: string | null;
  /** Base name for rectification rules (`<name>/rectify`), and the cites they carry. */
  rule: string;
  cites: readonly Cite[];
}

/** Schedules a timer; every field a kind does not use is null. */
export function schedule(st: EngineState, kind: TimerKind, due: number, version: number, fill: Partial<Timer> = {}): Timer {
  const t: Timer = {
    due,
    seq: st.seq++,
    kind,
    version,
    group: null,
    user: null,
    complaint: null,
    message: null,
    rule: null,
    cites: null,
    actions: null,
    watch: null,
    mark: 0,
    ...fill,
  };
  pushTimer(st.timers, t);
  return t;
}

/** Refuses actions whose target cannot carry them (closing a user, lowering a group's credit). */
export function checkActions(actions: readonly ActionIR[], where: string): void {
  for (const a of actions) {
    if (!("target" in a)) continue;
    if (!targetFits(a.kind, a.target))
      throw new ProgramError(ACTIONS[a.kind].targets === "group" ? `${where}: ${a.kind} applies to a group, not ${a.target}` : `${where}: ${a.kind} applies to users, not a group`);
    if (a.kind === "warn") checkActions(a.otherwise, where);
    if ("duration" in a && a.duration !== null && !(a.duration.amount >= 0)) throw new ProgramError(`${where}: negative duration`);
  }
}

/** The ids a target names, in a fixed order (managers sorted by id). */
function targets(name: TargetName, s: Scope): EffectTarget[] {
  switch (name) {
    case "group":
      return s.group !== null && s.st.groups[s.group] !== undefined ? [{ group: s.group }] : [];
    case "user":
      return s.user !== null ? [{ user: s.user }] : [];
    case "creator": {
      const g = s.group === null ? undefined : s.st.groups[s.group];
      return g === undefined ? [] : [{ user: g.creator }];
    }
    case "managers": {
      const g = s.group === null ? undefined : s.st.groups[s.group];
      if (g === undefined) return [];
      const ids: string[] = [];
      for (const id in g.members) if (g.members[id] === "manager") ids.push(id);
      ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return ids.map((user) => ({ user }));
    }
  }
}

function until(s: Scope, d: DurationIR): number {
  return addDuration(s.now, d, s.v.zone, 1);
}

function fmt(s: Scope, ms: number): string {
  return formatInstant(ms, s.v.zone);
}

/** Applies actions in order, appending their effects. */
export function applyActions(actions: readonly ActionIR[], s: Scope, effects: Effect[]): void {
  for (const a of actions) applyAction(a, actions, s, effects);
}

/**
 * The actions a rectification timer applies: the `otherwise` list, plus the warning measure's own
 * `record` and `report` actions where `otherwise` has none of its own, so the sanction it imposes
 * later is recorded and reported like the measure it belongs to (A11.record-report).
 */
function rectifyActions(otherwise: readonly ActionIR[], siblings: readonly ActionIR[]): ActionIR[] {
  if (!otherwise.some((a) => isSanction(a.kind))) return [...otherwise];
  const out = [...otherwise];
  for (const kind of ["record", "report"] as const) {
    if (!otherwise.some((a) => a.kind === kind)) out.push(...siblings.filter((a) => a.kind === kind));
  }
  return out;
}

function applyAction(a: ActionIR, siblings: readonly ActionIR[], s: Scope, effects: Effect[]): void {
  const st = s.st;
  switch (a.kind) {
    case "record":
      effects.push({ kind: "record" });
      return;
    case "report":
      effects.push({ kind: "report", to: a.to });
      return;
    case "escalate":
      if (s.complaint !== null) effects.push({ kind: "escalate", what: "complaint", complaint: s.complaint });
      else if (s.group !== null) effects.push({ kind: "escalate", what: "flag", group: s.group, message: s.message });
      return;
    case "warn": {
      const ts = targets(a.target, s);
      for (const target of ts) effects.push({ kind: "measure", target, measure: "warn" });
      if (a.rectifyWithin === null || ts.length === 0) return;
      const due = until(s, a.rectifyWithin);
      for (const target of ts) effects.push({ kind: "obligation", what: "rectify", target, due: fmt(s, due) });
      // Rectification is judged on the warned user's own flags, or else on the group's.
      const watch: "group" | "user" = a.target === "user" ? "user" : "group";
      const mark = watch === "user" ? (s.user === null ? 0 : (st.users[s.user]?.flagTotal ?? 0)) : (s.group === null ? 0 : (st.groups[s.group]?.flagTotal ?? 0));
      schedule(st, "rectify-due", due, s.v.index, {
        group: s.group,
        user: s.user,
        complaint: s.complaint,
        message: s.message,
        rule: s.rule,
        cites: [...s.cites],
        actions: rectifyActions(a.otherwise, siblings),
        watch,
        mark,
      });
      return;
    }
    case "suspend-posting": {
      for (const t of targets(a.target, s)) {
        if (!("group" in t)) continue;
        const g = st.groups[t.group]!;
        const end = until(s, a.duration);
        if (g.postingSuspendedUntil === null || g.postingSuspendedUntil < end) {
          if (g.postingTimer !== null) cancelTimer(st.timers, g.postingTimer);
          g.postingSuspendedUntil = end;
          g.postingTimer = schedule(st, "posting-resumes", end, s.v.index, { group: t.group }).seq;
        }
        effects.push({ kind: "measure", target: t, measure: "suspend-posting", until: fmt(s, g.postingSuspendedUntil) });
      }
      return;
    }
    case "close-group": {
      for (const t of targets(a.target, s)) {
        if (!("group" in t)) continue;
        const g = st.groups[t.group]!;
        if (!g.closed) {
          g.closed = true;
          const creator = st.users[g.creator];
          if (creator !== undefined && creator.groupsCreated > 0) creator.groupsCreated--;
        }
        effects.push({ kind: "measure", target: t, measure: "close-group" });
      }
      return;
    }
    case "blacklist": {
      for (const t of targets(a.target, s)) {
        const holder = "group" in t ? st.groups[t.group]! : ensureUser(st, t.user, s.now);
        const forever = holder.blacklisted && holder.blacklistedUntil === null;
        if (a.duration === null) {
          if (holder.blacklistTimer !== null) cancelTimer(st.timers, holder.blacklistTimer);
          holder.blacklisted = true;
          holder.blacklistedUntil = null;
          holder.blacklistTimer = null;
          effects.push({ kind: "measure", target: t, measure: "blacklist" });
          continue;
        }
        const end = until(s, a.duration);
        if (!forever && (!holder.blacklisted || holder.blacklistedUntil === null || holder.blacklistedUntil < end)) {
          if (holder.blacklistTimer !== null) cancelTimer(st.timers, holder.blacklistTimer);
          holder.blacklisted = true;
          holder.blacklistedUntil = end;
          holder.blacklistTimer = schedule(st, "blacklist-lifted", end, s.v.index, "group" in t ? { group: t.group } : { user: t.user }).seq;
        }
        if (holder.blacklistedUntil === null) effects.push({ kind: "measure", target: t, measure: "blacklist" });
        else effects.push({ kind: "measure", target: t, measure: "blacklist", until: fmt(s, holder.blacklistedUntil) });
      }
      return;
    }
    case "lower-credit": {
      for (const t of targets(a.target, s)) {
        if (!("user" in t)) continue;
        const u = ensureUser(st, t.user, s.now);
        const from = creditIndex(s.v, u);
        const to = Math.max(0, from - a.by);
        u.credit = s.v.levels[to]!;
        effects.push({ kind: "measure", target: t, measure: "lower-credit", from: s.v.levels[from]!, to: s.v.levels[to]! });
      }
      return;
    }
    case "suspend-management": {
      for (const t of targets(a.target, s)) {
        if (!("user" in t)) continue;
        const u = ensureUser(st, t.user, s.now);
        const end = until(s, a.duration);
        if (u.managementSuspendedUntil === null || u.managementSuspendedUntil < end) {
          if (u.managementTimer !== null) cancelTimer(st.timers, u.managementTimer);
          u.managementSuspendedUntil = end;
          u.managementTimer = schedule(st, "management-restored", end, s.v.index, { user: t.user }).seq;
        }
        effects.push({ kind: "measure", target: t, measure: "suspend-management", until: fmt(s, u.managementSuspendedUntil) });
      }
      return;
    }
    case "cancel-creation": {
      for (const t of targets(a.target, s)) {
        if (!("user" in t)) continue;
        ensureUser(st, t.user, s.now).creationCancelled = true;
        effects.push({ kind: "measure", target: t, measure: "cancel-creation" });
      }
      return;
    }
    default:
      assertNever(a, "action");
  }
}
