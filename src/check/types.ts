/**
 * Types and units of rule conditions. Every expression gets one of the value types of
 * src/vocab/paths.ts; durations, counts, credit levels and the other enumerations never mix.
 * Paths are typed with the PATHS table and must exist on every event the rule is `on`. A bare
 * name (`B`, `news-discussion`, `manager`) is a literal of the enumeration the other side
 * expects, looked up in the version's declarations.
 */
import type * as A from "../ast/nodes.js";
import { PATHS, ROOTS, type ValueType } from "../vocab/paths.js";
import type { DecidedEvent } from "../vocab/events.js";
import { domainOf, ENUM_KIND, kindsOfName, NAME_NOUN, noteFor, unknownNameHelp, type Ctx, type NameKind } from "./context.js";
import { CODES } from "./ids.js";
import { closest, didYouMean, orList } from "./suggest.js";
import { isBareName, isNameLike, show } from "./exprs.js";

/** `a count`, `a credit level`: how messages name a type. */
export function aType(t: ValueType): string {
  const noun = TYPE_NOUN[t];
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

export const TYPE_NOUN: Readonly<Record<ValueType, string>> = {
  bool: "boolean",
  count: "count",
  duration: "duration",
  time: "time",
  level: "credit level",
  category: "category",
  tier: "tier",
  severity: "severity",
  role: "role",
  action: "action",
  string: "string",
};

const TYPE_PLURAL: Readonly<Record<ValueType, string>> = {
  bool: "booleans",
  count: "counts",
  duration: "durations",
  time: "times",
  level: "credit levels",
  category: "categories",
  tier: "tiers",
  severity: "severities",
  role: "roles",
  action: "actions",
  string: "strings",
};

/** Types with an order (`<`, `>=`, …). Tiers have none: their order depends on the category's table. */
export const ORDERED: ReadonlySet<ValueType> = new Set(["count", "duration", "time", "level", "severity"]);

const KIND_TYPE: Readonly<Partial<Record<NameKind, ValueType>>> = {
  level: "level",
  category: "category",
  tier: "tier",
  severity: "severity",
  role: "role",
  action: "action",
};

/** Field names that would carry personal information; there is deliberately no path for any of them. */
export const PII_FIELD = /^(identity|real-?name|name|id-?(card|number)|phone|mobile|email|address|passport|birth(day|date)?)$/i;

/** Roots that name a user, whose personal information must never be read. */
export const USER_ROOTS: readonly string[] = ["user", "actor", "target", "approver", "creator"];

export interface TypeEnv {
  ctx: Ctx;
  rule: A.RuleDecl;
  /** The rule's `on` events that are decided events (others are reported elsewhere). */
  events: readonly { event: DecidedEvent; node: A.DottedName }[];
  cache: Map<A.Expr, ValueType | undefined>;
  /** Type errors found in this rule (counted even when the sink already had them from an earlier version). */
  errors: number;
}

function err(env: TypeEnv, code: string, span: A.Node["span"], message: string, extra: { help?: string; labels?: { span: A.Node["span"]; message: string }[]; reqs?: string[] } = {}) {
  env.errors++;
  env.ctx.sink.error(code, span, message, { ...extra, note: noteFor(env.ctx, env.rule) });
}

function record(env: TypeEnv, e: A.Expr, t: ValueType | undefined): ValueType | undefined {
  env.cache.set(e, t);
  // The first version to type an expression keeps it. The base version types every rule it has
  // once, before any amendment, so it need not ask (the lookup is most of the cost here).
  if (t !== undefined && (env.ctx.version.index === 0 || !env.ctx.types.has(e))) env.ctx.types.set(e, t);
  return t;
}

/** The type of `e`, reporting what is wrong inside it; `expected` resolves bare names. */
export function typeOf(e: A.Expr, env: TypeEnv, expected?: ValueType): ValueType | undefined {
  if (env.cache.has(e)) return env.cache.get(e);
  return record(env, e, infer(e, env, expected));
}

/** Types two operands, letting a bare name on either side take the type of the other. */
function typePair(l: A.Expr, r: A.Expr, env: TypeEnv): [ValueType | undefined, ValueType | undefined] {
  if (isNameLike(l) && !isNameLike(r)) {
    const tr = typeOf(r, env);
    return [typeOf(l, env, tr), tr];
  }
  const tl = typeOf(l, env);
  return [tl, typeOf(r, env, tl)];
}

function infer(e: A.Expr, env: TypeEnv, expected: ValueType | undefined): ValueType | undefined {
  switch (e.kind) {
    case "IntLit":
      return "count";
    case "Duration":
      return "duration";
    case "StringLit":
      return "string";
    case "BoolLit":
      return "bool";
    case "DateTimeLit":
      return "time";
    case "ParenExpr":
      return typeOf(e.inner, env, expected);
    case "PathExpr":
      if (isBareName(e)) return bareName(e, env, expected);
      // `creator` is a root and a role: where a role is expected it is the role.
      if (e.parts.length === 1 && expected && ENUM_KIND[expected] && domainOf(ENUM_KIND[expected]!, env.ctx.version.symbols).includes(e.parts[0]!)) return expected;
      return path(e, env, false);
    case "WindowExpr":
      return windowPath(e, env);
    case "ListExpr":
      err(env, CODES.badOperator, e.span, "a list can only follow `in`", { help: "write `x in [a, b]`, or compare with one value" });
      return undefined;
    case "BinaryExpr":
      for (const side of [e.left, e.right]) needBool(side, env, `\`${e.op}\` needs true or false on both sides`);
      return "bool";
    case "NotExpr":
      needBool(e.operand, env, "`not` needs true or false");
      return "bool";
    case "CompareExpr":
      compare(e, env);
      return "bool";
    case "InExpr":
      membership(e, env);
      return "bool";
    case "IfExpr":
      return conditional(e, env, expected);
    case "ArithExpr":
      return arithmetic(e, env);
  }
}

function needBool(e: A.Expr, env: TypeEnv, what: string): void {
  const t = typeOf(e, env, "bool");
  if (t !== undefined && t !== "bool") {
    err(env, CODES.badOperator, e.span, `${what}, found ${aType(t)} (\`${show(e)}\`)`, { help: compareHelp(e, t, env) });
  }
}

/** Suggests a comparison that turns a non-boolean into a condition. */
function compareHelp(e: A.Expr, t: ValueType, env: TypeEnv): string | undefined {
  const s = env.ctx.version.symbols;
  const example: Partial<Record<ValueType, string>> = {
    count: "> 0",
    duration: "> 30 days",
    time: "< 2018-01-01 in Asia/Shanghai",
    level: `>= ${s.levels[s.levels.length - 1] ?? "B"}`,
    category: `== ${s.categories[0] ?? "general"}`,
    tier: `== ${s.tiers[0] ?? "small"}`,
    severity: `>= ${s.severities[s.severities.length - 1] ?? "serious"}`,
    role: "== manager",
    action: "== remove-member",
  };
  const ex = example[t];
  return ex ? `compare it with something, such as \`${show(e)} ${ex}\`` : undefined;
}

/** The type a rule condition must have: bool. */
export function typeCondition(e: A.Expr, env: TypeEnv): void {
  const t = typeOf(e, env, "bool");
  if (t !== undefined && t !== "bool") {
    err(env, CODES.notBool, e.span, `the condition of rule \`${env.rule.name.name}\` must be true or false, found ${aType(t)}`, { help: compareHelp(e, t, env) });
  }
}

function bareName(e: A.PathExpr, env: TypeEnv, expected: ValueType | undefined): ValueType | undefined {
  const name = e.parts[0]!;
  const s = env.ctx.version.symbols;
  const kind = expected ? ENUM_KIND[expected] : undefined;
  if (expected && kind) {
    const domain = domainOf(kind, s);
    if (!domain.includes(name)) {
      err(env, CODES.undefinedName, e.span, `unknown ${NAME_NOUN[kind]} \`${name}\``, { help: unknownNameHelp(name, kind, s, closest(name, domain)) });
    }
    return expected;
  }
  const kinds = kindsOfName(name, s).filter((k) => KIND_TYPE[k] !== undefined);
  if (kinds.length > 0) return KIND_TYPE[kinds[0]!];
  // Not a literal of any enumeration: perhaps a field written without its root (`verified`).
  const fields = Object.keys(PATHS).filter((p) => p.split(".").slice(1).join(".") === name);
  const preferred = fields.find((p) => p.startsWith("user.")) ?? fields.find((p) => p.startsWith("group.")) ?? fields[0];
  const everything = [...s.levels, ...s.categories, ...s.tiers, ...s.severities, ...domainOf("role", s), ...domainOf("action", s)];
  const help = preferred ? `did you mean \`${preferred}\`?` : (didYouMean(name, everything) ?? "a bare name must be a credit level, category, tier, severity, role or action");
  err(env, CODES.undefinedName, e.span, `unknown name \`${name}\``, { help });
  return undefined;
}

function path(e: A.PathExpr, env: TypeEnv, inWindow: boolean): ValueType | undefined {
  const name = e.parts.join(".");
  const info = PATHS[name];
  if (!info) {
    unknownPath(e, env);
    return undefined;
  }
  for (const { event, node } of env.events) {
    if (info.events && !info.events.includes(event)) {
      const where = info.events.length === 1 ? `${info.events[0]} only` : `${info.events.join(", ")}`;
      err(env, CODES.pathNotOnEvent, e.span, `\`${name}\` is not defined on ${event}`, {
        labels: [{ span: node.span, message: `the rule applies to ${event}` }],
        help: `\`${name}\` exists on ${where}: remove ${event} from \`on\`, or split the rule`,
      });
    }
  }
  if (info.window && !inWindow) {
    err(env, CODES.windowMisuse, e.span, `\`${name}\` counts flags over a time window, but none is given`, {
      help: `add a window, such as \`${name} within 30 days\``,
    });
  }
  return info.type;
}

function unknownPath(e: A.PathExpr, env: TypeEnv): void {
  const name = e.parts.join(".");
  const root = e.parts[0]!;
  const field = e.parts.slice(1).join(".");
  if (e.parts.length === 1) {
    // A root alone (`group`, `user`): an id, which rules cannot compare.
    err(env, CODES.unknownPath, e.span, `\`${name}\` alone is not a value a rule can test`, {
      help: root === "event" ? "name one of its fields, such as `event.action`" : `name one of its fields, such as \`${root}.${root === "group" ? "members" : "verified"}\``,
    });
    return;
  }
  if (PII_FIELD.test(field) && USER_ROOTS.includes(root)) {
    err(env, CODES.unknownPath, e.span, `\`${name}\` cannot be read: personal information given for verification never reaches rules`, {
      help: `use \`${root}.verified\` to ask whether the identity was verified (A6.pii)`,
    });
    return;
  }
  err(env, CODES.unknownPath, e.span, `unknown path \`${name}\``, {
    help: didYouMean(name, Object.keys(PATHS)) ?? ((ROOTS as readonly string[]).includes(root) ? `fields of \`${root}\`: ${fieldsOf(root)}` : `paths start with ${orList(ROOTS)}`),
  });
}

function fieldsOf(root: string): string {
  return Object.keys(PATHS)
    .filter((p) => p.startsWith(`${root}.`))
    .map((p) => p.slice(root.length + 1))
    .join(", ");
}

function windowPath(e: A.WindowExpr, env: TypeEnv): ValueType | undefined {
  const name = e.path.parts.join(".");
  const info = PATHS[name];
  if (e.within.amount <= 0) {
    err(env, CODES.notPositive, e.within.span, "a window of zero length counts nothing", { help: "give the window a length, such as `30 days`" });
  }
  if (info && !info.window) {
    err(env, CODES.windowMisuse, e.span, `\`within\` only applies to flag counts, not to \`${name}\``, {
      help: `remove \`within ${e.within.amount} ${e.within.unit}${e.within.amount === 1 ? "" : "s"}\`; windows apply to \`user.flags\` and \`group.flags\``,
    });
    return record(env, e.path, path(e.path, env, true));
  }
  const t = record(env, e.path, path(e.path, env, true));
  return t === undefined ? undefined : "count";
}

function mismatchHelp(a: ValueType, b: ValueType, env: TypeEnv): string | undefined {
  const pair = new Set([a, b]);
  const s = env.ctx.version.symbols;
  if (pair.has("level") && pair.has("count")) return `credit levels are names, not numbers: compare with a level such as \`${s.levels[s.levels.length - 1] ?? "B"}\``;
  if (pair.has("severity") && pair.has("count")) return "severities are names, not numbers: compare with a severity name";
  if (pair.has("duration") && pair.has("count")) return "a duration needs a unit: write `30 days`, `24 hours` or `6 months`";
  if (pair.has("string")) {
    const other = a === "string" ? b : a;
    if (ENUM_KIND[other]) return `write the ${TYPE_NOUN[other]} name without quotes`;
  }
  const enumSide = [a, b].find((t) => ENUM_KIND[t]);
  if (enumSide) {
    const domain = domainOf(ENUM_KIND[enumSide]!, s);
    const example = enumSide === "level" || enumSide === "severity" ? domain[domain.length - 1] : domain[0];
    return `${TYPE_PLURAL[enumSide]} are names${example ? `: compare with one such as \`${example}\`` : ""}`;
  }
  if (pair.has("time") && pair.has("duration")) return "a time is a moment (`now`, `event.at`, `now - 6 months`); a duration is a length (`group.age`, `30 days`)";
  return undefined;
}

function compare(e: A.CompareExpr, env: TypeEnv): void {
  const [tl, tr] = typePair(e.left, e.right, env);
  if (tl === undefined || tr === undefined) return;
  if (tl !== tr) {
    err(env, CODES.typeMismatch, e.span, `cannot compare ${aType(tl)} with ${aType(tr)}`, { help: mismatchHelp(tl, tr, env) });
    return;
  }
  if (e.op !== "==" && e.op !== "!=" && !ORDERED.has(tl)) {
    err(env, CODES.badOperator, e.span, `\`${e.op}\` does not apply to ${TYPE_PLURAL[tl]}: they have no order`, {
      help: tl === "tier" ? "compare tiers with `==`, `!=` or `in [...]`: their order depends on the category's table" : "use `==`, `!=` or `in [...]`",
    });
  }
}

