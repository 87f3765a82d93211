/**
 * Intake: the checks an input passes before any rule sees it (docs/engine.md, "Intake"). A line
 * becomes either an {@link Event} or a {@link DeadLetter}; nothing throws. Personal information
 * (`identity`) is dropped from events and redacted from dead letters here, at the boundary.
 */
import { EVENT_FIELDS, EVENT_TYPES, MANAGE_ACTIONS, type EventType, type FieldType } from "../vocab/events.js";
import { blankEvent, type Event, type EventDraft } from "./event.js";
import { parseTimestamp } from "../source/time.js";
import { jsonSyntaxReason } from "./json-syntax.js";
import { assertNever } from "../source/exhaustive.js";

/**
 * An input the engine could not evaluate: not JSON, not an object, a reserved key, a missing or
 * malformed field, a duplicate id, an event older than the clock by more than the tolerance, or an
 * internal error. It takes the place of the input's primary decision (every input gives exactly
 * one of the two). An input that fails intake changes nothing in the state: it does not move the
 * clock or take its id, so a later event may use the id. The checks and their order are in
 * docs/engine.md, "Intake".
 */
export interface DeadLetter {
  /** 1-based input line, or null for an event that did not come from a line (library, HTTP). */
  line: number | null;
  /** Why, in one line: field names, positions and expected tokens; of the input it quotes only a duplicate's event id. */
  reason: string;
  /**
   * What the input was, safe to store and show: for a JSON object, its contract fields with scalar
   * values (`identity` always `"[redacted]"`, other keys counted, not shown); for anything else a
   * description such as `[withheld: not JSON, 41 characters]` (see {@link rawOfValue}).
   */
  raw: string;
}

/** The policy vocabulary an event is validated against (that of the version in force at its `at`). */
export interface IntakeVocab {
  /** The credit levels a `user.credit` may name, lowest first. */
  levels: readonly string[];
  /** The severities a flag may carry, lowest first. */
  severities: readonly string[];
  /** Prohibited content categories (a flag's `category`). */
  flagCategories: readonly string[];
  /** How far (ms) an event may lag behind the clock before it is a dead letter. */
  toleranceMs: number;
}

/**
 * What intake needs to know about the program and the state, as {@link Program.intake} gives it:
 * enough to validate an event without evaluating it.
 */
export interface IntakeContext {
  /** The vocabulary and tolerance of the version in force at `atMs` (epoch ms), or of the first version before it. */
  vocabAt(atMs: number): IntakeVocab;
  /** Whether an event with this id was already accepted (the new one is then a duplicate). */
  seen(id: string): boolean;
  /** The engine clock (greatest accepted `at`), or null before the first event. */
  clock(): number | null;
  /**
   * The wall clock (epoch ms) of the caller, when it has one: an event later than it by more than
   * the tolerance is a dead letter. The CLI reads the system clock (or `--now`), the server its
   * injected clock; a library caller that passes none gets only the fixed range check.
   */
  wallClock?: () => number;
}

export type IntakeResult = { event: Event; deadLetter?: undefined } | { event?: undefined; deadLetter: DeadLetter };

export const RESERVED_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);
export const REDACTED = "[redacted]";
const IDENTITY_KEY = /^identity$/i;

const TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);
const ROLES_GRANTABLE: ReadonlySet<string> = new Set(["manager", "member"]);
const ACTIONS: ReadonlySet<string> = new Set(MANAGE_ACTIONS);

interface FieldSpec {
  name: string;
  type: FieldType;
  required: boolean;
}

/** Per type, the fields to copy into the event in a fixed order (required first). */
const FIELD_SPECS: Readonly<Record<EventType, readonly FieldSpec[]>> = Object.fromEntries(
  EVENT_TYPES.map((t) => {
    const f = EVENT_FIELDS[t];
    const specs: FieldSpec[] = [
      ...Object.entries(f.required).map(([name, type]) => ({ name, type, required: true })),
      ...Object.entries(f.optional).map(([name, type]) => ({ name, type, required: false })),
    ];
    return [t, specs];
  }),
) as Record<EventType, FieldSpec[]>;

