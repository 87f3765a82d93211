/**
 * Proves the per-event requirements of a policy, version by version: for each requirement and each
 * event type it speaks about, the solver looks for a state and an event the engine allows while
 * the requirement fails. None: proved for all states. One: a witness, which ./witness.ts builds
 * into a stream from the empty state and replays through the compiled engine and the verify oracle
 * before it counts as a breach.
 */
import type { PolicyIR, VersionIR } from "../ir/types.js";
import { REGULATION_EFFECTIVE_MS } from "../law/articles.js";
import { DECIDED_EVENTS, type DecidedEvent } from "../vocab/events.js";
import { parseRfc3339 } from "../source/time.js";
import { domainOf, type Domain } from "./domain.js";
import { decision } from "./encode.js";
import { buildable, Facts, Unsupported, reachOf, USER_ROOTS, type FactsOptions } from "./facts.js";
import { LIVENESS, SAFETY, STREAM_REMAINDER, TESTED_ONLY } from "./requirements.js";
import { z3, type B, type N, type Z3 } from "./solver.js";
import { readSituation, type Situation } from "./situation.js";
import { confirm, type Replay } from "./witness.js";

export type ProofStatus = "proved" | "refuted" | "tested";

/** A refuted obligation: the situation the solver found, and what replaying it showed. */
export interface Witness {
  version: string;
  event: DecidedEvent | "any";
  /** What the solver found: the state's facts and the event, and the engine's predicted decision. */
  situation: Situation;
  /** For monotonicity: the same situation with more credit, which the engine denies. */
  raised?: Situation;
  replay: Replay;
}

/** One obligation: a requirement on one event type under one version. */
export interface ProofCheck {
  version: string;
  event: DecidedEvent | "any";
  kind: "safety" | "liveness" | "monotone";
  outcome: "proved" | "refuted" | "unknown" | "unsupported";
  statement: string;
  witness?: Witness;
  /** Why the encoding could not state it (unsupported), or what the solver said (unknown). */
  note?: string;
}

export interface ProofResult {
  req: string;
  status: ProofStatus;
  /** One sentence: what was proved, the breach, or what is left to the streams. */
  detail: string;
  checks: ProofCheck[];
  /** The first refutation confirmed by replay, else the first one found. */
  witness?: Witness;
  ms: number;
}

export interface ProofReport {
  policy: string;
  results: ProofResult[];
  ms: number;
}

export interface ProveOptions {
  now?: () => number;
  only?: readonly string[];
}

/** The requirement ids `prove` answers for (every other one is tested only). */
export const PROVED_REQUIREMENTS: readonly string[] = [...new Set([...SAFETY.map((s) => s.req), "A7.credit", "A15.effective"])];

interface Ctx {
  z: Z3;
  ir: PolicyIR;
  dom: Domain;
  reach: ReturnType<typeof reachOf>;
}

function factsFor(c: Ctx, vi: number, type: DecidedEvent, opts: FactsOptions = {}): Facts {
  const v = c.ir.versions[vi]!;
  return new Facts(c.z, c.dom, v, vi, c.ir.versions[vi + 1], type, c.reach, opts);
}

/**
 * Checks `goal` under the facts' assumptions. When it is satisfiable, the model comes from a
 * second search that also prefers buildable witnesses (without measure facts first, then with
 * them), falling back to the first model: the answer sat/unsat is always the first search's.
 */
async function check(c: Ctx, facts: Facts[], goal: B, pins: B[] = []): Promise<{ result: "sat" | "unsat" | "unknown"; model?: import("./solver.js").Model }> {
  const z = c.z;
  const solve = async (extra: B[]) => {
    const s = new z.Solver();
    for (const f of facts) for (const a of f.assumptions) s.add(a);
    s.add(goal);
    for (const e of extra) s.add(e);
    const result = await s.check();
    return result === "sat" ? { result, model: s.model() } : { result };
  };
  const first = await solve([]);
  if (first.result !== "sat") return first;
  const measureFacts = facts.flatMap((f) => measureAtoms(f));
  const count = z.Sum(z.Int.val(0), ...measureFacts.map((b) => z.If(b, z.Int.val(1), z.Int.val(0)) as N));
  // Buildable first without measure facts, then with as few as possible, then any.
  const preferences: B[][] = [[], [count.le(1)], [count.le(2)], [z.Bool.val(true)]];
  for (const [i, limit] of preferences.entries()) {
    const better = await solve([...facts.flatMap((f) => buildable(f, i > 0)), ...limit, ...pins]);
    if (better.result === "sat") return better;
  }
  return pins.length > 0 ? { result: "unknown" } : first;
}

