/**
 * The project's own copy of the regulation (src/law/articles-zh.ts, docs/regulation/cac-2017-zh.md)
 * is the text in ../shared/regulation, character for character, punctuation included. The test
 * reads ../shared to compare; nothing at run time does (the copies are regenerated with
 * `python3 scripts/extract-regulation.py`).
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { ARTICLE_TEXT_ZH } from "../../../src/law/articles-zh.js";
import { ARTICLES } from "../../../src/law/articles.js";

const ROOT = resolve(import.meta.dirname, "../../..");
const SHARED = join(ROOT, "../shared/regulation/cac-2017-group-provisions.md");

/** The Chinese text of each article of a Markdown file whose articles start with `heading`. */
function articlesOf(markdown: string, heading: RegExp): Map<number, string> {
  const out = new Map<number, string>();
  const parts = markdown.split(heading);
  for (let i = 1; i < parts.length; i += 2) {
    const body = parts[i + 1]!
      .split("\n")
      .filter((l) => l.trim() !== "" && !l.startsWith(">"))
      .join("\n")
      .trim();
    out.set(Number(parts[i]), body);
  }
  return out;
}

describe.skipIf(!existsSync(SHARED))("regulation text", () => {
  const official = articlesOf(readFileSync(SHARED, "utf8"), /^## Article (\d+)\s*$/m);

  test("the shared text has 15 articles in full-width punctuation", () => {
    expect([...official.keys()]).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    for (const text of official.values()) expect(text).not.toMatch(/[,;:]/);
  });

  test("src/law quotes every article exactly", () => {
    for (const [n, text] of official) {
      expect(ARTICLE_TEXT_ZH[n], `Article ${n}`).toBe(text);
      expect(ARTICLES.find((a) => a.number === n)!.textZh).toBe(text);
    }
    expect(Object.keys(ARTICLE_TEXT_ZH)).toHaveLength(15);
  });

  test("docs/regulation quotes every article exactly", () => {
    const ours = articlesOf(readFileSync(join(ROOT, "docs/regulation/cac-2017-zh.md"), "utf8"), /^## 第\d+条 \(Article (\d+)\)\s*$/m);
    expect(ours).toEqual(official);
  });

  test("Article 5 keeps its full stop after 管理制度", () => {
    expect(ARTICLE_TEXT_ZH[5]).toContain("安全防护等管理制度。互联网群组信息服务提供者");
  });
});
