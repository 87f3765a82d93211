/**
 * What a policy change changes, per event type, proved over every state: the solver encodes the
 * old and the new version's rules on the same facts (src/prove) and enumerates the situations
 * whose outcome or deciding rule differs, one witness per pair of deciding rules; and, rule by
 * rule, whether the rule now holds in different situations. No difference on any event type:
 * the two are equivalent.
 */
import { isDeepStrictEqual } from "node:util";
import type { ExprIR, PolicyIR, RuleIR, VersionIR } from "../ir/types.js";
import { reachableMeasures } from "../ir/lower.js";
import { DECIDED_EVENTS, type DecidedEvent } from "../vocab/events.js";
import { domainOf, type Domain } from "../prove/domain.js";
import { decision, ruleHolds } from "../prove/encode.js";
import { buildable, Facts, Unsupported } from "../prove/facts.js";
import { readSituation, type FactValue } from "../prove/situation.js";
import { boolOf, intOf, z3, type B, type Model, type N, type Z3 } from "../prove/solver.js";
import { confirmTransition, type Confirmation } from "./confirm.js";
import { Query } from "./query.js";
import type { Side } from "./side.js";
import { boxFormula, describeRegion, dimOf, marksOf, nodeName, readNodes, type Box, type Dim } from "./region.js";

export type { Side };

export interface Outcome {
  allowed: boolean;
  rule: string;
}

/** A part of a set of situations, as the values of the facts that decide it, with a witness inside it. */
export interface Region extends Box {
  /** A situation of the region: the values of the paths it is described by, and all atomic facts. */
  witness: { values: Record<string, FactValue>; facts: Record<string, FactValue> };
  /** For situations decided differently: the witness built into a stream for each side and replayed. */
  replay?: Confirmation;
}

/** One kind of changed situation: the old and the new decision, where they occur, with a witness each. */
export interface Transition {
  event: DecidedEvent;
  from: Outcome;
  to: Outcome;
  /** The values of the paths the two deciding rules read, in the first witness (as the engine computes them). */
  values: Record<string, FactValue>;
  /** All atomic facts of the first witness. */
  facts: Record<string, FactValue>;
  /** Where it happens: disjoint boxes over the facts the two deciding rules read. */
  regions: Region[];
}

/** A rule whose condition holds in different situations than before (or that was added or removed). */
export interface RuleChange {
  event: DecidedEvent;
  rule: string;
  change: "added" | "removed" | "changed";
  effect: "allow" | "deny";
  /** For a changed rule: a situation where old and new disagree, and which way. */
  example?: { old: boolean; new: boolean; values: Record<string, FactValue> };
  /** For a changed rule: where it now holds and did not before, and where it held and no longer does. */
  gained?: Region[];
  lost?: Region[];
}

export interface SemanticDiff {
  old: string;
  new: string;
  equivalent: boolean;
  transitions: Transition[];
  rules: RuleChange[];
  /** Event types the encoding could not compare (a construct it does not cover), with why. */
  unsupported: { event: DecidedEvent; why: string }[];
  /** True when an event type had more kinds of change than were enumerated. */
  truncated: boolean;
}

const MAX_TRANSITIONS_PER_EVENT = 24;
/** Kinds of change per event type whose situations are described by ranges (those a changed rule decides first); the others get one example each. */
const MAX_DESCRIBED_PER_EVENT = 8;

/** The value of one read node in a model, in the policy's names. */
function valueIn(m: Model, d: Dim): FactValue {
  const v = d.value;
  if (v.t === "bool") return boolOf(m, v.b);
  if (boolOf(m, v.nul)) return null;
  const n = intOf(m, v.n);
  return d.codes ? (d.codes.find((c) => c.code === n)?.label ?? n) : n;
}

function rulesNamed(v: VersionIR, type: DecidedEvent, name: string): RuleIR[] {
  return v.rules.filter((r) => r.on.includes(type) && r.name === name);
}

