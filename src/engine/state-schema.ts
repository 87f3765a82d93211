/**
 * The shape of a saved engine state, once: a JSON Schema (draft 2020-12) typed as
 * `JSONSchemaType<EngineState>`, so `tsc` fails when it and the types of ./state.ts drift apart
 * (a field added, removed or retyped on one side only). `restoreState` validates with it (ajv) and
 * copies by it; what a schema cannot say — the creator's membership, timer numbers below `seq` —
 * ./state.ts checks after.
 *
 * Every object is closed: a field this engine does not write is an error, not silently dropped.
 * Counts and timer numbers are integers from 0 to 2^53 − 1; instants are finite numbers (JSON's
 * `1e400` parses to Infinity and is refused). Stored actions are the policy's own, so they are
 * checked against the IR schema's `action`.
 */
import { Ajv2020, type ErrorObject, type JSONSchemaType, type ValidateFunction } from "ajv/dist/2020.js";
import { IR_SCHEMA } from "../ir/schema.js";
import type { Cite } from "../ir/types.js";
import type { ComplaintState, EngineState, FlagRecord, GroupState, MemberRole, PendingFlag, Timer, UserState } from "./state.js";
import { STATE_VERSION, TIMER_KINDS } from "./state.js";

/** A count or a timer's sequence number. */
const count: JSONSchemaType<number> = { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER };
const countOrNull: JSONSchemaType<number | null> = { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER, nullable: true };
/** An instant of engine time, epoch ms. */
const instant: JSONSchemaType<number> = { type: "number" };
const instantOrNull: JSONSchemaType<number | null> = { type: "number", nullable: true };
const text: JSONSchemaType<string> = { type: "string" };
const textOrNull: JSONSchemaType<string | null> = { type: "string", nullable: true };
const bool: JSONSchemaType<boolean> = { type: "boolean" };
const citesOrNull: JSONSchemaType<Cite[] | null> = {
  type: "array",
  nullable: true,
  items: { type: "object", additionalProperties: false, required: ["article", "req"], properties: { article: count, req: text } },
};
const watchOrNull: JSONSchemaType<Timer["watch"]> = { type: "string", nullable: true, enum: ["group", "user", null] };

/**
 * The `otherwise` actions of a rectify-due timer, exactly as the policy's IR holds them: their
 * schema is the IR's own (`$defs.action` of src/ir/schema.ts, with the definitions it refers to),
 * taken alone because compiling the whole IR schema would cost every restore's first call.
 */
const IR_DEFS = IR_SCHEMA["$defs"] as Record<string, unknown>;
const STORED_ACTIONS = {
  $id: "https://qungui.dev/schema/engine-state-actions-v1.json",
  type: ["array", "null"],
  items: { $ref: "#/$defs/action" },
  $defs: { action: IR_DEFS["action"], duration: IR_DEFS["duration"], unit: IR_DEFS["unit"] },
};

const flagRecord: JSONSchemaType<FlagRecord> = {
  type: "object",
  additionalProperties: false,
  required: ["t", "severity", "category"],
  properties: { t: instant, severity: text, category: text },
};

const userState: JSONSchemaType<UserState> = {
  type: "object",
  additionalProperties: false,
  required: [
    "firstSeen",
    "registeredAt",
    "verified",
    "credit",
    "accepted",
    "groupsCreated",
    "groupsJoined",
    "blacklisted",
    "blacklistedUntil",
    "blacklistTimer",
    "managementSuspendedUntil",
    "managementTimer",
    "creationCancelled",
    "flags",
    "flagTotal",
  ],
  properties: {
    firstSeen: instant,
    registeredAt: instantOrNull,
    verified: bool,
    credit: textOrNull,
    accepted: { type: "array", items: text },
    groupsCreated: count,
    groupsJoined: count,
    blacklisted: bool,
    blacklistedUntil: instantOrNull,
    blacklistTimer: countOrNull,
    managementSuspendedUntil: instantOrNull,
    managementTimer: countOrNull,
    creationCancelled: bool,
    flags: { type: "array", items: flagRecord },
    flagTotal: count,
  },
};

