/**
 * The json-rules-engine export (docs/export.md): a policy's allow/deny rules as json-rules-engine 7
 * rules. It produces JSON only; it never imports json-rules-engine.
 *
 * - Each IR rule becomes one rule whose conditions read facts named after the paths it reads
 *   (`actor.verified`, `group.members-after`, …), preceded by an `event.type` condition.
 * - Values use the engine's encoding (src/engine/context.ts): credit levels and severities are
 *   their index in the policy's scale, tiers their rank, "no tier" is null; so `>=` on a level is a
 *   numeric comparison json-rules-engine can do.
 * - What json-rules-engine cannot compute (calendar arithmetic such as `now - 6 months`, windows
 *   such as `user.flags within 30 days`, month durations, orderings of names) becomes a *derived
 *   fact*: a named value our state tracker supplies (src/export/facts.ts), with its definition kept
 *   in the export as IR.
 * - Priority follows precedence: every deny before every allow, each in IR order. The version's
 *   integrity guards (the IR's `guards`, which the engine checks once the rules allowed) are
 *   exported as `guard` rules between them, so the export decides exactly as the engine does;
 *   {@link combine} is the combining rule.
 */
import type { Cite, ExprIR, PolicyIR, RuleIR, TemplatePart, VersionIR } from "../ir/types.js";
import type { DecidedEvent } from "../vocab/events.js";
import { PATHS, canonicalPath, type ValueType } from "../vocab/paths.js";
import { exprText, typeOf } from "../engine/expr.js";
import { parseTimestamp, UNIT_MS } from "../source/time.js";
import { compileVersionData, ProgramError, type VersionData } from "../engine/version.js";

export const JRE_FORMAT = "qungui/json-rules-engine" as const;
export const JRE_FORMAT_VERSION = 1 as const;

export type JreOperator =
  | "equal"
  | "notEqual"
  | "lessThan"
  | "lessThanInclusive"
  | "greaterThan"
  | "greaterThanInclusive"
  | "in"
  | "notIn";

export type JreScalar = boolean | number | string | null;

export interface JreLeaf {
  fact: string;
  operator: JreOperator;
  /** A literal (engine encoding) or another fact. */
  value: JreScalar | JreScalar[] | { fact: string };
  /** Set on the `event.type` condition so json-rules-engine checks it first and short-circuits. */
  priority?: number;
}

export type JreCondition = JreLeaf | { all: JreCondition[] } | { any: JreCondition[] } | { not: JreCondition };

/** Why a rule fires: `deny` and `allow` rules come from the IR's rules, `guard` rules from its guards. */
export type JreEventType = "deny" | "allow" | "guard";

export interface JreRuleParams {
  /** The qungui rule name, the `rule` of the decision. */
  rule: string;
  effect: "deny" | "allow";
  /** 0-based position in the combining order (lower decides first). */
  precedence: number;
  on: DecidedEvent[];
  cites: Cite[];
  /** The reason template; `{path}` parts are filled from the facts. */
  because: string;
}

export interface JreRule {
  name: string;
  priority: number;
  conditions: { all: JreCondition[] };
  event: { type: JreEventType; params: JreRuleParams };
}

export type FactKind = "event" | "path" | "derived";

export interface JreFact {
  name: string;
  /** `event`: the event's type; `path`: a path of src/vocab/paths.ts; `derived`: computed from `expr`. */
  kind: FactKind;
  type: ValueType | "event-type";
  /** The expression whose engine value is the fact (null for `event.type`). */
  expr: ExprIR | null;
  /** The value can be null (no user, no tier, …). */
  nullable: boolean;
}

export interface JreVersionExport {
  version: string;
  effective: string;
  zone: string;
  /** The numeric encodings: index in each list. */
  ranks: { level: string[]; severity: string[]; tier: string[] };
  facts: JreFact[];
  rules: JreRule[];
}

export interface JreExport {
  format: typeof JRE_FORMAT;
  formatVersion: typeof JRE_FORMAT_VERSION;
  engine: "json-rules-engine@7";
  policy: string;
  combining: string;
  /** In effective order; an event is judged by the version whose `effective` is the latest at or before its `at`. */
  versions: JreVersionExport[];
}

export const COMBINING =
  "Run the rules of the event's type with the facts. The first deny rule (by priority) that fires decides deny. " +
  "Otherwise, if an allow rule fires: the first guard rule that fires decides deny, else the first allow rule decides allow. " +
  "If no deny or allow rule fires: deny, rule engine/no-permit.";

const EVENT_TYPE_FACT = "event.type";

