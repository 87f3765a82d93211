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
import { verify, type EngineFactory, type VerifyReport } from "../../src/verify/run.js";
import { compiledEngine } from "../../src/verify/session.js";

const dir = "test/verify/mutants";
const manifest = JSON.parse(readFileSync(`${dir}/mutants.json`, "utf8")) as { file: string; req: string; what: string }[];

function load(file: string): PolicyIR {
  const text = readFileSync(file, "utf8");
  if (file.endsWith(".json")) {
    const { ir, diagnostics } = loadIRText(text);
    if (!ir) throw new Error(diagnostics.map((d) => d.message).join("; "));
    return ir;
  }
  const { ir, diagnostics } = compilePolicyText(text, file, { lenient: true });
  if (!ir) throw new Error(diagnostics.map((d) => d.message).join("; "));
  return ir;
}

const run = (ir: PolicyIR, engine: EngineFactory = compiledEngine, runs = 400): VerifyReport => verify(ir, engine, { seed: 7, runs });

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

  for (const m of manifest) {
    it(`${m.req}: fails ${m.file} (${m.what})`, () => {
      const report = run(load(`${dir}/${m.file}`));
      const result = report.results.find((r) => r.req === m.req)!;
      expect(result.status, JSON.stringify(report.results.filter((r) => r.status === "fail").map((r) => r.req))).toBe("fail");
      expect(report.ok).toBe(false);
      if (result.counterexample) {
        expect(result.counterexample.events.length).toBeLessThanOrEqual(10);
        expect(result.counterexample.violation.req).toBe(m.req);
      } else {
        expect(result.findings?.length ?? 0).toBeGreaterThan(0);
      }
    });
  }
});

describe("verify: an engine that leaks personal information", () => {
  it("A6.pii: fails when a decision echoes an identity value", () => {
    // A deliberately broken engine: it copies the name from `user.verified` into its reasons.
    const leaky: EngineFactory = (ir) => {
      const start = compiledEngine(ir);
      const wrap = (s: ReturnType<typeof start>, names: string[]): ReturnType<typeof start> => ({
        feed(event) {
          const identity = event["identity"] as { name?: string } | undefined;
          if (identity?.name) names.push(identity.name);
          const out = s.feed(event);
          if ("refused" in out) return out;
          const decisions = out.decisions.map((d) => ({ ...d, reason: `${d.reason} (${names.join(",")})` }));
          return { decisions, serialized: decisions.map((d) => JSON.stringify(d)) };
        },
        snapshot: () => s.snapshot(),
        fork: () => wrap(s.fork(), [...names]),
      });
      return () => wrap(start(), []);
    };
    const report = run(load(`${dir}/base.qg`), leaky, 200);
    const pii = report.results.find((r) => r.req === "A6.pii")!;
    expect(pii.status).toBe("fail");
    expect(pii.counterexample!.events.length).toBeLessThanOrEqual(10);
    expect(pii.counterexample!.events.some((e) => e.type === "user.verified")).toBe(true);
  });
});
