/**
 * The OpenAPI 3.1 document of the decision API, generated from the JSON Schemas of the event and
 * decision contract (src/vocab/schemas.ts), so the served document, the request validation and
 * the engine's intake are built from one table. OpenAPI 3.1 schemas are JSON Schema 2020-12.
 */
import { DEAD_LETTER_SCHEMA, DECISION_SCHEMA, EVENT_SCHEMA, type Schema } from "../vocab/schemas.js";

/** A schema without its document-level keys (it becomes a component). */
function component(s: Schema): Schema {
  const { $schema: _s, $id: _i, ...rest } = s;
  return rest;
}

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

const EXPR_TRACE: Schema = {
  type: "object",
  required: ["kind", "text", "value"],
  properties: {
    kind: { type: "string" },
    id: { type: "string" },
    span: ref("Span"),
    text: { type: "string" },
    value: { type: ["string", "null"] },
    args: { type: "array", items: { $ref: "#/components/schemas/ExprTrace" } },
  },
};

const EXPLANATION: Schema = {
  type: "object",
  description: "Every rule considered for the event, each condition's value, and why the outcome won (docs/engine.md).",
  required: ["event", "type", "at", "policy", "governed", "now", "outcome", "rule", "why", "rules", "decisions"],
  properties: {
    event: { type: ["string", "null"] },
    type: { type: ["string", "null"] },
    at: { type: ["string", "null"] },
    policy: { type: ["string", "null"] },
    governed: { type: "boolean" },
    now: { type: ["string", "null"] },
    outcome: { type: ["string", "null"] },
    rule: { type: ["string", "null"] },
    why: { type: "string" },
    rules: {
      type: "array",
      items: {
        type: "object",
        required: ["rule", "id", "origin", "section", "effect", "holds", "cites", "condition"],
        properties: {
          rule: { type: "string" },
          id: { type: "string" },
          origin: { type: "string" },
          section: { type: ["string", "null"] },
          effect: { enum: ["allow", "deny"] },
          holds: { type: "boolean" },
          span: ref("Span"),
          cites: DECISION_SCHEMA["properties"] ? (DECISION_SCHEMA["properties"] as Record<string, Schema>)["cites"]! : { type: "array" },
          condition: ref("ExprTrace"),
        },
      },
    },
    decisions: { type: "array", items: ref("Decision") },
    deadLetter: ref("DeadLetter"),
  },
};

const ERROR: Schema = {
  type: "object",
  required: ["statusCode", "error", "message"],
  properties: {
    statusCode: { type: "integer" },
    code: { type: "string" },
    error: { type: "string" },
    message: { type: "string" },
  },
};

const DIAGNOSTIC: Schema = {
  type: "object",
  required: ["code", "severity", "message"],
  properties: { code: { type: "string" }, severity: { enum: ["error", "warning"] }, message: { type: "string" }, help: { type: "string" } },
};

const json = (schema: Schema, description: string) => ({ description, content: { "application/json": { schema } } });

const UNAVAILABLE = {
  ...json(ref("Error"), "The store could not commit or read (nothing was decided), the server is starting or draining: retry after Retry-After seconds"),
  headers: { "Retry-After": { schema: { type: "integer" }, description: "seconds to wait before retrying" } },
};

