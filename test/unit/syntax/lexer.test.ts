import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Source } from "../../../src/source/span.js";
import type { IToken } from "chevrotain";
import {
  Comma,
  CONTEXTUAL_WORDS,
  isTokenOf,
  LParen,
  RParen,
  decodeString,
  dateTimeProblem,
  Ident,
  Keyword,
  Name,
  offsetProblem,
  RESERVED_WORDS,
  scan,
} from "../../../src/syntax/tokens.js";

const lex = (text: string) => scan(new Source("t.qg", text));
const kinds = (text: string) => lex(text).tokens.map((t) => `${t.tokenType.name}:${t.image}`);

describe("lexer", () => {
  it("lexes Unicode identifiers with hyphens inside names", () => {
    expect(kinds("news-discussion 小组 set-info _x1 é-λ Ｆｕｌｌ")).toEqual([
      "Identifier:news-discussion",
      "Identifier:小组",
      "Identifier:set-info",
      "Identifier:_x1",
      "Identifier:é-λ",
      "Identifier:Ｆｕｌｌ",
    ]);
  });

  it("ends an identifier before a trailing or doubled hyphen", () => {
    expect(kinds("a- b a--b")).toEqual(["Identifier:a", "Minus:-", "Identifier:b", "Identifier:a", "Minus:-", "Minus:-", "Identifier:b"]);
  });

  it("keeps keywords whole-word only: members-after, groups-created and tier1 are identifiers", () => {
    expect(kinds("members members-after groups groups-created tier tier1 group user")).toEqual([
      "Members:members",
      "Identifier:members-after",
      "Groups:groups",
      "Identifier:groups-created",
      "Tier:tier",
      "Identifier:tier1",
      "Group:group",
      "User:user",
    ]);
  });

  it("lexes a requirement id as one token", () => {
    expect(kinds("serves A8.member-cap, A11.record-report")).toEqual([
      "Serves:serves",
      "ReqId:A8.member-cap",
      "AsciiComma:,",
      "ReqId:A11.record-report",
    ]);
  });

  it("lexes date-times, offsets, ranges and durations", () => {
    expect(kinds("2017-10-08 2017-10-08T09:30 2017-10-08T09:30:00 +08:00 -05:30 101..500 30 minutes 1 day")).toEqual([
      "DateTime:2017-10-08",
      "DateTime:2017-10-08T09:30",
      "DateTime:2017-10-08T09:30:00",
      "Offset:+08:00",
      "Offset:-05:30",
      "Integer:101",
      "DotDot:..",
      "Integer:500",
      "Integer:30",
      "Minute:minutes",
      "Integer:1",
      "Day:day",
    ]);
  });

  it("lexes operators", () => {
    expect(kinds("== != <= >= < > + - ( ) [ ] { } , . / :").map((k) => k.split(":")[0])).toEqual([
      "EqEq",
      "NotEq",
      "LtEq",
      "GtEq",
      "Lt",
      "Gt",
      "Plus",
      "Minus",
      "AsciiLParen",
      "AsciiRParen",
      "LBracket",
      "RBracket",
      "LBrace",
      "RBrace",
      "AsciiComma",
      "Dot",
      "Slash",
      "Colon",
    ]);
  });

  it("keeps comments out of the token stream but returns them with spans", () => {
    const r = lex("// 第十五条\ntitle /* inline */ \"x\"");
    expect(r.tokens.map((t) => t.image)).toEqual(["title", '"x"']);
    expect(r.comments.map((c) => c.text)).toEqual(["// 第十五条", "/* inline */"]);
    expect(r.comments[1]!.span.start).toEqual({ offset: 14, line: 2, column: 7 });
    expect(r.diagnostics).toEqual([]);
  });

  it("puts every reserved word in the Name category but not in Ident, and contextual words in both", () => {
    for (const w of [...RESERVED_WORDS, "minutes", "day"]) {
      const [t] = lex(w).tokens;
      expect(t!.image, w).toBe(w);
      expect(isTokenOf(t!, Keyword), w).toBe(true);
      expect(isTokenOf(t!, Name), w).toBe(true);
      expect(isTokenOf(t!, Ident), w).toBe(false);
    }
    for (const w of CONTEXTUAL_WORDS) {
      const [t] = lex(w).tokens;
      expect(isTokenOf(t!, Ident), w).toBe(true);
      expect(isTokenOf(t!, Name), w).toBe(true);
      expect(isTokenOf(t!, Keyword), w).toBe(false);
    }
  });

  it("docs/language.md lists exactly the reserved words", () => {
    const md = readFileSync("docs/language.md", "utf8");
    const m = /Keywords are reserved and cannot be used as names: `([^`]*)`/.exec(md);
    expect(m).not.toBeNull();
    expect(m![1]!.split(/\s+/).sort()).toEqual([...RESERVED_WORDS].sort());
    const ctx = /The words `([^`]*)` appear in the grammar/.exec(md);
    expect(ctx![1]!.split(/\s+/).sort()).toEqual([...CONTEXTUAL_WORDS].sort());
  });
});

