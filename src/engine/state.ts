/**
 * The engine's state: plain data, serialisable with `JSON.stringify` and restored with
 * `restoreState` (./restore.ts, checked against ./state-schema.ts) to behave identically. Id-keyed tables are null-prototype records, so a
 * user or group called `__proto__` or `constructor` is an ordinary key and restoring hostile JSON
 * cannot reach any prototype. Personal information is never stored: `user.verified` keeps a
 * boolean, not the identity.
 */
import type { ActionIR, Cite } from "../ir/types.js";

export const STATE_VERSION = 1 as const;

/** A member's role in a group (A2.roles). Exactly one member, the creator, has `creator`; non-members have no entry. */
export type MemberRole = "creator" | "manager" | "member";

/** One content flag, kept for windowed counts (`… within D`, measure triggers). */
export interface FlagRecord {
  /** Engine time the flag was judged at (epoch ms). */
  t: number;
  /** The flag's severity: its own `severity`, else the category's default in the version in force. */
  severity: string;
  /** The prohibited-content category of the flag. */
  category: string;
}

/**
 * What the engine knows about one user, keyed by user id in {@link EngineState.users}. A user is
 * created, with these defaults, by the first accepted event that mentions them; a denied event
 * creates nobody. All instants are engine time in epoch milliseconds (the clock when the event was
 * judged, which may be later than the event's own `at`). No personal information is kept: a
 * verification is a boolean.
 */
export interface UserState {
  /** Engine time of the first accepted event that mentioned the user (`account-age` counts from it). */
  firstSeen: number;
  /** Engine time of the user's first `user.registered`, or null if none was seen. */
  registeredAt: number | null;
  /** A `user.verified` was accepted for the user (A6.real-name); the identity itself is dropped at intake. */
  verified: boolean;
  /** The credit level set by `user.credit` or `lower-credit`; null: the default level of the version in force. */
  credit: string | null;
  /** Agreement versions accepted, in acceptance order, without duplicates. */
  accepted: string[];
  /** Groups created that are not closed. */
  groupsCreated: number;
  /** Groups the user is a member of, created ones included. */
  groupsJoined: number;
  /** Under a `blacklist` measure. */
  blacklisted: boolean;
  /** When a timed blacklist ends; null with `blacklisted`: for ever. */
  blacklistedUntil: number | null;
  /** `seq` of the pending `blacklist-lifted` timer, or null. */
  blacklistTimer: number | null;
  /** When a `suspend-management` measure ends, or null when management rights are not suspended. */
  managementSuspendedUntil: number | null;
  /** `seq` of the pending `management-restored` timer, or null. */
  managementTimer: number | null;
  /** A `cancel-creation` measure applies: the user may not create groups any more (it never lapses). */
  creationCancelled: boolean;
  /** Recent flags against the user in any group, oldest first, pruned past the longest window any version counts. */
  flags: FlagRecord[];
  /** Flags ever recorded against the user (never pruned; rectify timers compare it). */
  flagTotal: number;
}

/** A flag waiting for the creator or a manager to handle it (A11.responsibility). */
export interface PendingFlag {
  /** `seq` of the flag's `responsibility-due` timer. */
  timer: number;
  /** The flagged message; a `delete-message` of it handles the flag. */
  message: string;
  /** The flagged user; a `remove-member` or `mute` of them handles the flag. */
  user: string;
}

/**
 * One group, keyed by group id in {@link EngineState.groups}. It is created by an allowed (or
 * ungoverned) `group.create` and never removed: a closed group keeps its entry, so its id stays
 * used for ever (A8.group-id). Instants are engine time in epoch milliseconds.
 */
export interface GroupState {
  /** The group's category (set at creation, changed by `group.info`). */
  category: string;
  /** User id of the creator; always a member with role `creator`. */
  creator: string;
  /** The name from `group.create` or `group.info`, or null when none was given. */
  name: string | null;
  /** A `group.info` was applied (allowed, or ungoverned): the group has an information page (A8.info-page). */
  hasInfoPage: boolean;
  /** Engine time of the creation. */
  createdAt: number;
  /** Closed by a `close-group` measure; permanent. */
  closed: boolean;
  /** Under a `blacklist` measure. */
  blacklisted: boolean;
  /** When a timed blacklist ends; null with `blacklisted`: for ever. */
  blacklistedUntil: number | null;
  /** `seq` of the pending `blacklist-lifted` timer, or null. */
  blacklistTimer: number | null;
  /** When a `suspend-posting` measure ends, or null when posting is not suspended. */
  postingSuspendedUntil: number | null;
  /** `seq` of the pending `posting-resumes` timer, or null. */
  postingTimer: number | null;
  /** User id → role, one entry per member (the creator included). */
  members: Record<string, MemberRole>;
  /** Number of entries in `members`; derived (`restoreState` recomputes it). */
  memberCount: number;
  /** Members with role `manager` (the creator not counted); derived like `memberCount`. */
  managerCount: number;
  /** User id → engine time the mute ends; a user is muted while that is after the clock. */
  muted: Record<string, number>;
  /** Recent flags in the group, oldest first, pruned past the longest window any version counts. */
  flags: FlagRecord[];
  /** Flags ever recorded in the group (never pruned; rectify timers compare it). */
  flagTotal: number;
  /** Engine times of allowed posts, ascending; older than 24 hours are pruned. */
  activity: number[];
  /** Flags whose responsibility window is still open (A11.responsibility). */
  pending: PendingFlag[];
}

