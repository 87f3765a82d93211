/**
 * Facts for the json-rules-engine export, from our state tracker: the value of every fact the
 * exported rules of an event's type read, for that event and state, as the engine's rules would
 * see them (after the timers due have fired, before the event is judged).
 *
 * The engine has no public call for this, so this module uses its accessors read-only: the same
 * `pathAccessor`/`compileExpr` closures over the same reusable context (`newCtx`/`resetCtx`) that
 * judging uses, so a fact cannot disagree with what the engine's own rule evaluation reads.
 */
import type { PolicyIR } from "../ir/types.js";
import type { DecidedEvent } from "../vocab/events.js";
import { DECIDED_EVENTS } from "../vocab/events.js";
import { newCtx, pathAccessor, resetCtx, type Ctx, type Val } from "../engine/context.js";
import type { Decision } from "../engine/decision.js";
import type { Event } from "../engine/event.js";
import { compileExpr, type Compiled } from "../engine/expr.js";
import { intakeValue, parseEventLine, type DeadLetter } from "../engine/intake.js";
import type { Program } from "../engine/program.js";
import type { EngineState } from "../engine/state.js";
import { compileVersionData, ProgramError, type VersionData } from "../engine/version.js";
import { factsForEvent, type JreExport, type JreFact } from "./json-rules-engine.js";

export type Facts = Record<string, Val>;

interface FactGetter {
  name: string;
  get: Compiled;
}

interface VersionFacts {
  effectiveMs: number;
  data: VersionData;
  byType: ReadonlyMap<DecidedEvent, readonly FactGetter[]>;
}

const DECIDED: ReadonlySet<string> = new Set(DECIDED_EVENTS);

function getter(f: JreFact, v: VersionData): FactGetter {
  if (f.kind === "event") return { name: f.name, get: (c) => c.ev.type };
  if (f.expr === null) throw new ProgramError(`fact ${f.name} has no definition`);
  return { name: f.name, get: f.kind === "path" && f.expr.kind === "path" ? pathAccessor(f.expr.path) : compileExpr(f.expr, v) };
}

export class FactExtractor {
  private readonly versions: readonly VersionFacts[];
  private readonly ctx: Ctx;

  /** `exp` must be the export of `ir` (versions in the same effective order). */
  constructor(ir: PolicyIR, exp: JreExport) {
    const versions: VersionFacts[] = [];
    for (const ve of exp.versions) {
      const vir = ir.versions.find((v) => v.version === ve.version && v.effective === ve.effective);
      if (vir === undefined) throw new ProgramError(`version ${ve.version} of the export is not in the policy`);
      const data = compileVersionData(vir, versions.length);
      const byType = new Map<DecidedEvent, FactGetter[]>();
      for (const t of DECIDED_EVENTS) byType.set(t, factsForEvent(ve, t).map((f) => getter(f, data)));
      versions.push({ effectiveMs: data.effectiveMs, data, byType });
    }
    if (versions.length === 0) throw new ProgramError("the export has no version");
    this.versions = versions;
    this.ctx = newCtx(null as unknown as EngineState, versions[0]!.data, null as unknown as Event);
  }

  /** Index of the version judging an event at `atMs`, or -1 before the first (ungoverned). */
  versionAt(atMs: number): number {
    for (let i = this.versions.length - 1; i >= 0; i--) if (this.versions[i]!.effectiveMs <= atMs) return i;
    return -1;
  }

  /**
   * The facts of an accepted event judged at `now` (the engine clock) against `st`; null when no
   * rule judges it (not a decided event, or ungoverned). Does not change `st`.
   */
  facts(ev: Event, st: EngineState, now: number): { version: number; facts: Facts } | null {
    if (!DECIDED.has(ev.type)) return null;
    const idx = this.versionAt(ev.atMs);
    if (idx < 0) return null;
    const vf = this.versions[idx]!;
    const c = this.ctx;
    resetCtx(c, st, vf.data, ev, now);
    const out: Facts = {};
    for (const g of vf.byType.get(ev.type as DecidedEvent)!) out[g.name] = g.get(c);
    return { version: idx, facts: out };
  }
}

export type Prepared =
  | { event: Event; now: number; /** Timer decisions that fell due before the event. */ fired: Decision[]; deadLetter?: undefined }
  | { event?: undefined; deadLetter: DeadLetter };

/**
 * Brings `st` to the instant an input line is judged at, without judging it: intake (a dead letter
 * changes nothing), then the clock moves and the timers due fire (`program.advance`), exactly as
 * `evaluateLine` would do first. `program.evaluateLine(line, …, st)` afterwards judges the event
 * with no timer left to fire, so the facts read in between are the ones its rules see.
 */
export function prepareLine(program: Program, line: string, lineNo: number | null, st: EngineState): Prepared {
  const r = parseEventLine(line, lineNo, program.intake(st));
  if (r.deadLetter !== undefined) return { deadLetter: r.deadLetter };
  const fired = program.advance(r.event.atMs, st).decisions;
  return { event: r.event, now: st.clock ?? r.event.atMs, fired };
}

/** {@link prepareLine} for an already-parsed event object (library callers). */
export function prepareValue(program: Program, value: unknown, st: EngineState): Prepared {
  const r = intakeValue(value, null, program.intake(st));
  if (r.deadLetter !== undefined) return { deadLetter: r.deadLetter };
  const fired = program.advance(r.event.atMs, st).decisions;
  return { event: r.event, now: st.clock ?? r.event.atMs, fired };
}