describe("string literals", () => {
  it("resolves the escapes and keeps Chinese text", () => {
    expect(decodeString('"a\\"b\\\\c\\nd\\te\\u{4E2D}\\u{1F600} 群组 {group}"')).toEqual({
      value: 'a"b\\c\nd\te中😀 群组 {group}',
      problems: [],
    });
  });

  it("reports an invalid escape with its exact span (QG004)", () => {
    const r = lex('"ab\\qc"');
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({
      code: "QG004",
      message: "invalid escape `\\q` in string",
      span: { start: { offset: 3 }, end: { offset: 5 } },
    });
  });

  it("reports malformed and out-of-range unicode escapes", () => {
    const msgs = lex('"\\u{} \\u{110000} \\u{D800} \\u4E2D"').diagnostics.map((d) => `${d.code} ${d.message}`);
    expect(msgs).toEqual([
      "QG004 invalid unicode escape `\\u{}`",
      "QG004 `\\u{110000}` is not a unicode character",
      "QG004 `\\u{D800}` is not a unicode character",
      "QG004 invalid unicode escape `\\u`",
    ]);
  });

  it("reports an unterminated string and still reads it as a string (QG003)", () => {
    const r = lex('title "abc\ntolerance');
    expect(r.tokens.map((t) => t.tokenType.name)).toEqual(["Title", "UnterminatedString", "Tolerance"]);
    expect(r.diagnostics).toMatchObject([{ code: "QG003", message: "unterminated string", span: { start: { line: 1, column: 7 } } }]);
  });

  it("reports an unterminated block comment (QG003)", () => {
    expect(lex("x /* never closed\n y").diagnostics).toMatchObject([
      { code: "QG003", message: "unterminated block comment", span: { start: { column: 3 }, end: { column: 5 } } },
    ]);
  });

  it("reads curly-quoted and single-quoted strings as strings, and reports them (QG001)", () => {
    const r = lex("“普通群” 'x'");
    expect(r.tokens.map((t) => decodeString(t.image).value)).toEqual(["普通群", "x"]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["QG001", "QG001"]);
  });
});

describe("unexpected characters", () => {
  it("reports each run of unexpected characters once with a span (QG001)", () => {
    const r = lex("a @@ b # c");
    expect(r.diagnostics.map((d) => [d.code, d.message, d.span.start.column, d.span.end.column])).toEqual([
      ["QG001", "unexpected characters `@@`", 3, 5],
      ["QG001", "unexpected character `#`", 8, 9],
    ]);
    expect(r.diagnostics[1]!.help).toContain("//");
  });

  it("reads full-width commas and parentheses as their ASCII forms and says so", () => {
    const r = lex("a，b、c（d）");
    const cls = (t: IToken) => [Ident, Comma, LParen, RParen].find((c) => isTokenOf(t, c))?.name;
    expect(r.tokens.map(cls)).toEqual(["Ident", "Comma", "Ident", "Comma", "Ident", "LParen", "Ident", "RParen"]);
    expect(r.diagnostics.map((d) => d.help)).toEqual([
      "use an ASCII comma `,`",
      "use an ASCII comma `,`",
      "use the ASCII `(`",
      "use the ASCII `)`",
    ]);
  });

  it("suggests the ASCII character for other full-width punctuation, and `==` for `=`", () => {
    expect(lex("a：b").diagnostics[0]).toMatchObject({ message: "full-width `：` is not allowed here", help: "use `:` instead" });
    expect(lex("a = b").diagnostics[0]).toMatchObject({ code: "QG001", help: "compare with `==`" });
  });

  it("names invisible characters by code point", () => {
    expect(lex("a\u200bb").diagnostics[0]!.message).toBe("unexpected character U+200B");
  });
});

describe("literal checks", () => {
  it("accepts real dates and times and rejects impossible ones (QG005)", () => {
    expect(dateTimeProblem("2017-10-08")).toBeNull();
    expect(dateTimeProblem("2020-02-29T23:59:59")).toBeNull();
    expect(dateTimeProblem("2017-13-45")?.message).toBe("invalid date `2017-13-45`: there is no month 13");
    expect(dateTimeProblem("2017-02-29")?.message).toBe("invalid date `2017-02-29`: 2017-02 has no day 29");
    expect(dateTimeProblem("2100-02-29")?.message).toContain("no day 29");
    expect(dateTimeProblem("2017-10-08T24:00")?.message).toContain("no hour 24");
    expect(dateTimeProblem("2017-10-08T09:60")?.message).toContain("no minute 60");
    expect(dateTimeProblem("2017-1-8")?.message).toBe("date-time `2017-1-8` needs two digits in every field");
  });

  it("accepts offsets from -12:00 to +14:00 (QG005)", () => {
    for (const ok of ["+08:00", "-12:00", "+14:00", "+05:45", "-00:00"]) expect(offsetProblem(ok), ok).toBeNull();
    for (const bad of ["+25:00", "-13:00", "+14:30", "+08:60", "+8:00"]) expect(offsetProblem(bad), bad).not.toBeNull();
    expect(lex("+25:00").diagnostics[0]).toMatchObject({ code: "QG005" });
  });

  it("reports integers above 2^31 - 1 (QG006)", () => {
    expect(lex("2147483647").diagnostics).toEqual([]);
    expect(lex("2147483648").diagnostics[0]).toMatchObject({ code: "QG006", message: "integer `2147483648` is too large" });
  });

  it("reports requirement ids that are not lowercase-hyphenated (QG007)", () => {
    expect(lex("A8.member-cap A13.retention").diagnostics).toEqual([]);
    const d = lex("A8.Member_Cap").diagnostics[0];
    expect(d).toMatchObject({ code: "QG007", message: "malformed requirement id `A8.Member_Cap`" });
    expect(d!.help).toContain("`A8.member-cap`");
  });
});
