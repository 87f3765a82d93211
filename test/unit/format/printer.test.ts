/**
 * The printer on hand-built ASTs: parentheses, string escapes, durations, tier layout, comments.
 * (Round trips through the parser are in format.test.ts and test/property/format-roundtrip.test.ts.)
 */
import { describe, expect, it } from "vitest";
import type * as A from "../../../src/ast/nodes.js";
import { ONE_LINE_TIER_WIDTH, duration, format, printExpr, quote } from "../../../src/ast/print.js";
import type { Span } from "../../../src/source/span.js";

const S: Span = { file: "t", start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } };
const p = (...parts: string[]): A.PathExpr => ({ kind: "PathExpr", span: S, parts });
const and = (left: A.Expr, right: A.Expr): A.Expr => ({ kind: "BinaryExpr", span: S, op: "and", left, right });
const or = (left: A.Expr, right: A.Expr): A.Expr => ({ kind: "BinaryExpr", span: S, op: "or", left, right });
const not = (operand: A.Expr): A.Expr => ({ kind: "NotExpr", span: S, operand });
const eq = (left: A.Expr, right: A.Expr): A.Expr => ({ kind: "CompareExpr", span: S, op: "==", left, right });
const minus = (left: A.Expr, right: A.Expr): A.Expr => ({ kind: "ArithExpr", span: S, op: "-", left, right });
const paren = (inner: A.Expr): A.Expr => ({ kind: "ParenExpr", span: S, inner });
const iff = (cond: A.Expr, then: A.Expr, els: A.Expr): A.Expr => ({ kind: "IfExpr", span: S, cond, then, else: els });
const int = (value: number): A.IntLit => ({ kind: "IntLit", span: S, value });
const a = p("a");
const b = p("b");
const c = p("c");

describe("printExpr", () => {
  it("fmt.parens: prints parentheses the author wrote, and no others, for parser-shaped trees", () => {
    expect(printExpr(and(paren(or(a, b)), c))).toBe("(a or b) and c");
    expect(printExpr(or(a, and(b, c)))).toBe("a or b and c");
    expect(printExpr(or(a, paren(and(b, c))))).toBe("a or (b and c)");
    expect(printExpr(or(or(a, b), c))).toBe("a or b or c");
    expect(printExpr(minus(minus(a, b), c))).toBe("a - b - c");
    expect(printExpr(not(not(eq(a, b))))).toBe("not not a == b");
    expect(printExpr(and(a, iff(a, b, c)))).toBe("a and if a then b else c");
  });

  it("fmt.parens: adds parentheses a hand-built tree needs to keep its meaning", () => {
    expect(printExpr(and(or(a, b), c))).toBe("(a or b) and c");
    expect(printExpr(or(a, or(b, c)))).toBe("a or (b or c)");
    expect(printExpr(minus(a, minus(b, c)))).toBe("a - (b - c)");
    expect(printExpr(eq(eq(a, b), c))).toBe("(a == b) == c");
    expect(printExpr(eq(not(a), b))).toBe("(not a) == b");
    expect(printExpr(eq(iff(a, b, c), a))).toBe("(if a then b else c) == a");
    expect(printExpr(and(iff(a, b, c), a))).toBe("(if a then b else c) and a");
    expect(printExpr(iff(iff(a, b, c), iff(a, b, c), iff(a, b, c)))).toBe(
      "if if a then b else c then if a then b else c else if a then b else c",
    );
    expect(printExpr(not(iff(a, b, c)))).toBe("not if a then b else c");
    expect(printExpr(minus(a, iff(a, b, c)))).toBe("a - if a then b else c");
    expect(printExpr(and(minus(a, iff(a, b, c)), b))).toBe("a - (if a then b else c) and b");
  });

  it("prints every literal and in-form", () => {
    const list: A.ListExpr = { kind: "ListExpr", span: S, items: [int(1), { kind: "BoolLit", span: S, value: true }] };
    expect(printExpr({ kind: "InExpr", span: S, negated: true, left: a, right: list })).toBe("a not in [1, true]");
    expect(printExpr({ kind: "InExpr", span: S, negated: false, left: a, right: { kind: "IntRange", span: S, from: int(1), to: int(10) } })).toBe(
      "a in 1..10",
    );
    const zone = (name: string): A.Zone => ({ kind: "Zone", span: S, name });
    expect(printExpr({ kind: "DateTimeLit", span: S, text: "2017-10-08", zone: zone("Asia/Shanghai") })).toBe("2017-10-08 in Asia/Shanghai");
    expect(printExpr({ kind: "DateTimeLit", span: S, text: "2017-10-08T09:30", zone: zone("+08:00") })).toBe("2017-10-08T09:30 +08:00");
    expect(printExpr({ kind: "WindowExpr", span: S, path: p("user", "flags"), within: { kind: "Duration", span: S, amount: 30, unit: "day" } })).toBe(
      "user.flags within 30 days",
    );
  });
});

