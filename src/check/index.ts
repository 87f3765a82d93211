/**
 * The semantic checker: everything about a parsed policy that the grammar cannot say. It reports
 * every problem at once, as diagnostics QG010–QG069 (catalogue and examples in ./codes.ts and
 * docs/diagnostics.md), sorted by position, and never throws.
 *
 * API
 * - `check(ast)` → `Diagnostic[]`: all findings, sorted with `sortDiagnostics`.
 * - `analyze(ast)` → `CheckedPolicy`: the findings plus what the IR emitter needs (cached per AST
 *   object, so `check` then `typeOfExprs` analyse once):
 *   - `types`: the value type of every expression node the checker could type
 *     (`Map<Expr, ValueType>`); `ParenExpr`, `IfExpr` and `ArithExpr` nodes have their result
 *     type. A rule inherited by an amendment is typed in the first version that has it.
 *   - `versions`: the base version and one per amendment, with the sections, rules and measures
 *     in force and the names declared (`symbols`).
 * - `typeOfExprs(ast)`: `analyze(ast).types`.
 * - `isEnumLiteral(expr, types)`: whether a single-name `PathExpr` is an enumeration literal (a
 *   level, category, tier, severity, role or action, its type being `types.get(expr)`) rather
 *   than a path. Ask this, not "is it a root": `creator` is a root and also a role.
 * - `zonedInstant(text, zone)` (./zone.ts): a local date-time in an IANA zone or a fixed offset
 *   as epoch milliseconds, or undefined when either is invalid.
 *
 * The checks, one module each: names.ts (sections once, names once, names defined, removals),
 * citations.ts (`serves`), header.ts (effective dates, zones), rules.ts and types.ts (events,
 * condition types, `because` templates), tiers.ts (A7.tiers bands), limits.ts (A8 caps, A7.credit
 * monotony), measures.ts (A11 record and report, A12 escalation, targets), retention.ts (A13),
 * sections.ts (required clauses), reachability.ts with logic.ts (rules that never fire, allow
 * rules a deny overrides). versions.ts builds the versions they run on; context.ts, sink.ts,
 * suggest.ts and exprs.ts are shared helpers.
 */
import type * as A from "../ast/nodes.js";
import { sortDiagnostics, diagnostic, type Diagnostic } from "../source/diagnostic.js";
import type { ValueType } from "../vocab/paths.js";
import type { Ctx } from "./context.js";
import { checkCitations } from "./citations.js";
import { checkHeader } from "./header.js";
import { checkLimits } from "./limits.js";
import { checkMeasures } from "./measures.js";
import { checkDuplicateNames, checkDuplicateSections, checkListedTwice, checkRemovals, checkSectionNames } from "./names.js";
import { analyseRule, checkOverlaps, type AnalysedRule } from "./reachability.js";
import { checkRetention, checkRetentionExists } from "./retention.js";
import { checkRule } from "./rules.js";
import { checkSectionClauses } from "./sections.js";
import { Sink } from "./sink.js";
import { checkTiers } from "./tiers.js";
import { buildVersions, type VersionView } from "./versions.js";
import { enumLiteralName } from "./exprs.js";
import { noteFor } from "./context.js";
import { CODES } from "./ids.js";

export { zonedInstant } from "./zone.js";
export { CHECK_CODES } from "./codes.js";
export { CODES } from "./ids.js";
export type { VersionView, Symbols, SectionKind } from "./versions.js";

export interface CheckedPolicy {
  diagnostics: Diagnostic[];
  types: Map<A.Expr, ValueType>;
  versions: VersionView[];
}

/** Code of the one diagnostic that is not about the policy: a bug in the checker itself. */
export const INTERNAL_ERROR = CODES.internalError;

/**
 * Whether an expression is an enumeration literal: a single name the checker typed as a level,
 * category, tier, severity, role or action. Decide by this rather than by "not a root": `creator`
 * is a root and also a role, and `user.role == creator` compares with the role.
 */
export function isEnumLiteral(e: A.Expr, types: ReadonlyMap<A.Expr, ValueType>): e is A.PathExpr {
  return enumLiteralName(e, types) !== undefined;
}

/** `check` and then `typeOfExprs` on the same AST (as the compiler does) analyse it once. */
const analysed = new WeakMap<A.PolicyFile, CheckedPolicy>();

export function analyze(ast: A.PolicyFile): CheckedPolicy {
  const known = analysed.get(ast);
  if (known) return { ...known, diagnostics: [...known.diagnostics] };
  const result = analyzeOnce(ast);
  analysed.set(ast, result);
  return { ...result, diagnostics: [...result.diagnostics] };
}

function analyzeOnce(ast: A.PolicyFile): CheckedPolicy {
  const sink = new Sink();
  const types = new Map<A.Expr, ValueType>();
  let versions: VersionView[] = [];
  // Each stage runs on its own: a bug in one still lets the others report, and never escapes.
  const stage = (name: string, fn: () => void) => {
    try {
      fn();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      sink.diagnostics.push(diagnostic(INTERNAL_ERROR, "error", ast.span, `internal error in the checker (${name}): ${message}`, { help: "this is a bug in qungui, not in the policy; please report it" }));
    }
  };
  stage("versions", () => {
    versions = buildVersions(ast);
  });
  stage("sections", () => checkDuplicateSections(ast, sink));
  stage("names", () => checkDuplicateNames(ast, sink));
  stage("lists", () => checkListedTwice(ast, sink));
  stage("citations", () => checkCitations(ast, sink));
  stage("header", () => checkHeader(ast, versions, sink));
  stage("removals", () => checkRemovals(versions, sink));
  if (versions[0]) stage("retention", () => checkRetentionExists(ast, versions[0]!, sink));
  for (const version of versions) {
    const ctx: Ctx = { sink, version, types };
    stage("section names", () => checkSectionNames(ctx));
    stage("section clauses", () => checkSectionClauses(ctx));
    stage("tiers", () => checkTiers(ctx));
    stage("limits", () => checkLimits(ctx));
    stage("measures", () => checkMeasures(ctx));
    stage("retention", () => checkRetention(ctx));
    stage("rules", () => {
      const analysed: AnalysedRule[] = [];
      for (const rule of version.ruleNodes) {
        const env = checkRule(ctx, rule);
        if (env.errors > 0) continue;
        analysed.push(analyseRule(ctx, rule, env.events.map((e) => e.event), noteFor(ctx, rule)));
      }
      checkOverlaps(ctx, analysed);
    });
  }
  return { diagnostics: sortDiagnostics(sink.diagnostics), types, versions };
}

/** Every semantic problem of a parsed policy, sorted by position. Never throws. */
export function check(ast: A.PolicyFile): Diagnostic[] {
  return analyze(ast).diagnostics;
}

/** The inferred type of each expression node (see `analyze`). */
export function typeOfExprs(ast: A.PolicyFile): Map<A.Expr, ValueType> {
  return analyze(ast).types;
}
