/**
 * `compileProgram(ir) → Program`: every version's rules compiled once and indexed by event type;
 * the version judging an event is the one whose `effective` is the latest at or before its `at`.
 * `evaluate` never throws: a bad input is a dead letter, and so is an internal error (reported as
 * `internal error: …`, never turned into a made-up decision).
 */
import { IR_VERSION, type ExprIR, type PolicyIR } from "../ir/types.js";
import { newCtx } from "./context.js";
import type { Decision, PolicyStamp } from "./decision.js";
import { policyId } from "../ir/identity.js";
import type { Event } from "./event.js";
import { buildExplanation, type Explanation } from "./explain.js";
import { fireDue } from "./fire.js";
import { intakeValue, parseEventLine, rawOfValue, type DeadLetter, type IntakeContext } from "./intake.js";
import { judge, judgeUngoverned } from "./judge.js";
import { checkActions } from "./measures.js";
import { compileRules, freezeCites } from "./rules.js";
import { areIntegrityGuards } from "../ir/guards.js";
import { cites, firing, type CompiledVersion, type ExplainSink, type Firing, type Runtime } from "./runtime.js";
import { emptyState, hasSeen, markSeen, type EngineState } from "./state.js";
import { cloneState } from "./restore.js";
import { formatInstant, maxDurationMs, parseTimestamp } from "../source/time.js";
import { withOneByteStrings } from "./strings.js";
import { compileVersionData, ProgramError } from "./version.js";

/**
 * What one call of {@link Program.evaluate}, {@link Program.evaluateLine} or
 * {@link Program.advance} produced. An evaluated input gives its primary decision as the last
 * element of `decisions`; an input that could not be evaluated gives `deadLetter` instead, so every
 * input accounts for exactly one primary decision or one dead letter. Timer decisions that fell due
 * before the input come first either way (they stay even when an internal error dead-letters the
 * input). `advance` has no input: its result holds timer decisions only.
 */
export interface EvaluateResult {
  /** Timer decisions in due order, then the event's primary decision (absent for a dead letter). */
  decisions: Decision[];
  /** Set when the input was not evaluated: the primary decision is missing and this takes its place. */
  deadLetter?: DeadLetter;
}

/**
 * One compiled version of a policy, as {@link Program.versions} lists it. An event is judged by
 * the version whose `effectiveMs` is the latest at or before the event's `at`; an event before the
 * first version's is ungoverned. No two versions of a program share an effective instant.
 */
export interface ProgramVersion {
  /** The version label written in the policy (`"1.0"`, an amendment's `"1.1"`); decisions echo it as `policy`. */
  version: string;
  /** The instant the version takes effect, RFC 3339 with an offset, as written in the IR. */
  effective: string;
  /** `effective` as epoch milliseconds. */
  effectiveMs: number;
  /** IANA zone or fixed offset used for calendar arithmetic (months, years) and for the times decisions write. */
  zone: string;
  /** How far, in milliseconds, an event may lag behind the engine clock and still be evaluated. */
  toleranceMs: number;
}

/**
 * A compiled policy, made by {@link compileProgram} (or `compilePolicy`/`loadIR`): every rule's
 * condition compiled once to closures and indexed by event type. A program is immutable and holds
 * no per-platform data; all of that lives in the {@link EngineState} passed to each call, which
 * the call updates in place. One program can therefore serve many states, one call at a time
 * (calls are synchronous and not re-entrant). Nothing reads the wall clock: time is the `at` of
 * the events, or the instant given to `advance`.
 *
 * Most services use an {@link Engine}, which adds a durable store and serialises calls; use a
 * program directly for in-process evaluation, tests and batch runs (see {@link runStream}).
 */
export interface Program {
  /** The policy's name, from its header. */
  readonly name: string;
  /** The policy's id (`policyId` of its IR): what every decision's `policyId` says. */
  readonly id: string;
  /** The IR the program was compiled from (not copied: do not modify it). */
  readonly ir: PolicyIR;
  /** In effective order, earliest first. */
  readonly versions: readonly ProgramVersion[];
  /**
   * Judges one parsed event object (library and HTTP callers) and applies it to `state`. Never
   * throws: an input that fails intake, or an internal error, comes back as a dead letter with
   * `line: null`.
   */
  evaluate(input: unknown, state: EngineState): EvaluateResult;
  /**
   * Judges one input line of a JSON Lines stream and applies it to `state`. `lineNo` (1-based, or
   * null) is copied into a dead letter's `line`. Never throws.
   */
  evaluateLine(line: string, lineNo: number | null, state: EngineState): EvaluateResult;
  /** What `evaluate` would do, with every rule's condition values, without changing `state`. A string is read as an input line. */
  explain(input: unknown, state: EngineState): Explanation;
  /**
   * Moves the clock to `toMs` (epoch milliseconds; never back) and fires the timers due, without
   * an event: the decisions have `event: null` and `type: "clock"`.
   */
  advance(toMs: number, state: EngineState): EvaluateResult;
  /** The intake view of a state, for calling `parseEventLine` yourself with this program's vocabulary. */
  intake(state: EngineState): IntakeContext;
}

