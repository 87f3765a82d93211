import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ebnf } from "../../../scripts/grammar.js";
import { parser } from "../../../src/syntax/parser.js";

describe("generated grammar files", () => {
  it("grammar/qg.ebnf is current (run `npm run grammar` after changing the parser)", () => {
    expect(readFileSync("grammar/qg.ebnf", "utf8")).toBe(ebnf());
  });

  it("grammar/qg.ebnf has one production per parser rule, in kebab-case", () => {
    const text = ebnf();
    const names = Object.keys(parser.getGAstProductions()).map((n) => n.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase()));
    for (const n of names) expect(text).toMatch(new RegExp(`^${n} = `, "m"));
    expect(text).toContain('file = header { item } ;');
    expect(text).toContain('serves = "serves" reqid { "," reqid } ;');
  });

  it("grammar/railroad.html is self-contained and draws every rule", () => {
    const html = readFileSync("grammar/railroad.html", "utf8");
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    for (const name of Object.keys(parser.getGAstProductions())) expect(html).toContain(`"name": "${name}"`);
  });
});
