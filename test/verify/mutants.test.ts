/**
 * `qungui verify` against the scaled reference policy (must pass) and its mutants (each must fail
 * with the requirement it breaks, with a counterexample of at most 10 events where the requirement
 * is judged on streams). The mutants are made by scripts/make-mutants.ts.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compilePolicyText } from "../../src/compile.js";
import { loadIRText } from "../../src/ir/load.js";
import type { PolicyIR } from "../../src/ir/types.js";
import type { Decision } from "../../src/engine/decision.js";
import type { GenEvent } from "../../src/verify/oracle.js";
import { verify, type CheckerFinding, type EngineFactory, type EngineSession, type VerifyReport } from "../../src/verify/run.js";
import { checkerFindings } from "../../src/verify/checker.js";
import { compiledEngine } from "../../src/verify/session.js";

const dir = "test/verify/mutants";
const manifest = JSON.parse(readFileSync(`${dir}/mutants.json`, "utf8")) as { file: string; req: string; what: string; issueClass?: number; stream?: boolean; runs?: number; proofOnly?: boolean }[];

/** The IR, and for a `.qg` the checker's errors with requirement ids, as `qungui verify` passes them. */
function load(file: string): { ir: PolicyIR; checker: CheckerFinding[] } {
  const text = readFileSync(file, "utf8");
  if (file.endsWith(".json")) {
    const { ir, diagnostics } = loadIRText(text);
    if (!ir) throw new Error(diagnostics.map((d) => d.message).join("; "));
    return { ir, checker: [] };
  }
  const { ir, diagnostics } = compilePolicyText(text, file, { lenient: true });
  if (!ir) throw new Error(diagnostics.map((d) => d.message).join("; "));
  return { ir, checker: checkerFindings(diagnostics) };
}

/**
 * Breaches that are structure, not behaviour: a tier gap only shows as joins refused for want of a
 * tier, and a missing responsibility section leaves nothing to observe on a stream. Verify reports
 * them statically, at the source span.
 */
const STRUCTURAL_ONLY = new Set(["02-tier-gap.qg", "09-no-responsibility.qg"]);

const run = ({ ir, checker }: { ir: PolicyIR; checker: CheckerFinding[] }, engine: EngineFactory = compiledEngine, runs = 1000): VerifyReport => verify(ir, engine, { seed: 7, runs, checker });

describe("verify: the scaled reference policy", () => {
  it("passes every requirement", () => {
    const report = run(load(`${dir}/base.qg`));
    const failed = report.results.filter((r) => r.status === "fail").map((r) => `${r.req}: ${r.detail ?? ""} ${JSON.stringify(r.counterexample?.events ?? [])}`);
    expect(failed).toEqual([]);
  });
});

describe("verify: mutants of the reference policy", () => {
  it("has at least 15 mutants", () => {
    expect(manifest.length).toBeGreaterThanOrEqual(15);
  });

  it("has a mutant of the reference policy for each class of issue 14", () => {
    expect([...new Set(manifest.map((m) => m.issueClass).filter((c) => c !== undefined))].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  // `proofOnly`: the breach needs an event random streams never send (a user re-roling themselves);
  // test/prove/prove.test.ts refutes it by a proof with a replayed, confirmed stream.
  for (const m of manifest.filter((x) => x.proofOnly !== true)) {
    it(`${m.req}: fails ${m.file} (${m.what})`, () => {
      const report = run(load(`${dir}/${m.file}`), compiledEngine, m.runs ?? 1000);
      const result = report.results.find((r) => r.req === m.req)!;
      expect(result.status, JSON.stringify(report.results.filter((r) => r.status === "fail").map((r) => r.req))).toBe("fail");
      expect(report.ok).toBe(false);
      if (STRUCTURAL_ONLY.has(m.file) || m.stream === false) {
        expect(result.findings?.length ?? 0).toBeGreaterThan(0);
      } else {
        expect(result.counterexample, "a stream that shows the breach").toBeDefined();
        expect(result.counterexample!.events.length).toBeLessThanOrEqual(10);
        expect(result.counterexample!.violation.req).toBe(m.req);
      }
    });
  }
});

/**
 * Requirements no policy can break on this engine are broken by a corrupted engine instead: each
 * mutant rewrites the decisions of the real engine, as a buggy engine would produce them.
 */
type Corrupt = (d: Decision, event: GenEvent, seen: string[]) => Decision;

function corruptEngine(corrupt: Corrupt): EngineFactory {
  return (ir) => {
    const start = compiledEngine(ir);
    const wrap = (s: EngineSession, seen: string[]): EngineSession => ({
      feed(event) {
        const identity = event["identity"] as { name?: string } | undefined;
        if (identity?.name) seen.push(identity.name);
        const out = s.feed(event);
        if ("refused" in out) return out;
        const decisions = out.decisions.map((d) => corrupt(d, event, seen));
        return { decisions, serialized: decisions.map((d) => JSON.stringify(d)) };
      },
      snapshot: () => s.snapshot(),
      fork: () => wrap(s.fork(), [...seen]),
    });
    return () => wrap(start(), []);
  };
}

const ENGINE_MUTANTS: { req: string; what: string; corrupt: Corrupt }[] = [
  { req: "A6.pii", what: "echoes the name given at verification in every reason", corrupt: (d, _e, seen) => ({ ...d, reason: `${d.reason} (${seen.join(",")})` }) },
  { req: "A2.roles", what: "calls everyone a member", corrupt: (d) => (d.subject.role ? { ...d, subject: { ...d.subject, role: "member" } } : d) },
  { req: "A10.prohibited-content", what: "leaves flagged messages in place", corrupt: (d) => ({ ...d, effects: d.effects.filter((x) => x.kind !== "remove-message") }) },
  {
    req: "A8.group-id",
    what: "lets a used group id be created again",
    corrupt: (d) => (d.rule === "groups/id-used" || d.rule === "integrity/group-id-used" ? { ...d, outcome: "allow", rule: "permit/group.create" } : d),
  },
];

describe("verify: engines that break what no policy can", () => {
  for (const m of ENGINE_MUTANTS) {
    it(`${m.req}: fails an engine that ${m.what}`, () => {
      const report = run(load(`${dir}/base.qg`), corruptEngine(m.corrupt));
      const result = report.results.find((r) => r.req === m.req)!;
      expect(result.status).toBe("fail");
      expect(result.counterexample!.events.length).toBeLessThanOrEqual(10);
      expect(result.counterexample!.violation.req).toBe(m.req);
    });
  }
});
