/**
 * The TextMate grammar (grammar/qg.tmLanguage.json) tokenised with the engine VS Code uses
 * (vscode-textmate on the Oniguruma WASM build): comments, strings with escapes and placeholders,
 * requirement ids, keywords, literals and declared names get their scopes.
 */
import { existsSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import oniguruma from "vscode-oniguruma";
import vsctm from "vscode-textmate";
import { CONTEXTUAL_WORDS, RESERVED_WORDS, UNIT_WORDS } from "../../../src/syntax/tokens.js";
import { languageExamples } from "../syntax/helpers.js";

let grammar: vsctm.IGrammar;

beforeAll(async () => {
  const wasm = readFileSync("node_modules/vscode-oniguruma/release/onig.wasm");
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope: string) =>
      scope === "source.qg"
        ? vsctm.parseRawGrammar(readFileSync("grammar/qg.tmLanguage.json", "utf8"), "qg.tmLanguage.json")
        : null,
  });
  const g = await registry.loadGrammar("source.qg");
  if (g === null) throw new Error("grammar/qg.tmLanguage.json did not load");
  grammar = g;
});

interface Tok {
  line: number;
  text: string;
  scopes: string[];
}

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  let stack = vsctm.INITIAL;
  text.split("\n").forEach((line, i) => {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens) out.push({ line: i + 1, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    stack = r.ruleStack;
  });
  return out;
}

/** The scopes of the first token whose text is exactly `text` (after `from`, if given). */
function scopesOf(toks: Tok[], text: string, from = 0): string[] {
  const t = toks.slice(from).find((x) => x.text === text);
  if (t === undefined) throw new Error(`no token ${JSON.stringify(text)} in ${JSON.stringify(toks.map((x) => x.text))}`);
  return t.scopes;
}

const SAMPLE = `// 第十五条 本规定自2017年10月8日起施行。
policy "cac-2017" version "1.0" {
  title "群组 {group} 已关闭\\n\\u{4E2D}\\q"
  effective 2017-10-08T09:30 +08:00
  tolerance 5 minutes
  serves A15.effective, A8.member-cap
}
/* a block
   comment */
tiers {
  tier small { members 1..100 creator requires verified, credit >= C }
  for news-discussion { tier large { members 1..50 } }
}
measure close-repeat {
  on 3 flags >= serious in group within 30 days
  then close group, record, report to authority
}
rule news-needs-credit {
  on message.post
  deny when group.members-after > 3 and not user.verified or true
  because "user {user} needs {group.members}"
}
`;