/** The facts two sets of rules read, as dimensions: on the old side's facts, the new side's, or both where they agree. */
function dimsOf(fa: Facts, fb: Facts, oldRules: readonly RuleIR[], newRules: readonly RuleIR[], marks: ReturnType<typeof marksOf>): Dim[] {
  const oldNodes = readNodes(oldRules);
  const newNodes = readNodes(newRules);
  const same = (x: Dim, y: Dim) => (x.value.t === "bool" && y.value.t === "bool" ? x.value.b.eqIdentity(y.value.b) : x.value.t === "num" && y.value.t === "num" && x.value.n.eqIdentity(y.value.n) && x.value.nul.eqIdentity(y.value.nul));
  const out: Dim[] = [];
  const names = new Set<string>();
  for (const n of [...oldNodes, ...newNodes]) {
    const name = nodeName(n);
    if (names.has(name)) continue;
    names.add(name);
    const inOld = oldNodes.some((m) => nodeName(m) === name);
    const inNew = newNodes.some((m) => nodeName(m) === name);
    // A flag window counts the same flags on both sides (and a window only the new rules read
    // has its count on the new side's facts alone).
    if (n.kind === "window") {
      out.push(inOld ? dimOf(fa, n, name, marks, fb) : dimOf(fb, n, name, marks, fa, true));
      continue;
    }
    const x = dimOf(fa, n, name, marks, fb);
    const y = dimOf(fb, n, name, marks, fa, true);
    // A path the versions compute differently (a tier from other bands) is named for the side
    // whose rule reads it, or shown for each when both do.
    if (same(x, y)) out.push(inOld ? x : y);
    else {
      if (inOld) out.push({ ...x, name: `${name} (old)` });
      if (inNew) out.push({ ...y, name: `${name} (new)` });
    }
  }
  return out;
}

/**
 * Late facts that build: a creator the policy lets act (the witness's mutes are made by the group's
 * creator just before its event) and few flags in each window (each is a flagged message).
 */
function lateFactsBuild(f: Facts, other: Facts): B[] {
  const z = f.z;
  const windows = [...f.atoms.values(), ...other.atoms.values()].filter((a) => a.name.startsWith("window:") && a.sort === "int").map((a) => (a.e as N).le(10));
  return [f.b("creator.accepted"), f.b("creator.verified"), z.Not(f.b("creator.blacklisted")), z.Not(f.b("creator.muted")), ...windows];
}

/** The boxes of a region, each with a witness (a buildable one where there is). */
async function regionsOf(q: Query, fa: Facts, fb: Facts, region: B[], dims: Dim[], hint?: Model): Promise<{ box: Box; model: Model; values: Record<string, FactValue> }[]> {
  const out: { box: Box; model: Model; values: Record<string, FactValue> }[] = [];
  for (const box of await describeRegion(q, region, dims)) {
    const inside = boxFormula(q.z, dims, box);
    // The enumeration's buildable witness serves the box it lies in.
    // Else one without facts only measures make, then one with them (counts still fit), then any.
    let m = hint && boolOf(hint, q.z.And(inside, ...buildable(fa, false))) ? hint : null;
    for (const prefer of [buildable(fa, false), [...buildable(fa, true), ...lateFactsBuild(fa, fb)], buildable(fa, true), []]) m ??= await q.model(...region, inside, ...prefer);
    if (m === null) continue;
    const values: Record<string, FactValue> = {};
    for (const d of dims) values[d.name] = valueIn(m, d);
    out.push({ box, model: m, values });
  }
  return out;
}