const MEMBER_ROLES: readonly MemberRole[] = ["creator", "manager", "member"];

const pendingFlag: JSONSchemaType<PendingFlag> = {
  type: "object",
  additionalProperties: false,
  required: ["timer", "message", "user"],
  properties: { timer: count, message: text, user: text },
};

const groupState: JSONSchemaType<GroupState> = {
  type: "object",
  additionalProperties: false,
  required: [
    "category",
    "creator",
    "name",
    "hasInfoPage",
    "createdAt",
    "closed",
    "blacklisted",
    "blacklistedUntil",
    "blacklistTimer",
    "postingSuspendedUntil",
    "postingTimer",
    "members",
    "memberCount",
    "managerCount",
    "muted",
    "flags",
    "flagTotal",
    "activity",
    "pending",
  ],
  properties: {
    category: text,
    creator: text,
    name: textOrNull,
    hasInfoPage: bool,
    createdAt: instant,
    closed: bool,
    blacklisted: bool,
    blacklistedUntil: instantOrNull,
    blacklistTimer: countOrNull,
    postingSuspendedUntil: instantOrNull,
    postingTimer: countOrNull,
    members: { type: "object", required: [], additionalProperties: { type: "string", enum: MEMBER_ROLES } },
    memberCount: count,
    managerCount: count,
    muted: { type: "object", required: [], additionalProperties: instant },
    flags: { type: "array", items: flagRecord },
    flagTotal: count,
    activity: { type: "array", items: instant },
    pending: { type: "array", items: pendingFlag },
  },
};

const complaintState: JSONSchemaType<ComplaintState> = {
  type: "object",
  additionalProperties: false,
  required: ["filedAt", "due", "by", "group", "user", "message", "resolved", "resolvedAt", "overdue", "timer"],
  properties: {
    filedAt: instant,
    due: instantOrNull,
    by: textOrNull,
    group: textOrNull,
    user: textOrNull,
    message: textOrNull,
    resolved: bool,
    resolvedAt: instantOrNull,
    overdue: bool,
    timer: countOrNull,
  },
};

const timer: JSONSchemaType<Timer> = {
  type: "object",
  additionalProperties: false,
  required: ["due", "seq", "kind", "version", "group", "user", "complaint", "message", "rule", "cites", "actions", "watch", "mark"],
  properties: {
    due: instant,
    seq: count,
    kind: { type: "string", enum: TIMER_KINDS },
    version: count,
    group: textOrNull,
    user: textOrNull,
    complaint: textOrNull,
    message: textOrNull,
    rule: textOrNull,
    cites: citesOrNull,
    actions: { $ref: STORED_ACTIONS.$id },
    watch: watchOrNull,
    mark: count,
  },
};

/** The schema of a saved engine state (format `v: 1`). */
export const STATE_SCHEMA: JSONSchemaType<EngineState> = {
  $id: "https://qungui.dev/schema/engine-state-v1.json",
  type: "object",
  additionalProperties: false,
  required: ["v", "clock", "seq", "seen", "users", "groups", "complaints", "timers", "agreement", "purgedBefore"],
  properties: {
    v: { type: "integer", const: STATE_VERSION },
    clock: instantOrNull,
    seq: count,
    seen: { type: "array", items: text },
    users: { type: "object", required: [], additionalProperties: userState },
    groups: { type: "object", required: [], additionalProperties: groupState },
    complaints: { type: "object", required: [], additionalProperties: complaintState },
    timers: { type: "array", items: timer },
    agreement: {
      type: "object",
      additionalProperties: false,
      required: ["version", "publishedAt"],
      properties: { version: textOrNull, publishedAt: instantOrNull },
    },
    purgedBefore: instantOrNull,
  },
};

let compiled: ValidateFunction<EngineState> | undefined;

