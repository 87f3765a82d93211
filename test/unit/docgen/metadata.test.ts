/** Generation metadata, approval fields and the change history of the reviewer document (issue 16, item 8). */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { main } from "../../../src/cli/main.js";
import type { Io } from "../../../src/cli/io.js";
import { filingDocumentZh, render, reviewerDocument } from "../../../src/docgen/index.js";
import { changeHistory } from "../../../src/docgen/changes.js";
import { policyId } from "../../../src/ir/identity.js";
import { QUNGUI_VERSION } from "../../../src/version.js";
import { compiled, compileText, REFERENCE } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "qungui-meta-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function docs(...args: string[]): Promise<{ code: number; err: string }> {
  let err = "";
  const io: Io = { out: () => undefined, err: (t) => void (err += t), color: false };
  return { code: await main(["node", "qungui", "docs", ...args], io), err };
}

const AMENDMENT = `
amendment "1.1" {
  effective 2018-01-01 in Asia/Shanghai
  serves A15.effective
  complaints {
    serves A12.complaints
    resolve within 12 hours
    otherwise escalate, record, report to authority
  }
  limits {
    serves A8.member-cap, A8.user-caps, A8.info-page
    members per group 2000
    groups created per user 5, 10 when credit >= B
    groups joined per user 500
    info page from 100 members enforced
  }
  remove rule news-needs-credit
  measure warn-on-minor {
    serves A11.group-measures, A11.record-report
    on flag minor
    then warn group, record, report to authority
  }
}
`;

describe("metadata", () => {
  test("qungui's version is package.json's", () => {
    expect(QUNGUI_VERSION).toBe((JSON.parse(readFileSync("package.json", "utf8")) as { version: string }).version);
  });

  test("the reviewer document names the tool, the policy id, the regulation text, the date, and has approval fields", () => {
    const { ir } = compiled(REFERENCE);
    const html = render(reviewerDocument({ ir, meta: { version: QUNGUI_VERSION, date: "2026-12-02" } }), "html");
    const meta = html.slice(html.indexOf('id="document-metadata"'), html.indexOf("</table>", html.indexOf('id="document-metadata"')));
    expect(meta).toContain(`qungui ${QUNGUI_VERSION}`);
    expect(meta).toContain(`<code>${policyId(ir)}</code>`);
    expect(meta).toContain("<code>docs/regulation/cac-2017-zh.md</code>");
    expect(meta).toContain("<td>2026-12-02</td>");
    const approval = html.slice(html.indexOf('id="approval"'), html.indexOf("</table>", html.indexOf('id="approval"')));
    for (const role of ["Prepared by", "Reviewed by", "Approved by"]) expect(approval).toContain(`<th scope="row">${role}</th><td></td><td></td><td></td>`);
    expect(render(reviewerDocument({ ir }), "html")).toContain("not given (generate with --date YYYY-MM-DD");
  });

  test("without --date the output is reproducible; --date dates it; a bad --date is a usage error", async () => {
    const [a, b, c] = [join(dir, "a"), join(dir, "b"), join(dir, "c")];
    for (const out of [a, b]) expect((await docs(REFERENCE, "--no-tests", "--filing", "-o", out)).code).toBe(0);
    for (const f of ["reviewer.html", "filing.html"]) expect(readFileSync(join(a, f), "utf8")).toBe(readFileSync(join(b, f), "utf8"));
    expect((await docs(REFERENCE, "--no-tests", "--filing", "--date", "2026-12-02", "-o", c)).code).toBe(0);
    expect(readFileSync(join(c, "reviewer.html"), "utf8")).toContain("<td>2026-12-02</td>");
    expect(readFileSync(join(c, "filing.html"), "utf8")).toContain("<td>2026年12月2日</td>");
    expect((await docs(REFERENCE, "--date", "2026-13-01", "-o", join(dir, "d"))).code).toBe(2);
  });
});

describe("change history", () => {
  const ir = compileText(readFileSync(REFERENCE, "utf8") + AMENDMENT, "amended.qg");

  test("per version: sections, rules and measures that changed, with the parameters that moved", () => {
    const [c] = changeHistory(ir);
    expect(c!.version).toBe("1.1");
    expect(c!.lines).toContain("complaints section changed: complaint deadline: 48 hours → 12 hours");
    expect(c!.lines).toContain("limits section changed: groups a user may create: 3; 10 from credit B; 20 from credit A → 5; 10 from credit B");
    expect(c!.lines).toContain("rule news-needs-credit removed");
    expect(c!.lines.find((l) => l.startsWith("measure warn-on-minor changed: was “On a flag of severity minor: warn the group and order it to rectify within 3 days"))).toBeDefined();
    // Nothing else moved.
    expect(c!.lines).toHaveLength(4);
  });

  test("the reviewer document shows it; a policy with one version has none", () => {
    const html = render(reviewerDocument({ ir }), "html");
    expect(html).toContain('<h3 id="change-history">Change history</h3>');
    expect(html).toContain("complaint deadline: 48 hours → 12 hours");
    expect(render(reviewerDocument({ ir: compiled(REFERENCE).ir }), "html")).not.toContain("change-history");
  });

  test("the Chinese filing lists the same changes in Chinese, one clause each", () => {
    const [c] = changeHistory(ir);
    const md = render(filingDocumentZh({ ir }), "md");
    const part = md.slice(md.indexOf("第二版对第一版作如下修改："), md.indexOf("## ", md.indexOf("第二版对第一版作如下修改：")));
    const clauses = part.split("\n").filter((l) => /^\d+\. /.test(l));
    expect(clauses).toHaveLength(c!.changes.length);
    expect(part).toContain("修改“投诉举报处理”部分：投诉处理时限：48小时 → 12小时。");
    expect(part).toContain("每个用户建立的群组数：不超过3个；信用等级达到B级的，不超过10个；达到A级的，不超过20个 → 不超过5个；信用等级达到B级的，不超过10个");
    expect(part).toContain("删除平台规则“news-needs-credit”。");
    expect(render(filingDocumentZh({ ir: compiled(REFERENCE).ir }), "md")).not.toContain("作如下修改");
  });
});
