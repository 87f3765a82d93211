/**
 * Rule conditions and the engine's decision as SMT terms. `expr` follows src/engine/expr.ts node
 * by node (null semantics included: an ordering with a null operand is false, `==` compares nulls
 * as equal, arithmetic with null is null); `decision` follows src/engine/decided.ts: the first deny
 * that holds decides, else the first allow that holds, then the version's integrity guards (the
 * IR's `guards`, encoded like rule conditions), else `engine/no-permit`.
 */
import type { ExprIR, RuleIR } from "../ir/types.js";
import { typeOf } from "../engine/expr.js";
import type { DecidedEvent } from "../vocab/events.js";
import { parseTimestamp } from "../source/time.js";
import { ROLE } from "./domain.js";
import { Facts, Unsupported, num, type SVal } from "./facts.js";
import type { B, N } from "./solver.js";

function asBool(f: Facts, x: SVal): B {
  // `a(c) !== true`: a number is never `true`.
  return x.t === "bool" ? x.b : f.z.Bool.val(false);
}

function asNum(f: Facts, x: SVal): { n: N; nul: B } {
  if (x.t === "num") return x;
  return { n: f.z.If(x.b, f.z.Int.val(1), f.z.Int.val(0)) as N, nul: f.z.Bool.val(false) };
}

function eq(f: Facts, a: SVal, b: SVal): B {
  const z = f.z;
  if (a.t === "bool" && b.t === "bool") return a.b.eq(b.b);
  if (a.t === "bool" || b.t === "bool") return z.Bool.val(false);
  return z.Or(z.And(a.nul, b.nul), z.And(z.Not(a.nul), z.Not(b.nul), a.n.eq(b.n)));
}

function literal(f: Facts, e: Extract<ExprIR, { kind: "lit" }>): SVal {
  const z = f.z;
  const F = z.Bool.val(false);
  switch (e.type) {
    case "bool":
      return { t: "bool", b: z.Bool.val(e.value) };
    case "count":
      return num(z.Int.val(e.value), F);
    case "level": {
      const i = f.data.levelIndex.get(e.value);
      if (i === undefined) throw new Unsupported(`credit level ${e.value}`);
      return num(z.Int.val(i), F);
    }
    case "severity": {
      const i = f.data.severityIndex.get(e.value);
      if (i === undefined) throw new Unsupported(`severity ${e.value}`);
      return num(z.Int.val(i), F);
    }
    case "tier": {
      if (e.value === "none") return num(z.Int.val(-1), z.Bool.val(true));
      const i = f.data.tierRank.get(e.value);
      if (i === undefined) throw new Unsupported(`tier ${e.value}`);
      return num(z.Int.val(i), F);
    }
    case "role": {
      const r = (ROLE as Record<string, number>)[e.value];
      if (r === undefined) throw new Unsupported(`role ${e.value}`);
      return num(z.Int.val(r), F);
    }
    case "action": {
      const a = f.dom.actionCode(e.value);
      if (a < 0) throw new Unsupported(`action ${e.value}`);
      return num(z.Int.val(a), F);
    }
    case "category":
      return num(z.Int.val(f.dom.categoryCode(e.value)), F);
    case "string":
      throw new Unsupported("string literals");
  }
}