function membership(e: A.InExpr, env: TypeEnv): void {
  if (e.right.kind === "IntRange") {
    const t = typeOf(e.left, env, "count");
    if (t !== undefined && t !== "count") {
      err(env, CODES.badOperator, e.span, `\`in ${e.right.from.value}..${e.right.to.value}\` needs a count on the left, found ${aType(t)}`, {
        help: ENUM_KIND[t] ? `list the names instead: \`${show(e.left)} in [...]\`` : "ranges apply to counts only; compare with `>=` and `<=`",
      });
    }
    return;
  }
  const items = e.right.items;
  let tl: ValueType | undefined;
  if (isNameLike(e.left)) {
    const typed = items.find((i) => !isNameLike(i));
    tl = typeOf(e.left, env, typed ? typeOf(typed, env) : undefined);
  } else tl = typeOf(e.left, env);
  for (const item of items) {
    const ti = typeOf(item, env, tl);
    if (tl !== undefined && ti !== undefined && ti !== tl) {
      err(env, CODES.typeMismatch, item.span, `list item \`${show(item)}\` is ${aType(ti)}, but \`${show(e.left)}\` is ${aType(tl)}`, {
        help: mismatchHelp(tl, ti, env),
      });
    }
  }
}

function conditional(e: A.IfExpr, env: TypeEnv, expected: ValueType | undefined): ValueType | undefined {
  const tc = typeOf(e.cond, env, "bool");
  if (tc !== undefined && tc !== "bool") {
    err(env, CODES.notBool, e.cond.span, `the condition of \`if\` must be true or false, found ${aType(tc)}`, { help: compareHelp(e.cond, tc, env) });
  }
  let tt: ValueType | undefined;
  let te: ValueType | undefined;
  if (isNameLike(e.then) && !isNameLike(e.else)) {
    te = typeOf(e.else, env, expected);
    tt = typeOf(e.then, env, te ?? expected);
  } else {
    tt = typeOf(e.then, env, expected);
    te = typeOf(e.else, env, tt ?? expected);
  }
  if (tt !== undefined && te !== undefined && tt !== te) {
    err(env, CODES.typeMismatch, e.span, `the branches of \`if\` differ: ${aType(tt)} and ${aType(te)}`, { help: "both branches must have the same type" });
    return undefined;
  }
  return tt ?? te;
}

