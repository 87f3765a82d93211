/**
 * The coverage matrix: what implements each requirement, which tests exercise it, what verify
 * found, and the gaps (docs: reviewer document, "Coverage matrix").
 */
import { describe, expect, test } from "vitest";
import { buildMatrix, collectTestEvidence, implementationItems, render, reviewerDocument, type TestEvidence } from "../../../src/docgen/index.js";
import { fileHost } from "../../../src/cli/test.js";
import { REQUIREMENTS } from "../../../src/law/articles.js";
import { compiled, REFERENCE, SMALL, smallEvidence, syntheticReport } from "./helpers.js";

const row = (m: ReturnType<typeof buildMatrix>, id: string) => m.rows.find((r) => r.req.id === id)!;

describe("coverage matrix", () => {
  const small = compiled(SMALL).ir;
  const evidence = smallEvidence();

  test("the test evidence of the small policy: 3 tests pass, per rule and per requirement", () => {
    expect(evidence.problems).toEqual([]);
    expect(evidence.passed).toBe(3);
    expect(evidence.byName["real-name/create"]).toEqual(["A6.real-name: a user without a verified real identity cannot create a group"]);
    expect(evidence.byName["quiet-hours-for-low-credit"]).toBeUndefined();
    expect(Object.keys(evidence.byReq)).toContain("A8.group-id");
  });

  test("one row per requirement id, in the order of the registry (src/law/articles.ts)", () => {
    const m = buildMatrix(small);
    expect(m.rows.map((r) => r.req.id)).toEqual(REQUIREMENTS.map((r) => r.id));
  });

  test("a rule that no test exercises is a gap of every requirement it serves", () => {
    const m = buildMatrix(small, { tests: evidence });
    const credit = row(m, "A7.credit");
    expect(credit.implemented).toBe("yes");
    expect(credit.items.map((i) => i.name)).toContain("quiet-hours-for-low-credit");
    expect(credit.items.find((i) => i.name === "quiet-hours-for-low-credit")!.tests).toEqual([]);
    expect(credit.tested).not.toBe("yes");
    expect(credit.gaps.join(" ")).toContain("quiet-hours-for-low-credit");
    expect(m.summary.complete).toBe(false);
    expect(m.summary.gapReqs).toContain("A7.credit");
  });

  test("a requirement whose rules all decided in some test is tested", () => {
    const m = buildMatrix(small, { tests: evidence });
    const realName = row(m, "A6.real-name");
    expect(realName.items.filter((i) => i.kind === "rule").map((i) => i.name)).toEqual(["real-name/post", "real-name/create", "real-name/set-info"]);
    // real-name/post and real-name/set-info never decided: partly tested.
    expect(realName.tested).toBe("partial");
    expect(realName.tests).toEqual(["A6.real-name: a user without a verified real identity cannot create a group"]);
    const rule = (name: string) => realName.items.find((i) => i.name === name)!;
    expect(rule("real-name/create").tests).toHaveLength(1);
    expect(rule("real-name/post").tests).toEqual([]);
  });

  test("a requirement no test exercises: `no`, with a gap", () => {
    const m = buildMatrix(small, { tests: evidence });
    const cap = row(m, "A8.member-cap");
    expect(cap.tested).toBe("no");
    expect(cap.gaps).toContain("no test exercises A8.member-cap");
  });

  test("permits cite many requirements but do not count as testing them", () => {
    const m = buildMatrix(small, { tests: evidence });
    // permit/group.create decided in a test and cites A8.user-caps; no limits rule decided.
    expect(evidence.byReq["A8.user-caps"]?.length).toBeGreaterThan(0);
    expect(row(m, "A8.user-caps").tested).toBe("no");
  });

  test("a failing test is a gap of the requirement it is named after", () => {
    const failing: TestEvidence = { ...evidence, failed: 1, failedTests: ["A8.group-id: a group id is never used twice"] };
    const m = buildMatrix(small, { tests: failing });
    expect(row(m, "A8.group-id").tested).toBe("fail");
    expect(row(m, "A8.group-id").gaps[0]).toContain("failing test");
  });

  test("a test file with errors: every requirement is a gap", () => {
    const broken: TestEvidence = { ...evidence, problems: ["small.test.yaml:3:1: unknown key"] };
    const m = buildMatrix(small, { tests: broken });
    expect(row(m, "A6.real-name").tested).toBe("fail");
    expect(m.summary.testsRun).toBe(true);
  });

  test("without tests and verify, nothing is tested or verified and the headline says so", () => {
    const m = buildMatrix(small);
    expect(row(m, "A6.real-name").tested).toBe("not-run");
    expect(row(m, "A6.real-name").verified).toBe("not-run");
    expect(m.summary.headline).toContain("no policy tests");
    expect(m.summary.headline).toContain("not verified (run with --verify)");
  });

  test("verify results: pass, fail (a gap with the reason), not applicable (no gap)", () => {
    const m = buildMatrix(small, { tests: evidence, verify: syntheticReport(small) });
    expect(row(m, "A6.real-name").verified).toBe("yes");
    expect(row(m, "A12.complaints").verified).toBe("fail");
    expect(row(m, "A12.complaints").gaps).toContain("verify fails: complaint c1 was not escalated at its deadline");
    expect(row(m, "A8.user-caps").verified).toBe("n/a");
    expect(row(m, "A8.user-caps").gaps.join(" ")).not.toContain("verify");
    expect(m.summary.verifiedNotApplicable).toEqual(["A8.user-caps"]);
  });

  test("declaratory and documentation requirements are never gaps", () => {
    const m = buildMatrix(small, { tests: evidence, verify: syntheticReport(small) });
    for (const id of ["A1.purpose", "A3.authorities", "A4.orientation", "A14.liability"]) {
      expect(row(m, id)).toMatchObject({ implemented: "n/a", tested: "n/a", verified: "n/a", gaps: [] });
    }
    expect(row(m, "A5.published-rules")).toMatchObject({ implemented: "yes", gaps: [] });
    expect(row(m, "A7.filing").items[0]!.kind).toBe("document");
    expect(m.summary.applicable).toBe(23);
  });

  test("a requirement nothing in the policy serves is not implemented", () => {
    const ir = structuredClone(small);
    for (const v of ir.versions) {
      v.complaints = null;
      v.rules = v.rules.map((r) => ({ ...r, cites: r.cites.filter((c) => c.req !== "A12.complaints") }));
    }
    const m = buildMatrix(ir);
    expect(row(m, "A12.complaints").implemented).toBe("no");
    expect(row(m, "A12.complaints").gaps).toContain("nothing in the policy serves A12.complaints");
  });

  test("complete: every requirement implemented, every rule exercised, every requirement verified", () => {
    const ref = compiled(REFERENCE).ir;
    const m = buildMatrix(ref, { tests: { file: "x", passed: 1, failed: 0, problems: [], byName: Object.fromEntries(implementationItems(ref, null).map((i) => [i.name, ["t"]])), byReq: {}, failedTests: [] } });
    expect(m.summary.implemented).toBe(23);
    // Requirements that only sections or the engine implement need a test whose decisions cite them.
    expect(m.rows.filter((r) => r.tested === "no").map((r) => r.req.id)).toEqual(["A6.pii", "A10.prohibited-content", "A15.effective"]);
    const complete = buildMatrix(ref, {
      tests: { file: "x", passed: 1, failed: 0, problems: [], byName: Object.fromEntries(implementationItems(ref, null).map((i) => [i.name, ["t"]])), byReq: Object.fromEntries(REQUIREMENTS.map((r) => [r.id, ["t"]])), failedTests: [] },
      verify: { ...syntheticReport(ref), results: syntheticReport(ref).results.map((r) => (r.status === "fail" ? { ...r, status: "pass" as const, counterexample: undefined } : r)) },
    });
    expect(complete.summary.complete).toBe(true);
    expect(complete.summary.headline).toBe("Every one of the 23 requirements that rules can implement is implemented, tested and verified. 12 organisational obligations (Articles 4, 5, 12 and 13) are outside the policy and not covered by the engine: see the checklist of each article.");
  });

  test("items: timers and sections serve what their section cites", () => {
    const items = implementationItems(compiled(REFERENCE).ir, null);
    const names = items.map((i) => `${i.kind}:${i.name}`);
    for (const n of ["timer:complaints/overdue", "timer:responsibility/unhandled", "timer:warn-on-minor/rectify", "timer:measures/posting-resumes", "measure:close-on-repeat", "section:tiers section", "section:policy header", "rule:news-needs-credit"]) expect(names).toContain(n);
    expect(items.find((i) => i.name === "complaints/overdue")!.cites).toEqual(["A12.complaints"]);
    expect(items.find((i) => i.name === "measures/blacklist-lifted")!.cites).toEqual(["A11.blacklist"]);
    expect(items.some((i) => i.name.startsWith("permit/"))).toBe(false);
  });
});

