/**
 * `explain`: every rule considered for an event, each condition's value node by node with the IR
 * node ids (and source spans when the IR has them), and why the outcome won. The values come from
 * the same compiled closures evaluation uses, wrapped by a tracer (./expr.ts).
 */
import type { Cite, ExprIR, PolicyIR, RuleOrigin, SpanIR } from "../ir/types.js";
import type { Decision, Outcome } from "./decision.js";
import { exprText, typeOf } from "./expr.js";
import type { DeadLetter } from "./intake.js";
import type { ExplainSink, MeasureTrace } from "./runtime.js";
import { renderValue } from "./template.js";
import { formatInstant } from "../source/time.js";
import type { VersionData } from "./version.js";

/**
 * One node of a rule condition with the value it had for the explained event: the condition's
 * expression tree, node by node, as the compiled program evaluated it.
 */
export interface ExprTrace {
  /** The IR expression kind (`cmp`, `and`, `path`, `lit`, …). */
  kind: ExprIR["kind"];
  /** The IR node id; absent on nodes that did not come from source text (built-in rules, hand-written IR). */
  id?: string;
  /** Where the node is in the policy source, when the IR's `spans` has it. */
  span?: SpanIR;
  /** The sub-expression written as policy text (`group.members + 1 > 500`). */
  text: string;
  /** The value as rendered in reasons; null when short-circuiting skipped the node. */
  value: string | null;
  /** The operands, in source order; absent on leaves. */
  args?: ExprTrace[];
}

/** One rule considered for the explained event: whether its condition held, and why. */
export interface RuleExplanation {
  /** The rule's name, as decisions give it in `rule`. */
  rule: string;
  /** The rule's IR node id. */
  id: string;
  /** Where the rule came from: a `rule` declaration, a section, the engine's built-ins, or a permit. */
  origin: RuleOrigin;
  /** For a rule lowered from a section, that section's kind (`identity`, `tiers`, …); else null. */
  section: string | null;
  effect: "allow" | "deny";
  /** The rule's `when` condition held for the event. */
  holds: boolean;
  /** Where the rule is in the policy source, when the IR's `spans` has it. */
  span?: SpanIR;
  /** The articles and requirement ids the rule serves. */
  cites: Cite[];
  /** The `when` condition with every node's value. */
  condition: ExprTrace;
}

/**
 * What {@link Program.explain} returns: how the engine would judge one event, without changing the
 * state. It lists every rule of the version in force for the event's type in precedence order,
 * with the value of every sub-expression, the outcome, the deciding rule and why it won; the values
 * come from the same compiled closures evaluation uses, so an explanation cannot disagree with the
 * decision. `qungui explain` prints it.
 */
export interface Explanation {
  /** The event's id; null when the input was dead-lettered. */
  event: string | null;
  /** The event's type; null when the input was dead-lettered. */
  type: string | null;
  /** The event's `at` as given; null when the input was dead-lettered. */
  at: string | null;
  /** The policy version that judged the event; null when ungoverned or dead-lettered. */
  policy: string | null;
  /** False when the event is before the policy's first effective instant, or was dead-lettered. */
  governed: boolean;
  /** The engine clock the event was judged at (RFC 3339, in the version's zone); null when ungoverned or dead-lettered. */
  now: string | null;
  /** The primary decision's outcome; null for a dead letter. */
  outcome: Outcome | null;
  /** The deciding rule (the primary decision's `rule`); null for a dead letter. */
  rule: string | null;
  /** One English sentence on why the outcome won (which deny held first, or that no deny held), or why nothing was judged. */
  why: string;
  /** Every rule on the event's type in precedence order (empty for events rules do not decide). */
  rules: RuleExplanation[];
  /**
   * On a `content.flagged` for a known group: every measure of the version, its trigger against
   * the flag (severity, categories, the count in the window against the count required) and
   * whether it applied. The deciding one is `rule`; `why` says how it was chosen.
   */
  measures?: MeasureTrace[];
  /** What `evaluate` returns for the event (timer decisions first). */
  decisions: Decision[];
  /** Set, instead of a primary decision, when the input could not be evaluated. */
  deadLetter?: DeadLetter;
}

function children(e: ExprIR): ExprIR[] {
  switch (e.kind) {
    case "not":
      return [e.arg];
    case "and":
    case "or":
      return e.args;
    case "cmp":
    case "arith":
      return [e.left, e.right];
    case "in":
      return [e.left, ...e.items];
    case "between":
      return [e.left];
    case "if":
      return [e.cond, e.then, e.else];
    default:
      return [];
  }
}

