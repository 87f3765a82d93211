/**
 * JSON Schemas (draft 2020-12) of the event and decision contract, interface v1
 * (docs/events.md). Built from the same field table the engine's intake uses, so the
 * documented contract, the HTTP API's validation and the engine cannot drift apart.
 *
 * Policy-dependent checks (is `level` a level of this policy's scale?) are the engine's: a schema
 * is the same for every policy.
 */
import { SANCTION_KINDS } from "./actions.js";
import { EVENT_FIELDS, EVENT_TYPES, GRANTABLE_ROLES, MANAGE_ACTIONS, ROLES, type FieldType } from "./events.js";

/** A JSON Schema (draft 2020-12) as a plain JSON-serialisable object, ready for a validator such as ajv. */
export type Schema = Record<string, unknown>;

export const RFC3339_WITH_OFFSET = "^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})$";

const timestamp: Schema = { type: "string", pattern: RFC3339_WITH_OFFSET, description: "RFC 3339 with an offset" };
const nonEmpty: Schema = { type: "string", minLength: 1 };

function fieldSchema(t: FieldType): Schema {
  switch (t) {
    case "string":
    case "level":
    case "severity":
      return nonEmpty;
    case "timestamp":
      return timestamp;
    case "object":
      return { type: "object", description: "personal information: never echoed, stored or logged" };
    case "role":
      return { enum: [...GRANTABLE_ROLES] };
    case "action":
      return { enum: [...MANAGE_ACTIONS] };
  }
}

/** The schema of one event type. Unknown extra fields are allowed (additive evolution). */
export function eventSchema(type: (typeof EVENT_TYPES)[number]): Schema {
  const { required, optional } = EVENT_FIELDS[type];
  const properties: Record<string, Schema> = {
    id: nonEmpty,
    type: { const: type },
    at: timestamp,
  };
  for (const [k, t] of Object.entries({ ...required, ...optional })) properties[k] = fieldSchema(t);
  return {
    title: type,
    type: "object",
    required: ["id", "type", "at", ...Object.keys(required)],
    properties,
  };
}

/** One schema for any event: a `oneOf` discriminated by `type`. */
export const EVENT_SCHEMA: Schema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://qungui.dev/schema/event-v1.json",
  title: "qungui event, interface v1",
  type: "object",
  required: ["id", "type", "at"],
  properties: { type: { enum: [...EVENT_TYPES] } },
  oneOf: EVENT_TYPES.map((t) => eventSchema(t)),
};

const target: Schema = {
  type: "object",
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  properties: { group: nonEmpty, user: nonEmpty },
};

const effect: Schema = {
  oneOf: [
    {
      type: "object",
      required: ["kind", "target", "measure"],
      properties: {
        kind: { const: "measure" },
        target,
        measure: { enum: [...SANCTION_KINDS] },
        until: timestamp,
        from: nonEmpty,
        to: nonEmpty,
      },
    },
    { type: "object", required: ["kind"], properties: { kind: { const: "record" } } },
    { type: "object", required: ["kind", "to"], properties: { kind: { const: "report" }, to: nonEmpty } },
    { type: "object", required: ["kind", "what"], properties: { kind: { const: "obligation" }, what: nonEmpty, due: timestamp } },
    { type: "object", required: ["kind", "what"], properties: { kind: { const: "escalate" }, what: nonEmpty } },
    { type: "object", required: ["kind", "message"], properties: { kind: { const: "remove-message" }, message: nonEmpty } },
    { type: "object", required: ["kind", "group", "to"], properties: { kind: { const: "tier" }, group: nonEmpty, from: { type: ["string", "null"] }, to: { type: ["string", "null"] } } },
  ],
};

/** A decision (interface v1, with the additive fields of docs/engine.md). */
export const DECISION_SCHEMA: Schema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://qungui.dev/schema/decision-v1.json",
  title: "qungui decision, interface v1",
  type: "object",
  required: ["v", "event", "at", "type", "outcome", "subject", "rule", "reason", "cites", "effects", "policy", "policyName", "policyId"],
  properties: {
    v: { const: 1 },
    event: nonEmpty,
    at: timestamp,
    type: { enum: [...EVENT_TYPES] },
    trigger: { const: "timer" },
    due: timestamp,
    outcome: { enum: ["allow", "deny", "noted", "measures", "ungoverned"] },
    subject: {
      type: "object",
      properties: { user: nonEmpty, group: nonEmpty, role: { enum: [...ROLES] }, complaint: nonEmpty },
    },
    rule: nonEmpty,
    reason: { type: "string" },
    cites: {
      type: "array",
      items: { type: "object", required: ["article", "req"], properties: { article: { type: "integer", minimum: 1, maximum: 15 }, req: { type: "string", pattern: "^A\\d+\\.[a-z][a-z0-9-]*$" } } },
    },
    effects: { type: "array", items: effect },
    policy: { type: ["string", "null"] },
    policyName: nonEmpty,
    policyId: { type: "string", pattern: "^[0-9a-f]{64}$" },
  },
};

/** A dead letter: an input line that was not evaluated, and why. */
export const DEAD_LETTER_SCHEMA: Schema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://qungui.dev/schema/dead-letter-v1.json",
  title: "qungui dead letter, interface v1",
  type: "object",
  required: ["line", "reason", "raw"],
  additionalProperties: false,
  // `line` is null for events that did not come from a line (the library and HTTP APIs).
  properties: { line: { type: ["integer", "null"], minimum: 1 }, reason: { type: "string", minLength: 1 }, raw: { type: "string" } },
};
