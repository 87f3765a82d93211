import { describe, expect, it } from "vitest";
import type * as A from "../../../src/ast/nodes.js";
import { astEqual, stripSpans } from "../../../src/ast/equal.js";
import { children, collect, forEachChild, walk, type AnyNode } from "../../../src/ast/walk.js";
import { HEADER, parseText } from "./helpers.js";

const POLICY = `${HEADER}// a comment
tiers { tier small { members 1..100 creator requires verified, credit >= C } }
rule r { on message.post deny when not a and b.c < 3 because "x" }
`;

describe("astEqual", () => {
  it("ignores spans and comments but nothing else", () => {
    const a = parseText(POLICY).ast!;
    const b = parseText(POLICY.replace(/ +/g, "   ").replace("// a comment", "/* other */")).ast!;
    expect(a.span).not.toEqual(b.span);
    expect(astEqual(a, b)).toBe(true);
    const c = parseText(POLICY.replace("1..100", "1..101")).ast!;
    expect(astEqual(a, c)).toBe(false);
    const d = parseText(POLICY.replace("not a and", "a and")).ast!;
    expect(astEqual(a, d)).toBe(false);
  });

  it("compares null, arrays and primitives", () => {
    expect(astEqual(null, null)).toBe(true);
    expect(astEqual(null, {})).toBe(false);
    expect(astEqual([1, 2], [1, 2])).toBe(true);
    expect(astEqual([1, 2], [1, 2, 3])).toBe(false);
    expect(astEqual({ kind: "IntLit", value: 1, span: 1 }, { kind: "IntLit", value: 1 })).toBe(true);
    expect(astEqual({ kind: "IntLit", value: 1 }, { kind: "IntLit", value: 1, extra: 2 })).toBe(false);
  });
});

describe("stripSpans", () => {
  it("removes every span, keeps everything else and does not touch the input", () => {
    const ast = parseText(POLICY).ast!;
    const stripped = stripSpans(ast);
    expect(JSON.stringify(stripped)).not.toContain('"span"');
    expect(stripped.comments).toEqual([{ text: "// a comment" }]);
    expect(ast.span).toBeDefined();
    expect(astEqual(stripped, ast)).toBe(true);
  });
});

describe("walk", () => {
  const ast = parseText(POLICY).ast!;

  it("visits every node, parents before children, in source order", () => {
    const kinds: string[] = [];
    walk(ast, (n) => {
      kinds.push(n.kind);
    });
    expect(kinds.slice(0, 3)).toEqual(["PolicyFile", "PolicyHeader", "StringLit"]);
    const rule = kinds.indexOf("RuleDecl");
    expect(kinds.slice(rule)).toEqual([
      "RuleDecl",
      "Ident",
      "DottedName",
      "BinaryExpr",
      "NotExpr",
      "PathExpr",
      "CompareExpr",
      "PathExpr",
      "IntLit",
      "StringLit",
    ]);
  });

  it("skips children when enter returns false and calls leave after them", () => {
    const events: string[] = [];
    walk(ast, {
      enter: (n) => {
        events.push(`>${n.kind}`);
        return n.kind !== "TierDecl";
      },
      leave: (n) => {
        events.push(`<${n.kind}`);
      },
    });
    const i = events.indexOf(">TierDecl");
    expect(events[i + 1]).toBe("<TierDecl");
    expect(events[events.length - 1]).toBe("<PolicyFile");
  });

  it("reports the property and index of each child", () => {
    const tier = collect(ast, "TierDecl")[0]!;
    const seen: string[] = [];
    forEachChild(tier, (c, key, index) => seen.push(`${key}${index === null ? "" : `[${index}]`}:${c.kind}`));
    expect(seen).toEqual(["name:Ident", "members:IntRange", "creatorRequires[0]:VerifiedQual", "creatorRequires[1]:CreditQual"]);
    expect(children(tier).map((c) => c.kind)).toEqual(["Ident", "IntRange", "VerifiedQual", "CreditQual"]);
  });

  it("narrows by kind", () => {
    const paths = collect(ast, "PathExpr").map((p: A.PathExpr) => p.parts.join("."));
    expect(paths).toEqual(["a", "b.c"]);
    const any: AnyNode[] = [];
    walk(ast, (n) => {
      if (n.kind === "IntLit") any.push(n);
    });
    expect(any.map((n) => (n as A.IntLit).value)).toEqual([1, 100, 3]);
  });
});
