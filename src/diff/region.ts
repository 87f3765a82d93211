/**
 * A set of situations described by the values of a few facts: "group.members-after is 1501–2000
 * and actor.credit is D or C". The set is given as a solver formula over the facts of a
 * comparison; the description is a list of disjoint boxes, each giving, for every fact it names,
 * the values that fact takes in the set — an interval of counts, durations or instants, a set of
 * enumeration values or booleans — computed with the solver:
 *
 * - each end of an interval is the least or greatest value the fact takes in the set (the solver
 *   optimises it), and each listed enumeration value occurs (found one by one, each blocked);
 * - the box is then searched for holes: every constant the rules compare the fact with (and its
 *   neighbours) inside an interval, and each value of one fact against the ends and values of
 *   every other. A hole splits the set there (by value of an enumeration, or below and above a
 *   count) and each part is described again; boxes equal but for one fact are merged back.
 *
 * A box with no hole found is `exact`; where splitting stopped (too many parts) the box is the
 * bounding box of what is left and says so.
 */
import type { ExprIR, RuleIR } from "../ir/types.js";
import { typeOf } from "../engine/expr.js";
import { expressionNodes } from "../ir/walk.js";
import { canonicalPath, type ValueType } from "../vocab/paths.js";
import { ACTION_CODES, ROLE_CODES } from "../prove/domain.js";
import { expr } from "../prove/encode.js";
import { durationBounds, type Facts, type SVal } from "../prove/facts.js";
import { parseTimestamp } from "../source/time.js";
import { boolOf, intOf, type B, type N, type Z3 } from "../prove/solver.js";
import type { Query } from "./query.js";

/** The values one fact takes in a box. */
export type Range =
  | { kind: "bool"; values: boolean[] }
  /**
   * Enumeration values in the policy's names; `null` is "none" (a root that names nobody, no
   * tier). `others`: the values the fact can take that are not in the box.
   */
  | { kind: "enum"; type: ValueType; values: (string | null)[]; others?: (string | null)[] }
  /** An interval (a null end is unbounded); `none`: the fact can also have no value. */
  | { kind: "int"; type: "count" | "duration" | "time"; lo: number | null; hi: number | null; none: boolean };

export interface Box {
  /** Fact name → its values in the box. */
  ranges: Record<string, Range>;
  /** No hole was found in the box: every combination of its values is a situation of the set. */
  exact: boolean;
}

/** A fact of the description: a path or a flag window as a rule reads it, on one side's facts. */
export interface Dim {
  name: string;
  type: ValueType;
  value: SVal;
  /** For enumerations: the codes the value can take, with their names (null: none). */
  codes?: { code: number; label: string | null }[];
  /** For counts, durations and instants: the constants the rules compare with. */
  marks?: number[];
}

const MAX_BOXES = 4;
const MAX_DEPTH = 3;
const MAX_HOLE_CHECKS = 32;