/** The SMT value of a rule condition (or any sub-expression) on the facts. */
export function expr(f: Facts, e: ExprIR): SVal {
  const z = f.z;
  const F = z.Bool.val(false);
  switch (e.kind) {
    case "lit":
      return literal(f, e);
    case "duration":
      return num(f.duration({ amount: e.amount, unit: e.unit }), F);
    case "time": {
      const ms = parseTimestamp(e.value);
      if (Number.isNaN(ms)) throw new Unsupported(`instant ${e.value}`);
      return num(z.Int.val(ms), F);
    }
    case "path":
      return f.path(e.path);
    case "window":
      return f.window(e.path, e.within);
    case "not":
      return { t: "bool", b: z.Not(asBool(f, expr(f, e.arg))) };
    case "and":
      return { t: "bool", b: z.And(z.Bool.val(true), ...e.args.map((a) => asBool(f, expr(f, a)))) };
    case "or":
      return { t: "bool", b: z.Or(F, ...e.args.map((a) => asBool(f, expr(f, a)))) };
    case "cmp": {
      const l = expr(f, e.left);
      const r = expr(f, e.right);
      if (e.op === "==") return { t: "bool", b: eq(f, l, r) };
      if (e.op === "!=") return { t: "bool", b: z.Not(eq(f, l, r)) };
      const t = typeOf(e.left);
      if (t === "string") throw new Unsupported("ordering of strings");
      const a = asNum(f, l);
      const b = asNum(f, r);
      const rel = e.op === "<" ? a.n.lt(b.n) : e.op === "<=" ? a.n.le(b.n) : e.op === ">" ? a.n.gt(b.n) : a.n.ge(b.n);
      return { t: "bool", b: z.And(z.Not(a.nul), z.Not(b.nul), rel) };
    }
    case "in": {
      const l = expr(f, e.left);
      const found = z.Or(F, ...e.items.map((it) => eq(f, expr(f, it), l)));
      return { t: "bool", b: e.negated ? z.Not(found) : found };
    }
    case "between": {
      const x = asNum(f, expr(f, e.left));
      const inside = z.And(x.n.ge(e.from), x.n.le(e.to));
      return { t: "bool", b: z.If(x.nul, z.Bool.val(e.negated), e.negated ? z.Not(inside) : inside) as B };
    }
    case "if": {
      const c = asBool(f, expr(f, e.cond));
      const a = expr(f, e.then);
      const b = expr(f, e.else);
      if (a.t === "bool" && b.t === "bool") return { t: "bool", b: z.If(c, a.b, b.b) as B };
      const x = asNum(f, a);
      const y = asNum(f, b);
      return num(z.If(c, x.n, y.n) as N, z.If(c, x.nul, y.nul) as B);
    }
    case "arith": {
      // Time ± a written calendar duration and plain sums are the same term here: the duration's
      // length is the constant `Facts.duration` bounds (one per written duration).
      const a = asNum(f, expr(f, e.left));
      const b = asNum(f, expr(f, e.right));
      return num(e.op === "+" ? a.n.add(b.n) : a.n.sub(b.n), z.Or(a.nul, b.nul));
    }
  }
}

/** The engine's answer on the facts: allowed or not, and the code of the deciding rule's name. */
export interface Decision {
  allow: B;
  rule: N;
}

/** The rules of version `f.v` on the event type, in precedence order: denies, then allows. */
export function rulesOn(rules: readonly RuleIR[], type: DecidedEvent): { denies: RuleIR[]; allows: RuleIR[] } {
  const on = rules.filter((r) => r.on.includes(type));
  return { denies: on.filter((r) => r.effect === "deny"), allows: on.filter((r) => r.effect === "allow") };
}

/** The decision of version `f.v` on its facts. */
export function decision(f: Facts): Decision {
  const z = f.z;
  const { denies, allows } = rulesOn(f.v.rules, f.type);
  const code = (name: string) => z.Int.val(f.dom.ruleCode(name));
  // The version's integrity guards on the event type, in order (the IR's `guards`, as the engine checks them).
  const guards = f.v.guards.filter((g) => g.on.includes(f.type)).map((g) => ({ cond: asBool(f, expr(f, g.when)), name: g.name }));
  let allow: B = z.Bool.val(false);
  let rule: N = code("engine/no-permit");
  for (let i = allows.length - 1; i >= 0; i--) {
    const r = allows[i]!;
    const holds = asBool(f, expr(f, r.when));
    let gAllow: B = z.Bool.val(true);
    let gRule: N = code(r.name);
    for (let k = guards.length - 1; k >= 0; k--) {
      const g = guards[k]!;
      gAllow = z.If(g.cond, z.Bool.val(false), gAllow) as B;
      gRule = z.If(g.cond, code(g.name), gRule) as N;
    }
    allow = z.If(holds, gAllow, allow) as B;
    rule = z.If(holds, gRule, rule) as N;
  }
  for (let i = denies.length - 1; i >= 0; i--) {
    const r = denies[i]!;
    const holds = asBool(f, expr(f, r.when));
    allow = z.If(holds, z.Bool.val(false), allow) as B;
    rule = z.If(holds, code(r.name), rule) as N;
  }
  return { allow, rule };
}

/** Whether one rule's condition holds (absent rules never hold), for diff's per-rule comparison. */
export function ruleHolds(f: Facts, rules: readonly RuleIR[]): B {
  return f.z.Or(f.z.Bool.val(false), ...rules.map((r) => asBool(f, expr(f, r.when))));
}
