import { readFileSync } from "node:fs";
import { Source } from "../../../src/source/span.js";
import { parse, type ParseResult } from "../../../src/syntax/index.js";

/** The minimal header wrapped around docs examples that are not themselves a policy header. */
export const HEADER = 'policy "t" version "1" { effective 2017-10-08 in Asia/Shanghai }\n';

/** The fenced examples of docs/language.md that are policy text (EBNF blocks skipped). */
export function languageExamples(): { text: string; first: string }[] {
  const md = readFileSync("docs/language.md", "utf8");
  const blocks = [...md.matchAll(/^```[a-z]*\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
  return blocks
    .filter((b) => /^[a-z]+\b/.test(b) && !/^[\w-]+\s*=/.test(b))
    .map((b) => ({ text: b.startsWith("policy") ? b : HEADER + b, first: b.split("\n")[0]! }));
}

export function parseText(text: string, file = "t.qg"): ParseResult {
  return parse(new Source(file, text));
}

/** `line:column code message` for each diagnostic, lines counted in `text`. */
export function summary(r: ParseResult): string[] {
  return r.diagnostics.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.code} ${d.message}`);
}
