/**
 * Golden tests of `qungui docs` in Markdown (test/golden/docs/*.md). The documents are what a
 * compliance reviewer reads: after a change, refresh with `npx vitest run test/golden/docs.test.ts -u`
 * and read the diff as a reviewer would.
 *
 * - cac-2017.reviewer.md: the reference policy, article by article (no tests, no verify: the
 *   rules, sections and matrix of the policy alone, stable while the policy is);
 * - cac-2017.filing.md: its filing document (Article 7), the English rendering (`--lang en`);
 * - cac-2017.filing-zh.md: the Chinese filing (the default), with a provider file that leaves
 *   three fields blank;
 * - small.reviewer.md: a small policy with its tests and a fixed verify report (one failure with
 *   a counterexample, one not applicable), so that every state of the matrix appears;
 * - amended.reviewer.md, amended.filing-zh.md: the reference policy with an amendment
 *   (amendment.qg.part: a complaint deadline, the caps, a removed rule, a changed measure), so
 *   that the change history appears in English and in Chinese;
 * - decisions.md: a decisions JSONL with one line that is not a decision.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { decisionsDocument, filingDocument, filingDocumentZh, parseProvider, render, reviewerDocument } from "../../src/docgen/index.js";
import { compiled, compileText, REFERENCE, SMALL, smallEvidence, syntheticReport } from "../unit/docgen/helpers.js";

const DIR = join(import.meta.dirname, "docs");

describe("qungui docs, Markdown", () => {
  test("reviewer document of the reference policy", async () => {
    const { ir } = compiled(REFERENCE);
    const md = render(reviewerDocument({ ir, sourceHref: (s) => `../../../${s.file}#L${s.line}`, links: { filing: "cac-2017.filing.md" } }), "md");
    await expect(md).toMatchFileSnapshot(join(DIR, "cac-2017.reviewer.md"));
  });

  test("filing document of the reference policy", async () => {
    const { ir } = compiled(REFERENCE);
    await expect(render(filingDocument({ ir }), "md")).toMatchFileSnapshot(join(DIR, "cac-2017.filing.md"));
  });

  test("Chinese filing document of the reference policy", async () => {
    const { ir } = compiled(REFERENCE);
    const { provider, problems } = parseProvider(readFileSync(join(DIR, "provider.yaml"), "utf8"));
    expect(problems).toEqual([]);
    await expect(render(filingDocumentZh({ ir, provider }), "md")).toMatchFileSnapshot(join(DIR, "cac-2017.filing-zh.md"));
  });

  test("reviewer document of a small policy, with its tests and a verify report", async () => {
    const { ir } = compiled(SMALL);
    const md = render(reviewerDocument({ ir, tests: smallEvidence(), verify: syntheticReport(ir), sourceHref: (s) => `${s.file.split("/").pop()}#L${s.line}` }), "md");
    expect(md).not.toContain("张三");
    await expect(md).toMatchFileSnapshot(join(DIR, "small.reviewer.md"));
  });

  test("an amended policy: the change history in the reviewer document and the Chinese filing, with what each amendment decides differently", { timeout: 120_000 }, async () => {
    const ir = compileText(readFileSync(REFERENCE, "utf8") + readFileSync(join(DIR, "amendment.qg.part"), "utf8"), "amended.qg");
    expect(ir.versions).toHaveLength(2);
    const amendmentDiffs = await (await import("../../src/diff/amendments.js")).amendmentDiffs(ir);
    const en = render(reviewerDocument({ ir, amendmentDiffs }), "md");
    // The amendment: 5 groups (10 from B) instead of 3 (10 from B, 20 from A); the news rule is gone.
    expect(en).toContain("group.create: rule limits/groups-created (deny) now holds when actor.groups-created is 10–19 and actor.credit is A; no longer holds when actor.groups-created is 3–4 and actor.credit is D or C");
    expect(en).toContain("message.post: now allowed by permit/message.post, was denied by news-needs-credit — when group.category is news-discussion and actor.credit is D");
    await expect(en).toMatchFileSnapshot(join(DIR, "amended.reviewer.md"));
    const zh = render(filingDocumentZh({ ir, amendmentDiffs }), "md");
    expect(zh).toContain("投诉处理时限：48小时 → 12小时");
    expect(zh).toContain("不再适用于 actor.groups-created 为 3–4 且 actor.credit 为 D 或 C 的情形");
    await expect(zh).toMatchFileSnapshot(join(DIR, "amended.filing-zh.md"));
  });

  test("decision trail", async () => {
    const text = readFileSync(join(DIR, "decisions.jsonl"), "utf8");
    await expect(render(decisionsDocument({ text, file: "decisions.jsonl", policy: { name: "cac-2017" } }), "md")).toMatchFileSnapshot(join(DIR, "decisions.md"));
  });
});
