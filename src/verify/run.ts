/**
 * `verify`: every requirement of the regulation (src/law/articles.ts) judged on one policy. Static requirements are checked
 * on the IR (./static.ts). Stream requirements are invariants of the oracle (./oracle.ts) over
 * generated streams (./generate.ts) run through the compiled engine.
 *
 * Exploration is shared: each generated stream is run once and every invariant is checked on it,
 * so `runs` streams test every requirement. A requirement that fails is then handed to fast-check
 * again with the failing stream as its first example, and fast-check shrinks it to a minimal
 * counterexample for that requirement alone.
 */
import fc from "fast-check";
import type { Decision } from "../engine/decision.js";
import type { PolicyIR, SpanIR, VersionIR } from "../ir/types.js";
import { REQUIREMENTS, type Requirement } from "../law/articles.js";
import { expand, secretsOf, streamArbitrary, universeOf, type GeneratedStream, type Universe } from "./generate.js";
import { Oracle, versionAt, type GenEvent, type Violation } from "./oracle.js";
import { STATIC_CHECKS, type StaticFinding } from "./static.js";
import { propertiesOf, STREAM_REQS, type PropertyKind } from "./properties.js";
import { parseRfc3339 } from "../source/time.js";
import { creditMonotonicity } from "./credit.js";
import type { EngineFactory, EngineSession } from "./session.js";
import { inspectionCompleteness } from "./inspection.js";

// The engine as verify drives it (./session.ts); re-exported for callers that bring their own.
export type { EngineFactory, EngineSession } from "./session.js";

export type Status = "pass" | "fail" | "not-applicable";

export interface Counterexample {
  events: GenEvent[];
  violation: Violation;
  /** Source span of the deciding rule, when the violation names a decision. */
  span?: SpanIR;
}

/** A static finding with the source span of the IR node at fault, when the IR has one. */
export type LocatedFinding = StaticFinding & { span?: SpanIR; /** The checker's diagnostic code, for findings that come from `check`. */ code?: string };

/**
 * An error of the compiler's checker that names requirement ids (a report addressed to someone
 * other than the authority, a tier gap). Verify fails each requirement it names: a reviewer runs
 * verify, not check, and a PASS must never stand beside a checker error on the same requirement.
 */
export interface CheckerFinding {
  code: string;
  message: string;
  reqs: readonly string[];
  span?: SpanIR;
}

/** One stream property of a requirement (./properties.ts) and how often the streams exercised it. */
export interface PropertyResult {
  id: string;
  kind: PropertyKind;
  /** Situations met over all streams; 0 with `inapplicable` unset is "not exercised", a failure. */
  exercised: number;
  /** Why the policy gives the property nothing to judge. */
  inapplicable?: string;
}

export interface RequirementResult {
  req: string;
  article: number;
  kind: Requirement["kind"];
  status: Status;
  /** Streams checked (0 for static-only requirements). */
  runs: number;
  /** The stream properties of the requirement, with their counts (absent for static-only requirements). */
  properties?: PropertyResult[];
  ms: number;
  /** Why it is not applicable, or what failed. */
  detail?: string;
  findings?: LocatedFinding[];
  counterexample?: Counterexample;
  /** What the SMT proofs (src/prove) said, for the requirements they answer. */
  proof?: ProofCell;
}

/** A proof result as verify reports it: proved for all states, refuted (with the witness and its replay), or left to the streams. */
export interface ProofCell {
  status: "proved" | "refuted" | "tested";
  detail: string;
  witness?: {
    version: string;
    event: string;
    facts: Record<string, number | boolean | string | null>;
    decision: string;
    raisedFacts?: Record<string, number | boolean | string | null>;
    raisedDecision?: string;
    replay: "confirmed" | "not-confirmed" | "not-built";
    replayMessage: string;
    events: GenEvent[];
    raisedEvents?: GenEvent[];
  };
}

export interface VerifyOptions {
  seed: number;
  runs: number;
  maxSteps?: number;
  /** Only these requirement ids. */
  only?: string[];
  onProgress?: (done: number, total: number, phase: string) => void;
  /** Milliseconds since some origin, for timings (the CLI passes performance.now). */
  now?: () => number;
  /** The checker's errors carrying requirement ids (from a lenient compilation); each fails its requirements. */
  checker?: readonly CheckerFinding[];
}

