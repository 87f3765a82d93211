/**
 * What a policy change changes, per event type, proved over every state: the solver encodes the
 * old and the new version's rules on the same facts (src/prove) and enumerates the situations
 * whose outcome or deciding rule differs, one witness per pair of deciding rules; and, rule by
 * rule, whether the rule now holds in different situations. No difference on any event type:
 * the two are equivalent.
 */
import { isDeepStrictEqual } from "node:util";
import type { ExprIR, PolicyIR, RuleIR, VersionIR } from "../ir/types.js";
import { reachableMeasures } from "../ir/lower.js";
import { DECIDED_EVENTS, type DecidedEvent } from "../vocab/events.js";
import { canonicalPath } from "../vocab/paths.js";
import { ACTION_CODES, domainOf, ROLE_CODES, type Domain } from "../prove/domain.js";
import { decision, expr, ruleHolds } from "../prove/encode.js";
import { buildable, Facts, Unsupported } from "../prove/facts.js";
import { readSituation, type FactValue } from "../prove/situation.js";
import { boolOf, intOf, z3, type B, type Model, type Z3 } from "../prove/solver.js";
import { expressionNodes } from "../ir/walk.js";

/** A version of a policy, as one side of a comparison. */
export interface Side {
  ir: PolicyIR;
  version: VersionIR;
}

export interface Outcome {
  allowed: boolean;
  rule: string;
}

/** One kind of changed situation: the old and the new decision, with a witness. */
export interface Transition {
  event: DecidedEvent;
  from: Outcome;
  to: Outcome;
  /** The values of the paths the two deciding rules read, in the witness (as the engine computes them). */
  values: Record<string, FactValue>;
  /** All atomic facts of the witness. */
  facts: Record<string, FactValue>;
}

/** A rule whose condition holds in different situations than before (or that was added or removed). */
export interface RuleChange {
  event: DecidedEvent;
  rule: string;
  change: "added" | "removed" | "changed";
  effect: "allow" | "deny";
  /** For a changed rule: a situation where old and new disagree, and which way. */
  example?: { old: boolean; new: boolean; values: Record<string, FactValue> };
}

export interface SemanticDiff {
  old: string;
  new: string;
  equivalent: boolean;
  transitions: Transition[];
  rules: RuleChange[];
  /** Event types the encoding could not compare (a construct it does not cover), with why. */
  unsupported: { event: DecidedEvent; why: string }[];
  /** True when an event type had more kinds of change than were enumerated. */
  truncated: boolean;
}

const MAX_TRANSITIONS_PER_EVENT = 24;

function pathsOf(e: ExprIR, out: Set<string>): void {
  for (const n of expressionNodes(e)) if (n.kind === "path") out.add(canonicalPath(n.path));
}

/** The values the paths of some rules take in a model, in the policy's names. */
function valuesOf(f: Facts, m: Model, rules: readonly RuleIR[]): Record<string, FactValue> {
  const paths = new Set<string>();
  for (const r of rules) pathsOf(r.when, paths);
  const out: Record<string, FactValue> = {};
  for (const p of [...paths].sort()) {
    const v = expr(f, { kind: "path", path: p, type: "bool" });
    if (v.t === "bool") out[p] = boolOf(m, v.b);
    else if (boolOf(m, v.nul)) out[p] = null;
    else {
      const n = intOf(m, v.n);
      const field = p.slice(p.indexOf(".") + 1);
      out[p] =
        field === "credit"
          ? (f.data.levels[n] ?? n)
          : field === "tier" || field === "tier-after"
            ? (f.data.tierNames[n] ?? n)
            : field === "role"
              ? (ROLE_CODES[n] ?? n)
              : field === "category"
                ? (f.dom.categories[n - 1] ?? "(undeclared)")
                : p === "event.action"
                  ? (ACTION_CODES[n] ?? n)
                  : n;
    }
  }
  return out;
}

function rulesNamed(v: VersionIR, type: DecidedEvent, name: string): RuleIR[] {
  return v.rules.filter((r) => r.on.includes(type) && r.name === name);
}

async function sat(z: Z3, facts: Facts[], goal: B, extra: B[] = []): Promise<Model | null> {
  const s = new z.Solver();
  for (const f of facts) for (const a of f.assumptions) s.add(a);
  s.add(goal, ...extra);
  return (await s.check()) === "sat" ? s.model() : null;
}

