/**
 * The typed names a rule condition can read. The checker types expressions with this table, the
 * emitter writes the same names into the IR, and the engine compiles each name to one accessor.
 *
 * Roots: `actor` (alias `user`) is the user acting in a decided event; `target` the other user of
 * `group.role` (its `user`) and `group.manage` (its `target`); `approver` the `approvedBy` of a join;
 * `creator` the group's creator; `group` the event's group; `event` the event's own fields; `now`
 * the engine clock.
 */
import { EXISTING_GROUP_EVENTS, GROUP_EVENTS, type DecidedEvent } from "./events.js";

/** Value types of the expression language. Durations, counts and credit levels never mix. */
export type ValueType =
  | "bool"
  | "count"
  | "duration"
  | "time"
  | "level"
  | "category"
  | "tier"
  | "severity"
  | "role"
  | "action"
  | "string";

/** Types whose literals are bare names resolved against the policy (levels, categories, …). */
export const ENUM_TYPES: readonly ValueType[] = ["level", "category", "tier", "severity", "role", "action"];

export interface PathInfo {
  type: ValueType;
  /** Events on which the path is defined; undefined means every decided event. */
  events?: readonly DecidedEvent[];
  /** `… within <duration>` is allowed (and required) on window paths. */
  window?: boolean;
  doc: string;
}

const USER_FIELDS: Record<string, Omit<PathInfo, "events">> = {
  verified: { type: "bool", doc: "has a verified real identity (Article 6)" },
  credit: { type: "level", doc: "current credit level (Article 7)" },
  "agreement-accepted": { type: "bool", doc: "has accepted the service agreement version now required (Article 5)" },
  "groups-created": { type: "count", doc: "groups this user created that are not closed" },
  "groups-joined": { type: "count", doc: "groups this user is a member of, created ones included" },
  blacklisted: { type: "bool", doc: "is on the blacklist (Article 11)" },
  "management-suspended": { type: "bool", doc: "management rights are suspended (Article 11)" },
  "creation-cancelled": { type: "bool", doc: "creation qualification is cancelled (Article 11)" },
  role: { type: "role", doc: "role in the event's group: creator, manager, member or none" },
  muted: { type: "bool", doc: "is muted in the event's group" },
  "account-age": { type: "duration", doc: "time since the user was first seen" },
  flags: { type: "count", window: true, doc: "content flags against this user within a window" },
};

const GROUP_FIELDS: Record<string, Omit<PathInfo, "events">> = {
  exists: { type: "bool", doc: "the group exists (created and known to the engine)" },
  "id-used": { type: "bool", doc: "the group id has ever been used, closed groups included (A8.group-id)" },
  members: { type: "count", doc: "current member count, creator included" },
  "members-after": { type: "count", doc: "member count if the event is allowed (joins add one, a create has one)" },
  tier: { type: "tier", doc: "current tier (none when no tier fits)" },
  "tier-after": { type: "tier", doc: "tier if the event is allowed" },
  category: { type: "category", doc: "group category (for a create: the requested one)" },
  "category-known": { type: "bool", doc: "the category is declared by the policy" },
  closed: { type: "bool", doc: "the group is closed (Article 11)" },
  blacklisted: { type: "bool", doc: "the group is on the blacklist" },
  "posting-suspended": { type: "bool", doc: "posting is suspended now" },
  "has-info-page": { type: "bool", doc: "the group has an info page (A8.info-page)" },
  managers: { type: "count", doc: "number of managers" },
  age: { type: "duration", doc: "time since the group was created" },
  activity: { type: "count", doc: "messages allowed in the group in the last 24 hours" },
  flags: { type: "count", window: true, doc: "content flags in this group within a window" },
};

const EVENT_FIELDS: Record<string, PathInfo> = {
  "event.at": { type: "time", doc: "the event's own timestamp" },
  "event.action": { type: "action", events: ["group.manage"], doc: "the management action" },
  "event.role": { type: "role", events: ["group.role"], doc: "the role being granted" },
  "event.approved": { type: "bool", events: ["group.join"], doc: "the join carries approvedBy" },
  "event.before": { type: "time", events: ["records.purge"], doc: "purge records older than this" },
  now: { type: "time", doc: "the engine clock" },
};


function userRoot(root: string, events?: readonly DecidedEvent[]): Record<string, PathInfo> {
  const out: Record<string, PathInfo> = {};
  for (const [f, info] of Object.entries(USER_FIELDS)) {
    const needsGroup = f === "role" || f === "muted";
    const ev = needsGroup ? (events ?? GROUP_EVENTS).filter((e) => GROUP_EVENTS.includes(e)) : events;
    out[`${root}.${f}`] = ev ? { ...info, events: ev } : { ...info };
  }
  return out;
}

/** Every readable path with its type and the events it is defined on. */
export const PATHS: Readonly<Record<string, PathInfo>> = {
  ...userRoot("actor"),
  ...userRoot("user"),
  ...userRoot("target", ["group.role", "group.manage"]),
  ...userRoot("approver", ["group.join"]),
  ...userRoot("creator", EXISTING_GROUP_EVENTS),
  ...Object.fromEntries(Object.entries(GROUP_FIELDS).map(([f, info]) => [`group.${f}`, { ...info, events: GROUP_EVENTS }])),
  ...EVENT_FIELDS,
};

/** Path roots that may be written alone in a template (`{group}` → the group id). */
export const ID_ROOTS = ["actor", "user", "target", "approver", "creator", "group"] as const;

/** Roots of paths; a single name that is not one of these is an enumeration literal. */
export const ROOTS = ["actor", "user", "target", "approver", "creator", "group", "event", "now"] as const;

/** `user.x` is written in the IR as `actor.x`: one canonical name per value. */
export function canonicalPath(path: string): string {
  return path.startsWith("user.") ? `actor.${path.slice(5)}` : path === "user" ? "actor" : path;
}

/** Type info of a path on an event, or undefined when the path does not exist there. */
export function pathOn(path: string, event: DecidedEvent): PathInfo | undefined {
  const info = PATHS[path];
  if (!info) return undefined;
  if (info.events && !info.events.includes(event)) return undefined;
  return info;
}