function windowsOf(e: ExprIR, out: ExprIR[]): void {
  if (e.kind === "window") out.push(e);
  switch (e.kind) {
    case "not":
      windowsOf(e.arg, out);
      break;
    case "and":
    case "or":
      for (const a of e.args) windowsOf(a, out);
      break;
    case "cmp":
    case "arith":
      windowsOf(e.left, out);
      windowsOf(e.right, out);
      break;
    case "in":
      windowsOf(e.left, out);
      for (const a of e.items) windowsOf(a, out);
      break;
    case "between":
      windowsOf(e.left, out);
      break;
    case "if":
      windowsOf(e.cond, out);
      windowsOf(e.then, out);
      windowsOf(e.else, out);
      break;
    default:
      break;
  }
}

/** How long flag history must be kept for every window and multi-flag trigger of every version. */
function flagHorizon(ir: PolicyIR): number {
  let h = 0;
  for (const v of ir.versions) {
    for (const m of v.measures) {
      if (m.trigger.count <= 1) continue;
      if (m.trigger.within === null) return Infinity;
      h = Math.max(h, maxDurationMs(m.trigger.within));
    }
    const ws: ExprIR[] = [];
    for (const r of v.rules) windowsOf(r.when, ws);
    for (const w of ws) if (w.kind === "window") h = Math.max(h, maxDurationMs(w.within));
  }
  return h;
}

class CompiledProgram implements Program {
  readonly name: string;
  readonly id: string;
  private readonly ungoverned: PolicyStamp;
  readonly versions: readonly ProgramVersion[];
  private readonly rt: Runtime;
  private readonly compiled: readonly CompiledVersion[];
  /** The state the shared intake context reads (set at each call; evaluation is not re-entrant). */
  private current: EngineState = emptyState();
  private readonly intakeCtx: IntakeContext;

  constructor(
    readonly ir: PolicyIR,
    private readonly wallClock?: () => number,
  ) {
    if (ir === null || typeof ir !== "object" || ir.kind !== "policy") throw new ProgramError("not a policy IR document");
    if (ir.versions.length === 0) throw new ProgramError("the policy has no version");
    const errors: string[] = [];
    const compiled: CompiledVersion[] = [];
    const id = policyId(ir);
    this.id = id;
    this.ungoverned = Object.freeze({ policy: null, policyName: ir.name, policyId: id });
    const at = (v: { effective: string }): number => parseTimestamp(v.effective) || 0;
    const order = ir.versions.map((v, i) => ({ v, i })).sort((a, b) => at(a.v) - at(b.v) || a.i - b.i);
    for (const { v } of order) {
      try {
        const data = compileVersionData(v, compiled.length);
        // loadIR refuses other guards (QG072); IR built in memory is held to the same.
        if (!Array.isArray(v.guards) || !areIntegrityGuards(v.guards)) throw new ProgramError(`version ${v.version}: its guards are not the integrity guards of IR version ${IR_VERSION}`);
        for (const m of v.measures) checkActions(m.actions, `version ${v.version}, measure ${m.name}`);
        if (v.responsibility) checkActions(v.responsibility.otherwise, `version ${v.version}, responsibility`);
        if (v.complaints) checkActions(v.complaints.otherwise, `version ${v.version}, complaints`);
        compiled.push({
          data,
          stamp: Object.freeze({ policy: data.version, policyName: ir.name, policyId: id }),
          rules: compileRules(data, v.rules, v.guards),
          responsibilityCites: freezeCites(v.responsibility?.cites ?? cites("A11.responsibility")),
          complaintsCites: freezeCites(v.complaints?.cites ?? cites("A12.complaints")),
        });
      } catch (e) {
        if (!(e instanceof ProgramError)) throw e;
        errors.push(e.message);
      }
    }
    if (errors.length > 0) throw new ProgramError(errors.join("; "));
    for (let i = 1; i < compiled.length; i++) {
      if (compiled[i]!.data.effectiveMs <= compiled[i - 1]!.data.effectiveMs) {
        throw new ProgramError(`versions ${compiled[i - 1]!.data.version} and ${compiled[i]!.data.version} take effect at the same instant`);
      }
    }
    this.compiled = compiled;
    this.name = ir.name;
    this.versions = compiled.map((c) => ({
      version: c.data.version,
      effective: c.data.ir.effective,
      effectiveMs: c.data.effectiveMs,
      zone: c.data.ir.zone,
      toleranceMs: c.data.toleranceMs,
    }));
    const first = compiled[0]!;
    this.intakeCtx = {
      vocabAt: (ms) => compiled[Math.max(0, this.versionIndexAt(ms))]!.data.vocab,
      seen: (id) => hasSeen(this.current, id),
      clock: () => this.current.clock,
      ...(wallClock === undefined ? {} : { wallClock }),
    };
    this.rt = {
      versions: compiled,
      flagHorizonMs: flagHorizon(ir),
      ctx: newCtx(emptyState(), first.data, null as unknown as Event),
      explain: null,
      traced: new Map(),
    };
  }