describe("evidence that is accurate (issue 16)", () => {
  test("no literal backtick reaches the HTML; notes keep their code as code", () => {
    const { ir, text } = compiled("policies/cac-2017.qg");
    const html = render(reviewerDocument({ ir, source: { file: "policies/cac-2017.qg", text }, tests: collectTestEvidence("policies/cac-2017.test.yaml", fileHost, "policies/cac-2017.qg") }), "html");
    expect(html.replace(/<script>[\s\S]*?<\/script>/g, "")).not.toContain("`");
    expect(html).toContain("<code>qungui records export</code>");
  });

  test("without --verify the Gaps column says what did not run, never a bare dash", () => {
    const { ir } = compiled("policies/cac-2017.qg");
    const html = render(reviewerDocument({ ir, tests: collectTestEvidence("policies/cac-2017.test.yaml", fileHost, "policies/cac-2017.qg") }), "html");
    const row = html.split("\n").find((l) => l.startsWith("<tr>") && l.includes('href="#req-A6.real-name"'))!;
    expect(row).toContain('<span class="tone-na">not run (verify)</span>');
    const none = render(reviewerDocument({ ir }), "html").split("\n").find((l) => l.startsWith("<tr>") && l.includes('href="#req-A6.real-name"'))!;
    expect(none).toContain("not run (tests, verify)");
  });

  test("A13.inspection is not counted as tested by purge tests: no policy test can export records", () => {
    const { ir } = compiled("policies/cac-2017.qg");
    const m = buildMatrix(ir, { tests: collectTestEvidence("policies/cac-2017.test.yaml", fileHost, "policies/cac-2017.qg") });
    const row = m.rows.find((r) => r.req.id === "A13.inspection")!;
    expect(row.tested).toBe("n/a");
    expect(row.tests).toEqual([]);
    expect(row.note).toContain("test/integration/records.test.ts");
    expect(row.gaps).toEqual([]);
  });
});

