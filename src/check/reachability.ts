/**
 * Rules that can never fire, and allow rules that a deny rule can override. Both read the
 * conditions through the normaliser in ./logic.ts, per policy version.
 */
import type * as A from "../ast/nodes.js";
import type { Ctx } from "./context.js";
import { CODES } from "./ids.js";
import { satisfiable, showAtom, toDnf, type Atom, type Dnf, type Verdict } from "./logic.js";
import { andList } from "./suggest.js";

export interface AnalysedRule {
  rule: A.RuleDecl;
  events: readonly string[];
  /** Null when the condition is too large to analyse. */
  dnf: Dnf | null;
  /** False when some conjunct can hold (or the analysis gave up). */
  never: boolean;
}

function clash(v: Verdict & { sat: false }): string {
  const shown = v.culprits.map(showAtom);
  if (v.culprits.length === 1 && v.culprits[0]!.k === "false") return "its condition is always false";
  if (shown.length === 1) return `\`${shown[0]}\` never holds${v.why ? ` (${v.why})` : ""}`;
  return `${andList(shown)} cannot ${shown.length === 2 ? "both" : "all"} hold`;
}

/** Analyses one well-typed rule; reports it when its condition can never hold. */
export function analyseRule(ctx: Ctx, rule: A.RuleDecl, events: readonly string[], note: string): AnalysedRule {
  const symbols = ctx.version.symbols;
  const dnf = rule.when ? toDnf(rule.when, { types: ctx.types, symbols }) : [[]];
  if (!dnf || !rule.when) return { rule, events, dnf, never: false };
  const verdicts = dnf.map((c) => satisfiable(c, symbols));
  if (verdicts.some((v) => v.sat)) return { rule, events, dnf, never: false };
  const failed = verdicts as (Verdict & { sat: false })[];
  const help = "remove the rule, or correct the condition so that it can hold";
  if (failed.length === 1) {
    ctx.sink.warning(CODES.neverFires, rule.when.span, `rule \`${rule.name.name}\` can never fire: ${clash(failed[0]!)}`, { help, note });
  } else {
    ctx.sink.warning(CODES.neverFires, rule.when.span, `rule \`${rule.name.name}\` can never fire: none of the ${failed.length} alternatives of its condition can hold`, {
      labels: failed.map((v) => ({ span: v.culprits[0]!.src.span, message: clash(v) })),
      help,
      note,
    });
  }
  return { rule, events, dnf, never: true };
}

function overlaps(a: Dnf, b: Dnf, ctx: Ctx): Atom[] | undefined {
  for (const x of a) for (const y of b) if (satisfiable([...x, ...y], ctx.version.symbols).sat) return [...x, ...y];
  return undefined;
}

/** Every allow rule whose condition can hold together with a deny rule's on a shared event. */
export function checkOverlaps(ctx: Ctx, rules: readonly AnalysedRule[]): void {
  const allows = rules.filter((r) => r.rule.effect === "allow" && r.dnf && !r.never);
  const denies = rules.filter((r) => r.rule.effect === "deny" && r.dnf && !r.never);
  for (const allow of allows) {
    for (const deny of denies) {
      const shared = allow.events.filter((e) => deny.events.includes(e));
      if (shared.length === 0) continue;
      if (!overlaps(allow.dnf!, deny.dnf!, ctx)) continue;
      const own = ctx.version.index === 0 || ctx.version.own.has(allow.rule) || ctx.version.own.has(deny.rule);
      ctx.sink.warning(
        CODES.allowDenyOverlap,
        allow.rule.name.span,
        `allow rule \`${allow.rule.name.name}\` and deny rule \`${deny.rule.name.name}\` can both match ${shared.join(", ")}: the deny wins (deny overrides allow)`,
        {
          labels: [{ span: deny.rule.name.span, message: `deny rule \`${deny.rule.name.name}\` overrides the allow when both conditions hold` }],
          help: `if \`${allow.rule.name.name}\` is meant as an exception to \`${deny.rule.name.name}\`, write the exception into \`${deny.rule.name.name}\`'s condition; an allow never overrides a deny`,
          note: own ? "" : ` in version ${ctx.version.version}`,
        },
      );
    }
  }
}
