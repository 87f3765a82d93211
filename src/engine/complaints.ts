/** Complaints (A12.complaints): always accepted, due by the policy's deadline, escalated by timer (./fire.ts). */
import { NO_EFFECTS, type Decision, type Effect } from "./decision.js";
import type { EventOf } from "./event.js";
import { schedule } from "./measures.js";
import { cites, decision, firing, subjectOf, type CompiledVersion } from "./runtime.js";
import { ensureUser, type EngineState } from "./state.js";
import { addDuration, formatInstant } from "../source/time.js";
import { cancelTimer } from "./timers.js";

const C_COMPLAINTS = cites("A12.complaints");

export function fileComplaint(cv: CompiledVersion, ev: EventOf<"complaint.filed">, st: EngineState, now: number): Decision {
  const id = ev.complaint;
  const f = firing(ev);
  const policy = cv.stamp;
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

export function resolveComplaint(cv: CompiledVersion, ev: EventOf<"complaint.resolved">, st: EngineState, now: number): Decision {
  const id = ev.complaint;
  const f = firing(ev);
  const policy = cv.stamp;
  ensureUser(st, ev.actor, now);
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
