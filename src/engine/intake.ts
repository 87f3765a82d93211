/**
 * Intake: the checks an input passes before any rule sees it (docs/engine.md, "Intake"). A line
 * becomes either an {@link Event} or a {@link DeadLetter}; nothing throws. Personal information
 * (`identity`) is dropped from events and redacted from dead letters here, at the boundary.
 */
import { EVENT_FIELDS, EVENT_TYPES, MANAGE_ACTIONS, type EventType, type FieldType } from "../vocab/events.js";
import { blankEvent, type Event } from "./event.js";
import { parseTimestamp } from "../source/time.js";

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
  /** Why, in one line. It names fields and quotes nothing from the input but event ids and type names. */
  reason: string;
  /**
   * The input as given, with every `identity` value replaced by `"[redacted]"`; an unparseable line
   * that mentions `identity` is replaced whole, and after an internal error a line is withheld.
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
}

export type IntakeResult = { event: Event; deadLetter?: undefined } | { event?: undefined; deadLetter: DeadLetter };

export const RESERVED_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);
export const REDACTED = "[redacted]";
export const REDACTED_LINE = "[redacted: unparseable line mentions identity]";
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

function hasIdentityKey(value: unknown): boolean {
  return findKey(value, (k) => IDENTITY_KEY.test(k)) !== undefined;
}

/** `raw` for a parsed value: JSON with every `identity` value replaced by `"[redacted]"`. */
export function rawOfValue(value: unknown): string {
  try {
    const s = JSON.stringify(value, function (this: unknown, key: string, v: unknown) {
      return IDENTITY_KEY.test(key) && this !== null && typeof this === "object" && !Array.isArray(this) ? REDACTED : v;
    });
    return s === undefined ? "[unserialisable input]" : s;
  } catch {
    return hasIdentityKeySafe(value) ? REDACTED_LINE : "[unserialisable input]";
  }
}

function hasIdentityKeySafe(value: unknown): boolean {
  try {
    return hasIdentityKey(value);
  } catch {
    return true;
  }
}

/**
 * `raw` of an input line: as given, unless it carries `identity`. A parsed line with an `identity`
 * key anywhere is re-serialised with the value redacted (duplicate keys collapse, so an earlier
 * duplicate cannot survive); an unparseable line that mentions identity, also through `\u`
 * escapes and in any letter case, is replaced whole.
 */
export function redactLine(line: string, parsed: { value: unknown } | null): string {
  if (parsed !== null) return hasIdentityKey(parsed.value) ? rawOfValue(parsed.value) : line;
  const decoded = line.includes("\\") ? line.replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : line;
  return /identity/i.test(decoded) ? REDACTED_LINE : line;
}

/** A JSON.parse error message without the snippet of input V8 quotes into it. */
function jsonError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const cleaned = msg
    .replace(/,?\s*"[\s\S]*" is not valid JSON$/, "")
    .replace(/ token '[\s\S]*?'/, " token")
    .replace(/[\r\n]+/g, " ")
    .trim();
  return cleaned.length === 0 ? "unparseable" : cleaned.charAt(0).toLowerCase() + cleaned.slice(1);
}

function checkField(spec: FieldSpec, v: unknown, type: EventType, vocabAt: (atMs: number) => IntakeVocab, atMs: number): string | undefined {
  const vocab = (): IntakeVocab => vocabAt(atMs);
  const f = `field "${spec.name}"`;
  switch (spec.type) {
    case "string":
      if (typeof v !== "string") return `${f} must be a string`;
      if (v.length === 0 && spec.name !== "name") return `${f} must not be empty`;
      if (type === "content.flagged" && spec.name === "category") {
        const cats = vocab().flagCategories;
        if (!cats.includes(v)) return `${f} must be a prohibited category of the policy (${cats.join(", ")})`;
      }
      return undefined;
    case "timestamp":
      if (typeof v !== "string" || Number.isNaN(parseTimestamp(v))) return `${f} must be an RFC 3339 timestamp with an offset`;
      return undefined;
    case "object":
      if (v === null || typeof v !== "object" || Array.isArray(v)) return `${f} must be an object`;
      return undefined;
    case "level": {
      const levels = vocab().levels;
      if (typeof v !== "string" || !levels.includes(v)) return `${f} must be a credit level of the policy (${levels.join(", ")})`;
      return undefined;
    }
    case "severity": {
      const sev = vocab().severities;
      if (typeof v !== "string" || !sev.includes(v)) return `${f} must be a severity of the policy (${sev.join(", ")})`;
      return undefined;
    }
    case "role":
      if (typeof v !== "string" || !ROLES_GRANTABLE.has(v)) return `${f} must be manager or member`;
      return undefined;
    case "action":
      if (typeof v !== "string" || !ACTIONS.has(v)) return `${f} must be one of ${MANAGE_ACTIONS.join(", ")}`;
      return undefined;
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
    return { reason: typeof type === "string" && /^[\w.-]{1,40}$/.test(type) ? `unknown event type "${type}"` : `unknown event type` };
  }
  const at = o["at"];
  if (at === undefined) return { reason: `missing field "at"` };
  const atMs = typeof at === "string" ? parseTimestamp(at) : NaN;
  if (Number.isNaN(atMs)) return { reason: `field "at" must be an RFC 3339 timestamp with an offset` };
  const t = type as EventType;
  const ev = blankEvent(id, t, at as string, atMs);
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
  return { event: ev };
}

/** The state-dependent checks: duplicate id, then the tolerance. Returns the reason, or undefined. */
export function admit(event: Event, ctx: IntakeContext): string | undefined {
  if (ctx.seen(event.id)) return `duplicate event id ${quote(event.id)}`;
  const clock = ctx.clock();
  if (clock !== null && clock - event.atMs > ctx.vocabAt(event.atMs).toleranceMs) {
    return "event is older than the clock by more than the tolerance";
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
  } catch (e) {
    return { deadLetter: { line: lineNo, reason: `invalid JSON: ${jsonError(e)}`, raw: redactLine(line, null) } };
  }
  return intakeValue(value, lineNo, ctx, line);
}

/** Intake of an already-parsed value (library and HTTP callers); `line` is its text when known. */
export function intakeValue(value: unknown, lineNo: number | null, ctx: IntakeContext, line?: string): IntakeResult {
  const raw = (): string => (line === undefined ? rawOfValue(value) : redactLine(line, { value }));
  let checked: { event: Event } | { reason: string };
  try {
    checked = validateEvent(value, ctx.vocabAt);
  } catch {
    // Only a hostile value (a throwing getter, a proxy) can get here.
    checked = { reason: "invalid event: unreadable value" };
  }
  if ("reason" in checked) return { deadLetter: { line: lineNo, reason: checked.reason, raw: raw() } };
  const refused = admit(checked.event, ctx);
  if (refused !== undefined) return { deadLetter: { line: lineNo, reason: refused, raw: raw() } };
  return { event: checked.event };
}