/** The atoms only measures set (closed, blacklisted, suspended, cancelled). */
function measureAtoms(f: Facts): B[] {
  const out: B[] = [];
  for (const a of f.atoms.values()) if (a.sort === "bool" && /\.(closed|blacklisted|posting-suspended|management-suspended|creation-cancelled)$/.test(a.name)) out.push(a.e);
  return out;
}

/** The witness search again, with the measure facts the engine produced pinned, until one builds (three rounds at most). */
async function refine(c: Ctx, f: Facts, goal: B, replay: Replay, attempt: (m: import("./solver.js").Model) => { situation: Situation; replay: Replay }): Promise<{ situation: Situation; replay: Replay } | null> {
  let pins: B[] = [];
  let last = replay;
  for (let round = 0; round < 3 && last.status === "not-built" && last.observed; round++) {
    pins = [...pins, ...Object.entries(last.observed).filter(([name]) => f.atoms.has(name)).map(([name, x]) => f.b(name).eq(c.z.Bool.val(x)))];
    const r = await check(c, [f], goal, pins);
    if (r.result !== "sat") return null;
    const next = attempt(r.model!);
    if (next.replay.status !== "not-built") return next;
    last = next.replay;
  }
  return null;
}

async function safety(c: Ctx, vi: number, spec: (typeof SAFETY)[number], type: DecidedEvent): Promise<ProofCheck | null> {
  const v = c.ir.versions[vi]!;
  const base = { version: v.version, event: type, kind: "safety" as const, statement: spec.statement };
  let f: Facts;
  let goal: B;
  let d: ReturnType<typeof decision>;
  try {
    f = factsFor(c, vi, type);
    const holds = spec.holds(f);
    if (holds === null) return null;
    d = decision(f);
    goal = c.z.And(d.allow, c.z.Not(holds));
  } catch (e) {
    if (e instanceof Unsupported) return { ...base, outcome: "unsupported", note: e.message };
    throw e;
  }
  const r = await check(c, [f], goal);
  if (r.result === "unsat") return { ...base, outcome: "proved" };
  if (r.result === "unknown") return { ...base, outcome: "unknown", note: "the solver gave no answer" };
  const attempt = (m: import("./solver.js").Model) => {
    const situation = readSituation(f, d, m);
    return { situation, replay: confirm(c.ir, vi, spec.req, situation) };
  };
  let found = attempt(r.model!);
  if (found.replay.status === "not-built") found = (await refine(c, f, goal, found.replay, attempt)) ?? found;
  return { ...base, outcome: "refuted", witness: { version: v.version, event: type, situation: found.situation, replay: found.replay } };
}

async function liveness(c: Ctx, vi: number, spec: (typeof LIVENESS)[number]): Promise<ProofCheck> {
  const v = c.ir.versions[vi]!;
  const base = { version: v.version, event: spec.event, kind: "liveness" as const, statement: spec.statement };
  try {
    const f = factsFor(c, vi, spec.event);
    const d = decision(f);
    const r = await check(c, [f], c.z.And(d.allow, spec.when(f)));
    if (r.result === "sat") return { ...base, outcome: "proved" };
    if (r.result === "unknown") return { ...base, outcome: "unknown", note: "the solver gave no answer" };
    return { ...base, outcome: "refuted", note: `no state and no ${spec.event} make it possible under version ${v.version}` };
  } catch (e) {
    if (e instanceof Unsupported) return { ...base, outcome: "unsupported", note: e.message };
    throw e;
  }
}

