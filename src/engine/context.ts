/**
 * The per-event context rule conditions read, and one accessor per path of src/vocab/paths.ts.
 * The context is a single mutable object reused for every event (no per-event allocation); values
 * are computed only when a condition asks for them. Accessors read `c.v`, the version in force, so
 * one accessor serves every version.
 *
 * Value encoding (shared with ./expr.ts): bool → boolean; count → number; duration → ms; time →
 * epoch ms; level and severity → index in the version's scale; tier → rank (./version.ts);
 * role, action, category, string → the name. Null means "no value" (no such user, no tier).
 */
import type { DurationIR } from "../ir/types.js";
import { PATHS, canonicalPath } from "../vocab/paths.js";
import type { Event } from "./event.js";
import type { EngineState, FlagRecord, GroupState, UserState } from "./state.js";
import { addDuration } from "../source/time.js";
import { ProgramError, tierOf, type VersionData } from "./version.js";
import type { TierIR } from "../ir/types.js";

export type Val = boolean | number | string | null;

export interface Ctx {
  st: EngineState;
  v: VersionData;
  ev: Event;
  now: number;
  actor: string | null;
  /** The other user of `group.role` (its `user`) and of a user-targeted `group.manage`. */
  target: string | null;
  approver: string | null;
  gid: string | null;
  g: GroupState | undefined;
  /** The acting and target users' records, looked up once per event (undefined: not known). */
  actorUser: UserState | undefined;
  targetUser: UserState | undefined;
  /** Cached 24-hour activity of the group; -1 until asked. */
  activity: number;
}

export const DAY_MS = 86_400_000;

export function newCtx(st: EngineState, v: VersionData, ev: Event): Ctx {
  return { st, v, ev, now: 0, actor: null, target: null, approver: null, gid: null, g: undefined, actorUser: undefined, targetUser: undefined, activity: -1 };
}

/** Points the reusable context at an event. */
export function resetCtx(c: Ctx, st: EngineState, v: VersionData, ev: Event, now: number): void {
  c.st = st;
  c.v = v;
  c.ev = ev;
  c.now = now;
  c.actor = ev.actor ?? ev.user;
  c.target = ev.type === "group.role" ? ev.user : ev.type === "group.manage" && ev.action !== "delete-message" ? ev.target : null;
  c.approver = ev.approvedBy;
  c.gid = ev.group;
  c.g = ev.group === null ? undefined : st.groups[ev.group];
  c.actorUser = c.actor === null ? undefined : st.users[c.actor];
  c.targetUser = c.target === null ? undefined : st.users[c.target];
  c.activity = -1;
}

/** Entries of an ascending time list in (from, now]. */
export function countAfter(times: readonly number[], from: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= from) lo = mid + 1;
    else hi = mid;
  }
  return times.length - lo;
}

/** Flags in (from, to]; flag lists are in time order. */
export function flagsIn(flags: readonly FlagRecord[], from: number, to: number): number {
  let n = 0;
  for (let i = flags.length - 1; i >= 0; i--) {
    const t = flags[i]!.t;
    if (t <= from) break;
    if (t <= to) n++;
  }
  return n;
}

export function groupActivity(c: Ctx): number {
  if (c.activity < 0) c.activity = c.g === undefined ? 0 : countAfter(c.g.activity, c.now - DAY_MS);
  return c.activity;
}

export function creditIndex(v: VersionData, u: UserState | undefined): number {
  if (u === undefined || u.credit === null) return v.defaultLevel;
  return v.levelIndex.get(u.credit) ?? v.defaultLevel;
}

/** The agreement version in force: a publication wins unless the version in force declared one later. */
export function currentAgreement(st: EngineState, v: VersionData): string | null {
  const declared = v.ir.agreement?.currentVersion ?? null;
  const published = st.agreement.publishedAt;
  if (published === null) return declared;
  if (declared !== null && v.effectiveMs > published) return declared;
  return st.agreement.version;
}

/** A5.agreement: with `reaccept`, the current version must be among the accepted ones; else any acceptance counts. */
export function agreementAccepted(c: Ctx, u: UserState | undefined): boolean {
  const cfg = c.v.ir.agreement;
  if (cfg === null) return true;
  if (u === undefined) return false;
  const current = currentAgreement(c.st, c.v);
  if (cfg.reaccept && current !== null) return u.accepted.includes(current);
  return u.accepted.length > 0;
}