/** Paths whose accessor never returns null (src/engine/context.ts). */
function pathNullable(path: string, type: ValueType): boolean {
  if (type === "bool" || type === "count") return false;
  if (path === "now" || path === "event.at") return false;
  if (path.endsWith(".role")) return false;
  return true;
}

function templateText(parts: readonly TemplatePart[]): string {
  return parts.map((p) => (typeof p === "string" ? p.replace(/[{}]/g, (b) => b + b) : `{${p.path}}`)).join("");
}

class VersionExporter {
  private readonly facts = new Map<string, JreFact>();

  constructor(private readonly v: VersionData) {}

  exportVersion(ir: VersionIR): JreVersionExport {
    this.facts.set(EVENT_TYPE_FACT, { name: EVENT_TYPE_FACT, kind: "event", type: "event-type", expr: null, nullable: false });
    const denies = ir.rules.filter((r) => r.effect === "deny");
    const allows = ir.rules.filter((r) => r.effect === "allow");
    const ordered: { type: JreEventType; name: string; effect: "deny" | "allow"; on: DecidedEvent[]; when: ExprIR; cites: Cite[]; because: string }[] = [
      ...denies.map((r) => this.fromIR(r, "deny")),
      ...ir.guards.map((g) => ({ type: "guard" as const, name: g.name, effect: "deny" as const, on: [...g.on], when: g.when, cites: g.cites, because: templateText(g.because) })),
      ...allows.map((r) => this.fromIR(r, "allow")),
    ];
    const n = ordered.length;
    const rules = ordered.map((r, i): JreRule => {
      const typeCond: JreLeaf =
        r.on.length === 1
          ? { fact: EVENT_TYPE_FACT, operator: "equal", value: r.on[0]!, priority: 2 }
          : { fact: EVENT_TYPE_FACT, operator: "in", value: [...r.on], priority: 2 };
      const when = this.cond(r.when);
      const all: JreCondition[] = isAlwaysTrue(when) ? [typeCond] : [typeCond, when];
      return {
        name: r.name,
        priority: n - i,
        conditions: { all },
        event: { type: r.type, params: { rule: r.name, effect: r.effect, precedence: i, on: [...r.on], cites: r.cites.map((c) => ({ ...c })), because: r.because } },
      };
    });
    return {
      version: ir.version,
      effective: ir.effective,
      zone: ir.zone,
      ranks: { level: [...this.v.levels], severity: [...this.v.severities], tier: [...this.v.tierNames] },
      facts: [...this.facts.values()],
      rules,
    };
  }

  private fromIR(r: RuleIR, effect: "deny" | "allow") {
    return { type: effect, name: r.name, effect, on: [...r.on], when: r.when, cites: r.cites, because: templateText(r.because) };
  }

  // -------------------------------------------------------------------------------------------
  // Facts

  private pathFact(path: string, type: ValueType): string {
    const name = canonicalPath(path);
    if (!this.facts.has(name)) {
      this.facts.set(name, { name, kind: "path", type, expr: { kind: "path", path: name, type }, nullable: pathNullable(name, type) });
    }
    return name;
  }

  /** A fact computed by the state tracker from an expression the rules engine cannot evaluate. */
  private derivedFact(e: ExprIR): string {
    const name = exprText(e);
    if (!this.facts.has(name)) {
      this.facts.set(name, { name, kind: "derived", type: typeOf(e), expr: stripIds(e), nullable: exprNullable(e) });
    }
    return name;
  }

  // -------------------------------------------------------------------------------------------
  // Values

  private literal(e: Extract<ExprIR, { kind: "lit" }>): JreScalar {
    const v = this.v;
    switch (e.type) {
      case "level":
        return need(v.levelIndex.get(e.value), `unknown credit level ${e.value}`);
      case "severity":
        return need(v.severityIndex.get(e.value), `unknown severity ${e.value}`);
      case "tier":
        if (e.value === "none" && !v.tierRank.has("none")) return null;
        return need(v.tierRank.get(e.value), `unknown tier ${e.value}`);
      default:
        return e.value;
    }
  }

  /** An operand: a literal value, or the name of the fact that supplies it. */
  private operand(e: ExprIR): { value: JreScalar } | { fact: string } {
    switch (e.kind) {
      case "lit":
        return { value: this.literal(e) };
      case "time": {
        const ms = parseTimestamp(e.value);
        if (Number.isNaN(ms)) throw new ProgramError(`invalid instant ${e.value}`);
        return { value: ms };
      }
      case "duration":
        // Minutes to weeks are fixed lengths; a month or year ending now depends on the calendar.
        if (e.unit !== "month" && e.unit !== "year") return { value: e.amount * UNIT_MS[e.unit] };
        return { fact: this.derivedFact(e) };
      case "path": {
        const info = PATHS[canonicalPath(e.path)];
        if (info === undefined || info.window) throw new ProgramError(`unknown path ${e.path}`);
        return { fact: this.pathFact(e.path, info.type) };
      }
      default:
        return { fact: this.derivedFact(e) };
    }
  }