/**
 * The instants an event may name (docs/events.md, "Timestamps"): from 1970-01-01T00:00:00Z up to,
 * not including, 2200-01-01T00:00:00Z. Every instant the engine writes is an event's `at` plus a
 * duration of the policy, so it stays a four-digit year in the decision schema, and within
 * modern zone rules (before 1901 zones have local-mean-time offsets such as +08:05:43, which
 * RFC 3339 cannot write). Together with the wall-clock check of {@link admit} no single event can
 * move the clock out of reach of the events that follow it.
 */
export const EARLIEST_EVENT_MS = Date.UTC(1970, 0, 1);
export const END_OF_EVENTS_MS = Date.UTC(2200, 0, 1);

function outOfRange(field: string, ms: number): string | undefined {
  return ms < EARLIEST_EVENT_MS || ms >= END_OF_EVENTS_MS ? `field "${field}" must be an instant from 1970-01-01 to 2199-12-31 (UTC)` : undefined;
}

/** A value quoted for a reason: JSON-quoted, at most 64 characters, one line. */
function quote(s: string): string {
  const q = JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);
  return q;
}

/** The first reserved key anywhere in a parsed value (iterative: hostile nesting cannot blow the stack). */
export function findReservedKey(value: unknown): string | undefined {
  // Fast path: a flat object of scalars (almost every event) needs no stack.
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    let nested = false;
    for (const k in value) {
      if (k === "__proto__" || k === "constructor" || k === "prototype") return k;
      const v = (value as Record<string, unknown>)[k];
      if (v !== null && typeof v === "object") nested = true;
    }
    if (Object.getPrototypeOf(value) === Object.prototype && !nested) return undefined;
  }
  return findKey(value, (k) => RESERVED_KEYS.has(k));
}

/** The first object key, at any depth, that `matches`; an explicit stack, so deep input cannot overflow. */
function findKey(value: unknown, matches: (key: string) => boolean): string | undefined {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== "object") continue;
    if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
      continue;
    }
    for (const k of Object.keys(v)) {
      if (matches(k)) return k;
      stack.push((v as Record<string, unknown>)[k]);
    }
  }
  return undefined;
}


/** What a dead letter's `raw` keeps of a field it cannot show. */
export const WITHHELD = "[withheld]";

/** The envelope every event has; an object without a known `type` keeps only these. */
const ENVELOPE: ReadonlySet<string> = new Set(["id", "type", "at"]);
/** Per known type, the fields of the contract (docs/events.md) a dead letter's `raw` may show. */
const CONTRACT_FIELDS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  EVENT_TYPES.map((t) => [t, new Set([...ENVELOPE, ...FIELD_SPECS[t].map((f) => f.name)])]),
);

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return "a string";
    case "number":
    case "bigint":
      return "a number";
    case "boolean":
      return "a boolean";
    default:
      return typeof value;
  }
}

/**
 * `raw` of a dead letter, built from what the input *is*, never copied from how it was framed
 * (docs/events.md, "Dead letters"). A line of a pretty-printed or broken `user.verified` event may
 * be any fragment of it — a name on a line of its own, an `identity` object without its key — so
 * no rule that looks for the word `identity` can be safe. Instead: only a JSON object is shown,
 * and only its contract fields (the envelope, plus the fields of its type when the type is
 * known), with scalar values; `identity` is always `"[redacted]"`, any other object or array
 * value is `"[withheld]"`, and every other key is left out and counted. Anything that is not an
 * object — text that is not JSON, a bare string or number — is described, never quoted.
 */
