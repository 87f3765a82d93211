/**
 * The primary decision of an accepted event (docs/engine.md: "Governed or not", "Noted events"),
 * dispatching decided events, flags and complaints to their modules. Timers are ./fire.ts's job
 * and have already fired when this runs.
 */
import { DECIDED_EVENTS, type DecidedEvent } from "../vocab/events.js";
import { assertNever, handledElsewhere } from "../source/exhaustive.js";
import { resolveComplaint, fileComplaint } from "./complaints.js";
import { judgeDecided } from "./decided.js";
import { NO_CITES, NO_EFFECTS, type Decision, type PolicyStamp } from "./decision.js";
import type { Event } from "./event.js";
import { judgeFlag } from "./flags.js";
import { addMember, leave, setRole } from "./groups.js";
import { cites, decision, firing, subjectOf, type CompiledVersion, type Runtime } from "./runtime.js";
import { ensureUser, newGroup, type EngineState } from "./state.js";
import { formatInstant } from "../source/time.js";

const DECIDED: ReadonlySet<string> = new Set(DECIDED_EVENTS);

const C_EFFECTIVE = cites("A15.effective");
const C_VERIFIED = cites("A6.real-name", "A6.pii");
const C_CREDIT = cites("A7.credit");
const C_AGREEMENT = cites("A5.agreement");
const C_ROLES = cites("A2.roles");

// ---------------------------------------------------------------------------------------------
// Ungoverned: facts are recorded, nothing is judged.

export function judgeUngoverned(ev: Event, st: EngineState, now: number, first: CompiledVersion, stamp: PolicyStamp): Decision {
  const subject = subjectOf(st, ev.type === "complaint.filed" ? ev.by : (ev.actor ?? ev.user), ev.group, ev.complaint);
  recordFacts(ev, st, now);
  const reason = `event at ${ev.at} is before the policy takes effect at ${formatInstant(first.data.effectiveMs, first.data.zone)}`;
  return decision(firing(ev), "ungoverned", subject, "effective/not-yet", reason, C_EFFECTIVE, NO_EFFECTS, stamp);
}

function recordFacts(ev: Event, st: EngineState, now: number): void {
  switch (ev.type) {
    case "user.registered": {
      const u = ensureUser(st, ev.user, now);
      if (u.registeredAt === null) u.registeredAt = now;
      return;
    }
    case "user.verified":
      ensureUser(st, ev.user, now).verified = true;
      return;
    case "user.credit":
      ensureUser(st, ev.user, now).credit = ev.level;
      return;
    case "agreement.published":
      st.agreement = { version: ev.version, publishedAt: now };
      return;
    case "agreement.accepted": {
      const u = ensureUser(st, ev.user, now);
      if (!u.accepted.includes(ev.version)) u.accepted.push(ev.version);
      return;
    }
    case "group.create": {
      if (st.groups[ev.group] !== undefined) return;
      const u = ensureUser(st, ev.user, now);
      st.groups[ev.group] = newGroup(ev.user, ev.category, ev.name, now);
      u.groupsCreated++;
      u.groupsJoined++;
      return;
    }
    case "group.join": {
      const g = st.groups[ev.group];
      if (g === undefined || g.members[ev.user] !== undefined) return;
      addMember(st, g, ev.user, now);
      return;
    }
    case "group.leave":
      leave(st, ev, now);
      return;
    case "group.info": {
      const g = st.groups[ev.group];
      if (g === undefined) return;
      ensureUser(st, ev.actor, now);
      g.name = ev.name;
      g.category = ev.category;
      g.hasInfoPage = true;
      return;
    }
    case "group.role": {
      const g = st.groups[ev.group];
      if (g === undefined) return;
      ensureUser(st, ev.actor, now);
      setRole(g, ev.user, ev.role);
      return;
    }
    // Ungoverned, these record nothing: a post's activity, a management act, a purge, a flag and
    // a complaint take effect only under a policy (its rules, measures and deadlines).
    case "group.manage":
    case "message.post":
    case "records.purge":
    case "content.flagged":
    case "complaint.filed":
    case "complaint.resolved":
    case "clock":
      return;
    default:
      assertNever(ev, "event type");
  }
}

// ---------------------------------------------------------------------------------------------
// Governed

export function judge(rt: Runtime, cv: CompiledVersion, ev: Event, st: EngineState, now: number): Decision {
  if (DECIDED.has(ev.type)) return judgeDecided(rt, cv, ev, st, now);
  const f = firing(ev);
  const policy = cv.stamp;
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
      // Decided events were judged above (judgeDecided).
      handledElsewhere<DecidedEvent>(ev.type);
      throw new Error(`no handler for event type ${ev.type}`);
  }
}

