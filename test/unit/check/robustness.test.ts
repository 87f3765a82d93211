import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type * as A from "../../../src/ast/nodes.js";
import { CHECK_CODES } from "../../../src/check/codes.js";
import { analyze, check } from "../../../src/check/index.js";
import { Source, syntheticSpan } from "../../../src/source/span.js";
import { parse } from "../../../src/syntax/index.js";

const span = syntheticSpan("hand.qg");
const ident = (name: string): A.Ident => ({ kind: "Ident", name, span });

describe("the checker never throws", () => {
  it("checks a hand-built file with no header and empty blocks", () => {
    const file: A.PolicyFile = {
      kind: "PolicyFile",
      span,
      header: null,
      comments: [],
      items: [
        { kind: "TiersSection", span, serves: null, tiers: [{ kind: "TierDecl", span, name: ident("t"), members: null, activityFrom: null, creatorRequires: [], joinApproval: false }], overrides: [] },
        { kind: "MeasureDecl", span, name: ident("m"), serves: null, trigger: null, actions: [] },
        { kind: "RuleDecl", span, name: ident("r"), serves: null, on: [], effect: "deny", when: null, because: null },
        { kind: "Amendment", span, version: { kind: "StringLit", value: "2", span }, effective: null, serves: null, items: [], removals: [] },
      ],
    };
    const ds = check(file);
    expect(ds.some((d) => d.code === "QG069")).toBe(false);
    expect(ds.map((d) => d.code)).toEqual(expect.arrayContaining(["QG019", "QG021", "QG024", "QG052", "QG065"]));
  });

  it("checks whatever the parser makes of damaged policies", () => {
    const texts = CHECK_CODES.flatMap((c) => [c.bad, c.fixed]);
    fc.assert(
      fc.property(fc.constantFrom(...texts), fc.array(fc.tuple(fc.nat(), fc.nat(40), fc.string({ maxLength: 6 })), { maxLength: 4 }), (text, edits) => {
        let t = text;
        for (const [at, del, ins] of edits) {
          const i = at % (t.length + 1);
          t = t.slice(0, i) + ins + t.slice(i + del);
        }
        const parsed = parse(new Source("damaged.qg", t));
        if (!parsed.ast) return;
        const result = analyze(parsed.ast);
        expect(result.diagnostics.filter((d) => d.code === "QG069").map((d) => d.message)).toEqual([]);
      }),
      { numRuns: 300, seed: 20171008 },
    );
  });
});
