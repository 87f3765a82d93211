/** The proofs in verify's report: a proof cell per answered requirement, and a confirmed refutation fails it in text, JSON and SARIF. */
import { describe, expect, it } from "vitest";
import { render, reviewerDocument } from "../../src/docgen/index.js";
import { withProofs } from "../../src/prove/merge.js";
import { prove } from "../../src/prove/prove.js";
import { renderJson, renderSarif, renderText } from "../../src/verify/report.js";
import { verify } from "../../src/verify/run.js";
import { compiledEngine } from "../../src/verify/session.js";
import { load, MUTANTS, REFERENCE } from "./helpers.js";

describe("verify with proofs", () => {
  it("marks the reference policy's per-event requirements proved", async () => {
    const ir = load(REFERENCE);
    const only = ["A6.real-name", "A13.retention", "A12.complaints"];
    const report = withProofs(ir, verify(ir, compiledEngine, { seed: 1, runs: 10, only }), await prove(ir, { only }));
    expect(report.ok).toBe(true);
    const cell = (req: string) => report.results.find((r) => r.req === req)?.proof;
    expect(cell("A6.real-name")?.status).toBe("proved");
    expect(cell("A13.retention")?.status).toBe("proved");
    expect(cell("A12.complaints")?.status).toBe("tested");
    expect(renderText(report, "cac-2017.qg", false)).toContain("proved for all states on message.post, group.create, group.info");
    expect(JSON.parse(renderJson(report, "cac-2017.qg")).results.find((r: { req: string }) => r.req === "A6.real-name").proof.status).toBe("proved");
    // The reviewer document's matrix says which requirements are proved and which are tested.
    const md = render(reviewerDocument({ ir, verify: report, sourceHref: () => null }), "md");
    expect(md).toContain("PASS (proved)");
    expect(md).toContain("PASS (tested)");
  }, 60_000);

  it("fails a requirement whose proof is refuted, even where the random streams found nothing", async () => {
    const ir = load(`${MUTANTS}/04-retention-90-days.qg`);
    // No streams at all: the failure can only come from the proof.
    const streams = verify(ir, compiledEngine, { seed: 1, runs: 0, only: ["A13.retention"] });
    const report = withProofs(ir, streams, await prove(ir, { only: ["A13.retention"] }));
    const r = report.results.find((x) => x.req === "A13.retention")!;
    expect(report.ok).toBe(false);
    expect(r.status).toBe("fail");
    expect(r.proof?.status).toBe("refuted");
    expect(r.proof?.witness?.replay).toBe("confirmed");
    const sarif = JSON.parse(renderSarif(report, "04.qg"));
    const result = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === "A13.retention");
    expect(result.properties.counterexample.length).toBeGreaterThan(0);
    expect(renderText(report, "04.qg", false)).not.toContain("张三");
  }, 60_000);
});