/** Which user roots' credit the rules on an event read. */
function creditRoots(v: VersionIR, type: DecidedEvent): (typeof USER_ROOTS)[number][] {
  const text = JSON.stringify(v.rules.filter((r) => r.on.includes(type)).map((r) => r.when));
  return USER_ROOTS.filter((r) => text.includes(`"${r}.credit"`) || (r === "actor" && text.includes(`"user.credit"`)));
}

/**
 * A7.credit as a two-state property: the same state and event with one user's credit raised (and
 * nothing else changed) is never denied where the lower credit was allowed.
 */
async function monotone(c: Ctx, vi: number, type: DecidedEvent, root: (typeof USER_ROOTS)[number]): Promise<ProofCheck> {
  const v = c.ir.versions[vi]!;
  const base = { version: v.version, event: type, kind: "monotone" as const, statement: `raising the credit of the ${root} never takes away an allowed ${type}` };
  try {
    const z = c.z;
    const low = factsFor(c, vi, type);
    const share = new Map([...low.atoms].filter(([name]) => !name.endsWith(".credit")));
    const high = factsFor(c, vi, type, { suffix: "'", share });
    // The raised user is the same person under every root that names them (the creator's role ties roots).
    const isCreator = (f: Facts, r: (typeof USER_ROOTS)[number]): B => (r === "creator" ? z.Bool.val(true) : f.n(`${r}.role`).eq(3));
    const ties: B[] = [high.n(`${root}.credit`).ge(low.n(`${root}.credit`))];
    for (const other of USER_ROOTS) {
      if (other === root) continue;
      const same = z.And(isCreator(low, root), isCreator(low, other));
      ties.push(z.If(same, high.n(`${other}.credit`).eq(high.n(`${root}.credit`)), high.n(`${other}.credit`).eq(low.n(`${other}.credit`))) as B);
    }
    const dl = decision(low);
    const dh = decision(high);
    const r = await check(c, [low, high], z.And(dl.allow, z.Not(dh.allow), ...ties));
    if (r.result === "unsat") return { ...base, outcome: "proved" };
    if (r.result === "unknown") return { ...base, outcome: "unknown", note: "the solver gave no answer" };
    const situation = readSituation(low, dl, r.model!);
    const raised = readSituation(high, dh, r.model!);
    const replay = confirm(c.ir, vi, "A7.credit", situation, raised);
    return { ...base, outcome: "refuted", witness: { version: v.version, event: type, situation, raised, replay } };
  } catch (e) {
    if (e instanceof Unsupported) return { ...base, outcome: "unsupported", note: e.message };
    throw e;
  }
}

/**
 * A15.effective over instants: an event is judged only from the first version's instant on, by the
 * version in force, and never before the regulation took effect. Version selection is the engine's
 * (the latest effective at or before `at`), so what can fail is a version before 2017-10-08.
 */
async function effective(c: Ctx): Promise<ProofCheck> {
  const z = c.z;
  const at = z.Int.const("event.at");
  const effs = c.ir.versions.map((v) => parseRfc3339(v.effective) ?? NaN);
  const base = { version: "all", event: "any" as const, kind: "safety" as const, statement: "no event before 2017-10-08 00:00 CST is judged, and each is judged by the version in force" };
  if (effs.some(Number.isNaN)) return { ...base, outcome: "unsupported", note: "a version has no valid effective instant" };
  const first = Math.min(...effs);
  const s = new z.Solver();
  s.add(at.ge(Date.UTC(1970, 0, 1)), at.lt(Date.UTC(2200, 0, 1)), at.ge(first), at.lt(REGULATION_EFFECTIVE_MS));
  const r = await s.check();
  if (r === "unsat") return { ...base, outcome: "proved" };
  if (r === "unknown") return { ...base, outcome: "unknown", note: "the solver gave no answer" };
  const ms = Number(s.model().eval(at, true).toString());
  const vi = effs.reduce((best, e, i) => (e <= ms && (best < 0 || e >= effs[best]!) ? i : best), -1);
  const situation: Situation = { event: "any", facts: { "event.at": ms }, allowed: true, rule: "(judged)" };
  const replay = confirm(c.ir, vi, "A15.effective", situation);
  return { ...base, version: c.ir.versions[vi]!.version, outcome: "refuted", witness: { version: c.ir.versions[vi]!.version, event: "any", situation, replay } };
}