export interface VerifyReport {
  policy: string;
  seed: number;
  runs: number;
  results: RequirementResult[];
  ok: boolean;
}

/** Requirements a policy must have a section for; without it, the stream property fails outright. */
const REQUIRED_SECTION: Record<string, (v: VersionIR) => boolean> = {
  "A11.responsibility": (v) => v.responsibility !== null,
  "A12.complaints": (v) => v.complaints !== null,
  "A13.retention": (v) => v.retention !== null,
  "A5.agreement": (v) => v.agreement !== null,
  "A6.real-name": (v) => v.identity !== null,
};

interface StreamRun {
  violations: Violation[];
  events: GenEvent[];
  /** Situations met per stream property. */
  exercised: Map<string, number>;
}

/** Runs one expanded stream through a fresh session and the oracle. */
function runStream(ir: PolicyIR, session: () => EngineSession, events: GenEvent[], withExtras: boolean): StreamRun {
  const oracle = new Oracle(ir, secretsOf(events));
  const s = session();
  const creditProbe = withExtras ? creditMonotonicity(ir, events) : undefined;
  const decisionsLog: Decision[] = [];
  events.forEach((event, i) => {
    creditProbe?.before(i, s);
    const out = s.feed(event);
    if ("refused" in out) {
      oracle.violations.push({ req: "EVENTS.contract", message: `valid event ${event.id} (${event.type}) was refused: ${out.refused}`, index: i });
      return;
    }
    decisionsLog.push(...out.decisions);
    oracle.observe(event, out.decisions, out.serialized);
  });
  const violations = [...oracle.violations];
  const state = s.snapshot();
  for (const secret of secretsOf(events)) if (secret.length >= 4 && state.includes(secret)) violations.push({ req: "A6.pii", message: "personal information is kept in the engine state", index: events.length });
  const exercised = new Map(oracle.exercised);
  if (creditProbe) {
    violations.push(...creditProbe.violations);
    if (creditProbe.exercised) exercised.set("A7.credit/monotone", creditProbe.exercised);
  }
  if (withExtras) {
    violations.push(...inspectionCompleteness(decisionsLog, events.length));
    if (decisionsLog.length) exercised.set("A13.inspection/export", 1);
  }
  return { violations, events, exercised };
}

function locate(ir: PolicyIR, f: StaticFinding): LocatedFinding {
  const span = f.node ? ir.spans[f.node] : undefined;
  return span ? { ...f, span } : f;
}

function spanOfDecision(ir: PolicyIR, d: Decision | undefined): SpanIR | undefined {
  if (!d) return undefined;
  const at = parseRfc3339(d.at) ?? 0;
  const v = versionAt(ir, at) ?? ir.versions[0]!;
  const rule = v.rules.find((r) => r.name === d.rule) ?? v.rules.find((r) => d.rule.startsWith(r.name));
  if (rule) return ir.spans[rule.id];
  const measure = v.measures.find((m) => d.rule === m.name || d.rule.startsWith(`${m.name}/`));
  if (measure) return ir.spans[measure.id];
  const section = d.rule.split("/")[0];
  const node = section === "responsibility" ? v.responsibility?.id : section === "complaints" ? v.complaints?.id : section === "retention" ? v.retention?.id : undefined;
  return node ? ir.spans[node] : undefined;
}

/**
 * Shrinks a failing stream for one requirement. fast-check replays the exploration's seed with a
 * property for this requirement alone, meets the same failing stream (or an earlier one), and
 * shrinks it with full knowledge of how it was generated.
 */