async function compareEvent(z: Z3, dom: Domain, a: Side, b: Side, type: DecidedEvent, out: SemanticDiff, rulesOnly: boolean): Promise<void> {
  const reach = reachableMeasures([...a.ir.versions, ...b.ir.versions]);
  const via = a.ir.versions.indexOf(a.version);
  const vib = b.ir.versions.indexOf(b.version);
  const fa = new Facts(z, dom, a.version, via, undefined, type, reach, { anyTime: true });
  const fb = new Facts(z, dom, b.version, vib, undefined, type, reach, { anyTime: true, share: fa.atoms, suffix: "'" });
  const da = decision(fa);
  const db = decision(fb);
  const q = new Query(z, [...fa.assumptions, ...fb.assumptions]);
  const marks = marksOf([...a.version.rules, ...b.version.rules].filter((r) => r.on.includes(type)));
  const names = [...new Set([...a.version.rules, ...b.version.rules].filter((r) => r.on.includes(type)).map((r) => r.name))];
  for (const name of names) {
    const ra = rulesNamed(a.version, type, name);
    const rb = rulesNamed(b.version, type, name);
    const effect = (rb[0] ?? ra[0])!.effect;
    if (ra.length === 0 || rb.length === 0) {
      out.rules.push({ event: type, rule: name, change: ra.length === 0 ? "added" : "removed", effect });
      continue;
    }
    const same = (x: RuleIR, y: RuleIR) => x.effect === y.effect && isDeepStrictEqual(stripIds(x.when), stripIds(y.when));
    const ha = ruleHolds(fa, ra);
    const hb = ruleHolds(fb, rb);
    // The same text reads the same facts unless a path is computed differently (a tier from other bands).
    if (ra.length === rb.length && ra.every((x, i) => same(x, rb[i]!)) && ha.eqIdentity(hb)) continue;
    const m = await q.model(ha.neq(hb));
    if (ra[0]!.effect !== rb[0]!.effect) {
      out.rules.push({ event: type, rule: name, change: "changed", effect });
      continue;
    }
    if (m === null) continue;
    const dims = dimsOf(fa, fb, ra, rb, marks);
    const where = async (region: B[]): Promise<Region[]> => (await regionsOf(q, fa, fb, region, dims)).map((r) => ({ ...r.box, witness: { values: r.values, facts: readSituation(fa, da, r.model).facts } }));
    const gained = await where([z.Not(ha), hb]);
    const lost = await where([ha, z.Not(hb)]);
    out.rules.push({ event: type, rule: name, change: "changed", effect, example: { old: boolOf(m, ha), new: boolOf(m, hb), values: Object.fromEntries(dims.map((d) => [d.name, valueIn(m, d)])) }, gained, lost });
  }
  if (rulesOnly) return;
  // The kinds of change, then their regions: first an outcome that changes, and those a changed
  // rule decides (on either side), where the change itself is; then those it only uncovers.
  const changed = new Set(out.rules.filter((r) => r.event === type).map((r) => r.rule));
  const differs = z.Or(da.allow.neq(db.allow), da.rule.neq(db.rule));
  const blocked: B[] = [];
  const kinds: { m: Model; from: Outcome; to: Outcome; kind: B; dims: Dim[] }[] = [];
  for (let i = 0; ; i++) {
    if (i >= MAX_TRANSITIONS_PER_EVENT) {
      out.truncated = true;
      break;
    }
    // A witness ./../prove/witness.ts can build into a stream where there is one, else any.
    const m = (await q.model(differs, ...blocked, ...buildable(fa, false))) ?? (await q.model(differs, ...blocked));
    if (m === null) break;
    const ra = intOf(m, da.rule);
    const rb = intOf(m, db.rule);
    const from = { allowed: boolOf(m, da.allow), rule: dom.ruleName(ra) };
    const to = { allowed: boolOf(m, db.allow), rule: dom.ruleName(rb) };
    const kind = z.And(da.rule.eq(ra), db.rule.eq(rb), da.allow.eq(z.Bool.val(from.allowed)), db.allow.eq(z.Bool.val(to.allowed)));
    kinds.push({ m, from, to, kind, dims: dimsOf(fa, fb, rulesNamed(a.version, type, from.rule), rulesNamed(b.version, type, to.rule), marks) });
    blocked.push(z.Not(kind));
  }
  // An allow that becomes a deny (or back) first, then by how many of the two rules changed.
  const weight = (k: (typeof kinds)[number]) => 2 * Number(k.from.allowed !== k.to.allowed) + Number(changed.has(k.from.rule)) + Number(changed.has(k.to.rule));
  const ordered = kinds.map((k, i) => [k, i] as const).sort((x, y) => weight(y[0]) - weight(x[0]) || x[1] - y[1]).map(([k]) => k);
  for (const [i, { m, from, to, kind, dims }] of ordered.entries()) {
    const regions: Region[] = [];
    for (const r of i < MAX_DESCRIBED_PER_EVENT ? await regionsOf(q, fa, fb, [kind], dims, m) : []) {
      const sa = readSituation(fa, da, r.model);
      const sb = readSituation(fb, db, r.model);
      regions.push({ ...r.box, witness: { values: r.values, facts: sa.facts }, replay: confirmTransition(a, b, sa, sb) });
    }
    const first = regions[0]?.witness ?? { values: Object.fromEntries(dims.map((d) => [d.name, valueIn(m, d)])), facts: readSituation(fa, da, m).facts };
    out.transitions.push({ event: type, from, to, values: first.values, facts: first.facts, regions });
  }
}

/** Rule conditions compared without their source ids (which differ between two compilations). */
function stripIds(e: ExprIR): unknown {
  return JSON.parse(JSON.stringify(e, (k, v) => (k === "id" ? undefined : v)));
}

export interface DiffOptions {
  /** Compare these event types only (default: every decided one). */
  events?: readonly DecidedEvent[];
  /** Only the rule-by-rule changes, not the situations decided differently (cheaper). */
  rulesOnly?: boolean;
}

export async function semanticDiff(a: Side, b: Side, opts: DiffOptions = {}): Promise<SemanticDiff> {
  const z = await z3();
  const dom = domainOf([a.ir, b.ir]);
  const out: SemanticDiff = { old: `${a.ir.name} ${a.version.version}`, new: `${b.ir.name} ${b.version.version}`, equivalent: true, transitions: [], rules: [], unsupported: [], truncated: false };
  for (const type of opts.events ?? DECIDED_EVENTS) {
    try {
      await compareEvent(z, dom, a, b, type, out, opts.rulesOnly === true);
    } catch (e) {
      if (!(e instanceof Unsupported)) throw e;
      out.unsupported.push({ event: type, why: e.message });
    }
  }
  out.equivalent = out.transitions.length === 0 && out.unsupported.length === 0 && (!opts.rulesOnly || out.rules.length === 0);
  return out;
}