describe("source links point at each rule's own line", () => {
  test("the limits rules link to their clauses, not to the block's first line", () => {
    const { ir, text } = compiled("policies/cac-2017.qg");
    const lines = text.split("\n");
    const items = implementationItems(ir, null).filter((i) => i.name.startsWith("limits/"));
    const clause: Record<string, string> = { "limits/member-cap": "members per group", "limits/groups-created": "groups created per user", "limits/groups-joined": "groups joined per user", "limits/info-page": "info page from" };
    expect(items.map((i) => i.name).sort()).toEqual(Object.keys(clause).sort());
    for (const i of items) expect(lines[i.span!.line - 1], i.name).toContain(clause[i.name]!);
    expect(new Set(items.map((i) => i.span!.line)).size).toBe(4);
  });
});

describe("source links of the other multi-clause sections", () => {
  test("agreement, identity, blacklist and retention rules link to their own clause; tier create/grow rules to the creator qualification", () => {
    const { ir, text } = compiled("policies/cac-2017.qg");
    const lines = text.split("\n");
    const items = implementationItems(ir, null);
    const clause = (name: string): string | null => {
      if (name.startsWith("agreement/")) return "required for";
      if (name.startsWith("real-name/")) return "verified required for";
      if (name.startsWith("blacklist/user-")) return "restrict users";
      if (name.startsWith("blacklist/group-")) return "restrict groups";
      if (name === "retention/purge") return "keep logs";
      if (/^tiers\/.*\/(create|grow)$/.test(name)) return "creator requires";
      return null;
    };
    const checked = items.filter((i) => clause(i.name) !== null);
    expect(checked.length).toBe(5 + 3 + 7 + 1 + 5);
    for (const i of checked) {
      const line = lines[i.span!.line - 1]!;
      expect(line, i.name).toContain(clause(i.name)!);
      // Each service's rule points at the service's own word on that line.
      const service = /^(?:agreement|real-name)\/(.+)$|^blacklist\/(?:user|group)-(.+)$/.exec(i.name);
      if (service) expect(line.slice(i.span!.column - 1), i.name).toMatch(new RegExp(`^${service[1] ?? service[2]}\\b`));
    }
  });
});
