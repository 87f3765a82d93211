/**
 * Firing timers (docs/engine.md, "Time and timers"). A timer is judged by the policy version that
 * set it, at its own due instant: what happens when a deadline passes does not depend on when the
 * next event happens to arrive.
 */
import type { ActionIR } from "../ir/types.js";
import type { Decision, Effect, Subject } from "./decision.js";
import { NO_EFFECTS } from "./decision.js";
import { applyActions } from "./measures.js";
import { cites, subjectOf, timerDecision, type CompiledVersion, type Firing } from "./runtime.js";
import type { EngineState, Timer } from "./state.js";
import { formatInstant } from "../source/time.js";
import { popDue } from "./timers.js";
import { assertNever } from "../source/exhaustive.js";

const C_GROUP_MEASURES = cites("A11.group-measures");
const C_USER_MEASURES = cites("A11.user-measures");
const C_BLACKLIST = cites("A11.blacklist");
const NO_ACTIONS: readonly ActionIR[] = [];

/** Fires every timer due at or before `now`, in (due, seq) order, appending one decision each. */
export function fireDue(versions: readonly CompiledVersion[], st: EngineState, now: number, f: Firing, out: Decision[]): void {
  for (;;) {
    const t = popDue(st.timers, now);
    if (t === undefined) return;
    const cv = versions[t.version] ?? versions[versions.length - 1]!;
    out.push(fire(cv, st, t, f));
  }
}

function fire(cv: CompiledVersion, st: EngineState, t: Timer, f: Firing): Decision {
  const v = cv.data;
  const now = t.due;
  const due = formatInstant(t.due, v.zone);
  const policy = cv.stamp;
  const d = (outcome: Decision["outcome"], subject: Subject, rule: string, reason: string, c: Decision["cites"], effects: readonly Effect[]): Decision =>
    timerDecision(f, due, outcome, subject, rule, reason, c, effects, policy);
  switch (t.kind) {
    case "complaint-due": {
      const id = t.complaint!;
      const c = st.complaints[id];
      if (c !== undefined) {
        c.overdue = true;
        c.timer = null;
      }
      const effects: Effect[] = [];
      applyActions(v.ir.complaints?.otherwise ?? NO_ACTIONS, { st, v, now, group: t.group, user: t.user, complaint: id, message: t.message, rule: "complaints", cites: cv.complaintsCites }, effects);
      return d("noted", subjectOf(st, t.user, t.group, id), "complaints/overdue", `complaint ${id} was not resolved by ${due}`, cv.complaintsCites, effects);
    }
    case "responsibility-due": {
      const gid = t.group!;
      const g = st.groups[gid];
      if (g !== undefined) g.pending = g.pending.filter((p) => p.timer !== t.seq);
      const effects: Effect[] = [];
      applyActions(v.ir.responsibility?.otherwise ?? NO_ACTIONS, { st, v, now, group: gid, user: t.user, complaint: null, message: t.message, rule: "responsibility", cites: cv.responsibilityCites }, effects);
      const reason = `the flag on message ${t.message} in group ${gid} was not handled by its creator or managers by ${due}`;
      return d("measures", { group: gid }, "responsibility/unhandled", reason, cv.responsibilityCites, effects);
    }
    case "posting-resumes": {
      const gid = t.group!;
      const g = st.groups[gid];
      if (g !== undefined && g.postingTimer === t.seq) {
        g.postingSuspendedUntil = null;
        g.postingTimer = null;
      }
      return d("noted", { group: gid }, "measures/posting-resumes", `posting in group ${gid} is no longer suspended`, C_GROUP_MEASURES, NO_EFFECTS);
    }
    case "management-restored": {
      const uid = t.user!;
      const u = st.users[uid];
      if (u !== undefined && u.managementTimer === t.seq) {
        u.managementSuspendedUntil = null;
        u.managementTimer = null;
      }
      return d("noted", { user: uid }, "measures/management-restored", `management rights of user ${uid} are restored`, C_USER_MEASURES, NO_EFFECTS);
    }
    case "blacklist-lifted": {
      const holder = t.group !== null ? st.groups[t.group] : st.users[t.user!];
      if (holder !== undefined && holder.blacklistTimer === t.seq) {
        holder.blacklisted = false;
        holder.blacklistedUntil = null;
        holder.blacklistTimer = null;
      }
      const subject: Subject = t.group !== null ? { group: t.group } : { user: t.user! };
      const who = t.group !== null ? `group ${t.group}` : `user ${t.user}`;
      return d("noted", subject, "measures/blacklist-lifted", `${who} is no longer blacklisted`, C_BLACKLIST, NO_EFFECTS);
    }
    case "rectify-due": {
      const watchUser = t.watch === "user";
      const holder = watchUser ? (t.user === null ? undefined : st.users[t.user]) : t.group === null ? undefined : st.groups[t.group];
      const subject: Subject = watchUser ? { user: t.user! } : { group: t.group! };
      const who = watchUser ? `user ${t.user}` : `group ${t.group}`;
      const c = t.cites ?? [];
      if (holder !== undefined && holder.flagTotal > t.mark) {
        const effects: Effect[] = [];
        applyActions(t.actions ?? NO_ACTIONS, { st, v, now, group: t.group, user: t.user, complaint: t.complaint, message: t.message, rule: t.rule!, cites: c }, effects);
        return d("measures", subject, `${t.rule}/rectify`, `${who} was flagged again after the warning of ${t.rule} and did not rectify by ${due}`, c, effects);
      }
      return d("noted", subject, `${t.rule}/rectified`, `${who} was not flagged again after the warning of ${t.rule} until ${due}`, c, NO_EFFECTS);
    }
    default:
      return assertNever(t.kind, "timer kind");
  }
}
