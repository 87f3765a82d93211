/**
 * What the journal keeps of an accepted event: `id`, `type`, `at` and the fields of its type, in
 * the vocabulary's order. Unknown extra fields are dropped (the engine ignores them) and
 * `identity` becomes `{}` (the engine checks only that it is an object and drops it): personal
 * information never reaches the store, and replaying this form gives the same state as the input.
 */
import { EVENT_FIELDS, type EventType } from "../vocab/events.js";

const FIELD_ORDER: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries(EVENT_FIELDS).map(([t, f]) => [t, [...Object.keys(f.required), ...Object.keys(f.optional)]]),
);

/** The journal form of an event the engine accepted (so `type` is a known type). */
export function journalForm(value: unknown): string {
  const o = value as Record<string, unknown>;
  const type = o["type"] as EventType;
  const out: Record<string, unknown> = { id: o["id"], type, at: o["at"] };
  for (const k of FIELD_ORDER[type] ?? []) {
    const v = o[k];
    if (v === undefined) continue;
    out[k] = k === "identity" ? {} : v;
  }
  return JSON.stringify(out);
}