describe("TextMate grammar", () => {
  const toks = () => tokenize(SAMPLE);

  it("declares the source.qg scope for .qg files", () => {
    const raw = JSON.parse(readFileSync("grammar/qg.tmLanguage.json", "utf8")) as { scopeName: string; fileTypes: string[] };
    expect(raw.scopeName).toBe("source.qg");
    expect(raw.fileTypes).toEqual(["qg"]);
  });

  it("scopes line and block comments", () => {
    const t = toks();
    expect(t[0]!.scopes).toContain("comment.line.double-slash.qg");
    expect(t.find((x) => x.text.includes("第十五条"))!.scopes).toContain("comment.line.double-slash.qg");
    expect(t.find((x) => x.line === 9 && x.text.includes("comment"))!.scopes).toContain("comment.block.qg");
  });

  it("scopes strings, their escapes, invalid escapes and placeholders", () => {
    const t = toks();
    expect(scopesOf(t, '"')).toContain("string.quoted.double.qg");
    expect(scopesOf(t, "cac-2017")).toContain("string.quoted.double.qg");
    expect(scopesOf(t, "\\n")).toContain("constant.character.escape.qg");
    expect(scopesOf(t, "\\u{4E2D}")).toContain("constant.character.escape.qg");
    expect(scopesOf(t, "\\q")).toContain("invalid.illegal.escape.qg");
    const placeholder = scopesOf(t, "group.members");
    expect(placeholder).toContain("variable.other.placeholder.qg");
    expect(placeholder).toContain("string.quoted.double.qg");
  });

  it("scopes requirement ids as one token", () => {
    const t = toks();
    expect(scopesOf(t, "A15.effective")).toContain("constant.other.requirement-id.qg");
    expect(scopesOf(t, "A8.member-cap")).toContain("constant.other.requirement-id.qg");
  });

  it("scopes keywords, but not keyword-like parts of names", () => {
    const t = toks();
    expect(scopesOf(t, "policy")).toContain("storage.type.declaration.qg");
    expect(scopesOf(t, "tiers")).toContain("storage.type.section.qg");
    expect(scopesOf(t, "serves")).toContain("keyword.other.serves.qg");
    expect(scopesOf(t, "effective")).toContain("keyword.other.qg");
    expect(scopesOf(t, "deny")).toContain("keyword.control.effect.qg");
    expect(scopesOf(t, "and")).toContain("keyword.operator.word.qg");
    expect(scopesOf(t, "true")).toContain("constant.language.boolean.qg");
    expect(scopesOf(t, "members-after")).toContain("variable.other.property.qg");
    expect(scopesOf(t, "members-after").some((s) => s.startsWith("keyword"))).toBe(false);
  });

  it("scopes every reserved word as a keyword, and the contextual words as names", () => {
    for (const w of [...RESERVED_WORDS, ...UNIT_WORDS, ...UNIT_WORDS.map((u) => u + "s")]) {
      const [t] = tokenize(w);
      expect(t!.text, w).toBe(w);
      expect(t!.scopes.some((s) => /^(keyword|storage|constant\.language)\./.test(s)), `${w}: ${t!.scopes.join(" ")}`).toBe(true);
    }
    for (const w of CONTEXTUAL_WORDS) expect(tokenize(w)[0]!.scopes, w).toContain("variable.language.qg");
  });

  it("scopes the names after rule, measure, tier and for", () => {
    const t = toks();
    expect(scopesOf(t, "news-needs-credit")).toContain("entity.name.function.rule.qg");
    expect(scopesOf(t, "close-repeat")).toContain("entity.name.function.measure.qg");
    expect(scopesOf(t, "small")).toContain("entity.name.type.tier.qg");
    expect(scopesOf(t, "news-discussion")).toContain("entity.name.type.category.qg");
  });

  it("scopes dates, offsets, durations, ranges, numbers and operators", () => {
    const t = toks();
    expect(scopesOf(t, "2017-10-08T09:30")).toContain("constant.numeric.datetime.qg");
    expect(scopesOf(t, "+08:00")).toContain("constant.numeric.offset.qg");
    expect(scopesOf(t, "minutes")).toContain("keyword.other.unit.qg");
    expect(scopesOf(t, "5")).toContain("constant.numeric.integer.qg");
    expect(scopesOf(t, "..")).toContain("keyword.operator.range.qg");
    expect(scopesOf(t, "100")).toContain("constant.numeric.integer.qg");
    expect(scopesOf(t, ">=")).toContain("keyword.operator.comparison.qg");
    expect(scopesOf(t, "3")).toContain("constant.numeric.integer.qg");
  });

  it("scopes path roots and properties", () => {
    const t = toks();
    const deny = t.findIndex((x) => x.text === "deny");
    expect(scopesOf(t, "group", deny)).toContain("variable.language.qg");
    expect(scopesOf(t, "verified", deny)).toContain("variable.other.property.qg");
  });

  const policy = existsSync("policies/cac-2017.qg") ? readFileSync("policies/cac-2017.qg", "utf8") : null;
  const texts = policy !== null ? [policy, ...languageExamples().map((e) => e.text)] : languageExamples().map((e) => e.text);

  it("tokenises the reference policy and the docs examples: every comment, string and requirement id scoped", () => {
    for (const text of texts) {
      const t = tokenize(text);
      for (const line of text.split("\n")) {
        for (const m of line.matchAll(/A\d+\.[a-z0-9-]+/g)) {
          if (line.trimStart().startsWith("//")) continue;
          expect(scopesOf(t, m[0]), m[0]).toContain("constant.other.requirement-id.qg");
        }
      }
      const comments = t.filter((x) => x.text.startsWith("//"));
      for (const c of comments) expect(c.scopes.join(" ")).toMatch(/comment\./);
      expect(t.filter((x) => x.scopes.includes("string.quoted.double.qg")).length).toBeGreaterThan(0);
      for (const x of t) expect(x.scopes.some((s) => s.startsWith("invalid")), `${x.line}: ${x.text}`).toBe(false);
    }
  });
});
