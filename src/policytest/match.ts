/**
 * Matching expectations against decisions and state views. Every expectation is partial: only
 * what the author wrote is compared. Each mismatch names the field with the expected and the
 * actual value, ready for the diff renderer.
 */
import { serializeDecision, type Decision, type Effect } from "../engine/decision.js";
import { parseRfc3339, zonedInstant } from "../source/time.js";
import { closest } from "../source/suggest.js";
import type { DecisionExpect, EffectExpect, StateFieldExpect, TimeText } from "./format.js";
import { inlineText } from "./format.js";

export interface Mismatch {
  field: string;
  expected: string;
  actual: string;
}

/** An instant from a test's time text: RFC 3339 with offset, or a local date-time in `zone`. */
export function instantOf(text: string, zone: string): number | undefined {
  return parseRfc3339(text) ?? zonedInstant(text.replace(" ", "T"), zone);
}

function sameInstant(expected: string, actual: unknown, zone: string): boolean {
  if (typeof actual !== "string") return false;
  const e = instantOf(expected, zone);
  const a = parseRfc3339(actual);
  return e !== undefined && a !== undefined ? e === a : expected === actual;
}

const TIME_KEYS = new Set(["until", "due", "at", "before"]);

function isNullText(v: unknown): boolean {
  return v === null || v === "null" || v === "~";
}

/** Partial deep match of an expected value (from YAML: strings, lists, maps) against an actual one. */
function partial(key: string, expected: unknown, actual: unknown, zone: string): boolean {
  if (isNullText(expected)) return actual === null || actual === undefined;
  if (key === "target" && typeof expected === "string") {
    if (actual === null || typeof actual !== "object") return false;
    const t = actual as { user?: string; group?: string };
    return t.user === expected || t.group === expected;
  }
  if (typeof expected === "string") {
    if (TIME_KEYS.has(key)) return sameInstant(expected, actual, zone);
    if (typeof actual === "number" || typeof actual === "boolean") return String(actual) === expected;
    return actual === expected;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return false;
    return expected.every((x, i) => partial(key, x, actual[i], zone));
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object") return false;
    return Object.entries(expected).every(([k, x]) => partial(k, x, (actual as Record<string, unknown>)[k], zone));
  }
  return false;
}

export function effectMatches(e: EffectExpect, actual: Effect, zone: string): boolean {
  return Object.entries(e.fields).every(([k, x]) => partial(k, x, (actual as unknown as Record<string, unknown>)[k], zone));
}

export function effectText(e: Effect): string {
  return inlineText(e);
}

function effectsText(list: readonly Effect[]): string {
  return list.length === 0 ? "[]" : `[${list.map(effectText).join(", ")}]`;
}

/** Each expected effect must appear, in order, among the actual ones (others may be between). */
function matchEffects(expected: EffectExpect[], actual: readonly Effect[], zone: string): Mismatch | null {
  if (expected.length === 0) {
    return actual.length === 0 ? null : { field: "effects", expected: "[] (no effects)", actual: effectsText(actual) };
  }
  let j = 0;
  for (let i = 0; i < expected.length; i++) {
    const want = expected[i]!;
    while (j < actual.length && !effectMatches(want, actual[j]!, zone)) j++;
    if (j >= actual.length) {
      const anywhere = actual.some((a) => effectMatches(want, a, zone));
      const why = anywhere ? `${want.text} is there, but not after ${expected[i - 1]?.text ?? "the start"}` : `no effect matches ${want.text}`;
      return { field: "effects", expected: `[${expected.map((x) => x.text).join(", ")}] in this order`, actual: `${effectsText(actual)}  (${why})` };
    }
    j++;
  }
  return null;
}

/**
 * Mismatches between an expectation and a decision (empty: it matches). `ruleNames`, the policy's
 * rule and measure names: an expected `rule` that is none of them but close to one is most likely
 * a typo, and the mismatch says which name was meant.
 */