async function compareEvent(z: Z3, dom: Domain, a: Side, b: Side, type: DecidedEvent, out: SemanticDiff): Promise<void> {
  const reach = reachableMeasures([...a.ir.versions, ...b.ir.versions]);
  const fa = new Facts(z, dom, a.version, a.ir.versions.indexOf(a.version), undefined, type, reach, { anyTime: true });
  const fb = new Facts(z, dom, b.version, b.ir.versions.indexOf(b.version), undefined, type, reach, { anyTime: true, share: fa.atoms, suffix: "'" });
  const da = decision(fa);
  const db = decision(fb);
  const differs = z.Or(da.allow.neq(db.allow), da.rule.neq(db.rule));
  const blocked: B[] = [];
  for (let i = 0; ; i++) {
    if (i >= MAX_TRANSITIONS_PER_EVENT) {
      out.truncated = true;
      break;
    }
    // A witness ./../prove/witness.ts can build into a stream where there is one, else any.
    const m = (await sat(z, [fa, fb], differs, [...blocked, ...buildable(fa, false)])) ?? (await sat(z, [fa, fb], differs, blocked));
    if (m === null) break;
    const ra = intOf(m, da.rule);
    const rb = intOf(m, db.rule);
    const from = { allowed: boolOf(m, da.allow), rule: dom.ruleName(ra) };
    const to = { allowed: boolOf(m, db.allow), rule: dom.ruleName(rb) };
    const deciding = [...rulesNamed(a.version, type, from.rule), ...rulesNamed(b.version, type, to.rule)];
    out.transitions.push({ event: type, from, to, values: valuesOf(fa, m, deciding), facts: readSituation(fa, da, m).facts });
    blocked.push(z.Not(z.And(da.rule.eq(ra), db.rule.eq(rb), da.allow.eq(z.Bool.val(from.allowed)), db.allow.eq(z.Bool.val(to.allowed)))));
  }
  const names = [...new Set([...a.version.rules, ...b.version.rules].filter((r) => r.on.includes(type)).map((r) => r.name))];
  for (const name of names) {
    const ra = rulesNamed(a.version, type, name);
    const rb = rulesNamed(b.version, type, name);
    const effect = (rb[0] ?? ra[0])!.effect;
    if (ra.length === 0 || rb.length === 0) {
      out.rules.push({ event: type, rule: name, change: ra.length === 0 ? "added" : "removed", effect });
      continue;
    }
    const same = (x: RuleIR, y: RuleIR) => x.effect === y.effect && isDeepStrictEqual(stripIds(x.when), stripIds(y.when));
    if (ra.length === rb.length && ra.every((x, i) => same(x, rb[i]!))) continue;
    const ha = ruleHolds(fa, ra);
    const hb = ruleHolds(fb, rb);
    const m = await sat(z, [fa, fb], ha.neq(hb));
    if (ra[0]!.effect !== rb[0]!.effect) out.rules.push({ event: type, rule: name, change: "changed", effect });
    else if (m !== null) out.rules.push({ event: type, rule: name, change: "changed", effect, example: { old: boolOf(m, ha), new: boolOf(m, hb), values: valuesOf(fa, m, [...ra, ...rb]) } });
  }
}

/** Rule conditions compared without their source ids (which differ between two compilations). */
function stripIds(e: ExprIR): unknown {
  return JSON.parse(JSON.stringify(e, (k, v) => (k === "id" ? undefined : v)));
}

export async function semanticDiff(a: Side, b: Side): Promise<SemanticDiff> {
  const z = await z3();
  const dom = domainOf([a.ir, b.ir]);
  const out: SemanticDiff = { old: `${a.ir.name} ${a.version.version}`, new: `${b.ir.name} ${b.version.version}`, equivalent: true, transitions: [], rules: [], unsupported: [], truncated: false };
  for (const type of DECIDED_EVENTS) {
    try {
      await compareEvent(z, dom, a, b, type, out);
    } catch (e) {
      if (!(e instanceof Unsupported)) throw e;
      out.unsupported.push({ event: type, why: e.message });
    }
  }
  out.equivalent = out.transitions.length === 0 && out.unsupported.length === 0;
  return out;
}
