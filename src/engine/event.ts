/**
 * An accepted event as the engine holds it: every field of every type present (null when the type
 * has no such field or the optional field was absent), so every event has one object shape and the
 * compiled rule closures read it without shape checks. `identity` is not a field: it is dropped at
 * intake and never stored.
 */
import type { EventType, ManageAction } from "../vocab/events.js";

export interface Event {
  id: string;
  type: EventType;
  /** `at` exactly as given; decisions echo it. */
  at: string;
  atMs: number;
  user: string | null;
  group: string | null;
  category: string | null;
  name: string | null;
  approvedBy: string | null;
  actor: string | null;
  role: "manager" | "member" | null;
  action: ManageAction | null;
  target: string | null;
  message: string | null;
  severity: string | null;
  complaint: string | null;
  by: string | null;
  level: string | null;
  version: string | null;
  before: string | null;
  beforeMs: number;
}

/** The fields an engine event carries besides `id`, `type`, `at` (and `identity`, dropped). */
export const EVENT_VALUE_FIELDS = [
  "user",
  "group",
  "category",
  "name",
  "approvedBy",
  "actor",
  "role",
  "action",
  "target",
  "message",
  "severity",
  "complaint",
  "by",
  "level",
  "version",
  "before",
] as const;

export function blankEvent(id: string, type: EventType, at: string, atMs: number): Event {
  return {
    id,
    type,
    at,
    atMs,
    user: null,
    group: null,
    category: null,
    name: null,
    approvedBy: null,
    actor: null,
    role: null,
    action: null,
    target: null,
    message: null,
    severity: null,
    complaint: null,
    by: null,
    level: null,
    version: null,
    before: null,
    beforeMs: NaN,
  };
}

/** The acting user of an event: `actor` where the type names one, else `user` (the `by` of a complaint). */
export function actingUser(e: Event): string | null {
  if (e.actor !== null) return e.actor;
  if (e.type === "complaint.filed") return e.by;
  return e.user;
}