/** Rebuilds the node tree from the tracer's pre-order values (the order compileExpr visits nodes). */
function traceTree(e: ExprIR, values: readonly unknown[], counter: { i: number }, v: VersionData, spans: PolicyIR["spans"]): ExprTrace {
  const raw = values[counter.i++];
  const t: ExprTrace = {
    kind: e.kind,
    text: exprText(e),
    value: raw === undefined ? null : renderValue(raw as never, typeOf(e), v),
  };
  if (e.id !== undefined) {
    t.id = e.id;
    const span = spans[e.id];
    if (span !== undefined) t.span = span;
  }
  const kids = children(e);
  if (kids.length > 0) t.args = kids.map((k) => traceTree(k, values, counter, v, spans));
  return t;
}

export function buildExplanation(ir: PolicyIR, sink: ExplainSink, decisions: Decision[], deadLetter: DeadLetter | undefined, event: { id: string; type: string; at: string } | null): Explanation {
  const v = sink.version?.data ?? null;
  const base = {
    event: event?.id ?? null,
    type: event?.type ?? null,
    at: event?.at ?? null,
  };
  if (deadLetter !== undefined) {
    return { ...base, policy: null, governed: false, now: null, outcome: null, rule: null, why: `dead letter: ${deadLetter.reason}`, rules: [], decisions, deadLetter };
  }
  const primary = decisions[decisions.length - 1]!;
  const rules: RuleExplanation[] = sink.traces.map((tr) => {
    const r = tr.rule;
    const out: RuleExplanation = {
      rule: r.name,
      id: r.id,
      origin: r.origin,
      section: r.section,
      effect: r.effect,
      holds: tr.holds,
      cites: r.cites.map((c) => ({ article: c.article, req: c.req })),
      condition: traceTree(r.when, tr.tracer.values, { i: 0 }, v!, ir.spans),
    };
    const span = ir.spans[r.id];
    if (span !== undefined) out.span = span;
    return out;
  });
  return {
    ...base,
    policy: primary.policy,
    governed: primary.outcome !== "ungoverned",
    now: v === null ? null : formatInstant(sink.now, v.zone),
    outcome: primary.outcome,
    rule: primary.rule,
    why: sink.measures.length > 0 ? measuresWhy(primary, sink.measures) : why(primary, rules, sink.guard),
    rules,
    ...(sink.measures.length > 0 ? { measures: sink.measures } : {}),
    decisions,
  };
}

/** Why this measure names the decision: every matching one applies; the most demanding trigger is named. */
function measuresWhy(d: Decision, measures: readonly MeasureTrace[]): string {
  const applied = measures.filter((m) => m.applied);
  if (applied.length === 0) return `measures: no measure's trigger matches this flag, so the message is only removed (${d.rule})`;
  if (applied.length === 1) return `measures: ${d.rule} is the only measure whose trigger matches; its actions apply`;
  return `measures: ${applied.map((m) => m.measure).join(", ")} match and all apply; ${d.rule} names the decision as the most demanding trigger (highest count, then highest severity — a trigger without a severity ranks lowest — then the first in source order)`;
}

function why(d: Decision, rules: RuleExplanation[], guard: string | null): string {
  const holding = (effect: "allow" | "deny"): string[] => rules.filter((r) => r.effect === effect && r.holds).map((r) => r.rule);
  const denies = holding("deny");
  const allows = holding("allow");
  switch (d.outcome) {
    case "deny":
      if (guard !== null) {
        return `deny: the rules allow it (${allows[0] ?? "?"} holds), but ${guard} refuses a state change that cannot be applied: ${d.reason}`;
      }
      if (d.rule === "engine/no-permit") return `deny: no deny rule holds, and no allow rule holds, so nothing permits ${d.type}`;
      return (
        `deny: ${d.rule} is the first deny rule that holds, and any deny wins over allow` +
        (denies.length > 1 ? ` (deny rules holding: ${denies.join(", ")})` : "") +
        (allows.length > 0 ? ` (allow rules holding: ${allows.join(", ")})` : "")
      );
    case "allow":
      return `allow: no deny rule holds; ${d.rule} is the first allow rule that holds`;
    case "ungoverned":
      return `ungoverned: the event is before the policy's first effective instant; its facts are recorded, nothing is judged`;
    default:
      return `${d.outcome}: ${d.type} is not decided by allow/deny rules; ${d.rule}: ${d.reason}`;
  }
}
