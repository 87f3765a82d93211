/**
 * The engine's state: plain data, serialisable with `JSON.stringify` and restored with
 * {@link restoreState} to behave identically. Id-keyed tables are null-prototype records, so a
 * user or group called `__proto__` or `constructor` is an ordinary key and restoring hostile JSON
 * cannot reach any prototype. Personal information is never stored: `user.verified` keeps a
 * boolean, not the identity.
 */
import type { ActionIR, Cite } from "../ir/types.js";
import { heapify } from "./timers.js";

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
 * {@link restoreState} loads it back with identical behaviour afterwards. Load it with
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

/** Thrown by {@link restoreState} when a saved state is not one this engine wrote. */
export class StateError extends Error {
  override name = "StateError";
}

// ---------------------------------------------------------------------------------------------
// Restoring: every field is checked; nothing from the input is trusted as an object prototype.

type Check<T> = (v: unknown, path: string) => T;

function fail(path: string, what: string): never {
  throw new StateError(`invalid engine state at ${path}: expected ${what}`);
}

const num: Check<number> = (v, p) => (typeof v === "number" && Number.isFinite(v) ? v : fail(p, "a finite number"));
const int: Check<number> = (v, p) => (Number.isSafeInteger(v) ? (v as number) : fail(p, "an integer"));
const str: Check<string> = (v, p) => (typeof v === "string" ? v : fail(p, "a string"));
const bool: Check<boolean> = (v, p) => (typeof v === "boolean" ? v : fail(p, "a boolean"));
const orNull =
  <T>(c: Check<T>): Check<T | null> =>
  (v, p) =>
    v === null ? null : c(v, p);
const arr =
  <T>(c: Check<T>): Check<T[]> =>
  (v, p) => {
    if (!Array.isArray(v)) fail(p, "an array");
    return v.map((x, i) => c(x, `${p}[${i}]`));
  };
const rec =
  <T>(c: Check<T>): Check<Record<string, T>> =>
  (v, p) => {
    const o = obj(v, p);
    const out = record<T>();
    for (const k of Object.keys(o)) out[k] = c(o[k], `${p}[${JSON.stringify(k)}]`);
    return out;
  };
const oneOf =
  <T extends string>(values: readonly T[]): Check<T> =>
  (v, p) =>
    typeof v === "string" && (values as readonly string[]).includes(v) ? (v as T) : fail(p, values.join(" | "));

function obj(v: unknown, p: string): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) fail(p, "an object");
  return v as Record<string, unknown>;
}

function fields<T>(v: unknown, p: string, shape: { [K in keyof T]: Check<T[K]> }): T {
  const o = obj(v, p);
  const out = {} as T;
  for (const k of Object.keys(shape) as (keyof T & string)[]) out[k] = shape[k](o[k], `${p}.${k}`);
  return out;
}

const flagRecord: Check<FlagRecord> = (v, p) => fields<FlagRecord>(v, p, { t: num, severity: str, category: str });

const userState: Check<UserState> = (v, p) =>
  fields<UserState>(v, p, {
    firstSeen: num,
    registeredAt: orNull(num),
    verified: bool,
    credit: orNull(str),
    accepted: arr(str),
    groupsCreated: int,
    groupsJoined: int,
    blacklisted: bool,
    blacklistedUntil: orNull(num),
    blacklistTimer: orNull(int),
    managementSuspendedUntil: orNull(num),
    managementTimer: orNull(int),
    creationCancelled: bool,
    flags: arr(flagRecord),
    flagTotal: int,
  });

const groupState: Check<GroupState> = (v, p) => {
  const g = fields<GroupState>(v, p, {
    category: str,
    creator: str,
    name: orNull(str),
    hasInfoPage: bool,
    createdAt: num,
    closed: bool,
    blacklisted: bool,
    blacklistedUntil: orNull(num),
    blacklistTimer: orNull(int),
    postingSuspendedUntil: orNull(num),
    postingTimer: orNull(int),
    members: rec(oneOf<MemberRole>(["creator", "manager", "member"])),
    memberCount: int,
    managerCount: int,
    muted: rec(num),
    flags: arr(flagRecord),
    flagTotal: int,
    activity: arr(num),
    pending: arr((x, q) => fields<PendingFlag>(x, q, { timer: int, message: str, user: str })),
  });
  // Derived counts are recomputed, so a hand-edited state cannot disagree with its member table.
  let members = 0;
  let managers = 0;
  for (const k in g.members) {
    members++;
    if (g.members[k] === "manager") managers++;
  }
  if (g.members[g.creator] !== "creator") fail(`${p}.members`, "the creator as a member with role creator");
  g.memberCount = members;
  g.managerCount = managers;
  return g;
};

const complaintState: Check<ComplaintState> = (v, p) =>
  fields<ComplaintState>(v, p, {
    filedAt: num,
    due: orNull(num),
    by: orNull(str),
    group: orNull(str),
    user: orNull(str),
    message: orNull(str),
    resolved: bool,
    resolvedAt: orNull(num),
    overdue: bool,
    timer: orNull(int),
  });

const cite: Check<Cite> = (v, p) => fields<Cite>(v, p, { article: int, req: str });

/** Actions are IR data; their detailed shape is the IR schema's job, here they must be objects with a kind. */
const action: Check<ActionIR> = (v, p) => {
  const o = obj(v, p);
  str(o["kind"], `${p}.kind`);
  return JSON.parse(JSON.stringify(o), (k, x: unknown) => (k === "__proto__" ? undefined : x)) as ActionIR;
};

const timer: Check<Timer> = (v, p) =>
  fields<Timer>(v, p, {
    due: num,
    seq: int,
    kind: oneOf(TIMER_KINDS),
    version: int,
    group: orNull(str),
    user: orNull(str),
    complaint: orNull(str),
    message: orNull(str),
    rule: orNull(str),
    cites: orNull(arr(cite)),
    actions: orNull(arr(action)),
    watch: orNull(oneOf<"group" | "user">(["group", "user"])),
    mark: int,
  });

/**
 * Rebuilds a state from its JSON text (or an already-parsed value), checking every field.
 * Throws {@link StateError} naming the first bad path.
 */
export function restoreState(input: string | unknown): EngineState {
  let value: unknown = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch {
      throw new StateError("invalid engine state: not JSON");
    }
  }
  const o = obj(value, "state");
  if (o["v"] !== STATE_VERSION) fail("state.v", String(STATE_VERSION));
  const seen = [...new Set(arr(str)(o["seen"], "state.seen"))];
  const agreement = fields<EngineState["agreement"]>(o["agreement"], "state.agreement", {
    version: orNull(str),
    publishedAt: orNull(num),
  });
  const st: EngineState = {
    v: STATE_VERSION,
    clock: orNull(num)(o["clock"], "state.clock"),
    seq: int(o["seq"], "state.seq"),
    seen,
    users: rec(userState)(o["users"], "state.users"),
    groups: rec(groupState)(o["groups"], "state.groups"),
    complaints: rec(complaintState)(o["complaints"], "state.complaints"),
    timers: arr(timer)(o["timers"], "state.timers"),
    agreement,
    purgedBefore: orNull(num)(o["purgedBefore"], "state.purgedBefore"),
  };
  for (const t of st.timers) if (t.seq >= st.seq) fail("state.seq", "a sequence number above every timer's");
  heapify(st.timers);
  return st;
}
