/**
 * The completion table (src/lsp/keywords.ts) against the grammar: every clause snippet, with its
 * placeholders at their defaults, parses inside its block, and every top-level snippet parses as
 * an item of a policy. And the completion context reads the blocks open at the cursor.
 */
import { describe, expect, test } from "vitest";
import { parse } from "../../src/syntax/index.js";
import { Source } from "../../src/source/span.js";
import { CLAUSES, expandSnippet, type BlockKind } from "../../src/lsp/keywords.js";
import { cursorContext } from "../../src/lsp/context.js";

const HEADER = 'policy "p" version "1.0" {\n  serves A15.effective\n  effective 2017-10-08 in Asia/Shanghai\n}\n';

/** A policy text with `clause` placed in a block of `kind`. */
function inBlock(kind: BlockKind, clause: string): string {
  switch (kind) {
    case "top":
      return clause.startsWith("policy ") ? `${clause}\n` : `${HEADER}${clause}\n`;
    case "policy":
      return `policy "p" version "1.0" {\n  ${clause}\n}\n`;
    case "amendment":
      return `${HEADER}amendment "1.1" {\n  ${clause}\n}\n`;
    case "tier":
      return `${HEADER}tiers {\n  serves A7.tiers\n  tier t {\n    ${clause}\n  }\n}\n`;
    case "for":
      return `${HEADER}tiers {\n  serves A7.tiers\n  for general {\n    ${clause}\n  }\n}\n`;
    case "measure":
      return `${HEADER}measure m {\n  ${clause}\n}\n`;
    case "rule":
      if (/^(deny|allow) /.test(clause)) return `${HEADER}rule r {\n  on message.post\n  ${clause}\n}\n`;
      if (clause.startsWith("on ")) return `${HEADER}rule r {\n  ${clause}\n  deny when user.blacklisted\n}\n`;
      return `${HEADER}rule r {\n  on message.post\n  deny when user.blacklisted\n  ${clause}\n}\n`;
    default:
      return `${HEADER}${kind} {\n  ${clause}\n}\n`;
  }
}

describe("completion snippets parse where they are offered", () => {
  const cases = (Object.keys(CLAUSES) as BlockKind[]).flatMap((kind) => CLAUSES[kind].map((c) => [kind, c.label, c.snippet] as const));
  test.each(cases)("%s: %s", (kind, _label, snippet) => {
    const clause = expandSnippet(snippet);
    expect(clause).not.toMatch(/\$\{|\$\d/);
    const text = inBlock(kind, clause.replace(/\n/g, "\n  "));
    const parsed = parse(new Source("snippet.qg", text));
    expect(parsed.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`), text).toEqual([]);
  });
});

describe("cursor context", () => {
  test("blocks open at the cursor and the statement before it", () => {
    const text = `${HEADER}tiers {\n  serves A7.tiers\n  tier small { members 1..100  creator requires verified, credit >= `;
    const ctx = cursorContext(text, text.length);
    expect(ctx.blocks).toEqual(["top", "tiers", "tier"]);
    expect(ctx.statement.map((t) => t.text)).toEqual(["members", "1", "..", "100", "creator", "requires", "verified", ",", "credit", ">="]);
  });

  test("strings and comments do not open blocks", () => {
    const text = `// a { in a comment\nrule r {\n  because "a { in a string"\n  on mess`;
    const ctx = cursorContext(text, text.length);
    expect(ctx.blocks).toEqual(["top", "rule"]);
    expect(ctx.partial.text).toBe("mess");
    expect(ctx.statement.map((t) => t.text)).toEqual(["on"]);
  });
});