/** The compiled validator, built on first use (most runs restore no state). */
export function stateValidator(): ValidateFunction<EngineState> {
  if (compiled === undefined) {
    const ajv = new Ajv2020({ allErrors: false, strict: true, allowUnionTypes: true, coerceTypes: false, useDefaults: false });
    ajv.addSchema(STORED_ACTIONS);
    compiled = ajv.compile(STATE_SCHEMA);
  }
  return compiled;
}

// ---------------------------------------------------------------------------------------------
// Errors: the path in the state's own notation and the reason, never a value of the input.

/** A key of the input, quoted for a message: JSON-quoted, at most 64 characters. */
function quoteKey(k: string): string {
  return JSON.stringify(k.length > 60 ? `${k.slice(0, 60)}…` : k);
}

type Node = { properties?: Record<string, Node>; items?: Node; additionalProperties?: Node | boolean; $ref?: string; nullable?: boolean };

/**
 * A JSON Pointer into the state as `state.users["u1"].flags[0].t` (named fields with a dot, table
 * keys quoted in brackets, array positions in brackets), and the schema node there. Inside stored
 * IR actions the path stops at the action (`inAction`), whose reason is the IR schema's.
 */
function locate(pointer: string): { path: string; node: Node | undefined; inAction: boolean } {
  let path = "state";
  let node: Node | undefined = STATE_SCHEMA as Node;
  const segments = pointer === "" ? [] : pointer.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  for (const seg of segments) {
    if (node?.$ref !== undefined) {
      // Into `actions`: this segment is the action's position; what follows is IR.
      return { path: `${path}[${seg}]`, node: undefined, inAction: true };
    }
    if (node?.properties !== undefined && Object.hasOwn(node.properties, seg)) {
      path += `.${seg}`;
      node = node.properties[seg];
    } else if (node?.items !== undefined) {
      path += `[${seg}]`;
      node = node.items;
    } else {
      path += `[${quoteKey(seg)}]`;
      node = typeof node?.additionalProperties === "object" ? node.additionalProperties : undefined;
    }
  }
  return { path, node, inAction: false };
}

const KINDS: Readonly<Record<string, string>> = {
  integer: "an integer",
  number: "a finite number",
  string: "a string",
  boolean: "a boolean",
  object: "an object",
  array: "an array",
  null: "null",
};

function typeText(types: string, nullable: boolean): string {
  const names = types.split(",").map((t) => KINDS[t] ?? t);
  if (nullable && !names.includes("null")) names.push("null");
  return names.join(" or ");
}

/** Why the value at the error's path is refused, in words; quotes field names, never values. */
function reasonOf(e: ErrorObject, node: Node | undefined): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "type":
      return `expected ${typeText(String(p["type"]), node?.nullable === true)}`;
    case "required":
      return `missing field ${quoteKey(String(p["missingProperty"]))}`;
    case "additionalProperties":
      return `unknown field ${quoteKey(String(p["additionalProperty"]))}`;
    case "minimum":
      return `expected at least ${String(p["limit"])}`;
    case "maximum":
      return `expected at most ${String(p["limit"])}`;
    case "enum":
      return `expected ${(p["allowedValues"] as unknown[]).map((v) => String(v)).join(" | ")}`;
    case "const":
      return `expected ${String(p["allowedValue"])}`;
    default:
      return `refused by the state schema (${e.keyword})`;
  }
}

/**
 * The first problem of a refused state: where, and why. A missing or unknown field is reported
 * at the object that lacks or has it.
 */
export function describeStateError(errors: readonly ErrorObject[]): { path: string; reason: string } {
  const e = errors[0];
  if (e === undefined) return { path: "state", reason: "refused by the state schema" };
  const { path, node, inAction } = locate(e.instancePath);
  if (inAction) return { path, reason: "expected an action as the policy IR writes it (the IR schema's action)" };
  return { path, reason: reasonOf(e, node) };
}
