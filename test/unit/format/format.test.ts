/**
 * The formatter on hand-written messy inputs (golden files under test/golden/format/), on every
 * example of docs/language.md and on the shipped policies: canonical output, idempotent, re-parses
 * to an equal AST, and keeps every comment.
 */
import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { format } from "../../../src/ast/print.js";
import { astEqual } from "../../../src/ast/equal.js";
import { parse } from "../../../src/syntax/index.js";
import { Source } from "../../../src/source/span.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../../..");
const inputsDir = join(here, "inputs");

function parseOk(name: string, text: string) {
  const result = parse(new Source(name, text));
  const problems = result.diagnostics.map((d) => `${name}:${d.span.start.line}:${d.span.start.column} ${d.code} ${d.message}`);
  expect(problems, `parse errors in ${name}`).toEqual([]);
  expect(result.ast).not.toBeNull();
  return { ast: result.ast!, comments: result.comments };
}

function commentTexts(comments: { text: string }[]): string[] {
  return comments.map((c) => c.text.replace(/\r\n?/g, "\n").replace(/^(\/\/.*?)\s+$/s, "$1")).sort();
}

/** Format `text`, then check the result is stable, equal as an AST and keeps every comment. */
function checkFormat(name: string, text: string): string {
  const first = parseOk(name, text);
  const out = format(first.ast, first.comments, text);
  const second = parseOk(`${name} (formatted)`, out);
  expect(astEqual(second.ast, first.ast), `AST changed by formatting ${name}:\n${out}`).toBe(true);
  expect(commentTexts(second.comments)).toEqual(commentTexts(first.comments));
  expect(format(second.ast, second.comments, out), `formatting ${name} twice`).toBe(out);
  return out;
}

describe("format: golden files", () => {
  for (const file of readdirSync(inputsDir).filter((f) => f.endsWith(".qg")).sort()) {
    it(`fmt.golden: ${file}`, async () => {
      const out = checkFormat(file, readFileSync(join(inputsDir, file), "utf8"));
      await expect(out).toMatchFileSnapshot(join(root, "test/golden/format", file));
    });
  }
});

/** The code blocks of docs/language.md that are policy text rather than EBNF. */
function languageExamples(): { title: string; text: string }[] {
  const md = readFileSync(join(root, "docs/language.md"), "utf8");
  const out: { title: string; text: string }[] = [];
  let heading = "";
  let inBlock = false;
  let lines: string[] = [];
  for (const l of md.split("\n")) {
    if (!inBlock && l.startsWith("#")) heading = l.replace(/^#+\s*/, "");
    if (l.startsWith("```")) {
      if (inBlock) {
        const text = lines.join("\n") + "\n";
        const isGrammar = lines.some((x) => /^[a-z][a-z-]*\s*=/.test(x));
        if (!isGrammar && text.trim() !== "") out.push({ title: `${heading} #${out.filter((e) => e.title.startsWith(heading)).length + 1}`, text });
        lines = [];
      }
      inBlock = !inBlock;
      continue;
    }
    if (inBlock) lines.push(l);
  }
  return out;
}

describe("format: docs/language.md examples", () => {
  const examples = languageExamples();
  it("finds the examples", () => {
    expect(examples.length).toBeGreaterThan(10);
  });
  for (const ex of examples) {
    it(`fmt.idempotent: ${ex.title}`, () => {
      // Fragments (a section, a rule) get a header so they form a file.
      const text = /^\s*(\/\/.*\n|\s)*policy\b/.test(ex.text) ? ex.text : `policy "doc" version "1" {}\n${ex.text}`;
      checkFormat(ex.title, text);
    });
  }
});

describe("format: shipped policies", () => {
  const files = ["policies", "policies/examples"].flatMap((d) => {
    const dir = join(root, d);
    return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".qg")).map((f) => join(dir, f)) : [];
  });
  if (files.length === 0) it.skip("no policies/*.qg yet", () => {});
  for (const file of files) {
    it(`fmt.idempotent: ${basename(dirname(file))}/${basename(file)}`, () => {
      checkFormat(file, readFileSync(file, "utf8"));
    });
  }
});
