/**
 * `verify`: every requirement of ARTICLES.md judged on one policy. Static requirements are checked
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

export interface RequirementResult {
  req: string;
  article: number;
  kind: Requirement["kind"];
  status: Status;
  /** Streams checked (0 for static-only requirements). */
  runs: number;
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

/** Stream requirements and when they have nothing to judge. */
const STREAM_APPLICABILITY: Record<string, (ir: PolicyIR) => string | undefined> = {
  "A2.roles": () => undefined,
  "A5.agreement": () => undefined,
  "A6.real-name": () => undefined,
  "A6.pii": () => undefined,
  "A7.credit": (ir) => (ir.versions.every((v) => v.credit.levels.length < 2) ? "the policy has a single credit level" : undefined),
  "A8.member-cap": () => undefined,
  "A8.user-caps": (ir) => (ir.versions.every((v) => !v.limits.groupsCreated && !v.limits.groupsJoined) ? "the policy sets no per-user caps" : undefined),
  "A8.group-id": () => undefined,
  "A8.info-page": (ir) => (ir.versions.every((v) => !v.limits.infoPage) ? "the policy sets no info-page threshold" : undefined),
  "A8.creator-qualification": () => undefined,
  "A8.join-verification": (ir) => (ir.versions.every((v) => v.tiers.every((t) => t.tiers.every((x) => !x.joinApproval))) ? "no tier requires join approval" : undefined),
  "A9.management-rights": () => undefined,
  "A10.prohibited-content": (ir) => (ir.versions.every((v) => v.prohibited.categories.length === 0) ? "the policy declares no prohibited content" : undefined),
  "A11.group-measures": () => undefined,
  "A11.user-measures": () => undefined,
  "A11.blacklist": () => undefined,
  "A11.record-report": () => undefined,
  "A11.responsibility": () => undefined,
  "A12.complaints": () => undefined,
  "A13.retention": () => undefined,
  "A13.inspection": () => undefined,
  "A15.effective": () => undefined,
};

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
  if (creditProbe) violations.push(...creditProbe.violations);
  if (withExtras) violations.push(...inspectionCompleteness(decisionsLog, events.length));
  return { violations, events };
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
function shrink(ir: PolicyIR, session: () => EngineSession, u: Universe, req: string, failing: GeneratedStream, seed: number, runs: number, maxSteps: number): Counterexample {
  const violates = (stream: GeneratedStream) => runStream(ir, session, expand(stream, u), true).violations.some((x) => x.req === req);
  const out = fc.check(fc.property(streamArbitrary(u, maxSteps), (stream) => !violates(stream)), { seed, numRuns: runs });
  const stream = out.failed && out.counterexample ? out.counterexample[0] : failing;
  const run = runStream(ir, session, expand(stream, u), true);
  const violation = run.violations.find((x) => x.req === req)!;
  // Events after the breach are not part of the story.
  const events = run.events.slice(0, Math.min(run.events.length, violation.index + 1));
  const span = spanOfDecision(ir, violation.decision);
  return { events, violation, ...(span ? { span } : {}) };
}

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
  const streamReqs = Object.keys(STREAM_APPLICABILITY).filter(wanted);
  const firstFailure = new Map<string, GeneratedStream>();
  const t0 = now();
  const samples = fc.sample(streamArbitrary(u, maxSteps), { seed: opts.seed, numRuns: opts.runs });
  samples.forEach((stream, i) => {
    const run = runStream(ir, session, expand(stream, u), true);
    for (const v of run.violations) if (!firstFailure.has(v.req)) firstFailure.set(v.req, stream);
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
    const notApplicable = inStream ? STREAM_APPLICABILITY[req.id]!(ir) : undefined;
    const result: RequirementResult = { ...base, status: "pass", runs: inStream ? opts.runs : 0, ms: (st?.ms ?? 0) + (inStream ? exploreMs / streamReqs.length : 0) };
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