/**
 * One complaint (A12.complaints), keyed by complaint id in {@link EngineState.complaints}. Filed
 * by `complaint.filed` (always accepted), closed by `complaint.resolved`; entries are kept after
 * resolution. Instants are engine time in epoch milliseconds.
 */
export interface ComplaintState {
  /** Engine time the complaint was filed. */
  filedAt: number;
  /** The resolution deadline (filing + the version's `resolve within`), or null when that version has no complaints section. */
  due: number | null;
  /** The complainant (`by` of the event), or null. */
  by: string | null;
  /** The group complained about, or null. */
  group: string | null;
  /** The user complained about, or null. */
  user: string | null;
  /** The message complained about, or null. */
  message: string | null;
  /** A `complaint.resolved` was accepted. */
  resolved: boolean;
  /** Engine time of the resolution, or null. */
  resolvedAt: number | null;
  /** The deadline passed before the complaint was resolved (its `complaint-due` timer fired). */
  overdue: boolean;
  /** `seq` of the pending `complaint-due` timer, or null once it fired or was cancelled (or was never set). */
  timer: number | null;
}

/** What a {@link Timer} does when it fires; docs/engine.md, "Time and timers", has the table of kinds. */
export type TimerKind =
  | "complaint-due"
  | "responsibility-due"
  | "posting-resumes"
  | "management-restored"
  | "blacklist-lifted"
  | "rectify-due";

export const TIMER_KINDS: readonly TimerKind[] = [
  "complaint-due",
  "responsibility-due",
  "posting-resumes",
  "management-restored",
  "blacklist-lifted",
  "rectify-due",
];

/** A pending timer. One shape for every kind; fields a kind does not use are null. */
export interface Timer {
  /** When the timer falls due, epoch ms. It fires on the first event (or `advance`) whose judged time is at or after it. */
  due: number;
  /** Unique, increasing sequence number (from {@link EngineState.seq}); orders timers due at the same instant, and names the timer for cancelling. */
  seq: number;
  kind: TimerKind;
  /** Index of the policy version that set the timer; it judges the firing. */
  version: number;
  /** The group the timer concerns, or null. */
  group: string | null;
  /** The user the timer concerns, or null. */
  user: string | null;
  /** The complaint the timer concerns (complaint-due, or a warning given for a complaint), or null. */
  complaint: string | null;
  /** The message behind the timer (the flagged or complained-about one), or null. */
  message: string | null;
  /** rectify-due: the deciding name (`<measure>`), cites and the `otherwise` actions to apply. */
  rule: string | null;
  cites: Cite[] | null;
  actions: ActionIR[] | null;
  /** rectify-due: who was warned (`group` or `user`) and their flag total at the warning. */
  watch: "group" | "user" | null;
  /** rectify-due: the watched holder's `flagTotal` when the warning was given (0 for other kinds). */
  mark: number;
}

/**
 * Everything the engine remembers between events: users, groups, complaints, pending timers, the
 * clock and the ids already seen. A {@link Program} reads and updates it in place; the caller owns
 * it (the `Engine` keeps it behind a store). Create one with {@link emptyState}.
 *
 * It is plain data, format `v: 1`: `JSON.stringify` (or {@link snapshotState}) saves it, and
 * `restoreState` (./restore.ts) loads it back with identical behaviour afterwards. Load it with
 * `restoreState`, never a bare `JSON.parse`: restoring checks every field, makes the id-keyed
 * tables null-prototype records (a user called `__proto__` is an ordinary key), recomputes the
 * derived counts and restores the timer heap order. Treat it as read-only outside the engine.
 * Instants are epoch milliseconds of engine time; no personal information is stored.
 */