  // -------------------------------------------------------------------------------------------
  // Conditions

  cond(e: ExprIR): JreCondition {
    switch (e.kind) {
      case "lit":
        if (e.type === "bool") return e.value ? TRUE : FALSE;
        return this.fallback(e);
      case "path": {
        const o = this.operand(e);
        return "fact" in o ? { fact: o.fact, operator: "equal", value: true } : o.value === true ? TRUE : FALSE;
      }
      case "not":
        return { not: this.cond(e.arg) };
      case "and":
        return e.args.length === 0 ? TRUE : { all: e.args.map((a) => this.cond(a)) };
      case "or":
        return e.args.length === 0 ? FALSE : { any: e.args.map((a) => this.cond(a)) };
      case "if":
        return { any: [{ all: [this.cond(e.cond), this.cond(e.then)] }, { all: [{ not: this.cond(e.cond) }, this.cond(e.else)] }] };
      case "cmp":
        return this.cmp(e.op, e.left, e.right, e);
      case "in":
        return this.isIn(e);
      case "between":
        return this.between(e);
      default:
        return this.fallback(e);
    }
  }

  /** A boolean the rules engine cannot express natively: a derived fact that must be true. */
  private fallback(e: ExprIR): JreCondition {
    return { fact: this.derivedFact(e), operator: "equal", value: true };
  }

  private cmp(op: CmpOp, left: ExprIR, right: ExprIR, whole: ExprIR): JreCondition {
    // `x >= (if c then a else b)` is `(c and x >= a) or (not c and x >= b)`: limits stepped by credit.
    if (right.kind === "if") {
      return { any: [{ all: [this.cond(right.cond), this.cmp(op, left, right.then, whole)] }, { all: [{ not: this.cond(right.cond) }, this.cmp(op, left, right.else, whole)] }] };
    }
    if (left.kind === "if") {
      return { any: [{ all: [this.cond(left.cond), this.cmp(op, left.then, right, whole)] }, { all: [{ not: this.cond(left.cond) }, this.cmp(op, left.else, right, whole)] }] };
    }
    const ordering = op !== "==" && op !== "!=";
    // json-rules-engine orders numbers only; the engine orders roles by rank and names as strings.
    if (ordering && !NUMERIC_TYPES.has(typeOf(left))) return this.fallback(whole);
    let l = this.operand(left);
    let r = this.operand(right);
    let o = op;
    if ("value" in l && "fact" in r) {
      [l, r] = [r, l];
      o = FLIP[op];
    }
    if ("value" in l) return this.fallback(whole);
    if ("value" in r) {
      // A comparison with no value is false (`!=` true); json-rules-engine would compare with 0.
      if (ordering && r.value === null) return FALSE;
      return { fact: l.fact, operator: OPERATORS[o], value: r.value };
    }
    const leaf: JreLeaf = { fact: l.fact, operator: OPERATORS[o], value: { fact: r.fact } };
    if (ordering && this.facts.get(r.fact)!.nullable) return { all: [leaf, { fact: r.fact, operator: "notEqual", value: null }] };
    return leaf;
  }

  private isIn(e: Extract<ExprIR, { kind: "in" }>): JreCondition {
    const l = this.operand(e.left);
    const items = e.items.map((x) => this.operand(x));
    if ("fact" in l && items.every((x) => "value" in x)) {
      return { fact: l.fact, operator: e.negated ? "notIn" : "in", value: items.map((x) => (x as { value: JreScalar }).value) };
    }
    const any: JreCondition = { any: e.items.map((x) => this.cmp("==", e.left, x, { kind: "cmp", op: "==", left: e.left, right: x })) };
    return e.negated ? { not: any } : any;
  }

  private between(e: Extract<ExprIR, { kind: "between" }>): JreCondition {
    const l = this.operand(e.left);
    if ("value" in l) return this.fallback(e);
    const inside: JreCondition = {
      all: [
        { fact: l.fact, operator: "greaterThanInclusive", value: e.from },
        { fact: l.fact, operator: "lessThanInclusive", value: e.to },
      ],
    };
    return e.negated ? { not: inside } : inside;
  }
}

type CmpOp = "==" | "!=" | "<" | "<=" | ">" | ">=";

const NUMERIC_TYPES: ReadonlySet<ValueType> = new Set(["count", "duration", "time", "level", "severity", "tier"]);