  /** Index of the version in force at `ms`, or -1 before the first. */
  private versionIndexAt(ms: number): number {
    const cs = this.compiled;
    for (let i = cs.length - 1; i >= 0; i--) if (cs[i]!.data.effectiveMs <= ms) return i;
    return -1;
  }

  intake(state: EngineState): IntakeContext {
    const cs = this.compiled;
    return {
      vocabAt: (ms) => cs[Math.max(0, this.versionIndexAt(ms))]!.data.vocab,
      seen: (id) => hasSeen(state, id),
      clock: () => state.clock,
      ...(this.wallClock === undefined ? {} : { wallClock: this.wallClock }),
    };
  }

  evaluate(input: unknown, state: EngineState): EvaluateResult {
    const decisions: Decision[] = [];
    try {
      this.current = state;
      const r = intakeValue(input, null, this.intakeCtx);
      if (r.deadLetter !== undefined) return { decisions, deadLetter: r.deadLetter };
      this.evaluateEvent(r.event, state, decisions);
      return { decisions };
    } catch (e) {
      return { decisions, deadLetter: { line: null, reason: internalReason(e), raw: safeRaw(() => rawOfValue(input)) } };
    }
  }

  evaluateLine(line: string, lineNo: number | null, state: EngineState): EvaluateResult {
    const decisions: Decision[] = [];
    try {
      this.current = state;
      const r = parseEventLine(line, lineNo, this.intakeCtx);
      if (r.deadLetter !== undefined) return { decisions, deadLetter: r.deadLetter };
      this.evaluateEvent(r.event, state, decisions);
      return { decisions };
    } catch (e) {
      // The line may carry identity and intake did not finish: it is not echoed.
      return { decisions, deadLetter: { line: lineNo, reason: internalReason(e), raw: "[input line withheld after an internal error]" } };
    }
  }

  private evaluateEvent(ev: Event, st: EngineState, out: Decision[]): void {
    const idx = this.versionIndexAt(ev.atMs);
    const now = st.clock === null || ev.atMs > st.clock ? ev.atMs : st.clock;
    st.clock = now;
    fireDue(this.compiled, st, now, firing(ev), out);
    const sink = this.rt.explain;
    if (sink !== null) {
      sink.version = idx < 0 ? null : this.compiled[idx]!;
      sink.now = now;
    }
    out.push(idx < 0 ? judgeUngoverned(ev, st, now, this.compiled[0]!, this.ungoverned) : judge(this.rt, this.compiled[idx]!, ev, st, now));
    markSeen(st, ev.id);
  }

  advance(toMs: number, state: EngineState): EvaluateResult {
    const decisions: Decision[] = [];
    try {
      if (!Number.isFinite(toMs)) throw new Error("advance needs a finite instant");
      const now = state.clock === null || toMs > state.clock ? toMs : state.clock;
      state.clock = now;
      const cv = this.compiled[Math.max(0, this.versionIndexAt(now))]!;
      const f: Firing = { id: null, at: formatInstant(now, cv.data.zone), type: "clock" };
      fireDue(this.compiled, state, now, f, decisions);
      return { decisions };
    } catch (e) {
      return { decisions, deadLetter: { line: null, reason: internalReason(e), raw: "" } };
    }
  }

  explain(input: unknown, state: EngineState): Explanation {
    const copy = cloneState(state);
    const sink: ExplainSink = { version: null, now: 0, traces: [], guard: null, measures: [] };
    this.rt.explain = sink;
    let result: EvaluateResult;
    try {
      result = typeof input === "string" ? this.evaluateLine(input, null, copy) : this.evaluate(input, copy);
    } finally {
      this.rt.explain = null;
    }
    const primary = result.decisions[result.decisions.length - 1];
    const event = result.deadLetter === undefined && primary !== undefined ? { id: primary.event ?? "", type: primary.type, at: primary.at } : null;
    return buildExplanation(this.ir, sink, result.decisions, result.deadLetter, event);
  }
}

function internalReason(e: unknown): string {
  // The error's class only: a message may carry text of the input it failed on.
  const name = e instanceof Error && /^[A-Za-z]{1,40}$/.test(e.name) ? e.name : "error";
  return `internal error (${name})`;
}

function safeRaw(raw: () => string): string {
  try {
    return raw();
  } catch {
    return "[unserialisable input]";
  }
}

/** Options of {@link compileProgram}. */
export interface ProgramOptions {
  /**
   * The caller's wall clock (epoch ms). With it, an event stamped later than the wall clock by
   * more than the tolerance is a dead letter (docs/engine.md, "Intake"), so no single event can
   * move the engine's clock years ahead of the events that follow. The CLI passes the system clock
   * or `--now`, the server its injected clock. Without it only the fixed range of instants applies.
   */
  wallClock?: () => number;
}

/**
 * Compiles a policy IR into a program. Throws {@link ProgramError} (listing every problem found)
 * when the IR cannot run: an unknown zone, path, level or tier, an action on the wrong kind of
 * target, two versions effective at the same instant.
 */
export function compileProgram(ir: PolicyIR, options: ProgramOptions = {}): Program {
  return new CompiledProgram(withOneByteStrings(ir), options.wallClock);
}
