/** Organisational obligations: quoted exactly from their article, ids of their own, shown per article and counted in the verdict. */
import { describe, expect, test } from "vitest";
import { ARTICLES, REQUIREMENTS } from "../../../src/law/articles.js";
import { OBLIGATIONS } from "../../../src/law/organisational.js";
import { render, reviewerDocument, reviewerMatrix } from "../../../src/docgen/index.js";
import { compiled, REFERENCE } from "../docgen/helpers.js";

describe("organisational obligations", () => {
  test("each clause is the article's own words; ids are unique and no requirement's", () => {
    for (const o of OBLIGATIONS) {
      const a = ARTICLES.find((x) => x.number === o.article)!;
      expect(a.textZh, o.id).toContain(o.clause);
      expect(o.id.startsWith(`A${o.article}.`)).toBe(true);
      expect(REQUIREMENTS.some((r) => r.id === o.id), o.id).toBe(false);
    }
    expect(new Set(OBLIGATIONS.map((o) => o.id)).size).toBe(OBLIGATIONS.length);
    // What the issue names: Article 5's staff, capacity and systems, Article 4, Article 12's public supervision.
    for (const id of ["A4.culture", "A5.staff", "A5.technical-capacity", "A5.registration-system", "A5.review-system", "A5.emergency-system", "A5.security-system", "A12.public-supervision"]) expect(OBLIGATIONS.map((o) => o.id)).toContain(id);
  });

  test("the reviewer document lists them under their article as a checklist and counts them in the verdict", () => {
    const { ir } = compiled(REFERENCE);
    const html = render(reviewerDocument({ ir }), "html");
    const a5 = html.slice(html.indexOf('id="article-5"'), html.indexOf('id="article-6"'));
    expect(a5).toContain("Organisational obligations, outside the policy");
    for (const o of OBLIGATIONS.filter((x) => x.article === 5)) expect(a5).toContain(`<code>${o.id}</code>`);
    expect(a5).toContain("☐ Moderation and security staff are on record");
    const a4 = html.slice(html.indexOf('id="article-4"'), html.indexOf('id="article-5"'));
    expect(a4).toContain("<code>A4.culture</code>");
    const m = reviewerMatrix({ ir });
    expect(m.summary.organisational).toBe(OBLIGATIONS.length);
    expect(m.summary.headline).toContain(`${OBLIGATIONS.length} organisational obligations (Articles 4, 5, 12 and 13) are outside the policy and not covered by the engine`);
  });
});
