/**
 * A version's allow/deny rules and its integrity guards, compiled once and indexed by event type,
 * so judging an event costs only the rules that name its type. Denies and allows are kept in two
 * lists, each in precedence order: the first deny that holds decides, else the first allow that
 * holds (forbid overrides permit, docs/engine.md "Decided events"); an allow then stands unless one
 * of the type's guards holds.
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

/** An integrity guard of the IR (src/ir/guards.ts), compiled like a rule. */
export interface CompiledGuard {
  ir: GuardIR;
  when: Compiled;
  because: Template;
  cites: readonly Cite[];
}

export interface EventRules {
  denies: readonly CompiledRule[];
  allows: readonly CompiledRule[];
  /** Every rule on the event type in precedence order (for explanations). */
  all: readonly CompiledRule[];
  /** The version's guards on the event type, in the IR's order: the first that holds refuses an allowed event. */
  guards: readonly CompiledGuard[];
}

const NO_RULES: EventRules = { denies: [], allows: [], all: [], guards: [] };

type Lists = { denies: CompiledRule[]; allows: CompiledRule[]; all: CompiledRule[]; guards: CompiledGuard[] };

export function freezeCites(cites: readonly Cite[]): readonly Cite[] {
  return Object.freeze(cites.map((c) => Object.freeze({ article: c.article, req: c.req })));
}

export function compileRules(v: VersionData, rules: readonly RuleIR[], guards: readonly GuardIR[]): ReadonlyMap<DecidedEvent, EventRules> {
  const byType = new Map<DecidedEvent, Lists>();
  const listOf = (type: DecidedEvent): Lists => {
    let list = byType.get(type);
    if (list === undefined) byType.set(type, (list = { denies: [], allows: [], all: [], guards: [] }));
    return list;
  };
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
      const list = listOf(type);
      (r.effect === "deny" ? list.denies : list.allows).push(compiled);
      list.all.push(compiled);
    }
  }
  for (const g of guards) {
    let compiled: CompiledGuard;
    try {
      compiled = { ir: g, when: compileExpr(g.when, v), because: compileTemplate(g.because), cites: freezeCites(g.cites) };
    } catch (e) {
      errors.push(`version ${v.version}, guard ${g.name}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    for (const type of g.on) listOf(type).guards.push(compiled);
  }
  if (errors.length > 0) throw new ProgramError(errors.join("; "));
  return byType;
}

export function rulesFor(map: ReadonlyMap<DecidedEvent, EventRules>, type: DecidedEvent): EventRules {
  return map.get(type) ?? NO_RULES;
}

/** The same condition compiled with a tracer, for explanations (cached by the caller). */
export function traceRule(v: VersionData, r: RuleIR): { when: Compiled; tracer: Tracer } {
  const tracer = newTracer();
  return { when: compileExpr(r.when, v, tracer), tracer };
}
