/**
 * The engine's `Event` type is derived from EVENT_FIELDS (src/vocab/events.ts): these assertions
 * are checked by `tsc` (the test folder is type-checked), and the run-time half checks that intake
 * fills every field the type promises.
 */
import { describe, expect, expectTypeOf, test } from "vitest";
import type { Event, EventField, EventOf } from "../../../src/engine/event.js";
import { validateEvent, type IntakeVocab } from "../../../src/engine/intake.js";
import { EVENT_FIELDS, EVENT_TYPES, type GrantableRole, type ManageAction } from "../../../src/vocab/events.js";

describe("Event, typed per event type", () => {
  test("required fields have their value type, optional ones may be null, the rest are null", () => {
    expectTypeOf<EventOf<"group.create">["category"]>().toEqualTypeOf<string>();
    expectTypeOf<EventOf<"group.create">["name"]>().toEqualTypeOf<string | null>();
    expectTypeOf<EventOf<"group.join">["category"]>().toEqualTypeOf<null>();
    expectTypeOf<EventOf<"group.role">["role"]>().toEqualTypeOf<GrantableRole>();
    expectTypeOf<EventOf<"group.manage">["action"]>().toEqualTypeOf<ManageAction>();
    expectTypeOf<EventOf<"content.flagged">["severity"]>().toEqualTypeOf<string | null>();
    expectTypeOf<EventOf<"complaint.filed">["by"]>().toEqualTypeOf<string | null>();
    expectTypeOf<EventOf<"clock">["user"]>().toEqualTypeOf<null>();
  });

  test("identity is no field of an engine event", () => {
    expectTypeOf<"identity" extends EventField ? true : false>().toEqualTypeOf<false>();
    expectTypeOf<EventOf<"user.verified">>().not.toHaveProperty("identity");
  });

  test("narrowing on type gives the fields", () => {
    const user = (e: Event): string | null => (e.type === "message.post" ? e.user : null);
    expectTypeOf(user).returns.toEqualTypeOf<string | null>();
    const role = (e: Event) => (e.type === "group.role" ? e.role : undefined);
    expectTypeOf(role).returns.toEqualTypeOf<GrantableRole | undefined>();
  });

  test("intake fills every required field of every type, and only the fields of the type", () => {
    const vocab: IntakeVocab = { levels: ["A", "B"], severities: ["minor"], flagCategories: ["spam"], toleranceMs: 0 };
    const value: Record<string, unknown> = { user: "u", group: "g", category: "spam", name: "n", actor: "a", role: "member", action: "mute", target: "t", message: "m", severity: "minor", complaint: "c", by: "b", approvedBy: "p", level: "A", version: "v1", before: "2018-01-01T00:00:00Z", identity: { x: 1 } };
    for (const type of EVENT_TYPES) {
      const r = validateEvent({ id: "e", type, at: "2018-02-01T00:00:00Z", ...value }, () => vocab);
      if (!("event" in r)) throw new Error(`${type}: ${r.reason}`);
      const ev = r.event as unknown as Record<string, unknown>;
      const spec = EVENT_FIELDS[type];
      const own = new Set([...Object.keys(spec.required), ...Object.keys(spec.optional)]);
      for (const k of Object.keys(value)) {
        if (k === "identity") expect(ev, type).not.toHaveProperty("identity");
        else expect(ev[k], `${type}.${k}`).toBe(own.has(k) ? value[k] : null);
      }
    }
  });
});