export function isBlacklisted(b: boolean, until: number | null, now: number): boolean {
  return b && (until === null || until > now);
}

// ---------------------------------------------------------------------------------------------
// Members after and tiers

export function membersAfter(c: Ctx): number {
  const g = c.g;
  switch (c.ev.type) {
    case "group.create":
      return 1;
    case "group.join":
      return g === undefined ? 1 : g.memberCount + (c.actor !== null && g.members[c.actor] !== undefined ? 0 : 1);
    default:
      return g === undefined ? 0 : g.memberCount;
  }
}

export function tierNow(c: Ctx): TierIR | null {
  const g = c.g;
  if (g === undefined) return null;
  return tierOf(c.v, g.category, g.memberCount, groupActivity(c));
}

export function tierAfter(c: Ctx): TierIR | null {
  const g = c.g;
  const ev = c.ev;
  switch (ev.type) {
    case "group.create":
      return tierOf(c.v, ev.category, 1, 0);
    case "group.join":
      return g === undefined ? null : tierOf(c.v, g.category, membersAfter(c), groupActivity(c));
    case "group.info":
      return g === undefined ? null : tierOf(c.v, ev.category, g.memberCount, groupActivity(c));
    case "message.post":
      return g === undefined ? null : tierOf(c.v, g.category, g.memberCount, groupActivity(c) + 1);
    default:
      return tierNow(c);
  }
}

function tierValue(c: Ctx, t: TierIR | null): Val {
  return t === null ? null : (c.v.tierRank.get(t.name) ?? null);
}

// ---------------------------------------------------------------------------------------------
// Accessors

export type Accessor = (c: Ctx) => Val;
type Root = (c: Ctx) => string | null;
type RootUser = (c: Ctx) => UserState | undefined;

const ROOT_IDS: Record<string, Root> = {
  actor: (c) => c.actor,
  target: (c) => c.target,
  approver: (c) => c.approver,
  creator: (c) => (c.g === undefined ? null : c.g.creator),
  group: (c) => c.gid,
};

const ROOT_USERS: Record<string, RootUser> = {
  actor: (c) => c.actorUser,
  target: (c) => c.targetUser,
  approver: (c) => (c.approver === null ? undefined : c.st.users[c.approver]),
  creator: (c) => (c.g === undefined ? undefined : c.st.users[c.g.creator]),
};

/** The id a template root names (`{group}`, `{user}`); undefined for an unknown root. */
export function rootId(root: string): Root | undefined {
  return ROOT_IDS[canonicalPath(root)];
}

/**
 * Accessors of a user root. A root that names nobody (no approver, no group for a creator) reads
 * as no value: false, 0, role none, credit and account age null. A named user the engine has not
 * seen reads as a new user: unverified, default credit, nothing accepted, age 0.
 */
function userAccessor(root: Root, user: RootUser, field: string): Accessor | undefined {
  switch (field) {
    case "verified":
      return (c) => {
        const x = user(c);
        return x !== undefined && x.verified;
      };
    case "credit":
      return (c) => (root(c) === null ? null : creditIndex(c.v, user(c)));
    case "agreement-accepted":
      return (c) => root(c) !== null && agreementAccepted(c, user(c));
    case "groups-created":
      return (c) => user(c)?.groupsCreated ?? 0;
    case "groups-joined":
      return (c) => user(c)?.groupsJoined ?? 0;
    case "blacklisted":
      return (c) => {
        const x = user(c);
        return x !== undefined && isBlacklisted(x.blacklisted, x.blacklistedUntil, c.now);
      };
    case "management-suspended":
      return (c) => {
        const x = user(c);
        return x !== undefined && x.managementSuspendedUntil !== null && x.managementSuspendedUntil > c.now;
      };
    case "creation-cancelled":
      return (c) => {
        const x = user(c);
        return x !== undefined && x.creationCancelled;
      };
    case "role":
      return (c) => {
        const id = root(c);
        return id === null || c.g === undefined ? "none" : (c.g.members[id] ?? "none");
      };
    case "muted":
      return (c) => {
        const id = root(c);
        if (id === null || c.g === undefined) return false;
        const until = c.g.muted[id];
        return until !== undefined && until > c.now;
      };
    case "account-age":
      return (c) => {
        if (root(c) === null) return null;
        const x = user(c);
        return x === undefined ? 0 : c.now - x.firstSeen;
      };
    default:
      return undefined;
  }
}