export function rawOfValue(value: unknown): string {
  try {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return `[withheld: ${kindOf(value)}]`;
    const o = value as Record<string, unknown>;
    const type = o["type"];
    const known = typeof type === "string" ? CONTRACT_FIELDS.get(type) : undefined;
    const keep = known ?? ENVELOPE;
    const out: Record<string, unknown> = {};
    let left = 0;
    for (const k of Object.keys(o)) {
      if (!keep.has(k)) {
        left++;
        continue;
      }
      const v = o[k];
      if (IDENTITY_KEY.test(k)) out[k] = REDACTED;
      else if (k === "type" && known === undefined) out[k] = WITHHELD;
      else out[k] = v === null || typeof v !== "object" ? v : WITHHELD;
    }
    if (left > 0) out["[withheld fields]"] = left;
    return JSON.stringify(out) ?? "[withheld: unserialisable value]";
  } catch {
    // Only a hostile value (a throwing getter, a proxy) can get here.
    return "[withheld: unreadable value]";
  }
}

/** `raw` of an input line: {@link rawOfValue} of what it parsed to, or a description of text that is not JSON. */
export function redactLine(line: string, parsed: { value: unknown } | null): string {
  if (parsed !== null) return rawOfValue(parsed.value);
  const n = Array.from(line).length;
  return `[withheld: not JSON, ${n} character${n === 1 ? "" : "s"}]`;
}

/** How a message names the field (built only when there is something to say). */
const fieldOf = (spec: FieldSpec): string => `field "${spec.name}"`;

function checkField(spec: FieldSpec, v: unknown, type: EventType, vocabAt: (atMs: number) => IntakeVocab, atMs: number): string | undefined {
  switch (spec.type) {
    case "string":
      if (typeof v !== "string") return `${fieldOf(spec)} must be a string`;
      if (v.length === 0 && spec.name !== "name") return `${fieldOf(spec)} must not be empty`;
      if (type === "content.flagged" && spec.name === "category") {
        const cats = vocabAt(atMs).flagCategories;
        if (!cats.includes(v)) return `${fieldOf(spec)} must be a prohibited category of the policy (${cats.join(", ")})`;
      }
      return undefined;
    case "timestamp": {
      const ms = typeof v === "string" ? parseTimestamp(v) : NaN;
      if (Number.isNaN(ms)) return `${fieldOf(spec)} must be an RFC 3339 timestamp with an offset`;
      return outOfRange(spec.name, ms);
    }
    case "object":
      if (v === null || typeof v !== "object" || Array.isArray(v)) return `${fieldOf(spec)} must be an object`;
      return undefined;
    case "level": {
      const levels = vocabAt(atMs).levels;
      if (typeof v !== "string" || !levels.includes(v)) return `${fieldOf(spec)} must be a credit level of the policy (${levels.join(", ")})`;
      return undefined;
    }
    case "severity": {
      const sev = vocabAt(atMs).severities;
      if (typeof v !== "string" || !sev.includes(v)) return `${fieldOf(spec)} must be a severity of the policy (${sev.join(", ")})`;
      return undefined;
    }
    case "role":
      if (typeof v !== "string" || !ROLES_GRANTABLE.has(v)) return `${fieldOf(spec)} must be manager or member`;
      return undefined;
    case "action":
      if (typeof v !== "string" || !ACTIONS.has(v)) return `${fieldOf(spec)} must be one of ${MANAGE_ACTIONS.join(", ")}`;
      return undefined;
    default:
      return assertNever(spec.type, "field type");
  }
}

/**
 * Validates a parsed value as an event of interface v1 against the vocabulary in force at its
 * `at`. Returns the engine event (unknown fields and `identity` dropped) or the dead-letter reason.
 * Does not look at the state: duplicates and tolerance are {@link admit}'s job.
 */
