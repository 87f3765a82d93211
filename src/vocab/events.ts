/**
 * The event vocabulary of docs/events.md (interface v1), shared by every stage: the
 * checker types rule conditions against it, the emitter lowers sections onto it, the engine
 * validates events with it.
 */

/** Every event type of interface v1. */
export const EVENT_TYPES = [
  "user.registered",
  "user.verified",
  "user.credit",
  "agreement.published",
  "agreement.accepted",
  "group.create",
  "group.join",
  "group.leave",
  "group.info",
  "group.role",
  "group.manage",
  "message.post",
  "content.flagged",
  "complaint.filed",
  "complaint.resolved",
  "records.purge",
  "clock",
] as const;
/**
 * The `type` of an event, interface v1 (docs/events.md). Decided types get `allow` or `deny`,
 * `content.flagged` gets `measures`, the rest are `noted`; `clock` only moves time. Decisions carry
 * their event's type (`clock` for `advance` and the timers it fires).
 */
export type EventType = (typeof EVENT_TYPES)[number];

/** Event types that get `allow` or `deny`; only these can be named in `rule … on …`. */
export const DECIDED_EVENTS = [
  "group.create",
  "group.join",
  "group.info",
  "group.role",
  "group.manage",
  "message.post",
  "records.purge",
] as const;
/** An event type that rules judge with `allow` or `deny` (see {@link DECIDED_EVENTS}). */
export type DecidedEvent = (typeof DECIDED_EVENTS)[number];

/** The services a policy grants or withholds (agreement, identity, blacklist sections). */
export const SERVICES = ["create", "join", "post", "manage", "set-info"] as const;
/**
 * A service a policy can make conditional (agreement, identity and blacklist sections): `create`
 * is `group.create`, `join` `group.join`, `post` `message.post`, `manage` `group.role` and
 * `group.manage`, `set-info` `group.info`.
 */
export type Service = (typeof SERVICES)[number];

/** Which decided events each service covers. */
export const SERVICE_EVENTS: Readonly<Record<Service, readonly DecidedEvent[]>> = {
  create: ["group.create"],
  join: ["group.join"],
  post: ["message.post"],
  manage: ["group.role", "group.manage"],
  "set-info": ["group.info"],
};

/** The service an event belongs to, if any (records.purge belongs to none). */
export function serviceOf(type: string): Service | undefined {
  for (const s of SERVICES) if ((SERVICE_EVENTS[s] as readonly string[]).includes(type)) return s;
  return undefined;
}

/** Information-release services in the sense of Article 6. */
export const INFORMATION_RELEASE_SERVICES: readonly Service[] = ["post", "create", "set-info"];

export const MANAGE_ACTIONS = ["remove-member", "delete-message", "mute"] as const;
export type ManageAction = (typeof MANAGE_ACTIONS)[number];

/** Roles in a group (A2.roles). `none` means not a member. */
export const ROLES = ["creator", "manager", "member", "none"] as const;
/** A user's role in a group, as rule conditions and decision subjects give it; `none` for a non-member. */
export type Role = (typeof ROLES)[number];

/** Roles that `group.role` can grant. */
export const GRANTABLE_ROLES = ["manager", "member"] as const;

/** A role `group.role` can grant. */
export type GrantableRole = (typeof GRANTABLE_ROLES)[number];

/**
 * What a field of each type holds in an event that passed intake: a `level` or `severity` is a
 * name of the policy's scale, a `timestamp` RFC 3339 text, an `object` (the identity of
 * `user.verified`) any JSON object.
 */
export interface FieldValues {
  string: string;
  timestamp: string;
  object: Record<string, unknown>;
  level: string;
  role: GrantableRole;
  action: ManageAction;
  severity: string;
}

/** The type of an event field: the keys of {@link FieldValues}. */
export type FieldType = keyof FieldValues;

/** The fields of one event type beyond `id`, `type` and `at`, by name. */
export interface EventFieldSpec {
  readonly required: Readonly<Record<string, FieldType>>;
  readonly optional: Readonly<Record<string, FieldType>>;
}

/**
 * Required and optional fields per event type, beyond `id`, `type` and `at`. The engine's event
 * validator, its `Event` type (src/engine/event.ts) and the JSON Schemas of src/vocab/schemas.ts
 * are all built from this table; it keeps its literal types (`as const`) for the `Event` type.
 */
export const EVENT_FIELDS = {
  "user.registered": { required: { user: "string" }, optional: {} },
  "user.verified": { required: { user: "string", identity: "object" }, optional: {} },
  "user.credit": { required: { user: "string", level: "level" }, optional: {} },
  "agreement.published": { required: { version: "string" }, optional: {} },
  "agreement.accepted": { required: { user: "string", version: "string" }, optional: {} },
  "group.create": { required: { user: "string", group: "string", category: "string" }, optional: { name: "string" } },
  "group.join": { required: { user: "string", group: "string" }, optional: { approvedBy: "string" } },
  "group.leave": { required: { user: "string", group: "string" }, optional: {} },
  "group.info": { required: { actor: "string", group: "string", name: "string", category: "string" }, optional: {} },
  "group.role": { required: { actor: "string", group: "string", user: "string", role: "role" }, optional: {} },
  "group.manage": { required: { actor: "string", group: "string", action: "action", target: "string" }, optional: {} },
  "message.post": { required: { user: "string", group: "string", message: "string" }, optional: {} },
  "content.flagged": { required: { group: "string", user: "string", message: "string", category: "string" }, optional: { severity: "severity" } },
  "complaint.filed": { required: { complaint: "string" }, optional: { by: "string", group: "string", user: "string", message: "string" } },
  "complaint.resolved": { required: { complaint: "string", actor: "string" }, optional: {} },
  "records.purge": { required: { actor: "string", before: "timestamp" }, optional: {} },
  clock: { required: {}, optional: {} },
} as const satisfies Readonly<Record<EventType, EventFieldSpec>>;

/** The decided events about a group: those that carry a `group` (all but `records.purge`). */
export const GROUP_EVENTS: readonly DecidedEvent[] = DECIDED_EVENTS.filter((e) => "group" in EVENT_FIELDS[e].required);

/**
 * The decided events about a group that must exist already: all group events but `group.create`,
 * whose group must not.
 */
export const EXISTING_GROUP_EVENTS: readonly DecidedEvent[] = GROUP_EVENTS.filter((e) => e !== "group.create");
