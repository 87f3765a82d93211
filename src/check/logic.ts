/**
 * A small normaliser for rule conditions, enough to tell when a condition can never hold and when
 * two conditions can hold together. Conditions become disjunctive normal form (capped in size);
 * each conjunct keeps an interval per numeric path (counts, credit levels, severities, durations,
 * times), an allowed set per enumeration path, and a value per boolean; it is satisfiable unless
 * some interval or set ends up empty or a boolean is required both ways. Anything it does not
 * understand becomes an opaque atom, which only contradicts its own negation, so the analysis
 * errs on the side of "can hold".
 */
import type * as A from "../ast/nodes.js";
import { canonicalPath, type ValueType } from "../vocab/paths.js";
import { GRANTABLE_ROLES, MANAGE_ACTIONS, ROLES } from "../vocab/events.js";
import { fixedDurationMs } from "../source/time.js";
import { enumLiteralName, show, unparen } from "./exprs.js";
import type { Symbols } from "./versions.js";
import { zonedInstant } from "./zone.js";

type NumOp = "<" | "<=" | ">" | ">=" | "==" | "!=";

interface AtomBase {
  /** The expression the atom came from, and whether it must hold (true) or fail (false). */
  src: A.Expr;
  positive: boolean;
}
export type Atom =
  | (AtomBase & { k: "false" })
  | (AtomBase & { k: "num"; key: string; type: ValueType; op: NumOp; value: number })
  | (AtomBase & { k: "set"; key: string; type: ValueType; member: boolean; values: string[] })
  | (AtomBase & { k: "bool"; key: string; value: boolean });

/** A condition in DNF: any conjunct may hold; `[[]]` is always true. */
export type Dnf = Atom[][];

/** Beyond this many conjuncts the analysis gives up (and says nothing). */
export const DNF_CAP = 64;

export interface LogicEnv {
  types: ReadonlyMap<A.Expr, ValueType>;
  symbols: Symbols;
}

const TRUE: Dnf = [[]];

function and(a: Dnf | null, b: Dnf | null): Dnf | null {
  if (!a || !b) return null;
  if (a.length * b.length > DNF_CAP) return null;
  const out: Dnf = [];
  for (const x of a) for (const y of b) out.push([...x, ...y]);
  return out;
}

function or(a: Dnf | null, b: Dnf | null): Dnf | null {
  if (!a || !b) return null;
  if (a.length + b.length > DNF_CAP) return null;
  return [...a, ...b];
}