export function validateEvent(value: unknown, vocabAt: (atMs: number) => IntakeVocab): { event: Event } | { reason: string } {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { reason: `invalid JSON: expected an object, got ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value}` };
  }
  const reserved = findReservedKey(value);
  if (reserved !== undefined) return { reason: `reserved key "${reserved}" in event` };
  const o = value as Record<string, unknown>;
  const id = o["id"];
  if (id === undefined) return { reason: `missing field "id"` };
  if (typeof id !== "string" || id.length === 0) return { reason: `field "id" must be a non-empty string` };
  const type = o["type"];
  if (type === undefined) return { reason: `missing field "type"` };
  if (typeof type !== "string" || !TYPES.has(type)) {
    // Not quoted: a value that is no event type is input text, which a reason never contains.
    return { reason: typeof type === "string" ? `unknown event type (not one of the ${EVENT_TYPES.length} types of docs/events.md)` : `field "type" must be a string` };
  }
  const at = o["at"];
  if (at === undefined) return { reason: `missing field "at"` };
  const atMs = typeof at === "string" ? parseTimestamp(at) : NaN;
  if (Number.isNaN(atMs)) return { reason: `field "at" must be an RFC 3339 timestamp with an offset` };
  const early = outOfRange("at", atMs);
  if (early !== undefined) return { reason: early };
  const t = type as EventType;
  const ev: EventDraft = blankEvent(id, t, at as string, atMs);
  for (const spec of FIELD_SPECS[t]) {
    const v = o[spec.name];
    if (v === undefined) {
      if (spec.required) return { reason: `missing field "${spec.name}"` };
      continue;
    }
    const bad = checkField(spec, v, t, vocabAt, atMs);
    if (bad !== undefined) return { reason: bad };
    if (spec.name === "identity") continue;
    (ev as unknown as Record<string, unknown>)[spec.name] = v;
    if (spec.name === "before") ev.beforeMs = parseTimestamp(v as string);
  }
  // The one place an event gets its type: FIELD_SPECS is built from the same table as `Event`,
  // and every required field of `t` was present and every field checked against its type above.
  return { event: ev as Event };
}

/** The state-dependent checks: duplicate id, then the tolerance. Returns the reason, or undefined. */
export function admit(event: Event, ctx: IntakeContext): string | undefined {
  if (ctx.seen(event.id)) return `duplicate event id ${quote(event.id)}`;
  const clock = ctx.clock();
  if (clock !== null && clock - event.atMs > ctx.vocabAt(event.atMs).toleranceMs) {
    return "event is older than the clock by more than the tolerance";
  }
  if (ctx.wallClock !== undefined && event.atMs - ctx.wallClock() > ctx.vocabAt(event.atMs).toleranceMs) {
    return "event is later than the wall clock by more than the tolerance";
  }
  return undefined;
}

/**
 * One input line through intake (docs/engine.md, "Intake"). Checks run in this order, the first
 * failure naming the dead letter: JSON, object, reserved keys, `id`, `type`, `at`, the type's
 * fields, duplicate id, tolerance.
 */
export function parseEventLine(line: string, lineNo: number | null, ctx: IntakeContext): IntakeResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { deadLetter: { line: lineNo, reason: jsonSyntaxReason(line), raw: redactLine(line, null) } };
  }
  return intakeValue(value, lineNo, ctx, line);
}

/** Intake of an already-parsed value (library and HTTP callers); `line` is its text when known. */
export function intakeValue(value: unknown, lineNo: number | null, ctx: IntakeContext, line?: string): IntakeResult {
  let checked: { event: Event } | { reason: string };
  try {
    checked = validateEvent(value, ctx.vocabAt);
  } catch {
    // Only a hostile value (a throwing getter, a proxy) can get here.
    checked = { reason: "invalid event: unreadable value" };
  }
  if ("reason" in checked) return { deadLetter: { line: lineNo, reason: checked.reason, raw: rawOfInput(value, line) } };
  const refused = admit(checked.event, ctx);
  if (refused !== undefined) return { deadLetter: { line: lineNo, reason: refused, raw: rawOfInput(value, line) } };
  return checked;
}

/** A dead letter's `raw` of an input that parsed (its line's text when known). */
function rawOfInput(value: unknown, line: string | undefined): string {
  return line === undefined ? rawOfValue(value) : redactLine(line, { value });
}