function groupAccessor(field: string): Accessor | undefined {
  switch (field) {
    case "exists":
    case "id-used":
      return (c) => c.g !== undefined;
    case "members":
      return (c) => (c.g === undefined ? 0 : c.g.memberCount);
    case "members-after":
      return membersAfter;
    case "tier":
      return (c) => tierValue(c, tierNow(c));
    case "tier-after":
      return (c) => tierValue(c, tierAfter(c));
    case "category":
      return (c) => (c.ev.type === "group.create" ? c.ev.category : c.g === undefined ? null : c.g.category);
    case "category-known":
      return (c) => {
        const cat = c.ev.type === "group.create" || c.ev.type === "group.info" ? c.ev.category : c.g === undefined ? null : c.g.category;
        return cat !== null && c.v.categoryNames.has(cat);
      };
    case "closed":
      return (c) => c.g !== undefined && c.g.closed;
    case "blacklisted":
      return (c) => c.g !== undefined && isBlacklisted(c.g.blacklisted, c.g.blacklistedUntil, c.now);
    case "posting-suspended":
      return (c) => c.g !== undefined && c.g.postingSuspendedUntil !== null && c.g.postingSuspendedUntil > c.now;
    case "has-info-page":
      return (c) => c.g !== undefined && c.g.hasInfoPage;
    case "managers":
      return (c) => (c.g === undefined ? 0 : c.g.managerCount);
    case "age":
      return (c) => (c.g === undefined ? null : c.now - c.g.createdAt);
    case "activity":
      return groupActivity;
    default:
      return undefined;
  }
}

const EVENT_ACCESSORS: Record<string, Accessor> = {
  "event.at": (c) => c.ev.atMs,
  "event.action": (c) => c.ev.action,
  "event.role": (c) => c.ev.role,
  "event.approved": (c) => c.ev.approvedBy !== null,
  "event.before": (c) => (Number.isNaN(c.ev.beforeMs) ? null : c.ev.beforeMs),
  now: (c) => c.now,
};

/**
 * The accessor of each path asked for: an accessor depends on its path alone, and a large policy
 * reads the same few paths in thousands of conditions and reasons. Only paths of PATHS get in
 * (anything else throws before), so the table stays small.
 */
const ACCESSORS = new Map<string, Accessor>();

/** The accessor of a (non-window) path; throws ProgramError for a name paths.ts does not define. */
export function pathAccessor(path: string): Accessor {
  let acc = ACCESSORS.get(path);
  if (acc === undefined) {
    acc = newPathAccessor(path);
    ACCESSORS.set(path, acc);
  }
  return acc;
}

function newPathAccessor(path: string): Accessor {
  const p = canonicalPath(path);
  const info = PATHS[p];
  if (info === undefined || info.window) throw new ProgramError(`unknown path ${path}`);
  const ev = EVENT_ACCESSORS[p];
  if (ev !== undefined) return ev;
  const dot = p.indexOf(".");
  const root = p.slice(0, dot);
  const field = p.slice(dot + 1);
  const acc = root === "group" ? groupAccessor(field) : ROOT_USERS[root] ? userAccessor(ROOT_IDS[root]!, ROOT_USERS[root]!, field) : undefined;
  if (acc === undefined) throw new ProgramError(`path ${path} has no accessor`);
  return acc;
}

/** `<root>.flags within D`: flags against the user or in the group in (now − D, now]. */
export function windowAccessor(path: string, within: DurationIR): Accessor {
  const p = canonicalPath(path);
  const info = PATHS[p];
  if (info === undefined || !info.window) throw new ProgramError(`${path} is not a window path`);
  const root = p.slice(0, p.indexOf("."));
  if (root === "group") {
    return (c) => (c.g === undefined ? 0 : flagsIn(c.g.flags, addDuration(c.now, within, c.v.zone, -1), c.now));
  }
  const user = ROOT_USERS[root];
  if (user === undefined) throw new ProgramError(`${path} is not a window path`);
  return (c) => {
    const x = user(c);
    return x === undefined ? 0 : flagsIn(x.flags, addDuration(c.now, within, c.v.zone, -1), c.now);
  };
}