/** The OpenAPI document (a fresh object each call). */
export function openApiDocument(options: { version: string; maxBatch: number }): Schema {
  const batch: Schema = { type: "array", minItems: 1, maxItems: options.maxBatch, items: ref("Event") };
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "qungui decision API",
      version: options.version,
      summary: "Decisions under 互联网群组信息服务管理规定 (CAC 2017) for events of interface v1.",
      description:
        "Send events, get decisions. Every accepted event and every decision is committed to the store before the response is sent. " +
        "An event the engine cannot evaluate (a level not of the policy, a duplicate id, too old) is answered with a dead letter in place of its decision; " +
        "a request that does not match the schemas is refused with 400 and nothing is decided.",
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    servers: [{ url: "/" }],
    paths: {
      "/v1/decide": {
        post: {
          operationId: "decide",
          summary: "Decide one event, or a batch (an array) in order",
          requestBody: { required: true, content: { "application/json": { schema: { oneOf: [ref("Event"), batch] } } } },
          responses: {
            "200": {
              description: "One result per event: timer decisions that fell due, then its own decision; or its dead letter",
              content: { "application/json": { schema: { oneOf: [ref("DecideResult"), ref("BatchResult")] } } },
            },
            "400": json(ref("Error"), "The body is not UTF-8 (QUNGUI_INVALID_UTF8) or not JSON (QUNGUI_INVALID_JSON), not an event or a batch of events (QUNGUI_INVALID_EVENT), or has a forbidden key (QUNGUI_FORBIDDEN_KEY)"),
            "413": json(ref("Error"), "The body is larger than the limit"),
            "415": json(ref("Error"), "Not application/json"),
            "503": UNAVAILABLE,
          },
        },
      },
      "/v1/explain/{event}": {
        get: {
          operationId: "explainEvent",
          summary: "Explain a decided event as it was decided: every rule, each condition's value",
          parameters: [{ name: "event", in: "path", required: true, schema: { type: "string", minLength: 1 } }],
          responses: {
            "200": json(ref("Explanation"), "The explanation"),
            "404": json(ref("Error"), "No accepted event has this id"),
            "410": json(ref("Error"), "The records needed were purged"),
            "503": UNAVAILABLE,
          },
        },
      },
      "/v1/explain": {
        post: {
          operationId: "explain",
          summary: "What deciding this event now would do (changes nothing)",
          requestBody: { required: true, content: { "application/json": { schema: ref("Event") } } },
          responses: { "200": json(ref("Explanation"), "The explanation"), "400": json(ref("Error"), "Not an event"), "415": json(ref("Error"), "Not application/json"), "503": UNAVAILABLE },
        },
      },
      "/v1/health": {
        get: { operationId: "health", summary: "The policy in force, the store, the journal position and readiness", responses: { "200": json(ref("Health"), "Serving (or starting)") } },
      },
      "/v1/health/live": {
        get: { operationId: "live", summary: "Liveness: the process answers", responses: { "200": json({ type: "object", required: ["status"], properties: { status: { const: "live" } } }, "Alive") } },
      },
      "/v1/health/ready": {
        get: {
          operationId: "ready",
          summary: "Readiness: the engine has recovered, the store answers, the server is not draining",
          responses: { "200": json(ref("Health"), "Ready to decide"), "503": UNAVAILABLE },
        },
      },
      "/v1/policy": {
        post: {
          operationId: "reloadPolicy",
          summary: "Replace the policy for the events that follow: journaled, so a restart and every instance on the store serve it; the state is kept",
          security: [{ bearer: [] }],
          requestBody: {
            required: true,
            content: { "text/plain": { schema: { type: "string", description: "a .qg policy" } }, "application/json": { schema: { type: "object", description: "a policy IR document" } } },
          },
          responses: {
            "200": json(ref("PolicyInfo"), "The new policy is serving"),
            "401": json(ref("Error"), "Missing or wrong bearer token"),
            "403": json(ref("Error"), "Reloading is disabled (no token was given at start)"),
            "422": json({ type: "object", required: ["error", "diagnostics"], properties: { error: { type: "string" }, diagnostics: { type: "array", items: ref("Diagnostic") }, rendered: { type: "string" } } }, "The policy has errors; the old one keeps serving"),
            "503": UNAVAILABLE,
          },
        },
      },
      "/v1/openapi.json": { get: { operationId: "openapi", summary: "This document", responses: { "200": json({ type: "object" }, "OpenAPI 3.1") } } },
      "/metrics": {
        get: {
          operationId: "metrics",
          summary: "Prometheus metrics (prom-client): decisions by outcome, timer decisions, dead letters, replays, request and commit latency, journal position, build and policy info, readiness, Node's process and runtime metrics",
          responses: { "200": { description: "Prometheus text format 0.0.4", content: { "text/plain": { schema: { type: "string" } } } } },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: {
        Event: component(EVENT_SCHEMA),
        Decision: component(DECISION_SCHEMA),
        DeadLetter: { ...component(DEAD_LETTER_SCHEMA), properties: { ...(DEAD_LETTER_SCHEMA["properties"] as Schema), line: { type: ["integer", "null"], minimum: 1 } } },
        DecideResult: {
          type: "object",
          required: ["decisions"],
          properties: {
            decisions: { type: "array", items: ref("Decision") },
            deadLetter: ref("DeadLetter"),
            replay: { const: true, description: "the event was accepted before with the same id and content (a retry): these are its decisions as stored, and nothing was decided now" },
          },
        },
        BatchResult: { type: "object", required: ["results"], properties: { results: { type: "array", items: ref("DecideResult") } } },
        Explanation: EXPLANATION,
        ExprTrace: EXPR_TRACE,
        Span: { type: "object", properties: { file: { type: "string" }, line: { type: "integer" }, column: { type: "integer" }, endLine: { type: "integer" }, endColumn: { type: "integer" } } },
        Health: {
          type: "object",
          required: ["status"],
          properties: {
            status: { enum: ["ok", "ready", "starting"] },
            ready: { type: "boolean" },
            policy: ref("PolicyInfo"),
            store: { type: "object", properties: { kind: { type: "string" }, location: { type: "string" } } },
            position: { type: "integer", description: "the last journal sequence number applied" },
            clock: { type: ["string", "null"], description: "the engine clock (greatest event time)" },
          },
        },
        PolicyInfo: {
          type: "object",
          required: ["name", "id", "since", "versions"],
          properties: {
            name: { type: "string", description: "the policy's name (its header), as decisions give it in policyName" },
            id: { type: "string", description: "policyId: SHA-256 of the IR, independent of the file it was compiled from, as decisions give it in policyId" },
            since: { type: "integer", description: "the journal position where it became the policy in force" },
            versions: { type: "array", items: { type: "object", properties: { version: { type: "string" }, effective: { type: "string" }, zone: { type: "string" } } } },
          },
        },
        Diagnostic: DIAGNOSTIC,
        Error: ERROR,
      },
    },
  };
}
