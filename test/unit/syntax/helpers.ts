import { readFileSync } from "node:fs";
import { Source } from "../../../src/source/span.js";
import { parseClean } from "../../../src/syntax/fast-parser.js";
import { parse, parseReference, type ParseResult } from "../../../src/syntax/index.js";

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

/**
 * Why the fast path of `parse` (src/syntax/fast-parser.ts) and the chevrotain path disagree on
 * `text`, or null when they agree: wherever the fast path gives an AST, the reference must report
 * nothing and give the same AST and comments, spans included (compared as JSON, so field order
 * counts too). A plain function, for property tests that run it thousands of times.
 */
export function fastPathDisagreement(text: string): string | null {
  const fast = parseClean(new Source("same.qg", text));
  if (fast === null) return null;
  const reference = parseReference(new Source("same.qg", text));
  if (reference.diagnostics.length > 0) {
    return `the fast path accepted a text the reference reports: ${reference.diagnostics.map((d) => `${d.code} ${d.message}`).join("; ")}`;
  }
  for (const [what, a, b] of [
    ["AST", JSON.stringify(fast.ast), JSON.stringify(reference.ast)],
    ["comments", JSON.stringify(fast.comments), JSON.stringify(reference.comments)],
  ] as const) {
    if (a === b) continue;
    let i = 0;
    while (a[i] === b[i]) i++;
    return `the ${what} differs at character ${i}:\n  fast:      …${a.slice(Math.max(0, i - 120), i + 120)}\n  reference: …${b.slice(Math.max(0, i - 120), i + 120)}`;
  }
  return null;
}
