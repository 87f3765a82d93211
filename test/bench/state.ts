/**
 * Loading a benchmark population into an engine state directly (no events): a million users and
 * a hundred thousand groups take seconds this way, instead of minutes of setup events and a
 * duplicate-id table of millions of entries.
 */
import { emptyState, type EngineState } from "../../src/engine/index.js";
import { newGroup, newUser, type MemberRole } from "../../src/engine/state.js";
import type { Population } from "../../src/workload/generate.js";

export function engineStateOf(pop: Population): EngineState {
  const st = emptyState();
  const t = pop.atMs;
  for (const p of pop.users) {
    const u = newUser(t);
    u.registeredAt = t;
    u.verified = p.verified;
    u.credit = p.credit;
    if (p.accepted) u.accepted.push(pop.agreementVersion);
    st.users[p.id] = u;
  }
  for (const p of pop.groups) {
    const g = newGroup(p.creator, p.category, p.name, t);
    const members = g.members;
    for (let i = 1; i < p.members.length; i++) members[p.members[i]!] = "member" satisfies MemberRole;
    for (const m of p.managers) members[m] = "manager";
    g.memberCount = p.members.length;
    g.managerCount = p.managers.length;
    g.hasInfoPage = p.hasInfoPage;
    st.groups[p.id] = g;
    for (const m of p.members) st.users[m]!.groupsJoined++;
    st.users[p.creator]!.groupsCreated++;
  }
  st.clock = t;
  return st;
}
