/**
 * Small constructors for IR expressions, so the section lowering reads like the rules it writes
 * (`deny when not actor.verified`) instead of like JSON.
 */
import type { DurationIR, ExprIR, TemplatePart } from "./types.js";
import { PATHS, canonicalPath, type ValueType } from "../vocab/paths.js";

export function path(p: string): ExprIR {
  const canonical = canonicalPath(p);
  const info = PATHS[canonical];
  if (!info) throw new Error(`internal: unknown path ${p}`);
  return { kind: "path", path: canonical, type: info.type };
}

export const bool = (value: boolean): ExprIR => ({ kind: "lit", type: "bool", value });
export const count = (value: number): ExprIR => ({ kind: "lit", type: "count", value });
export const enumLit = (type: "level" | "category" | "tier" | "severity" | "role" | "action", value: string): ExprIR => ({
  kind: "lit",
  type,
  value,
});
export const duration = (d: DurationIR): ExprIR => ({ kind: "duration", amount: d.amount, unit: d.unit });

export const not = (arg: ExprIR): ExprIR => ({ kind: "not", arg });
export function and(...args: ExprIR[]): ExprIR {
  const flat = args.flatMap((a) => (a.kind === "and" ? a.args : [a])).filter((a) => !(a.kind === "lit" && a.value === true));
  if (flat.length === 0) return bool(true);
  return flat.length === 1 ? flat[0]! : { kind: "and", args: flat };
}
export function or(...args: ExprIR[]): ExprIR {
  const flat = args.flatMap((a) => (a.kind === "or" ? a.args : [a]));
  return flat.length === 1 ? flat[0]! : { kind: "or", args: flat };
}
export const cmp = (op: "==" | "!=" | "<" | "<=" | ">" | ">=", left: ExprIR, right: ExprIR): ExprIR => ({ kind: "cmp", op, left, right });
export const isIn = (left: ExprIR, items: ExprIR[], negated = false): ExprIR => ({ kind: "in", negated, left, items });
export const ifThen = (type: ValueType, cond: ExprIR, then: ExprIR, otherwise: ExprIR): ExprIR => ({
  kind: "if",
  type,
  cond,
  then,
  else: otherwise,
});
export const minus = (type: ValueType, left: ExprIR, right: ExprIR): ExprIR => ({ kind: "arith", type, op: "-", left, right });

/** `"user {user} is muted"` → `["user ", {path:"actor"}, " is muted"]`. `{{` and `}}` are literal braces. */
export function template(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = "";
  // Plain characters are copied in runs (text.slice(from, i)), not one by one: every rule has a
  // template, and a string built a character at a time leaves a string behind per character.
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if ((ch === "{" || ch === "}") && text[i + 1] === ch) {
      literal += text.slice(from, i) + ch;
      i++;
      from = i + 1;
    } else if (ch === "{") {
      const close = text.indexOf("}", i + 1);
      if (close < 0) break;
      literal += text.slice(from, i);
      if (literal) parts.push(literal);
      literal = "";
      parts.push({ path: canonicalPath(text.slice(i + 1, close).trim()) });
      i = close;
      from = close + 1;
    }
  }
  literal += text.slice(from);
  if (literal) parts.push(literal);
  return parts;
}