const ARITH: ReadonlySet<ValueType> = new Set(["count", "duration", "time"]);

function arithmetic(e: A.ArithExpr, env: TypeEnv): ValueType | undefined {
  const [tl, tr] = typePair(e.left, e.right, env);
  if (tl === undefined || tr === undefined) return undefined;
  for (const t of [tl, tr]) {
    if (!ARITH.has(t)) {
      err(env, CODES.badOperator, e.span, `\`${e.op}\` does not apply to ${TYPE_PLURAL[t]}`, {
        help: "arithmetic works on counts, durations and times (`now - 6 months`, `group.members + 1`)",
      });
      return undefined;
    }
  }
  if (tl === tr && tl !== "time") return tl;
  if (tl === "time" && tr === "duration") return "time";
  if (e.op === "+" && tl === "duration" && tr === "time") return "time";
  const message = e.op === "+" ? `cannot add ${aType(tr)} to ${aType(tl)}` : `cannot subtract ${aType(tr)} from ${aType(tl)}`;
  const help =
    tl === "time" && tr === "time"
      ? "compare the two times directly, or subtract a duration such as `6 months`"
      : tl === "count" || tr === "count"
        ? "counts only add to counts; a duration needs a unit, such as `30 days`"
        : "a time plus or minus a duration is a time; a duration plus a duration is a duration";
  err(env, CODES.typeMismatch, e.span, message, { help });
  return undefined;
}