/** The paths and windows rules read, once each, in source order. */
export function readNodes(rules: readonly RuleIR[]): ExprIR[] {
  const seen = new Set<string>();
  const out: ExprIR[] = [];
  for (const r of rules) {
    for (const n of expressionNodes(r.when)) {
      if (n.kind !== "path" && n.kind !== "window") continue;
      const key = n.kind === "path" ? canonicalPath(n.path) : `${canonicalPath(n.path)} within ${n.within.amount} ${n.within.unit}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(n);
    }
  }
  return out;
}

/** The name a read node is shown under. */
export function nodeName(n: ExprIR): string {
  if (n.kind === "path") return canonicalPath(n.path);
  if (n.kind === "window") return `${canonicalPath(n.path)} within ${n.within.amount} ${n.within.unit}${n.within.amount === 1 ? "" : "s"}`;
  throw new Error(`not a read node: ${n.kind}`);
}

/** Constants the rules compare facts of each type with: counts, lengths of durations, instants. */
export function marksOf(rules: readonly RuleIR[]): Record<"count" | "duration" | "time", number[]> {
  const out = { count: new Set<number>(), duration: new Set<number>(), time: new Set<number>() };
  for (const r of rules) {
    for (const n of expressionNodes(r.when)) {
      if (n.kind === "lit" && n.type === "count") out.count.add(n.value);
      else if (n.kind === "between") {
        out.count.add(n.from);
        out.count.add(n.to);
      } else if (n.kind === "duration") for (const ms of durationBounds({ amount: n.amount, unit: n.unit })) out.duration.add(ms);
      else if (n.kind === "time") {
        const ms = parseTimestamp(n.value);
        if (!Number.isNaN(ms)) out.time.add(ms);
      }
    }
  }
  const near = (s: Set<number>) => [...new Set([...s].flatMap((c) => [c - 1, c, c + 1]))].sort((a, b) => a - b);
  return { count: near(out.count), duration: near(out.duration), time: near(out.time) };
}

/** The codes an enumeration of `type` takes on `f`'s version, with their names. */
function codesOf(f: Facts, type: ValueType, other?: Facts, newSide = false): { code: number; label: string | null }[] | undefined {
  switch (type) {
    case "level":
      // Credit is one atom shared by both sides, read as its rank: name it on both scales where
      // they differ, the old side's name first.
      return f.data.levels.map((l, i) => {
        const o = other?.data.levels[i];
        return { code: i, label: o !== undefined && o !== l ? (newSide ? `${o} (${l})` : `${l} (${o})`) : l };
      });
    case "tier":
      return [{ code: -1, label: null }, ...f.data.tierNames.map((t, i) => ({ code: i, label: t }))];
    case "role":
      return ROLE_CODES.map((r, i) => ({ code: i, label: r }));
    case "category":
      return [{ code: -1, label: null }, { code: 0, label: "(undeclared)" }, ...f.dom.categories.map((c, i) => ({ code: i + 1, label: c }))];
    case "action":
      return ACTION_CODES.map((a, i) => ({ code: i, label: a }));
    case "severity":
      return f.data.severities.map((s, i) => ({ code: i, label: s }));
    default:
      return undefined;
  }
}

/** A read node as a dimension on one side's facts. */
export function dimOf(f: Facts, n: ExprIR, name: string, marks: Record<"count" | "duration" | "time", number[]>, other?: Facts, newSide = false): Dim {
  const type = typeOf(n);
  const value = expr(f, n);
  const codes = codesOf(f, type, other, newSide);
  const d: Dim = { name, type, value };
  if (codes) d.codes = codes;
  if (type === "count" || type === "duration" || type === "time") d.marks = marks[type];
  return d;
}

// ---------------------------------------------------------------------------------------------
// Constraints a box puts on a dimension.

function isNull(d: Dim): B {
  return d.value.t === "num" ? d.value.nul : (null as never);
}

function valueIs(z: Z3, d: Dim, code: number | boolean | null): B {
  const v = d.value;
  if (v.t === "bool") return v.b.eq(z.Bool.val(code as boolean));
  if (code === null || d.codes?.find((c) => c.code === code)?.label === null) return v.nul;
  return z.And(z.Not(v.nul), v.n.eq(code as number));
}

function inRange(z: Z3, d: Dim, r: Range): B {
  const v = d.value;
  if (r.kind === "bool") return z.Or(z.Bool.val(false), ...r.values.map((x) => valueIs(z, d, x)));
  if (r.kind === "enum") {
    const byLabel = new Map((d.codes ?? []).map((c) => [c.label, c.code] as const));
    return z.Or(z.Bool.val(false), ...r.values.map((x) => valueIs(z, d, x === null ? null : byLabel.get(x)!)));
  }
  const n = (v as Extract<SVal, { t: "num" }>).n;
  const inside: B[] = [z.Not((v as Extract<SVal, { t: "num" }>).nul)];
  if (r.lo !== null) inside.push(n.ge(r.lo));
  if (r.hi !== null) inside.push(n.le(r.hi));
  const some = r.lo !== null || r.hi !== null || !r.none ? z.And(...inside) : z.Bool.val(false);
  return r.none ? z.Or(some, (v as Extract<SVal, { t: "num" }>).nul) : some;
}

/** The situations of a box, as a formula over the dimensions. */
export function boxFormula(z: Z3, dims: readonly Dim[], box: Box): B {
  return z.And(z.Bool.val(true), ...dims.filter((d) => box.ranges[d.name]).map((d) => inRange(z, d, box.ranges[d.name]!)));
}

// ---------------------------------------------------------------------------------------------
// The bounding box of a region, and the search for holes in it.

/** The values a fact takes in the region, found one by one (each found value blocked for the next question). */
async function valuesOf(q: Query, region: readonly B[], d: Dim): Promise<(number | boolean | null)[]> {
  const z = q.z;
  const out: (number | boolean | null)[] = [];
  const candidates: (number | boolean | null)[] =
    d.value.t === "bool" ? [false, true] : [...((d.codes ?? []).some((c) => c.label === null) ? [] : [null]), ...(d.codes ?? []).map((c) => c.code)];
  for (;;) {
    const m = await q.model(...region, ...out.map((c) => z.Not(valueIs(z, d, c))));
    if (m === null) break;
    const found = candidates.find((c) => boolOf(m, valueIs(z, d, c)));
    if (found === undefined) break;
    out.push(found);
  }
  return candidates.filter((c) => out.includes(c));
}

function label(d: Dim, c: number | boolean | null): string | null {
  if (c === null) return null;
  const known = d.codes?.find((x) => x.code === c);
  return known ? known.label : String(c);
}

/** Beyond this, a count or a length is taken as unbounded (no instant or count of a state is near it). */
const FAR = 1e15;

/**
 * The greatest (dir 1) or least (dir −1) value of `x` in the region, from a value `start` it
 * takes: the rules' constants are tried first (a bound of a region cut by comparisons is one of
 * them, or next to one), then the interval between the last two answers is halved. Null: unbounded.
 */
async function extreme(q: Query, region: readonly B[], x: N, start: number, marks: readonly number[], dir: 1 | -1): Promise<number | null> {
  const beyond = async (c: number) => (await q.answer(...region, dir === 1 ? x.gt(c) : x.lt(c))) !== "unsat";
  if (!(await beyond(start))) return start;
  if (await beyond(dir * FAR)) return null;
  const cands = [...marks.filter((c) => dir * c > dir * start)].sort((a, b) => dir * (a - b));
  cands.push(dir * FAR);
  // beyond() is true up to the extreme and false from it: the first candidate it is false at.
  let [i, j] = [0, cands.length - 1];
  while (i < j) {
    const mid = (i + j) >> 1;
    if (await beyond(cands[mid]!)) i = mid + 1;
    else j = mid;
  }
  let [near, far] = [i > 0 ? cands[i - 1]! : start, cands[i]!];
  while (Math.abs(far - near) > 1) {
    const mid = near + dir * Math.floor(Math.abs(far - near) / 2);
    if (await beyond(mid)) near = mid;
    else far = mid;
  }
  return far;
}

async function boundingBox(q: Query, region: readonly B[], dims: readonly Dim[]): Promise<Box | null> {
  const z = q.z;
  if ((await q.answer(...region)) === "unsat") return null;
  const ranges: Record<string, Range> = {};
  const ints = dims.filter((d) => d.value.t === "num" && !d.codes);
  for (const d of dims) {
    if (ints.includes(d)) continue;
    const vals = await valuesOf(q, region, d);
    ranges[d.name] = d.value.t === "bool" ? { kind: "bool", values: vals as boolean[] } : { kind: "enum", type: d.type, values: vals.map((c) => label(d, c)) };
  }
  if (ints.length > 0) {
    const nums = ints.map((d) => d.value as Extract<SVal, { t: "num" }>);
    const nones: boolean[] = [];
    for (const v of nums) nones.push((await q.answer(...region, v.nul)) !== "unsat");
    const bounds: ([number | null, number | null] | null)[] = [];
    for (const [i, v] of nums.entries()) {
      const some = [...region, z.Not(v.nul)];
      const m = await q.model(...some);
      if (m === null) {
        bounds.push(null);
        continue;
      }
      const start = intOf(m, v.n);
      const marks = ints[i]!.marks ?? [];
      bounds.push([await extreme(q, some, v.n, start, marks, -1), await extreme(q, some, v.n, start, marks, 1)]);
    }
    ints.forEach((d, i) => {
      const b = bounds[i] ?? null;
      const type = d.type as "count" | "duration" | "time";
      ranges[d.name] = b === null ? { kind: "int", type, lo: null, hi: null, none: true } : { kind: "int", type, lo: b[0], hi: b[1], none: nones[i]! };
    });
  }
  return { ranges, exact: true };
}

/** Where a box has a hole: split by the values of an enumeration, or around a count. */
type Hole = { dim: Dim; at?: number };

/**
 * The first hole the checks find, null when none is, or "unchecked" when the checks would take
 * more than MAX_HOLE_CHECKS questions (many facts with many values): the box is then only a bound.
 */
async function findHole(q: Query, region: readonly B[], dims: readonly Dim[], box: Box): Promise<Hole | null | "unchecked"> {
  const z = q.z;
  let asked = 0;
  const num = (d: Dim) => d.value as Extract<SVal, { t: "num" }>;
  // Every constant the rules compare an interval's fact with is a value of the set.
  for (const d of dims) {
    const r = box.ranges[d.name]!;
    if (r.kind !== "int" || r.lo === null || r.hi === null) continue;
    for (const c of d.marks ?? []) {
      if (c <= r.lo || c >= r.hi) continue;
      if (++asked > MAX_HOLE_CHECKS) return "unchecked";
      if ((await q.answer(...region, z.Not(num(d).nul), num(d).n.eq(c))) === "unsat") return { dim: d, at: c };
    }
  }
  // Each value of one fact goes with the ends and values of every other.
  const ends = (d: Dim): B[] => {
    const r = box.ranges[d.name]!;
    if (r.kind === "int") {
      const out: B[] = [];
      for (const e of [r.lo, r.hi]) if (e !== null) out.push(z.And(z.Not(num(d).nul), num(d).n.eq(e)));
      if (r.none && (r.lo !== null || r.hi !== null)) out.push(num(d).nul);
      return r.lo === r.hi && !r.none ? [] : out;
    }
    return r.values.length > 1 ? r.values.map((x) => inRange(z, d, r.kind === "bool" ? { kind: "bool", values: [x as boolean] } : { kind: "enum", type: d.type, values: [x as string | null] })) : [];
  };
  const split = dims.filter((d) => ends(d).length > 0);
  for (let i = 0; i < split.length; i++) {
    for (let j = i + 1; j < split.length; j++) {
      const [a, b] = [split[i]!, split[j]!];
      for (const x of ends(a)) for (const y of ends(b)) {
        if (++asked > MAX_HOLE_CHECKS) return "unchecked";
        if ((await q.answer(...region, x, y)) !== "unsat") continue;
        // Split by the enumeration where there is one, else by the first count at its middle mark.
        const byEnum = [a, b].find((d) => box.ranges[d.name]!.kind !== "int");
        if (byEnum) return { dim: byEnum };
        const r = box.ranges[a.name] as Extract<Range, { kind: "int" }>;
        const mid = (a.marks ?? []).filter((c) => r.lo !== null && r.hi !== null && c > r.lo && c <= r.hi);
        if (mid.length === 0) return { dim: a, at: NaN };
        return { dim: a, at: mid[Math.floor(mid.length / 2)]! - 0.5 };
      }
    }
  }
  return null;
}

function sameRange(x: Range | undefined, y: Range | undefined): boolean {
  return JSON.stringify(x) === JSON.stringify(y);
}

/** Two exact boxes equal but for one fact are one box (values joined, or intervals that touch). */
function mergeable(a: Box, b: Box): string | null {
  if (!a.exact || !b.exact) return null;
  const names = Object.keys(a.ranges);
  const differ = names.filter((n) => !sameRange(a.ranges[n], b.ranges[n]));
  if (differ.length !== 1) return null;
  const [x, y] = [a.ranges[differ[0]!]!, b.ranges[differ[0]!]!];
  if (x.kind === "int" && y.kind === "int") {
    if (x.none || y.none || x.lo === null || x.hi === null || y.lo === null || y.hi === null) return null;
    return x.hi + 1 === y.lo || y.hi + 1 === x.lo ? differ[0]! : null;
  }
  return x.kind === y.kind ? differ[0]! : null;
}

function merge(a: Box, b: Box, name: string): Box {
  const [x, y] = [a.ranges[name]!, b.ranges[name]!];
  let r: Range;
  if (x.kind === "int" && y.kind === "int") r = { ...x, lo: Math.min(x.lo!, y.lo!), hi: Math.max(x.hi!, y.hi!) };
  else if (x.kind === "bool" && y.kind === "bool") r = { kind: "bool", values: [...new Set([...x.values, ...y.values])].sort() };
  else r = { ...(x as Extract<Range, { kind: "enum" }>), values: [...(x as Extract<Range, { kind: "enum" }>).values, ...(y as Extract<Range, { kind: "enum" }>).values.filter((v) => !(x as Extract<Range, { kind: "enum" }>).values.includes(v))] };
  return { ranges: { ...a.ranges, [name]: r }, exact: true };
}

function mergeAll(boxes: Box[]): Box[] {
  const out = [...boxes];
  for (let changed = true; changed; ) {
    changed = false;
    outer: for (let i = 0; i < out.length; i++) {
      for (let j = i + 1; j < out.length; j++) {
        const name = mergeable(out[i]!, out[j]!);
        if (name === null) continue;
        out[i] = merge(out[i]!, out[j]!, name);
        out.splice(j, 1);
        changed = true;
        break outer;
      }
    }
  }
  return out;
}

async function cover(q: Query, region: readonly B[], dims: readonly Dim[], depth: number, budget: { boxes: number }): Promise<Box[]> {
  const z = q.z;
  const box = await boundingBox(q, region, dims);
  if (box === null) return [];
  const hole = await findHole(q, region, dims, box);
  if (hole === "unchecked" || hole === null || (hole.at !== undefined && Number.isNaN(hole.at)) || depth >= MAX_DEPTH || budget.boxes <= 1) {
    budget.boxes--;
    return [{ ...box, exact: hole === null }];
  }
  const parts: B[][] = [];
  if (hole.at === undefined) {
    const r = box.ranges[hole.dim.name]!;
    const values = r.kind === "int" ? [] : r.values;
    for (const x of values) parts.push([...region, inRange(z, hole.dim, r.kind === "bool" ? { kind: "bool", values: [x as boolean] } : { kind: "enum", type: hole.dim.type, values: [x as string | null] })]);
  } else {
    // Below and above the hole: at a value no situation has, or between two of the rules' constants.
    const v = hole.dim.value as Extract<SVal, { t: "num" }>;
    const below = Number.isInteger(hole.at) ? hole.at - 1 : Math.floor(hole.at);
    const above = Number.isInteger(hole.at) ? hole.at + 1 : Math.ceil(hole.at);
    parts.push([...region, z.Or(v.nul, v.n.le(below))], [...region, z.Not(v.nul), v.n.ge(above)]);
  }
  const out: Box[] = [];
  for (const p of parts) out.push(...(await cover(q, p, dims, depth + 1, budget)));
  return mergeAll(out);
}

/**
 * The boxes of the situations satisfying `region`, described by `dims` (disjoint, at most a few;
 * an empty list when no situation satisfies it).
 */
export async function describeRegion(q: Query, region: readonly B[], dims: readonly Dim[]): Promise<Box[]> {
  const used = dims.filter((d, i) => dims.findIndex((x) => x.name === d.name) === i);
  const boxes = await q.within(region, () => cover(q, [], used, 0, { boxes: MAX_BOXES }));
  return boxes.map((b) => ({ ...b, ranges: dropFree(b.ranges, used) }));
}

/** A fact that takes every value it can in a box says nothing about it: left out of the text. */
function dropFree(ranges: Record<string, Range>, dims: readonly Dim[]): Record<string, Range> {
  const out: Record<string, Range> = {};
  for (const d of dims) {
    const r = ranges[d.name];
    if (!r) continue;
    if (r.kind === "bool" && r.values.length === 2) continue;
    if (r.kind === "enum" && d.codes && d.codes.every((c) => c.label === null || r.values.includes(c.label))) continue;
    if (r.kind === "enum" && d.codes) {
      const others = d.codes.map((c) => c.label).filter((l) => l !== null && !r.values.includes(l));
      out[d.name] = { ...r, others };
      continue;
    }
    out[d.name] = r;
  }
  return out;
}

