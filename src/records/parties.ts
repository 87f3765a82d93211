/**
 * Everyone a decision concerns, in any role (A13.inspection: an export for a user holds every
 * decision about that user). Computed by the durable engine when the decision is made, because
 * part of it is only in the event (the member a manager removes, the user whose role changes, a
 * complainant) or in the state (who filed the complaint a deadline is about), and the decision by
 * itself names only its subject and the targets of its effects.
 *
 * A decision concerns:
 * - its subject's user and group, and every user or group an effect targets (measures,
 *   obligations, tier changes, escalated flags);
 * - for a decision on an event (not a timer decision, whose triggering event is someone else's):
 *   every user the event names in {@link EVENT_USERS} and its group;
 * - for a decision about a complaint (a filing, a resolution, a deadline): the complaint's
 *   complainant, the user and the group complained about.
 */
import type { Decision } from "../engine/decision.js";
import type { EventType, ManageAction } from "../vocab/events.js";
import type { Parties } from "./log.js";

/** The fields of each event type that name a user, in any role. */
export const EVENT_USERS: Readonly<Record<EventType, readonly string[]>> = {
  "user.registered": ["user"],
  "user.verified": ["user"],
  "user.credit": ["user"],
  "agreement.published": [],
  "agreement.accepted": ["user"],
  "group.create": ["user"],
  "group.join": ["user", "approvedBy"],
  "group.leave": ["user"],
  "group.info": ["actor"],
  "group.role": ["actor", "user"],
  // `target` too when the action is done to a member (see MANAGED_USER).
  "group.manage": ["actor"],
  "message.post": ["user"],
  "content.flagged": ["user"],
  "complaint.filed": ["by", "user"],
  "complaint.resolved": ["actor"],
  "records.purge": ["actor"],
  clock: [],
};

/** Whether a `group.manage` action's `target` is a member (else a message). */
const MANAGED_USER: Readonly<Record<ManageAction, boolean>> = { "remove-member": true, mute: true, "delete-message": false };

/** The parties of a complaint, as its filing named them. */
export interface ComplaintParties {
  by: string | null;
  user: string | null;
  group: string | null;
}

class PartySet {
  readonly users: string[] = [];
  readonly groups: string[] = [];
  user(u: unknown): void {
    if (typeof u === "string" && !this.users.includes(u)) this.users.push(u);
  }
  group(g: unknown): void {
    if (typeof g === "string" && !this.groups.includes(g)) this.groups.push(g);
  }
}

/**
 * Whether a decision concerns only its subject: no effects, no complaint, and its event names no
 * one else (the common case: a post, a join, a registration). Then {@link concerns} of the decision
 * alone is exact, and nothing need be kept beside it.
 */
function onlySubject(d: Decision, event: Readonly<Record<string, unknown>> | null): boolean {
  if (d.effects.length > 0 || d.subject.complaint !== undefined) return false;
  if (d.trigger !== undefined || event === null) return true;
  const type = event["type"] as EventType;
  if (event["complaint"] !== undefined || (event["group"] !== undefined && event["group"] !== d.subject.group)) return false;
  for (const f of EVENT_USERS[type] ?? []) if (event[f] !== undefined && event[f] !== d.subject.user) return false;
  return !(type === "group.manage" && MANAGED_USER[event["action"] as ManageAction] === true && event["target"] !== d.subject.user);
}

/**
 * The parties of a decision, or null when they are exactly what the decision names by itself (its
 * subject; see `concerns` in ./log.ts): the stores keep nothing then, and the export falls back to
 * the decision. `event` is the accepted event that produced it (its journal form or the input;
 * ignored for timer decisions); `complaint` looks up a complaint's parties by id.
 */
export function decisionParties(d: Decision, event: Readonly<Record<string, unknown>> | null, complaint: (id: string) => ComplaintParties | undefined): Parties | null {
  if (onlySubject(d, event)) return null;
  const p = new PartySet();
  p.user(d.subject.user);
  p.group(d.subject.group);
  for (const e of d.effects) {
    switch (e.kind) {
      case "measure":
        if ("user" in e.target) p.user(e.target.user);
        else p.group(e.target.group);
        break;
      case "obligation":
        if (e.target !== undefined) {
          if ("user" in e.target) p.user(e.target.user);
          else p.group(e.target.group);
        }
        break;
      case "tier":
        p.group(e.group);
        break;
      case "escalate":
        if (e.what === "flag") p.group(e.group);
        break;
      case "record":
      case "report":
      case "remove-message":
        break;
    }
  }
  let complaintId = d.subject.complaint;
  if (d.trigger === undefined && event !== null) {
    const type = event["type"] as EventType;
    for (const f of EVENT_USERS[type] ?? []) p.user(event[f]);
    if (type === "group.manage" && MANAGED_USER[event["action"] as ManageAction] === true) p.user(event["target"]);
    p.group(event["group"]);
    if (typeof event["complaint"] === "string") complaintId ??= event["complaint"];
  }
  if (complaintId !== undefined) {
    const c = complaint(complaintId);
    if (c !== undefined) {
      p.user(c.by);
      p.user(c.user);
      p.group(c.group);
    }
  }
  return { users: p.users, groups: p.groups };
}

/** Parties as the stores keep them: `[[users…],[groups…]]`. */
export function partiesJson(p: Parties): string {
  return JSON.stringify([p.users, p.groups]);
}

/** Reads {@link partiesJson} back. */
export function parseParties(text: string): Parties {
  const [users, groups] = JSON.parse(text) as [string[], string[]];
  return { users, groups };
}