function summarise(req: string, checks: ProofCheck[], ms: number): ProofResult {
  const refuted = checks.filter((k) => k.outcome === "refuted");
  const confirmed = refuted.find((k) => k.witness === undefined || k.witness.replay.status === "confirmed");
  const open = checks.filter((k) => k.outcome === "unsupported" || k.outcome === "unknown");
  const remainder = STREAM_REMAINDER[req];
  if (confirmed) {
    const w = confirmed.witness;
    const detail = w
      ? `refuted under version ${confirmed.version} on ${confirmed.event}: ${confirmed.statement} fails (replayed and confirmed: ${w.replay.message})`
      : `refuted under version ${confirmed.version}: ${confirmed.statement} — ${confirmed.note ?? "no such state"}`;
    return { req, status: "refuted", detail, checks, ...(w ? { witness: w } : {}), ms };
  }
  if (refuted.length > 0) {
    const w = refuted[0]!.witness!;
    return { req, status: "tested", detail: `tested: the solver's witness on ${refuted[0]!.event} could not be replayed (${w.replay.message}); left to the random streams`, checks, witness: w, ms };
  }
  if (open.length > 0) return { req, status: "tested", detail: `tested: not encoded (${open[0]!.note}); left to the random streams`, checks, ms };
  if (checks.length === 0) return { req, status: "tested", detail: "tested: no allow/deny decision speaks about it in this policy", checks, ms };
  const events = [...new Set(checks.map((k) => k.event))].join(", ");
  return { req, status: "proved", detail: `proved for all states on ${events}${remainder ? `; left to the streams: ${remainder}` : ""}`, checks, ms };
}

/** Proves every per-event requirement the encoding covers; others come back `tested` with the reason. */
export async function prove(ir: PolicyIR, opts: ProveOptions = {}): Promise<ProofReport> {
  const now = opts.now ?? (() => 0);
  const t0 = now();
  const c: Ctx = { z: await z3(), ir, dom: domainOf([ir]), reach: reachOf(ir.versions) };
  const wanted = (req: string) => !opts.only || opts.only.includes(req);
  const byReq = new Map<string, { checks: ProofCheck[]; ms: number }>();
  const add = (req: string, k: ProofCheck | null, ms: number) => {
    let e = byReq.get(req);
    if (!e) byReq.set(req, (e = { checks: [], ms: 0 }));
    if (k) e.checks.push(k);
    e.ms += ms;
  };
  for (let vi = 0; vi < ir.versions.length; vi++) {
    for (const spec of SAFETY) {
      if (!wanted(spec.req)) continue;
      for (const type of spec.events) {
        const s0 = now();
        add(spec.req, await safety(c, vi, spec, type), now() - s0);
      }
    }
    for (const spec of LIVENESS) {
      if (!wanted(spec.req)) continue;
      const s0 = now();
      add(spec.req, await liveness(c, vi, spec), now() - s0);
    }
    if (wanted("A7.credit") && ir.versions[vi]!.credit.levels.length > 1) {
      for (const type of DECIDED_EVENTS) {
        for (const root of creditRoots(ir.versions[vi]!, type)) {
          const s0 = now();
          add("A7.credit", await monotone(c, vi, type, root), now() - s0);
        }
      }
    }
  }
  if (wanted("A15.effective")) {
    const s0 = now();
    add("A15.effective", await effective(c), now() - s0);
  }
  const results: ProofResult[] = [];
  for (const [req, e] of byReq) results.push(summarise(req, e.checks, e.ms));
  for (const [req, why] of Object.entries(TESTED_ONLY)) if (wanted(req)) results.push({ req, status: "tested", detail: `tested on streams only: ${why}`, checks: [], ms: 0 });
  return { policy: ir.name, results, ms: now() - t0 };
}