const FLIP: Record<NumOp, NumOp> = { "<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!=" };
const NEGATE: Record<NumOp, NumOp> = { "<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "==" };

/** The condition in DNF, or null when it is too large to analyse. */
export function toDnf(e: A.Expr, env: LogicEnv, positive = true): Dnf | null {
  switch (e.kind) {
    case "ParenExpr":
      return toDnf(e.inner, env, positive);
    case "NotExpr":
      return toDnf(e.operand, env, !positive);
    case "BinaryExpr": {
      const l = toDnf(e.left, env, positive);
      const r = toDnf(e.right, env, positive);
      return (e.op === "and") === positive ? and(l, r) : or(l, r);
    }
    case "BoolLit":
      return e.value === positive ? TRUE : [[{ k: "false", src: e, positive }]];
    case "IfExpr": {
      const c = toDnf(e.cond, env, true);
      const nc = toDnf(e.cond, env, false);
      return or(and(c, toDnf(e.then, env, positive)), and(nc, toDnf(e.else, env, positive)));
    }
    case "CompareExpr":
      return compareDnf(e, env, positive);
    case "InExpr":
      return inDnf(e, env, positive);
    case "PathExpr": {
      if (e.parts.length > 1 && env.types.get(e) === "bool") return [[{ k: "bool", key: canonicalPath(e.parts.join(".")), value: positive, src: e, positive }]];
      return [[opaque(e, positive)]];
    }
    default:
      return [[opaque(e, positive)]];
  }
}

function opaque(e: A.Expr, positive: boolean): Atom {
  return { k: "bool", key: `?${show(e)}`, value: positive, src: e, positive };
}

/** A path (or window) the analysis tracks, with a constant offset for `path + 1`. */
interface Term {
  key: string;
  type: ValueType;
  offset: number;
}

function term(e: A.Expr, env: LogicEnv): Term | undefined {
  const x = unparen(e);
  if (x.kind === "PathExpr" && enumLiteralName(x, env.types) === undefined) {
    const type = env.types.get(x);
    return type ? { key: keyOf(x), type, offset: 0 } : undefined;
  }
  if (x.kind === "WindowExpr") {
    const ms = fixedDurationMs(x.within);
    const windowKey = ms === undefined ? `${x.within.amount}${x.within.unit}` : `${ms}ms`;
    return { key: `${keyOf(x.path)} within ${windowKey}`, type: "count", offset: 0 };
  }
  if (x.kind === "ArithExpr") {
    const t = term(x.left, env);
    const c = t ? constant(x.right, t.type, env) : undefined;
    if (t && c !== undefined && typeof c === "number" && (t.type === "count" || t.type === "duration")) {
      return { ...t, offset: t.offset + (x.op === "+" ? c : -c) };
    }
  }
  return undefined;
}

function keyOf(p: A.PathExpr): string {
  return canonicalPath(p.parts.join("."));
}

/** A constant's value: a number on the type's scale, a name for enumerations, a boolean. */
function constant(e: A.Expr, type: ValueType, env: LogicEnv): number | string | boolean | undefined {
  const x = unparen(e);
  switch (x.kind) {
    case "IntLit":
      return type === "count" ? x.value : undefined;
    case "Duration": {
      const ms = fixedDurationMs(x);
      return type === "duration" && ms !== undefined ? ms / 60_000 : undefined;
    }
    case "DateTimeLit":
      return type === "time" ? zonedInstant(x.text, x.zone.name) : undefined;
    case "BoolLit":
      return type === "bool" ? x.value : undefined;
    case "PathExpr": {
      const name = enumLiteralName(x, env.types);
      if (name === undefined) return undefined;
      if (type === "level") return indexOr(env.symbols.levels, name);
      if (type === "severity") return indexOr(env.symbols.severities, name);
      if (type === "category" || type === "tier" || type === "role" || type === "action") return name;
      return undefined;
    }
    default:
      return undefined;
  }
}

function indexOr(list: readonly string[], name: string): number | undefined {
  const i = list.indexOf(name);
  return i < 0 ? undefined : i;
}

const NUMERIC: ReadonlySet<ValueType> = new Set(["count", "duration", "time", "level", "severity"]);
const SETS: ReadonlySet<ValueType> = new Set(["category", "tier", "role", "action"]);

function compareDnf(e: A.CompareExpr, env: LogicEnv, positive: boolean): Dnf | null {
  let t = term(e.left, env);
  let other = e.right;
  let op: NumOp = e.op;
  if (!t) {
    t = term(e.right, env);
    other = e.left;
    op = FLIP[e.op];
  }
  if (!t) return [[opaque(e, positive)]];
  const c = constant(other, t.type, env);
  if (c === undefined) return [[opaque(e, positive)]];
  const effective = positive ? op : NEGATE[op];
  if (t.type === "bool" && typeof c === "boolean" && (op === "==" || op === "!=")) {
    return [[{ k: "bool", key: t.key, value: (op === "==") === positive ? c : !c, src: e, positive }]];
  }
  if (NUMERIC.has(t.type) && typeof c === "number") {
    return [[{ k: "num", key: t.key, type: t.type, op: effective, value: c - t.offset, src: e, positive }]];
  }
  if (SETS.has(t.type) && typeof c === "string" && (op === "==" || op === "!=")) {
    return [[{ k: "set", key: t.key, type: t.type, member: (op === "==") === positive, values: [c], src: e, positive }]];
  }
  return [[opaque(e, positive)]];
}

function inDnf(e: A.InExpr, env: LogicEnv, positive: boolean): Dnf | null {
  const t = term(e.left, env);
  if (!t) return [[opaque(e, positive)]];
  const member = positive !== e.negated;
  if (e.right.kind === "IntRange") {
    if (t.type !== "count") return [[opaque(e, positive)]];
    const from = e.right.from.value - t.offset;
    const to = e.right.to.value - t.offset;
    const atom = (op: NumOp, value: number): Atom => ({ k: "num", key: t.key, type: "count", op, value, src: e, positive });
    return member ? [[atom(">=", from), atom("<=", to)]] : [[atom("<", from)], [atom(">", to)]];
  }
  const values = e.right.items.map((i) => constant(i, t.type, env));
  if (values.some((v) => v === undefined)) return [[opaque(e, positive)]];
  if (SETS.has(t.type)) return [[{ k: "set", key: t.key, type: t.type, member, values: values as string[], src: e, positive }]];
  if (NUMERIC.has(t.type)) {
    const nums = values as number[];
    const atom = (op: NumOp, value: number): Atom => ({ k: "num", key: t.key, type: t.type, op, value: value - t.offset, src: e, positive });
    if (member) return nums.length > DNF_CAP ? null : nums.map((n) => [atom("==", n)]);
    return [nums.map((n) => atom("!=", n))];
  }
  return [[opaque(e, positive)]];
}

// ---------------------------------------------------------------------------------------------
// Satisfiability of one conjunct

export type Verdict = { sat: true } | { sat: false; culprits: Atom[]; why?: string };

interface NumState {
  int: boolean;
  lo: number;
  loOpen: boolean;
  loBy: Atom | null;
  hi: number;
  hiOpen: boolean;
  hiBy: Atom | null;
  /** Values excluded by `!=`; null until the first (most conditions have none). */
  neq: Map<number, Atom> | null;
}

interface SetState {
  domain: readonly string[] | null;
  allowed: Set<string> | null;
  allowedBy: Atom[];
  excluded: Map<string, Atom>;
}

function numDomain(type: ValueType, symbols: Symbols): NumState {
  switch (type) {
    case "count":
      return numState(true, 0, Infinity);
    case "duration":
      return numState(false, 0, Infinity);
    case "level":
      return numState(true, 0, symbols.levels.length - 1);
    case "severity":
      return numState(true, 0, symbols.severities.length - 1);
    default:
      return numState(false, -Infinity, Infinity);
  }
}

function numState(int: boolean, lo: number, hi: number): NumState {
  return { int, lo, loOpen: false, loBy: null, hi, hiOpen: false, hiBy: null, neq: null };
}

function setDomain(key: string, type: ValueType, symbols: Symbols): readonly string[] | null {
  if (key === "event.role") return GRANTABLE_ROLES;
  switch (type) {
    case "role":
      return ROLES;
    case "action":
      return MANAGE_ACTIONS;
    case "category":
      return symbols.categories.length ? symbols.categories : null;
    case "tier":
      return symbols.tiers.length ? symbols.tiers : null;
    default:
      return null;
  }
}

function numEmpty(s: NumState): boolean {
  const neq = s.neq;
  if (s.int) {
    if (neq !== null) {
      while (s.lo <= s.hi && neq.has(s.lo)) s.lo++;
      while (s.hi >= s.lo && neq.has(s.hi)) s.hi--;
    }
    return s.lo > s.hi;
  }
  if (s.lo > s.hi) return true;
  if (s.lo === s.hi) return s.loOpen || s.hiOpen || (neq !== null && neq.has(s.lo));
  return false;
}

function raiseLo(s: NumState, a: Atom, v: number, open: boolean): void {
  if (v > s.lo || (v === s.lo && open && !s.loOpen)) {
    s.lo = v;
    s.loOpen = open;
    s.loBy = a;
  }
}

function lowerHi(s: NumState, a: Atom, v: number, open: boolean): void {
  if (v < s.hi || (v === s.hi && open && !s.hiOpen)) {
    s.hi = v;
    s.hiOpen = open;
    s.hiBy = a;
  }
}

function applyNum(s: NumState, a: Atom & { k: "num" }): void {
  const v = a.value;
  switch (a.op) {
    case "<":
      if (s.int) lowerHi(s, a, Math.ceil(v) - 1, false);
      else lowerHi(s, a, v, true);
      break;
    case "<=":
      lowerHi(s, a, s.int ? Math.floor(v) : v, false);
      break;
    case ">":
      if (s.int) raiseLo(s, a, Math.floor(v) + 1, false);
      else raiseLo(s, a, v, true);
      break;
    case ">=":
      raiseLo(s, a, s.int ? Math.ceil(v) : v, false);
      break;
    case "==":
      raiseLo(s, a, v, false);
      lowerHi(s, a, v, false);
      break;
    case "!=":
      s.neq ??= new Map();
      if (!s.neq.has(v)) s.neq.set(v, a);
      break;
  }
}

/** Whether all atoms can hold at once; when not, the atoms that clash. */
export function satisfiable(atoms: readonly Atom[], symbols: Symbols): Verdict {
  // Created on first use: a compile asks this of every rule, and most use one or two kinds of atom.
  let nums: Map<string, NumState> | undefined;
  let sets: Map<string, SetState> | undefined;
  let bools: Map<string, Atom> | undefined;
  for (const a of atoms) {
    if (a.k === "false") return { sat: false, culprits: [a] };
    if (a.k === "bool") {
      bools ??= new Map();
      const prev = bools.get(a.key);
      if (prev && prev.k === "bool" && prev.value !== a.value) return { sat: false, culprits: [prev, a] };
      bools.set(a.key, a);
      continue;
    }
    if (a.k === "num") {
      nums ??= new Map();
      let s = nums.get(a.key);
      if (!s) nums.set(a.key, (s = numDomain(a.type, symbols)));
      applyNum(s, a);
      if (numEmpty(s)) {
        const culprits = unique([s.loBy, s.hiBy, ...(s.neq?.values() ?? []), a].filter((x): x is Atom => x !== null));
        return { sat: false, culprits, why: culprits.length === 1 ? singleReason(s, a, symbols) : undefined };
      }
      continue;
    }
    sets ??= new Map();
    let s = sets.get(a.key);
    if (!s) sets.set(a.key, (s = { domain: setDomain(a.key, a.type, symbols), allowed: null, allowedBy: [], excluded: new Map() }));
    if (a.member) {
      s.allowed = s.allowed ? new Set(a.values.filter((v) => s!.allowed!.has(v))) : new Set(a.values);
      s.allowedBy.push(a);
    } else for (const v of a.values) if (!s.excluded.has(v)) s.excluded.set(v, a);
    const pool = s.allowed ?? (s.domain ? new Set(s.domain) : null);
    if (pool && [...pool].every((v) => s!.excluded.has(v) || (s!.domain !== null && !s!.domain.includes(v)))) {
      const culprits = unique([...s.allowedBy, ...[...pool].map((v) => s!.excluded.get(v)).filter((x): x is Atom => x !== undefined), a]);
      const why = culprits.length === 1 && s.domain ? `\`${a.key}\` is always ${s.domain.join(", ").replace(/, ([^,]*)$/, " or $1")}` : undefined;
      return { sat: false, culprits, why };
    }
  }
  return { sat: true };
}

/** Distinct atoms in source order, so messages read as the condition does. */
function unique(atoms: Atom[]): Atom[] {
  const seen = new Set<string>();
  const sorted = [...atoms].sort((a, b) => a.src.span.start.offset - b.src.span.start.offset);
  return sorted.filter((a) => {
    const k = showAtom(a);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Why a single comparison can never hold: an empty range, or a bound past the end of its scale. */
function singleReason(s: NumState, a: Atom & { k: "num" }, symbols: Symbols): string | undefined {
  const src = unparen(a.src);
  if (s.loBy && s.hiBy && src.kind === "InExpr" && src.right.kind === "IntRange") {
    return `${src.right.from.value}..${src.right.to.value} is an empty range`;
  }
  if (s.loBy && s.hiBy) return undefined;
  const below = a.op === "<" || a.op === "<=" || a.op === "==";
  if (a.type === "level" || a.type === "severity") {
    const list = a.type === "level" ? symbols.levels : symbols.severities;
    const noun = a.type === "level" ? "credit level" : "severity";
    if (list.length === 0) return undefined;
    return below && a.value <= 0 ? `${list[0]} is the lowest ${noun}` : `${list[list.length - 1]} is the highest ${noun}`;
  }
  if ((a.type === "count" || a.type === "duration") && below) return a.type === "count" ? "counts are never negative" : "durations are never negative";
  return undefined;
}

/** The atom as the author wrote it, negated when it must fail. */
export function showAtom(a: Atom): string {
  const text = show(a.src);
  if (a.positive) return text;
  const simple = a.src.kind === "PathExpr" || a.src.kind === "ParenExpr" || a.src.kind === "BoolLit";
  return simple ? `not ${text}` : `not (${text})`;
}
