/**
 * The atomic facts of a real engine state and event, read with the engine's own accessors
 * (src/engine/context.ts). This is the bridge the drift property test stands on: the encoding's
 * decision on these facts must equal the compiled program's decision on the state, so the
 * encoding (and its assumptions) cannot drift from the engine.
 */
import { agreementAccepted, creditIndex, groupActivity, newCtx, pathAccessor, resetCtx, windowAccessor, type Ctx } from "../engine/context.js";
import type { Event } from "../engine/event.js";
import type { EngineState } from "../engine/state.js";
import type { VersionData } from "../engine/version.js";
import { addDuration } from "../source/time.js";
import { ROLE, type Domain } from "./domain.js";
import { durationOfAtom, SELF, USER_ROOTS, type Facts } from "./facts.js";

/** Atom name → concrete value (booleans, and integers in the encoding's codes), for every atom of `f`. */
export function concreteAtoms(f: Facts, dom: Domain, v: VersionData, st: EngineState, ev: Event, now: number): Map<string, number | boolean> {
  const c: Ctx = newCtx(st, v, ev);
  resetCtx(c, st, v, ev, now);
  const out = new Map<string, number | boolean>();
  const g = c.g;
  const acc = (p: string) => pathAccessor(p)(c);
  out.set("group.exists", g !== undefined);
  out.set("group.members", g ? g.memberCount : 1);
  out.set("group.managers", g ? g.managerCount : 0);
  out.set("group.category", g ? dom.categoryCode(g.category) : 0);
  out.set("event.category", ev.type === "group.create" || ev.type === "group.info" ? dom.categoryCode(ev.category) : 0);
  for (const k of ["closed", "blacklisted", "posting-suspended", "has-info-page"]) out.set(`group.${k}`, acc(`group.${k}`) === true);
  out.set("group.age", g ? now - g.createdAt : 0);
  out.set("group.activity", g ? groupActivity(c) : 0);
  const ids: Record<string, string | null> = { actor: c.actor, target: c.target, approver: c.approver, creator: g ? g.creator : null };
  for (const r of USER_ROOTS) {
    const id = ids[r] ?? null;
    const u = id === null ? undefined : st.users[id];
    const present = id !== null;
    const bool = (field: string) => present && acc(`${r}.${field}`) === true;
    out.set(`${r}.verified`, bool("verified"));
    out.set(`${r}.accepted`, present && agreementAccepted(c, u));
    out.set(`${r}.blacklisted`, bool("blacklisted"));
    out.set(`${r}.management-suspended`, bool("management-suspended"));
    out.set(`${r}.creation-cancelled`, bool("creation-cancelled"));
    out.set(`${r}.muted`, bool("muted"));
    out.set(`${r}.credit`, creditIndex(v, u));
    out.set(`${r}.groups-created`, u?.groupsCreated ?? 0);
    out.set(`${r}.groups-joined`, u?.groupsJoined ?? 0);
    const role = r === "creator" ? "creator" : present && g ? (g.members[id!] ?? "none") : "none";
    out.set(`${r}.role`, ROLE[role as keyof typeof ROLE]);
    out.set(`${r}.account-age`, u === undefined ? 0 : now - u.firstSeen);
  }
  out.set("event.action", ev.action === null ? 0 : dom.actionCode(ev.action));
  out.set("event.role", ev.role === "manager" ? ROLE.manager : ROLE.member);
  out.set("event.approved", ev.approvedBy !== null);
  out.set(SELF, c.target !== null && c.target === c.actor);
  out.set("event.before", Number.isNaN(ev.beforeMs) ? 0 : ev.beforeMs);
  out.set("event.at", ev.atMs);
  out.set("event.now", now);
  for (const name of f.atoms.keys()) {
    const w = /^window:([a-z]+):(\d+)([a-z]+)$/.exec(name);
    if (w) {
      const within = { amount: Number(w[2]), unit: w[3] as "day" };
      const present = w[1] === "group" ? g !== undefined : ids[w[1]!] !== null;
      out.set(name, present ? (windowAccessor(`${w[1]}.flags`, within)(c) as number) : 0);
      continue;
    }
    const d = durationOfAtom(name);
    if (d) out.set(name, now - addDuration(now, d, v.zone, -1));
  }
  return out;
}