export function matchDecision(x: DecisionExpect, d: Decision, zone: string, ruleNames?: ReadonlySet<string>): Mismatch[] {
  const out: Mismatch[] = [];
  if (x.outcome !== undefined && d.outcome !== x.outcome) out.push({ field: "outcome", expected: x.outcome, actual: d.outcome });
  if (x.rule !== undefined && d.rule !== x.rule) {
    const meant = ruleNames && !ruleNames.has(x.rule) ? closest(x.rule, [...ruleNames, d.rule]) : undefined;
    out.push({ field: "rule", expected: meant ? `${x.rule} (no rule or measure of the policy has this name; did you mean \`${meant}\`?)` : x.rule, actual: d.rule });
  }
  if (x.cites !== undefined) {
    const have = d.cites.map((c) => c.req);
    const missing = x.cites.filter((c) => !have.includes(c));
    if (missing.length > 0) out.push({ field: "cites", expected: `[${x.cites.join(", ")}] (missing ${missing.join(", ")})`, actual: `[${have.join(", ")}]` });
  }
  if (x.reason !== undefined && !d.reason.includes(x.reason)) out.push({ field: "reason", expected: `…${x.reason}…`, actual: d.reason });
  if (x.subject !== undefined) {
    const s = d.subject as Record<string, string | undefined>;
    for (const [k, v] of Object.entries(x.subject)) {
      if (s[k] !== v) out.push({ field: `subject.${k}`, expected: v, actual: s[k] ?? "(absent)" });
    }
  }
  if (x.policy !== undefined && !(d.policy === x.policy || (isNullText(x.policy) && d.policy === null))) {
    out.push({ field: "policy", expected: x.policy, actual: String(d.policy) });
  }
  if (x.due !== undefined && !(d.due !== undefined && sameInstant(x.due.text, d.due, zone))) {
    out.push({ field: "due", expected: x.due.text, actual: d.due ?? "(absent)" });
  }
  if (x.excludes !== undefined) {
    const text = serializeDecision(d);
    for (const t of x.excludes) if (text.includes(t)) out.push({ field: "excludes", expected: `no ${JSON.stringify(t)} anywhere`, actual: "found in the decision" });
  }
  if (x.effects !== undefined) {
    const m = matchEffects(x.effects, d.effects, zone);
    if (m) out.push(m);
  }
  return out;
}

function show(v: unknown): string {
  if (v === null || v === undefined) return "none";
  if (typeof v === "string") return v;
  return inlineText(v);
}

/** Compares one expected state field with the view's value. */
export function matchStateField(field: string, x: StateFieldExpect, actual: unknown, zone: string): Mismatch | null {
  const v = x.value;
  const bad = (expected: string): Mismatch => ({ field, expected, actual: show(actual) });
  switch (v.kind) {
    case "bool":
    case "int":
      return actual === v.value ? null : bad(String(v.value));
    case "text":
      return actual === v.value ? null : bad(v.value ?? "none");
    case "time": {
      if (v.value === null) return actual === null ? null : bad("none");
      return sameInstant((v.value as TimeText).text, actual, zone) ? null : bad(v.value.text);
    }
    case "list": {
      const a = Array.isArray(actual) ? [...(actual as string[])].sort() : [];
      const e = [...v.value].sort();
      return a.length === e.length && a.every((x, i) => x === e[i]) ? null : bad(`[${v.value.join(", ")}]`);
    }
    case "roles": {
      const a = (actual ?? {}) as Record<string, string>;
      const wrong = Object.entries(v.value).filter(([u, role]) => (a[u] ?? "none") !== role);
      if (wrong.length === 0) return null;
      return { field, expected: inlineText(v.value), actual: inlineText(Object.fromEntries(wrong.map(([u]) => [u, a[u] ?? "none"]))) };
    }
    case "timers": {
      const a = (actual ?? []) as Record<string, string>[];
      const ok = a.length === v.value.length && v.value.every((t, i) => Object.entries(t).every(([k, x]) => (k === "due" ? sameInstant(x, a[i]![k], zone) : a[i]![k] === x)));
      return ok ? null : { field, expected: inlineText(v.value), actual: inlineText(a) };
    }
  }
}
