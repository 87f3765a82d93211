/**
 * The state view of policy tests: a small, stable picture of the engine state that test authors
 * write expectations against (docs/testing.md, "State"). Field names follow the policy language's
 * paths (`group.posting-suspended`, `user.groups-created`), so a test reads like the policy. It is
 * computed from `EngineState` at the engine clock with the policy version then in force; the
 * engine's own internals (timers' sequence numbers, flag lists, activity timestamps) stay hidden,
 * so refactoring the engine does not break policy tests.
 */
import { agreementAccepted, creditIndex, currentAgreement, groupActivity, isBlacklisted, newCtx } from "../engine/context.js";
import { blankEvent } from "../engine/event.js";
import type { EngineState } from "../engine/state.js";
import { compileVersionData, tierOf, type VersionData } from "../engine/version.js";
import type { PolicyIR } from "../ir/types.js";
import { formatInstant } from "../source/time.js";

export type ViewValue = boolean | number | string | null | string[] | Record<string, string> | Record<string, string>[];

export interface GroupView {
  exists: boolean;
  category: string | null;
  creator: string | null;
  name: string | null;
  members: number;
  managers: number;
  /** Every member's role, creator included. */
  roles: Record<string, string>;
  tier: string;
  activity: number;
  closed: boolean;
  blacklisted: boolean;
  "posting-suspended": boolean;
  "has-info-page": boolean;
  flags: number;
  /** Members muted now, sorted. */
  muted: string[];
}

export interface UserView {
  known: boolean;
  verified: boolean;
  credit: string;
  "agreement-accepted": boolean;
  accepted: string[];
  "groups-created": number;
  "groups-joined": number;
  blacklisted: boolean;
  "management-suspended": boolean;
  "creation-cancelled": boolean;
  flags: number;
}

export interface ComplaintView {
  filed: boolean;
  resolved: boolean;
  overdue: boolean;
  due: string | null;
}

export interface TopView {
  clock: string | null;
  agreement: string | null;
  "purged-before": string | null;
  /** Pending timers in due order. */
  timers: Record<string, string>[];
}

/** Reads views of one engine state under one policy. */
export class StateViewer {
  private readonly versions: VersionData[];

  constructor(ir: PolicyIR) {
    const order = ir.versions.map((v, i) => ({ v, i })).sort((a, b) => Date.parse(a.v.effective) - Date.parse(b.v.effective) || a.i - b.i);
    this.versions = order.map(({ v }, i) => compileVersionData(v, i));
  }

  /** The version in force at the clock (the first one before the policy takes effect). */
  version(st: EngineState): VersionData {
    const now = st.clock ?? -Infinity;
    let v = this.versions[0]!;
    for (const x of this.versions) if (x.effectiveMs <= now) v = x;
    return v;
  }

  private now(st: EngineState): number {
    return st.clock ?? 0;
  }

  private fmt(st: EngineState, ms: number | null): string | null {
    return ms === null ? null : formatInstant(ms, this.version(st).ir.zone);
  }

  group(st: EngineState, id: string): GroupView {
    const g = st.groups[id];
    const v = this.version(st);
    const now = this.now(st);
    if (g === undefined) {
      return {
        exists: false,
        category: null,
        creator: null,
        name: null,
        members: 0,
        managers: 0,
        roles: {},
        tier: "none",
        activity: 0,
        closed: false,
        blacklisted: false,
        "posting-suspended": false,
        "has-info-page": false,
        flags: 0,
        muted: [],
      };
    }
    const c = newCtx(st, v, blankEvent("", "clock", "", now));
    c.now = now;
    c.g = g;
    c.gid = id;
    const activity = groupActivity(c);
    const roles: Record<string, string> = {};
    for (const k of Object.keys(g.members).sort()) roles[k] = g.members[k]!;
    const muted = Object.keys(g.muted)
      .filter((u) => g.muted[u]! > now && g.members[u] !== undefined)
      .sort();
    return {
      exists: true,
      category: g.category,
      creator: g.creator,
      name: g.name,
      members: g.memberCount,
      managers: g.managerCount,
      roles,
      tier: tierOf(v, g.category, g.memberCount, activity)?.name ?? "none",
      activity,
      closed: g.closed,
      blacklisted: isBlacklisted(g.blacklisted, g.blacklistedUntil, now),
      "posting-suspended": g.postingSuspendedUntil !== null && g.postingSuspendedUntil > now,
      "has-info-page": g.hasInfoPage,
      flags: g.flagTotal,
      muted,
    };
  }

  user(st: EngineState, id: string): UserView {
    const u = st.users[id];
    const v = this.version(st);
    const now = this.now(st);
    const c = newCtx(st, v, blankEvent("", "clock", "", now));
    c.now = now;
    return {
      known: u !== undefined,
      verified: u?.verified ?? false,
      credit: v.levels[creditIndex(v, u)]!,
      "agreement-accepted": agreementAccepted(c, u),
      accepted: u ? [...u.accepted] : [],
      "groups-created": u?.groupsCreated ?? 0,
      "groups-joined": u?.groupsJoined ?? 0,
      blacklisted: u !== undefined && isBlacklisted(u.blacklisted, u.blacklistedUntil, now),
      "management-suspended": u !== undefined && u.managementSuspendedUntil !== null && u.managementSuspendedUntil > now,
      "creation-cancelled": u?.creationCancelled ?? false,
      flags: u?.flagTotal ?? 0,
    };
  }

  complaint(st: EngineState, id: string): ComplaintView {
    const c = st.complaints[id];
    return {
      filed: c !== undefined,
      resolved: c?.resolved ?? false,
      overdue: c?.overdue ?? false,
      due: c === undefined ? null : this.fmt(st, c.due),
    };
  }

  top(st: EngineState): TopView {
    const timers = [...st.timers]
      .sort((a, b) => a.due - b.due || a.seq - b.seq)
      .map((t) => {
        const out: Record<string, string> = { kind: t.kind, due: this.fmt(st, t.due)! };
        if (t.group !== null) out["group"] = t.group;
        if (t.user !== null) out["user"] = t.user;
        if (t.complaint !== null) out["complaint"] = t.complaint;
        return out;
      });
    return {
      clock: this.fmt(st, st.clock),
      agreement: currentAgreement(st, this.version(st)),
      "purged-before": this.fmt(st, st.purgedBefore),
      timers,
    };
  }
}