const OPERATORS: Record<CmpOp, JreOperator> = {
  "==": "equal",
  "!=": "notEqual",
  "<": "lessThan",
  "<=": "lessThanInclusive",
  ">": "greaterThan",
  ">=": "greaterThanInclusive",
};

const FLIP: Record<CmpOp, CmpOp> = { "==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<=" };

/** json-rules-engine treats an empty `all` as true; `not` of it is false. */
const TRUE: JreCondition = { all: [] };
const FALSE: JreCondition = { not: { all: [] } };

function isAlwaysTrue(c: JreCondition): boolean {
  return "all" in c && c.all.length === 0;
}

function need<T>(x: T | undefined, msg: string): T {
  if (x === undefined) throw new ProgramError(msg);
  return x;
}

function exprNullable(e: ExprIR): boolean {
  switch (e.kind) {
    case "path":
      return pathNullable(canonicalPath(e.path), typeOf(e));
    case "arith":
      return exprNullable(e.left) || exprNullable(e.right);
    case "if":
      return exprNullable(e.then) || exprNullable(e.else);
    case "lit":
      return e.type === "tier" && e.value === "none";
    default:
      return false;
  }
}

/** The expression without source ids (the export is independent of spans). */
function stripIds(e: ExprIR): ExprIR {
  return JSON.parse(JSON.stringify(e, (k, v: unknown) => (k === "id" ? undefined : v))) as ExprIR;
}

// ---------------------------------------------------------------------------------------------

export type ExportResult = { export: JreExport; problems: [] } | { export: null; problems: string[] };

/** The policy's rules as json-rules-engine rules, one rule set per version (in effective order). */
export function exportJsonRulesEngine(ir: PolicyIR): ExportResult {
  const problems: string[] = [];
  const versions: JreVersionExport[] = [];
  const order = ir.versions.map((v, i) => ({ v, i })).sort((a, b) => Date.parse(a.v.effective) - Date.parse(b.v.effective) || a.i - b.i);
  for (const { v } of order) {
    try {
      versions.push(new VersionExporter(compileVersionData(v, versions.length)).exportVersion(v));
    } catch (e) {
      if (!(e instanceof ProgramError)) throw e;
      problems.push(`version ${v.version}: ${e.message}`);
    }
  }
  if (problems.length > 0) return { export: null, problems };
  return {
    export: { format: JRE_FORMAT, formatVersion: JRE_FORMAT_VERSION, engine: "json-rules-engine@7", policy: ir.name, combining: COMBINING, versions },
    problems: [],
  };
}

/** The rules of a version that apply to one event type (one json-rules-engine Engine per type runs fastest). */
export function rulesForEvent(v: JreVersionExport, type: DecidedEvent): JreRule[] {
  return v.rules.filter((r) => r.event.params.on.includes(type));
}

/** The facts the rules of one event type read, `event.type` first. */
export function factsForEvent(v: JreVersionExport, type: DecidedEvent): JreFact[] {
  const names = new Set<string>([EVENT_TYPE_FACT]);
  const visit = (c: JreCondition): void => {
    if ("all" in c) c.all.forEach(visit);
    else if ("any" in c) c.any.forEach(visit);
    else if ("not" in c) visit(c.not);
    else {
      names.add(c.fact);
      if (c.value !== null && typeof c.value === "object" && !Array.isArray(c.value)) names.add(c.value.fact);
    }
  };
  for (const r of rulesForEvent(v, type)) visit(r.conditions);
  const byName = new Map(v.facts.map((f) => [f.name, f]));
  return [...names].map((n) => byName.get(n)!);
}

export interface FiredEvent {
  type: string;
  params?: Partial<JreRuleParams> | Record<string, unknown>;
}

export interface Combined {
  outcome: "allow" | "deny";
  rule: string;
}

/** The decision from the events json-rules-engine fired (docs/export.md, "Combining"). */
export function combine(fired: readonly FiredEvent[]): Combined {
  let deny: JreRuleParams | null = null;
  let guard: JreRuleParams | null = null;
  let allow: JreRuleParams | null = null;
  for (const e of fired) {
    const params = e.params as JreRuleParams | undefined;
    if (params === undefined) continue;
    const pick = (cur: JreRuleParams | null): JreRuleParams => (cur === null || params.precedence < cur.precedence ? params : cur);
    if (e.type === "deny") deny = pick(deny);
    else if (e.type === "guard") guard = pick(guard);
    else if (e.type === "allow") allow = pick(allow);
  }
  if (deny !== null) return { outcome: "deny", rule: deny.rule };
  if (allow === null) return { outcome: "deny", rule: "engine/no-permit" };
  if (guard !== null) return { outcome: "deny", rule: guard.rule };
  return { outcome: "allow", rule: allow.rule };
}