function shrink(ir: PolicyIR, session: () => EngineSession, u: Universe, req: string, failing: readonly GeneratedStream[], seed: number, runs: number, maxSteps: number): Counterexample {
  const violates = (stream: GeneratedStream) => runStream(ir, session, expand(stream, u), true).violations.some((x) => x.req === req);
  const property = fc.property(streamArbitrary(u, maxSteps), (stream) => !violates(stream));
  const out = fc.check(property, { seed, numRuns: runs });
  const candidates: GeneratedStream[] = [out.failed && out.counterexample ? out.counterexample[0] : failing[0]!];
  // A breach reached in more than one way (a create over the cap, or a join over it) may shrink
  // to a long story from the first failing stream: shrink the next ones too and keep the shortest.
  for (const other of failing.slice(1)) {
    const again = fc.check(property, { seed, numRuns: 1, examples: [[other]] });
    if (again.failed && again.counterexample) candidates.push(again.counterexample[0]!);
  }
  return candidates.map((stream) => counterexampleOf(ir, session, u, req, stream)).reduce((a, b) => (b.events.length < a.events.length ? b : a));
}

function counterexampleOf(ir: PolicyIR, session: () => EngineSession, u: Universe, req: string, stream: GeneratedStream): Counterexample {
  const run = runStream(ir, session, expand(stream, u), true);
  const first = run.violations.find((x) => x.req === req)!;
  // Events after the breach are not part of the story.
  const { events, violation } = dropEvents(ir, session, req, run.events.slice(0, Math.min(run.events.length, first.index + 1)), first);
  const span = spanOfDecision(ir, violation.decision);
  return { events, violation, ...(span ? { span } : {}) };
}

/**
 * A second shrinking pass on the concrete events: fast-check shrinks steps (a `fill` stays whole, a
 * burst keeps its follow-up), so each event is then dropped in turn, kept out whenever the breach
 * of `req` still shows. Bounded, so a counterexample that needs hundreds of events is left as is.
 */
function dropEvents(ir: PolicyIR, session: () => EngineSession, req: string, events: GenEvent[], violation: Violation): { events: GenEvent[]; violation: Violation } {
  if (events.length > 300) return { events, violation };
  let best = { events, violation };
  for (let i = 0; i < best.events.length; ) {
    const candidate = [...best.events.slice(0, i), ...best.events.slice(i + 1)];
    const found = runStream(ir, session, candidate, true).violations.find((x) => x.req === req);
    if (found) best = { events: candidate.slice(0, found.index + 1), violation: found };
    else i++;
  }
  return best;
}

/** Failing streams per requirement handed to the shrinker; the shortest counterexample wins. */
const FAILURES_SHRUNK = 3;

