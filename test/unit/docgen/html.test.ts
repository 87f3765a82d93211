/**
 * The HTML documents are well-formed, self-contained, accessible, and escape everything they print.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { compilePolicyText } from "../../../src/compile.js";
import { decisionsDocument, filingDocument, render, reviewerDocument } from "../../../src/docgen/index.js";
import { esc } from "../../../src/docgen/html.js";
import { ARTICLES } from "../../../src/law/articles.js";
import { checkHtml } from "./wellformed.js";
import { compiled, compileText, REFERENCE, SMALL, smallEvidence, syntheticReport } from "./helpers.js";

const HOSTILE = `
policy "x<y" version "1&2" {
  serves A15.effective
  title "<script>alert('title')</script> & \\"quotes\\""
  effective 2017-10-08 in Asia/Shanghai
}
rule hostile {
  serves A7.credit
  on message.post
  deny when user.credit < B
  because "<img src=x onerror=alert(1)> & </td></tr></table> {user}"
}
credit {
  serves A7.credit
  levels C < B
  default C
}
categories {
  serves A7.tiers
  general "<b>普通群</b>"
}
`;

function reviewerHtml(path: string, extra: Partial<Parameters<typeof reviewerDocument>[0]> = {}): string {
  const { ir, text } = compiled(path);
  return render(reviewerDocument({ ir, source: { file: path, text }, ...extra }), "html");
}

describe("reviewer document, HTML", () => {
  const html = reviewerHtml(REFERENCE);

  test("is well-formed: tags balance, ids are unique, every fragment link has its target, tables have captions and scoped headers", () => {
    expect(checkHtml(html).problems).toEqual([]);
  });

  test("is self-contained: no external resource, and a CSP that forbids network access", () => {
    expect(html).not.toMatch(/<(link|img|iframe)\b/);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(html).toContain(`http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;`);
  });

  test("the page is English, every Chinese article text is marked zh-CN and quoted exactly", () => {
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    for (const a of ARTICLES) {
      expect(a.textZh.length).toBeGreaterThan(10);
      expect(html).toContain(`<blockquote lang="zh-CN"><p>${esc(a.textZh)}</p></blockquote>`);
    }
  });

  test("all 15 articles have a section, each with its requirements table", () => {
    const facts = checkHtml(html);
    for (let n = 1; n <= 15; n++) expect(facts.ids.has(`article-${n}`)).toBe(true);
    expect(html.match(/<section id="article-\d+" class="article">/g)).toHaveLength(15);
    expect(html.match(/<caption>Requirements of Article \d+<\/caption>/g)).toHaveLength(15);
  });

  test("the matrix has one row per requirement, each naming its requirement in a row header", () => {
    const table = html.slice(html.indexOf('<table id="coverage-matrix"'), html.indexOf("</table>", html.indexOf('<table id="coverage-matrix"')));
    expect(table.match(/<tr>/g)).toHaveLength(30); // header + 29 requirements
    expect(table.match(/<th scope="row">/g)).toHaveLength(29);
  });

  test("rules link to their policy source lines, which the document embeds", () => {
    expect(html).toContain('<a href="#L25"><code>cac-2017.qg:25</code></a>');
    expect(html).toContain('<span class="line" id="L25">');
    expect(html).toContain("Deny message.post when the user has no verified real identity.");
  });

  test("declaratory articles say so", () => {
    const a1 = html.slice(html.indexOf('id="article-1"'), html.indexOf('id="article-2"'));
    expect(a1).toContain("Declaratory.");
  });

  test("a failing verification is a red gap, and its counterexample never shows an identity value", () => {
    const { ir } = compiled(SMALL);
    const h = reviewerHtml(SMALL, { tests: smallEvidence(), verify: syntheticReport(ir) });
    expect(checkHtml(h).problems).toEqual([]);
    expect(h).toMatch(/<span class="tone-gap">[^<]*verify fails: complaint c1 was not escalated at its deadline<\/span>/);
    expect(h).toContain('<summary><span class="tone-gap">Verify fails A12.complaints</span>: counterexample</summary>');
    expect(h).not.toContain("张三");
    expect(h).not.toContain("110101199001011234");
    expect(h).toContain("&quot;identity&quot;:&quot;[redacted]&quot;");
  });

  test("escapes every text it prints: title, reasons, labels, policy source", () => {
    const ir = compileText(HOSTILE, "hostile.qg");
    const h = render(reviewerDocument({ ir, source: { file: "hostile.qg", text: HOSTILE } }), "html");
    expect(checkHtml(h).problems).toEqual([]);
    expect(h).not.toContain("<script>alert");
    expect(h).not.toContain("<img");
    expect(h).not.toContain("<b>普通群");
    expect(h).toContain("&lt;img src=x onerror=alert(1)&gt; &amp; &lt;/td&gt;&lt;/tr&gt;&lt;/table&gt; {actor}");
    expect(h).toContain("<title>Reviewer document: &lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;</title>");
  });
});

describe("a non-compliant policy", () => {
  test("is documented as compiled leniently, its requirement errors listed in red", () => {
    const path = "test/golden/broken/01-tier-gap.qg";
    const text = readFileSync(path, "utf8");
    const r = compilePolicyText(text, path, { lenient: true });
    expect(r.ir).not.toBeNull();
    const h = render(reviewerDocument({ ir: r.ir!, source: { file: path, text }, diagnostics: r.diagnostics }), "html");
    expect(checkHtml(h).problems).toEqual([]);
    expect(h).toContain('<h2 id="diagnostics">Compiler diagnostics</h2>');
    expect(h).toMatch(/<span class="tone-gap">Compiler: \d+ errors?\.<\/span>/);
  });
});

describe("filing and decision trail, HTML", () => {
  test("the filing document is well-formed and printable", () => {
    const { ir } = compiled(REFERENCE);
    const h = render(filingDocument({ ir }), "html");
    expect(checkHtml(h).problems).toEqual([]);
    expect(h).toContain("@page { size: A4;");
    expect(h).toContain("@media print");
    expect(h).toContain("<caption>Tiers of the category news-discussion</caption>");
    expect(h).toContain('<blockquote lang="zh-CN"><p>第七条');
  });

  test("the decision trail is well-formed, filterable, and names unreadable lines without quoting them", () => {
    const text = [
      JSON.stringify({ v: 1, event: "e1", at: "2017-10-09T09:00:00+08:00", type: "group.create", outcome: "allow", subject: { user: "u<1>", group: "g1", role: "none" }, rule: "permit/group.create", reason: "user u<1> may create group g1 in tier small", cites: [{ article: 8, req: "A8.group-id" }], effects: [{ kind: "tier", group: "g1", from: null, to: "small" }], policy: "1.0" }),
      '{"secret": "110101199001011234"',
      JSON.stringify({ v: 1, event: "e2", at: "2017-10-09T09:01:00+08:00", type: "content.flagged", outcome: "measures", subject: { user: "u2", group: "g1" }, rule: "warn-on-minor", reason: "flag", cites: [], effects: [{ kind: "measure", target: { user: "u3" }, measure: "blacklist", until: "2017-11-09T09:01:00+08:00" }, { kind: "record" }], policy: "1.0" }),
      "",
    ].join("\n");
    const h = render(decisionsDocument({ text, file: "d.jsonl", policy: { name: "cac-2017" } }), "html");
    expect(checkHtml(h).problems).toEqual([]);
    expect(h).not.toContain("110101199001011234");
    expect(h).toContain("1 line is not a decision");
    expect(h).toContain("line 2");
    expect(h).toContain("u&lt;1&gt;");
    expect(h).toContain(`data-users="[&quot;u2&quot;,&quot;u3&quot;]"`);
    expect(h).toContain(`<select id="filter-outcome" data-filter="outcome">`);
    expect(h).toContain("<script>");
  });
});
