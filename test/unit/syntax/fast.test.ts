/**
 * The fast path of `parse` (src/syntax/fast-parser.ts, fast-lexer.ts) against the chevrotain path
 * it stands in for: on every policy of the repository it must be taken and build the same AST,
 * and wherever there is anything to report it must give up. The property tests run the same
 * comparison on generated policies (test/property/format-roundtrip.test.ts) and on mutated ones
 * (test/property/parser-fuzz.test.ts).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Source } from "../../../src/source/span.js";
import { lexClean, tokenTypeOf, WORDS } from "../../../src/syntax/fast-lexer.js";
import { parseClean } from "../../../src/syntax/fast-parser.js";
import { MAX_NESTING, parseReference } from "../../../src/syntax/index.js";
import { scan } from "../../../src/syntax/tokens.js";
import { syntheticPolicy } from "../../bench/synthetic.js";
import { fastPathDisagreement, HEADER, languageExamples } from "./helpers.js";

function policyFiles(dir: string, acc: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (entry === "node_modules" || entry === "dist" || entry.startsWith(".")) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) policyFiles(path, acc);
    else if (path.endsWith(".qg")) acc.push(path);
  }
  return acc.sort();
}

const clean = (text: string) => parseClean(new Source("t.qg", text));

describe("the fast path of parse", () => {
  it("is taken for every clean policy in the repository and the language docs, and builds the reference's AST", () => {
    const texts: [string, string][] = [
      ...policyFiles(".").map((f): [string, string] => [f, readFileSync(f, "utf8")]),
      ...languageExamples().map((e): [string, string] => [`docs/language.md: ${e.first}`, e.text]),
      ["synthetic", syntheticPolicy(readFileSync("policies/cac-2017.qg", "utf8"), 50)],
    ];
    expect(texts.length).toBeGreaterThan(80);
    for (const [name, text] of texts) {
      const referenceClean = parseReference(new Source(name, text)).diagnostics.length === 0;
      expect(clean(text) !== null, name).toBe(referenceClean);
      expect(fastPathDisagreement(text), name).toBeNull();
    }
  });

  it("lexes every keyword, and the words around it, as the chevrotain lexer does", () => {
    const words = [...WORDS.keys()].flatMap((w) => [w, `${w}s`, w.slice(0, -1), `${w}-x`, `${w}_`, `${w}1`, `x${w}`, w.toUpperCase(), `${w}组`]);
    for (const word of words) {
      const text = `${word} ${word}.${word}`;
      const source = new Source("w.qg", text);
      const fast = lexClean(source)!;
      const reference = scan(source).tokens;
      const types = Array.from(fast.types.subarray(0, fast.count), (t) => tokenTypeOf(t)!.name);
      expect(types, word).toEqual(reference.map((t) => t.tokenType.name));
      expect(Array.from(fast.starts.subarray(0, fast.count)), word).toEqual(reference.map((t) => t.startOffset));
    }
  });

  it("lexes literals, operators and comments as the chevrotain lexer does", () => {
    const text = `a.b..c 1..10 2017-10-08T09:30:00 2017-10-08 +08:00 -05:30 - 5 + 1 A8.member-cap A8x
      == != <= >= < > , ( ) [ ] { } / : "x\\"y\\u{4E2D}\\n" "" 小组-2 é_x λ x-1-y x- 12345 2147483647
      // line comment
      /* block
         comment */ end`;
    const source = new Source("l.qg", text);
    const fast = lexClean(source)!;
    const reference = scan(source);
    expect(reference.diagnostics).toEqual([]);
    const fastTokens = Array.from(fast.types.subarray(0, fast.count), (t, i) => [tokenTypeOf(t)!.name, fast.starts[i], fast.ends[i]]);
    expect(fastTokens).toEqual(reference.tokens.map((t) => [t.tokenType.name, t.startOffset, t.startOffset + t.image.length]));
    expect(fast.comments).toEqual(reference.comments);
  });

  it("gives up on everything the reference reports, and on what it does not handle", () => {
    const rule = (body: string) => `${HEADER}rule r { on message.post ${body} }`;
    const refused = [
      // lexical problems (QG001, QG003–QG007)
      rule('deny because "“x”"').replace('"“x”"', "“x”"),
      rule("deny when a = b"),
      rule("deny when a ! b"),
      rule('deny because "unterminated'),
      `${HEADER}/* unterminated`,
      rule('deny because "\\q"'),
      rule("deny when a > 99999999999"),
      rule("deny when event.at > 2017-13-01 in UTC"),
      rule("deny when event.at > 2017-10-01 +15:00"),
      `${HEADER}rule r { serves A8.Member-Cap on message.post deny }`,
      rule("deny when a in [b，c]"),
      rule("deny when a # b"),
      // syntax errors (QG002), repeated clauses (QG008), a rule without an effect (QG009)
      rule("deny when a <"),
      rule("deny deny"),
      `${HEADER}rule r { on message.post because "x" }`,
      `${HEADER}limits { members per group 10 members per group 20 }`,
      `${HEADER}${HEADER}`,
      "",
      // nesting beyond the limit
      rule(`deny when ${"(".repeat(MAX_NESTING + 1)}a${")".repeat(MAX_NESTING + 1)}`),
      // white space chevrotain accepts and the fast lexer leaves to it
      `\uFEFF${HEADER}`,
      `${HEADER}\u00A0`,
    ];
    for (const text of refused) {
      expect(clean(text), text).toBeNull();
      expect(fastPathDisagreement(text), text).toBeNull();
    }
    expect(parseReference(new Source("t.qg", `\uFEFF${HEADER}`)).diagnostics).toEqual([]);
  });
});