/** Verifies a policy against every requirement of the regulation. */
export function verify(ir: PolicyIR, factory: EngineFactory, opts: VerifyOptions): VerifyReport {
  const now = opts.now ?? (() => 0);
  const session = factory(ir);
  const u = universeOf(ir);
  const maxSteps = opts.maxSteps ?? 24;
  const wanted = (req: string) => !opts.only || opts.only.includes(req);
  const results: RequirementResult[] = [];

  // Static requirements.
  const staticFindings = new Map<string, { findings: StaticFinding[]; ms: number; applies: boolean }>();
  for (const check of STATIC_CHECKS) {
    if (!wanted(check.req)) continue;
    const t0 = now();
    const applies = check.applies(ir);
    staticFindings.set(check.req, { findings: applies ? check.run(ir) : [], ms: now() - t0, applies });
  }

  // Shared exploration of the stream requirements.
  const streamReqs = STREAM_REQS.filter(wanted);
  /** The first few failing streams of each requirement, in the order met. */
  const firstFailure = new Map<string, GeneratedStream[]>();
  const exercised = new Map<string, number>();
  const t0 = now();
  const samples = fc.sample(streamArbitrary(u, maxSteps), { seed: opts.seed, numRuns: opts.runs });
  samples.forEach((stream, i) => {
    const run = runStream(ir, session, expand(stream, u), true);
    for (const req of new Set(run.violations.map((v) => v.req))) {
      const list = firstFailure.get(req) ?? [];
      if (list.length < FAILURES_SHRUNK) firstFailure.set(req, [...list, stream]);
    }
    for (const [p, n] of run.exercised) exercised.set(p, (exercised.get(p) ?? 0) + n);
    if (i % 25 === 0 || i === samples.length - 1) opts.onProgress?.(i + 1, samples.length, "exploring");
  });
  const exploreMs = now() - t0;

  for (const req of REQUIREMENTS) {
    if (!wanted(req.id)) continue;
    const base = { req: req.id, article: req.article, kind: req.kind };
    if (req.declaratory || req.kind === "doc") {
      results.push({ ...base, status: "not-applicable", runs: 0, ms: 0, detail: req.declaratory ? "declaratory: nothing to execute" : "documentation requirement: shown by `qungui docs`" });
      continue;
    }
    const st = staticFindings.get(req.id);
    const inStream = streamReqs.includes(req.id);
    const missing = REQUIRED_SECTION[req.id] && ir.versions.find((v) => !REQUIRED_SECTION[req.id]!(v));
    const properties: PropertyResult[] = propertiesOf(req.id).map((p) => {
      const inapplicable = p.inapplicable(ir);
      return { id: p.id, kind: p.kind, exercised: exercised.get(p.id) ?? 0, ...(inapplicable ? { inapplicable } : {}) };
    });
    // Every property inapplicable: the policy gives the streams nothing to judge for this requirement.
    const notApplicable = inStream && properties.every((p) => p.inapplicable) ? properties.map((p) => p.inapplicable).join("; ") : undefined;
    const result: RequirementResult = {
      ...base,
      status: "pass",
      runs: inStream ? opts.runs : 0,
      ...(inStream ? { properties } : {}),
      ms: (st?.ms ?? 0) + (inStream ? exploreMs / streamReqs.length : 0),
    };
    if (st && st.findings.length) {
      result.status = "fail";
      result.findings = st.findings.map((f) => locate(ir, f));
      result.detail = st.findings[0]!.message;
    }
    const fromChecker = (opts.checker ?? []).filter((f) => f.reqs.includes(req.id));
    if (fromChecker.length) {
      result.status = "fail";
      result.findings = [
        ...fromChecker.map((f): LocatedFinding => ({ req: req.id, code: f.code, message: `${f.code}: ${f.message}`, node: null, ...(f.span ? { span: f.span } : {}) })),
        ...(result.findings ?? []),
      ];
      result.detail ??= `${fromChecker[0]!.code}: ${fromChecker[0]!.message}`;
    }
    if (missing) {
      const message = `version ${missing.version} has no section implementing ${req.id}`;
      result.status = "fail";
      result.detail = message;
      result.findings = [...(result.findings ?? []), locate(ir, { req: req.id, message, node: missing.id })];
    }
    if (inStream && result.status !== "fail" && notApplicable && !st?.applies) {
      result.status = "not-applicable";
      result.detail = notApplicable;
    }
    // Non-vacuity: a property that applies but that no stream exercised has not been checked at all.
    const unexercised = properties.filter((p) => !p.inapplicable && p.exercised === 0);
    if (inStream && unexercised.length) {
      const message = `not exercised: no generated stream had ${unexercised.map((p) => `${propertiesOf(req.id).find((x) => x.id === p.id)!.situation} (${p.id})`).join("; ")}`;
      result.status = "fail";
      result.detail ??= message;
      result.findings = [...(result.findings ?? []), { req: req.id, message, node: null }];
    }
    const failing = firstFailure.get(req.id);
    if (inStream && failing && !notApplicable) {
      const s0 = now();
      opts.onProgress?.(0, 1, `shrinking ${req.id}`);
      result.counterexample = shrink(ir, session, u, req.id, failing, opts.seed, opts.runs, maxSteps);
      result.status = "fail";
      result.detail ??= result.counterexample.violation.message;
      result.ms += now() - s0;
    }
    results.push(result);
  }
  const contract = firstFailure.get("EVENTS.contract");
  if (contract) results.push({ req: "EVENTS.contract", article: 0, kind: "stream", status: "fail", runs: opts.runs, ms: 0, counterexample: shrink(ir, session, u, "EVENTS.contract", contract, opts.seed, opts.runs, maxSteps) });
  return { policy: ir.name, seed: opts.seed, runs: opts.runs, results, ok: results.every((r) => r.status !== "fail") };
}
