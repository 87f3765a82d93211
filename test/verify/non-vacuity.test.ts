/**
 * Issue 14, class 3: every stream property counts the situations that exercised it; a property no
 * stream exercised fails its requirement ("not exercised") unless the policy gives it nothing to
 * judge, with the reason. The counts appear in the text, JSON and SARIF reports, and docs/verify.md
 * lists every property.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compilePolicyText } from "../../src/compile.js";
import { main } from "../../src/cli/main.js";
import { STREAM_PROPERTIES } from "../../src/verify/properties.js";
import { renderSarif, renderText } from "../../src/verify/report.js";
import { verify } from "../../src/verify/run.js";
import { compiledEngine } from "../../src/verify/session.js";

const baseFile = "test/verify/mutants/base.qg";
const base = compilePolicyText(readFileSync(baseFile, "utf8"), baseFile, { lenient: true }).ir!;

describe("non-vacuity", () => {
  it("with no streams at all, every stream requirement is not exercised and fails", () => {
    const report = verify(base, compiledEngine, { seed: 1, runs: 0 });
    const stream = report.results.filter((r) => r.properties);
    expect(stream.length).toBeGreaterThan(15);
    for (const r of stream) {
      const applicable = r.properties!.filter((p) => !p.inapplicable);
      if (applicable.length === 0) continue;
      expect(r.status, r.req).toBe("fail");
      expect(r.findings?.some((f) => f.message.startsWith("not exercised: no generated stream had")), r.req).toBe(true);
    }
    expect(report.ok).toBe(false);
    expect(renderText(report, baseFile, false)).toMatch(/must not {4}A8\.member-cap\/join: NOT EXERCISED/);
  });

  it("an inapplicable property says why and fails nothing: a policy without amendments", () => {
    const report = verify(base, compiledEngine, { seed: 7, runs: 200 });
    const effective = report.results.find((r) => r.req === "A15.effective")!;
    expect(effective.status).toBe("pass");
    expect(effective.properties!.find((p) => p.id === "A15.effective/amended")).toEqual({ id: "A15.effective/amended", kind: "must happen", exercised: 0, inapplicable: "the policy has no amendment" });
    expect(effective.properties!.find((p) => p.id === "A15.effective/ungoverned")!.exercised).toBeGreaterThan(0);
  });

  it("events after an amendment are exercised when the policy has one", () => {
    const text = `${readFileSync(baseFile, "utf8")}\namendment "1.1" {\n  serves A15.effective\n  effective 2019-01-01 in Asia/Shanghai\n  limits {\n    serves A8.member-cap\n    members per group 7\n  }\n}\n`;
    const ir = compilePolicyText(text, "amended.qg", { lenient: true }).ir!;
    const report = verify(ir, compiledEngine, { seed: 7, runs: 300 });
    const amended = report.results.find((r) => r.req === "A15.effective")!.properties!.find((p) => p.id === "A15.effective/amended")!;
    expect(amended.inapplicable).toBeUndefined();
    expect(amended.exercised).toBeGreaterThan(0);
    expect(report.results.filter((r) => r.status === "fail").map((r) => `${r.req}: ${r.detail}`)).toEqual([]);
  });

  it("the reports show the counts: text line, JSON properties, SARIF run properties", async () => {
    const report = verify(base, compiledEngine, { seed: 7, runs: 100 });
    const text = renderText(report, baseFile, false);
    expect(text).toMatch(/^(PASS|FAIL) {2}A9\.management-rights +Art\. 9 +100 runs +.*exercised \d+ \+ \d+$/m);
    const sarif = JSON.parse(renderSarif(report, baseFile)) as { runs: { properties: { exercised: Record<string, Record<string, number | null>> } }[] };
    expect(sarif.runs[0]!.properties.exercised["A11.responsibility"]!["A11.responsibility/holds-someone"]).toBeGreaterThanOrEqual(0);
    expect(sarif.runs[0]!.properties.exercised["A15.effective"]!["A15.effective/amended"]).toBeNull();
    const out: string[] = [];
    await main(["node", "qungui", "verify", "--no-progress", "--runs", "50", "--format", "json", baseFile], { out: (s: string) => void out.push(s), err: () => undefined, color: false });
    const json = JSON.parse(out.join("")) as { results: { req: string; properties?: { id: string; kind: string; exercised: number }[] }[] };
    const roles = json.results.find((r) => r.req === "A2.roles")!;
    expect(roles.properties).toEqual([{ id: "A2.roles/named", kind: "must not", exercised: expect.any(Number) }]);
  });

  it("docs/verify.md lists every stream property with its kind", () => {
    const doc = readFileSync("docs/verify.md", "utf8");
    for (const p of STREAM_PROPERTIES) {
      const row = doc.split("\n").find((l) => l.includes(`\`${p.id}\``));
      expect(row, p.id).toBeDefined();
      expect(row, p.id).toContain(p.kind);
    }
  });
});
