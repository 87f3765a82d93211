/**
 * A version's allow/deny rules, compiled once and indexed by event type, so judging an event costs
 * only the rules that name its type. Denies and allows are kept in two lists, each in precedence
 * order: the first deny that holds decides, else the first allow that holds (forbid overrides
 * permit, docs/engine.md "Decided events").
 */
import type { Cite, GuardIR, RuleIR } from "../ir/types.js";
import { DECIDED_EVENTS, type DecidedEvent } from "../vocab/events.js";
import { compileExpr, newTracer, type Compiled, type Tracer } from "./expr.js";
import { compileTemplate, type Template } from "./template.js";
import { ProgramError, type VersionData } from "./version.js";

export interface CompiledRule {
  ir: RuleIR;
  when: Compiled;
  because: Template;
  cites: readonly Cite[];
}

export interface EventRules {
  denies: readonly CompiledRule[];
  allows: readonly CompiledRule[];
  /** Every rule on the event type in precedence order (for explanations). */
  all: readonly CompiledRule[];
}

const NO_RULES: EventRules = { denies: [], allows: [], all: [] };

export function freezeCites(cites: readonly Cite[]): readonly Cite[] {
  return Object.freeze(cites.map((c) => Object.freeze({ article: c.article, req: c.req })));
}

export function compileRules(v: VersionData, rules: readonly RuleIR[]): ReadonlyMap<DecidedEvent, EventRules> {
  const byType = new Map<DecidedEvent, { denies: CompiledRule[]; allows: CompiledRule[]; all: CompiledRule[] }>();
  const errors: string[] = [];
  for (const r of rules) {
    let compiled: CompiledRule;
    try {
      compiled = { ir: r, when: compileExpr(r.when, v), because: compileTemplate(r.because), cites: freezeCites(r.cites) };
    } catch (e) {
      errors.push(`version ${v.version}, rule ${r.name}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    for (const type of r.on) {
      if (!(DECIDED_EVENTS as readonly string[]).includes(type)) {
        errors.push(`version ${v.version}, rule ${r.name}: ${type} is not a decided event`);
        continue;
      }
      let list = byType.get(type);
      if (list === undefined) byType.set(type, (list = { denies: [], allows: [], all: [] }));
      (r.effect === "deny" ? list.denies : list.allows).push(compiled);
      list.all.push(compiled);
    }
  }
  if (errors.length > 0) throw new ProgramError(errors.join("; "));
  return byType;
}

/** An integrity guard of the IR, compiled once like a rule. */
export interface CompiledGuard {
  ir: GuardIR;
  when: Compiled;
  because: Template;
  cites: readonly Cite[];
}

const NO_GUARDS: readonly CompiledGuard[] = [];

/** A version's integrity guards, compiled and indexed by event type, each list in the IR's order. */
export function compileGuards(v: VersionData, guards: readonly GuardIR[]): ReadonlyMap<DecidedEvent, readonly CompiledGuard[]> {
  const byType = new Map<DecidedEvent, CompiledGuard[]>();
  for (const g of guards) {
    let compiled: CompiledGuard;
    try {
      compiled = { ir: g, when: compileExpr(g.when, v), because: compileTemplate(g.because), cites: freezeCites(g.cites) };
    } catch (e) {
      throw new ProgramError(`version ${v.version}, guard ${g.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
    for (const type of g.on) {
      let list = byType.get(type);
      if (list === undefined) byType.set(type, (list = []));
      list.push(compiled);
    }
  }
  return byType;
}

export function guardsFor(map: ReadonlyMap<DecidedEvent, readonly CompiledGuard[]>, type: DecidedEvent): readonly CompiledGuard[] {
  return map.get(type) ?? NO_GUARDS;
}

export function rulesFor(map: ReadonlyMap<DecidedEvent, EventRules>, type: DecidedEvent): EventRules {
  return map.get(type) ?? NO_RULES;
}

/** The same condition compiled with a tracer, for explanations (cached by the caller). */
export function traceRule(v: VersionData, r: RuleIR): { when: Compiled; tracer: Tracer } {
  const tracer = newTracer();
  return { when: compileExpr(r.when, v, tracer), tracer };
}
