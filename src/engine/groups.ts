/**
 * Membership changes shared by decided, noted and ungoverned events (A2.roles): the creator is
 * never removed, counts on the group and the user move together.
 */
import type { EventOf } from "./event.js";
import { ensureUser, type EngineState, type GroupState } from "./state.js";

export function addMember(st: EngineState, g: GroupState, user: string, now: number): void {
  g.members[user] = "member";
  g.memberCount++;
  ensureUser(st, user, now).groupsJoined++;
}

export function setRole(g: GroupState, user: string, role: "manager" | "member"): void {
  const cur = g.members[user];
  if (role === "manager" && cur === "member") {
    g.members[user] = "manager";
    g.managerCount++;
  } else if (role === "member" && cur === "manager") {
    g.members[user] = "member";
    g.managerCount--;
  }
}

export function removeMember(st: EngineState, g: GroupState, user: string): void {
  const cur = g.members[user];
  if (cur === undefined || cur === "creator") return;
  delete g.members[user];
  g.memberCount--;
  if (cur === "manager") g.managerCount--;
  const u = st.users[user];
  if (u !== undefined && u.groupsJoined > 0) u.groupsJoined--;
}

/** group.leave (noted, or an ungoverned fact); returns the reason. */
export function leave(st: EngineState, ev: EventOf<"group.leave">, now: number): string {
  const user = ev.user;
  const gid = ev.group;
  ensureUser(st, user, now);
  const g = st.groups[gid];
  if (g === undefined) return `group ${gid} is unknown; nothing changes`;
  const role = g.members[user];
  if (role === undefined) return `user ${user} is not a member of group ${gid}; nothing changes`;
  if (role === "creator") return `the creator ${user} cannot leave group ${gid}; nothing changes`;
  removeMember(st, g, user);
  return `user ${user} left group ${gid}`;
}