describe("literals", () => {
  it("fmt.strings: escapes quotes, backslashes, newlines and control characters; keeps Chinese", () => {
    expect(quote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(quote("一\n二\t三")).toBe('"一\\n二\\t三"');
    expect(quote("\r\u0000\u007f\u2028\ufeff")).toBe('"\\u{D}\\u{0}\\u{7F}\\u{2028}\\u{FEFF}"');
    expect(quote("群组 {group} 已关闭 😀")).toBe('"群组 {group} 已关闭 😀"');
  });

  it("fmt.durations: singular for one, plural otherwise", () => {
    expect(duration({ kind: "Duration", span: S, amount: 1, unit: "day" })).toBe("1 day");
    expect(duration({ kind: "Duration", span: S, amount: 0, unit: "month" })).toBe("0 months");
    expect(duration({ kind: "Duration", span: S, amount: 6, unit: "month" })).toBe("6 months");
  });
});

describe("layout", () => {
  const ident = (name: string): A.Ident => ({ kind: "Ident", span: S, name });
  const tier = (name: string, to: number): A.TierDecl => ({
    kind: "TierDecl",
    span: S,
    name: ident(name),
    members: { kind: "IntRange", span: S, from: int(1), to: int(to) },
    activityFrom: null,
    creatorRequires: [{ kind: "VerifiedQual", span: S }],
    joinApproval: true,
  });
  const file = (tiers: A.TierDecl[]): A.PolicyFile => ({
    kind: "PolicyFile",
    span: S,
    comments: [],
    header: { kind: "PolicyHeader", span: S, name: { kind: "StringLit", span: S, value: "p" }, version: { kind: "StringLit", span: S, value: "1" }, title: null, effective: null, tolerance: null, serves: null },
    items: [{ kind: "TiersSection", span: S, serves: null, tiers, overrides: [] }],
  });

  it("fmt.tier-layout: a tier fits on one line up to the width limit, else is multi-line", () => {
    const out = format(file([tier("small", 100), tier("x".repeat(ONE_LINE_TIER_WIDTH), 5)]), []);
    expect(out).toBe(
      [
        'policy "p" version "1" {}',
        "",
        "tiers {",
        "  tier small { members 1..100  creator requires verified  join requires approval }",
        `  tier ${"x".repeat(ONE_LINE_TIER_WIDTH)} {`,
        "    members 1..5",
        "    creator requires verified",
        "    join requires approval",
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("fmt.tier-layout: the width limit counts the indentation and is inclusive", () => {
    // "  tier NAME { members 1..5  creator requires verified  join requires approval }" is 76 + NAME.
    const fixed = "  tier  { members 1..5  creator requires verified  join requires approval }".length;
    const fits = format(file([tier("n".repeat(ONE_LINE_TIER_WIDTH - fixed), 5)]), []);
    const over = format(file([tier("n".repeat(ONE_LINE_TIER_WIDTH - fixed + 1), 5)]), []);
    expect(fits.split("\n")[3]!.length).toBe(ONE_LINE_TIER_WIDTH);
    expect(over.split("\n")[3]!.endsWith("{")).toBe(true);
  });
});
