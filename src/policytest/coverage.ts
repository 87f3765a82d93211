/**
 * Rule and requirement coverage of policy tests. A rule is exercised when it decided an event in
 * some test (`decision.rule`); a measure when it applied to a flag (deciding or not: a flag applies
 * every matching measure); a timer rule when its timer fired. A requirement id is exercised when a
 * decision cited it. Declaratory and doc-only requirements (kind `doc`) have nothing to decide and
 * are reported as not applicable.
 */
import type { Decision } from "../engine/decision.js";
import type { ActionIR, PolicyIR } from "../ir/types.js";
import { REQUIREMENTS } from "../law/articles.js";

export type CoverageKind = "rule" | "measure" | "timer";

export interface CoverageItem {
  name: string;
  kind: CoverageKind;
}

/** Everything of a policy a test can exercise, in a stable order (rules, measures, timers). */
export function coverageUniverse(ir: PolicyIR): CoverageItem[] {
  const out = new Map<string, CoverageKind>();
  const add = (name: string, kind: CoverageKind): void => {
    if (!out.has(name)) out.set(name, kind);
  };
  for (const v of ir.versions) for (const r of v.rules) add(r.name, "rule");
  for (const v of ir.versions) for (const m of v.measures) add(m.name, "measure");
  for (const v of ir.versions) {
    const sources: { name: string; actions: readonly ActionIR[] }[] = [
      ...v.measures.map((m) => ({ name: m.name, actions: m.actions })),
      ...(v.responsibility ? [{ name: "responsibility", actions: v.responsibility.otherwise }] : []),
      ...(v.complaints ? [{ name: "complaints", actions: v.complaints.otherwise }] : []),
    ];
    if (v.complaints) add("complaints/overdue", "timer");
    if (v.responsibility) add("responsibility/unhandled", "timer");
    for (const s of sources) {
      walk(s.actions, (a) => {
        if (a.kind === "suspend-posting") add("measures/posting-resumes", "timer");
        if (a.kind === "suspend-management") add("measures/management-restored", "timer");
        if (a.kind === "blacklist" && a.duration !== null) add("measures/blacklist-lifted", "timer");
        if (a.kind === "warn" && a.rectifyWithin !== null) {
          add(`${s.name}/rectify`, "timer");
          add(`${s.name}/rectified`, "timer");
        }
      });
    }
  }
  return [...out].map(([name, kind]) => ({ name, kind }));
}

function walk(actions: readonly ActionIR[], f: (a: ActionIR) => void): void {
  for (const a of actions) {
    f(a);
    if (a.kind === "warn") walk(a.otherwise, f);
  }
}

/**
 * The names a decision exercises: its deciding rule, and for a flag every measure that applied.
 * The engine lists the applied measures in the reason (`…; measures a, b apply`), the only place a
 * decision names the measures that did not decide.
 */
export function exercised(d: Decision): string[] {
  const out = [d.rule];
  if (d.type === "content.flagged" && d.outcome === "measures" && d.trigger === undefined) {
    const m = /; measures? (.+) appl(?:y|ies)$/.exec(d.reason);
    if (m) for (const name of m[1]!.split(", ")) if (!out.includes(name)) out.push(name);
  }
  return out;
}

export interface CoverageCollector {
  /** Names exercised (rules, measures, timers), with the tests that did. */
  names: Map<string, Set<string>>;
  reqs: Map<string, Set<string>>;
}

export function newCollector(): CoverageCollector {
  return { names: new Map(), reqs: new Map() };
}

export function collect(c: CoverageCollector, d: Decision, test: string): void {
  for (const n of exercised(d)) {
    let s = c.names.get(n);
    if (!s) c.names.set(n, (s = new Set()));
    s.add(test);
  }
  for (const cite of d.cites) {
    let s = c.reqs.get(cite.req);
    if (!s) c.reqs.set(cite.req, (s = new Set()));
    s.add(test);
  }
}

export interface CoverageReport {
  policy: string;
  rules: {
    total: number;
    covered: number;
    percent: number;
    uncovered: CoverageItem[];
  };
  requirements: {
    total: number;
    covered: number;
    percent: number;
    uncovered: string[];
    /** Declaratory or doc-only: nothing a decision can cite. */
    notApplicable: string[];
  };
}

function percent(covered: number, total: number): number {
  return total === 0 ? 100 : Math.floor((covered / total) * 1000) / 10;
}

export function coverageReport(policy: string, ir: PolicyIR, c: CoverageCollector): CoverageReport {
  const universe = coverageUniverse(ir);
  const uncovered = universe.filter((i) => !c.names.has(i.name));
  const applicable = REQUIREMENTS.filter((r) => r.kind !== "doc");
  const notApplicable = REQUIREMENTS.filter((r) => r.kind === "doc").map((r) => r.id);
  const reqUncovered = applicable.filter((r) => !c.reqs.has(r.id)).map((r) => r.id);
  return {
    policy,
    rules: {
      total: universe.length,
      covered: universe.length - uncovered.length,
      percent: percent(universe.length - uncovered.length, universe.length),
      uncovered,
    },
    requirements: {
      total: applicable.length,
      covered: applicable.length - reqUncovered.length,
      percent: percent(applicable.length - reqUncovered.length, applicable.length),
      uncovered: reqUncovered,
      notApplicable,
    },
  };
}