export interface EngineState {
  /** The state format version. */
  v: typeof STATE_VERSION;
  /** The engine clock: the greatest `at` accepted or time `advance`d to (epoch ms), or null before the first event. It never goes back. */
  clock: number | null;
  /** The next timer sequence number; greater than every pending timer's `seq`. */
  seq: number;
  /**
   * Ids of accepted events in acceptance order, without duplicates: an event whose id is here is a
   * dead letter. Append-only; the engine looks ids up through an index it keeps beside the array.
   */
  seen: string[];
  /** User id → user (null-prototype record). */
  users: Record<string, UserState>;
  /** Group id → group, closed ones included (null-prototype record). */
  groups: Record<string, GroupState>;
  /** Complaint id → complaint, resolved ones included (null-prototype record). */
  complaints: Record<string, ComplaintState>;
  /** Pending timers as a binary min-heap ordered by (`due`, `seq`): the array order is not the firing order. Fired and cancelled timers are removed. */
  timers: Timer[];
  /** The service agreement's last `agreement.published` version and when it was published (engine time), or nulls before any. */
  agreement: { version: string | null; publishedAt: number | null };
  /** Records before this instant have been purged (A13.retention), or null. */
  purgedBefore: number | null;
}

/**
 * Seen ids are kept in the state as an append-only array (compact JSON) and looked up through a
 * Set built once per array: inserting into a 10⁵-key dictionary object costs more than the rest
 * of judging most events. The Set hangs off the state under a non-enumerable symbol, which
 * `JSON.stringify`, spreads and equality checks skip, so the state stays plain data; each event
 * costs one lookup and one insertion.
 */
const SEEN_INDEX = Symbol("seen index");

type Indexed = EngineState & { [SEEN_INDEX]?: { of: string[]; set: Set<string> } };

function indexOf(st: EngineState): Set<string> {
  const ix = (st as Indexed)[SEEN_INDEX];
  // Rebuilt when the array was replaced or changed behind the engine's back (it only ever appends).
  if (ix !== undefined && ix.of === st.seen && ix.set.size === st.seen.length) return ix.set;
  const set = new Set(st.seen);
  if (ix !== undefined) {
    ix.of = st.seen;
    ix.set = set;
  } else Object.defineProperty(st, SEEN_INDEX, { value: { of: st.seen, set }, enumerable: false, writable: false, configurable: true });
  return set;
}

export function hasSeen(st: EngineState, id: string): boolean {
  return indexOf(st).has(id);
}

export function markSeen(st: EngineState, id: string): void {
  const set = indexOf(st);
  const before = set.size;
  set.add(id);
  if (set.size !== before) st.seen.push(id);
}

export function record<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/**
 * A new engine state: no users, groups, complaints or timers, the clock before any event.
 *
 * @example
 * ```ts
 * const state = emptyState();
 * const { decisions } = program.evaluate({ id: "e1", type: "clock", at: "2017-10-08T00:00:00+08:00" }, state);
 * ```
 */
export function emptyState(): EngineState {
  return {
    v: STATE_VERSION,
    clock: null,
    seq: 0,
    seen: [],
    users: record<UserState>(),
    groups: record<GroupState>(),
    complaints: record<ComplaintState>(),
    timers: [],
    agreement: { version: null, publishedAt: null },
    purgedBefore: null,
  };
}

export function newUser(now: number): UserState {
  return {
    firstSeen: now,
    registeredAt: null,
    verified: false,
    credit: null,
    accepted: [],
    groupsCreated: 0,
    groupsJoined: 0,
    blacklisted: false,
    blacklistedUntil: null,
    blacklistTimer: null,
    managementSuspendedUntil: null,
    managementTimer: null,
    creationCancelled: false,
    flags: [],
    flagTotal: 0,
  };
}

/** The user, created with defaults on first mention. */
export function ensureUser(st: EngineState, id: string, now: number): UserState {
  let u = st.users[id];
  if (u === undefined) {
    u = newUser(now);
    st.users[id] = u;
  }
  return u;
}

export function newGroup(creator: string, category: string, name: string | null, now: number): GroupState {
  const members = record<MemberRole>();
  members[creator] = "creator";
  return {
    category,
    creator,
    name,
    hasInfoPage: false,
    createdAt: now,
    closed: false,
    blacklisted: false,
    blacklistedUntil: null,
    blacklistTimer: null,
    postingSuspendedUntil: null,
    postingTimer: null,
    members,
    memberCount: 1,
    managerCount: 0,
    muted: record<number>(),
    flags: [],
    flagTotal: 0,
    activity: [],
    pending: [],
  };
}

/** The state as JSON text (what `JSON.stringify(state)` gives). */
export function snapshotState(st: EngineState): string {
  return JSON.stringify(st);
}
