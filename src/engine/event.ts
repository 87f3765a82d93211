/**
 * An accepted event as the engine holds it. Its type is derived from the table of
 * src/vocab/events.ts (`EVENT_FIELDS`): narrowing on `type` gives each field the type the table
 * says — a required field its value, an optional one its value or null, a field of another
 * type null — so code that switches on `type` needs no non-null assertions, and a field added
 * to the table is a field of the event.
 *
 * Every event has every field at run time (null where its type has none or an optional field
 * was absent), so every event has one object shape and the compiled rule closures read it
 * without shape checks. `identity` (the only `object` field) is not a field: it is dropped at
 * intake and never stored.
 */
import type { EVENT_FIELDS, EventType, FieldType, FieldValues } from "../vocab/events.js";

type Fields = typeof EVENT_FIELDS;
type RequiredOf<T extends EventType> = Fields[T]["required"];
type OptionalOf<T extends EventType> = Fields[T]["optional"];

/** The names in a field table whose values the engine keeps (all but `object`, the identity). */
type Kept<R> = { [K in keyof R]: R[K] extends "object" ? never : K }[keyof R];

/** The fields an engine event carries besides its envelope, over all types. */
export type EventField = { [T in EventType]: Kept<RequiredOf<T>> | Kept<OptionalOf<T>> }[EventType];

type ValueOf<F> = F extends FieldType ? FieldValues[F] : never;

/** The value of field `K` in an event of type `T`. */
type FieldOf<T extends EventType, K extends EventField> = K extends keyof RequiredOf<T>
  ? ValueOf<RequiredOf<T>[K]>
  : K extends keyof OptionalOf<T>
    ? ValueOf<OptionalOf<T>[K]> | null
    : null;

interface Envelope<T extends EventType> {
  id: string;
  type: T;
  /** `at` exactly as given; decisions echo it. */
  at: string;
  atMs: number;
  /** `before` of `records.purge` as epoch ms; NaN for every other type. */
  beforeMs: number;
}

/** An accepted event of type `T`. */
export type EventOf<T extends EventType> = Envelope<T> & { [K in EventField]: FieldOf<T, K> };

/** An accepted event: one of {@link EventOf} per event type, told apart by `type`. */
export type Event = { [T in EventType]: EventOf<T> }[EventType];

/** An event being filled in by intake, before its fields are checked against its type. */
export type EventDraft = Envelope<EventType> & { [K in EventField]: Event[K] | null };

/** An event of type `T` with no fields: a draft for intake, and as it stands a `clock` event. */
export type BlankEvent<T extends EventType> = Envelope<T> & { [K in EventField]: null };

export function blankEvent<T extends EventType>(id: string, type: T, at: string, atMs: number): BlankEvent<T> {
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
