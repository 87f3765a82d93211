/** The Markdown decision trail is paginated as the HTML one is: pages of TRAIL_PAGE_SIZE rows, each with its headers. */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { decisionsDocument, render } from "../../../src/docgen/index.js";
import { parseDecisions, TRAIL_PAGE_SIZE } from "../../../src/docgen/decisions.js";

describe("decision trail in Markdown", () => {
  const lines = readFileSync("test/golden/docs/decisions.jsonl", "utf8").split("\n").filter((l) => parseDecisions(l).decisions.length === 1);
  const text = Array.from({ length: 2 * TRAIL_PAGE_SIZE + 50 }, (_, i) => lines[i % lines.length]).join("\n");

  test("pages of TRAIL_PAGE_SIZE rows, each a table with every column header, none left out", () => {
    const md = render(decisionsDocument({ text, file: "many.jsonl" }), "md");
    const total = 2 * TRAIL_PAGE_SIZE + 50;
    expect(md).toContain(`**Page 1 of 3** (rows 1–${TRAIL_PAGE_SIZE} of ${total})`);
    expect(md).toContain(`**Page 3 of 3** (rows ${2 * TRAIL_PAGE_SIZE + 1}–${total} of ${total})`);
    const head = "| Line | Time | Event | Type | Outcome | Subject | Version | Rule | Reason | Cites | Effects |";
    expect(md.split(head).length - 1).toBe(3);
    const rows = md.split("\n").filter((l) => /^\| \*\*\d+\*\* \|/.test(l));
    expect(rows).toHaveLength(total);
    // A short trail stays one table, as before.
    const short = render(decisionsDocument({ text: lines.join("\n"), file: "few.jsonl" }), "md");
    expect(short).not.toContain("**Page 1 of");
    // HTML keeps one table; its pager shows the pages.
    const html = render(decisionsDocument({ text, file: "many.jsonl" }), "html");
    expect(html.match(/<table/g)?.filter(Boolean).length).toBeGreaterThanOrEqual(1);
    expect(html.match(/id="decisions"/g)).toHaveLength(1);
  });
});
