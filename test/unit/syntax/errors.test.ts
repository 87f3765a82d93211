import { describe, expect, it } from "vitest";
import type * as A from "../../../src/ast/nodes.js";
import { SYNTAX_CODES } from "../../../src/syntax/codes.js";
import { MAX_NESTING } from "../../../src/syntax/index.js";
import { HEADER, parseText, summary } from "./helpers.js";

describe("error recovery", () => {
  it("reports three separate syntax errors in one run, each on its own line", () => {
    const text = `policy "t" version "1" {
  effective 2017-10-08 in Asia/Shanghai
}
credit {
  levels D < C < B < A
  default
}
tiers {
  tier small { members 1..100
  tier large { members 101..2000 }
}
measure m {
  on flag minor
  then explode group, record
}
`;
    const r = parseText(text);
    expect(summary(r)).toEqual([
      "7:1 QG002 expected a credit level after `default`, found `}`",
      "10:3 QG002 expected `}` to close the `tier` block, found `tier`",
      "14:8 QG002 expected an action, found `explode`",
    ]);
    // Recovery keeps everything it can: both tiers, the measure and its `record`.
    const tiers = r.ast!.items.find((i) => i.kind === "TiersSection") as A.TiersSection;
    expect(tiers.tiers.map((t) => [t.name.name, t.members?.to.value])).toEqual([
      ["small", 100],
      ["large", 2000],
    ]);
    expect(r.ast!.items.map((i) => i.kind)).toEqual(["CreditSection", "TiersSection", "MeasureDecl"]);
  });

  it("labels the brace left open and gives the help for the block", () => {
    const r = parseText(`${HEADER}tiers {\n  tier small { members 1..100\n  tier large { members 101..2000 }\n}\n`);
    expect(r.diagnostics).toHaveLength(1);
    const d = r.diagnostics[0]!;
    expect(d.message).toBe("expected `}` to close the `tier` block, found `tier`");
    expect(d.help).toContain("a `tier` block holds `members FROM..TO`");
    expect(d.labels).toMatchObject([{ message: "the block opened here", span: { start: { line: 3, column: 14 } } }]);
  });

  it("points at the end of the last token when the file ends inside a block", () => {
    const r = parseText(`${HEADER}tiers { serves A7.tiers\n\n// trailing comment\n`);
    expect(summary(r)).toEqual(["2:24 QG002 expected `}` to close the `tiers` block, found end of file"]);
    expect(r.diagnostics[0]!.help).toBe("add `}` at the end of the `tiers` block");
  });

  it("says when a reserved word is used as a name", () => {
    const r = parseText(`${HEADER}rule default { on message.post deny }`);
    expect(summary(r)).toEqual(["2:6 QG002 expected a rule name after `rule`, found `default`"]);
    expect(r.diagnostics[0]!.help).toMatch(/^`default` is a reserved word/);
  });

  it("explains a missing header, a second header and stray top-level tokens", () => {
    expect(summary(parseText(""))).toEqual(["1:1 QG002 expected the `policy` header, found end of file"]);
    expect(summary(parseText("rule r { on message.post deny }"))).toEqual([
      "1:1 QG002 expected the `policy` header, found `rule`",
    ]);
    expect(summary(parseText(`${HEADER}${HEADER}`))).toEqual([
      "2:1 QG002 a file has one `policy` header; found a second one",
    ]);
    const stray = parseText(`${HEADER}} retention { keep logs 6 months }`);
    expect(summary(stray)).toEqual(["2:1 QG002 expected a section, `rule`, `measure` or `amendment`, found `}`"]);
    expect(stray.ast!.items.map((i) => i.kind)).toEqual(["RetentionSection"]);
  });

  it("describes alternatives in words", () => {
    expect(summary(parseText(`${HEADER}retention { keep logs 6 fortnights }`))).toEqual([
      "2:25 QG002 expected a duration unit, found `fortnights`",
    ]);
    expect(summary(parseText(`${HEADER}blacklist { restrict members create }`))).toEqual([
      "2:22 QG002 expected `users` or `groups`, found `members`",
    ]);
    expect(summary(parseText(`${HEADER}categories { general 普通群 "x" }`))).toEqual([]);
    expect(summary(parseText(`${HEADER}rule r { on message.post deny when a < }`))).toEqual([
      "2:40 QG002 expected an expression, found `}`",
    ]);
    expect(summary(parseText(`${HEADER}rule r { on message.post deny when (a }`))).toEqual([
      "2:39 QG002 expected `)` to close `(`, found `}`",
    ]);
    const chained = parseText(`${HEADER}rule r { on message.post deny when 1 < 2 < 3 }`);
    expect(chained.diagnostics[0]!.help).toContain("comparisons do not chain");
  });

  it("reports a clause given twice, with the first one as a label (QG008)", () => {
    const r = parseText(`${HEADER}limits {\n  members per group 10\n  members per group 20\n}\n`);
    expect(summary(r)).toEqual(["4:3 QG008 `members per group` is given twice in the `limits` block"]);
    expect(r.diagnostics[0]!.labels).toMatchObject([{ message: "first given here", span: { start: { line: 3, column: 3 } } }]);
    const limits = r.ast!.items[0] as A.LimitsSection;
    expect(limits.membersPerGroup?.value).toBe(10);
    const twice = parseText(`policy "t" version "1" { title "a" title "b" serves A15.effective serves A15.effective }`);
    expect(twice.diagnostics.map((d) => d.code)).toEqual(["QG008", "QG008"]);
    expect(twice.diagnostics[1]!.help).toBe("list all requirement ids in one `serves` line, separated by commas");
    expect(summary(parseText(`${HEADER}blacklist { restrict users post restrict groups post restrict users join }`))).toEqual([
      "2:54 QG008 `restrict users` is given twice in the `blacklist` block",
    ]);
  });

  it("does not pile QG008 on a block that already has a syntax error", () => {
    const r2 = parseText(`${HEADER}limits {\n  members per group\n  members per group 20 }`);
    expect(r2.diagnostics.map((d) => d.code)).toEqual(["QG002"]);
    const r3 = parseText(`${HEADER}rule r { on message.post deny when a < because "x" allow }`);
    expect(r3.diagnostics.map((d) => d.code)).toEqual(["QG002"]);
  });

  it("reports a rule without deny or allow (QG009), and two effects (QG008)", () => {
    expect(summary(parseText(`${HEADER}rule r { on message.post because "x" }`))).toEqual([
      "2:6 QG009 rule `r` has no `deny` or `allow`",
    ]);
    expect(summary(parseText(`${HEADER}rule r { on message.post deny allow }`))).toEqual([
      "2:31 QG008 `deny`/`allow` is given twice in the `rule` block",
    ]);
  });

  it("lowers what it can around errors: missing names become empty, incomplete leaves are dropped", () => {
    const r = parseText(`${HEADER}measure { then warn, record, close group }\ntier`);
    const m = r.ast!.items[0] as A.MeasureDecl;
    expect(m.kind).toBe("MeasureDecl");
    expect(m.name.name).toBe("");
    expect(m.name.span.start.offset).toBe(m.name.span.end.offset);
    expect(m.actions.map((a) => a.kind)).toEqual(["RecordAction", "CloseGroupAction"]);
    expect(r.diagnostics.length).toBeGreaterThan(0);
    // Positional: a missing policy name does not turn the version into the name.
    const h = parseText('policy version "2" { }').ast!.header!;
    expect([h.name.value, h.version.value]).toEqual(["", "2"]);
  });

  it("refuses nesting deeper than the limit instead of running out of stack", () => {
    const deep = (n: number) => `${HEADER}rule r { on message.post deny when ${"(".repeat(n)}a${")".repeat(n)} }`;
    expect(parseText(deep(MAX_NESTING - 2)).diagnostics).toEqual([]);
    const r = parseText(deep(5000));
    expect(r.ast).toBeNull();
    expect(summary(r)).toEqual([`2:${35 + MAX_NESTING} QG002 nested more than ${MAX_NESTING} levels deep`]);
    expect(parseText(`${HEADER}rule r { on message.post deny when ${"not ".repeat(10_000)} a }`).diagnostics[0]!.message).toBe(
      `nested more than ${MAX_NESTING} levels deep`,
    );
  });

  it("never throws on hostile input", () => {
    const inputs = [
      "\u0000",
      "\uFEFF",
      "\uD800",
      "policy",
      '"',
      "/*",
      "}}}}}",
      "{{{{{",
      "policy policy policy",
      `${HEADER}${"x ".repeat(3000)}`,
      `${HEADER}${"rule r { on ".repeat(500)}`,
      `${HEADER}${"tiers { tier a { ".repeat(30)}`,
    ];
    for (const text of inputs) {
      const r = parseText(text);
      expect(r.diagnostics.length, JSON.stringify(text.slice(0, 40))).toBeGreaterThan(0);
      expect(r.diagnostics.every((d) => !d.message.includes("failed"))).toBe(true);
    }
  });
});

describe("the QG001–QG009 catalogue", () => {
  it("has every code once, in order, with lowercase one-line titles", () => {
    expect(SYNTAX_CODES.map((c) => c.code)).toEqual(["QG001", "QG002", "QG003", "QG004", "QG005", "QG006", "QG007", "QG008", "QG009", "QG080"]);
    for (const c of SYNTAX_CODES) {
      expect(c.title).toMatch(/^[a-z`]/);
      expect(c.title).not.toContain("\n");
      expect(c.explanation.length).toBeGreaterThan(40);
    }
  });

  for (const info of SYNTAX_CODES) {
    it(`${info.code} fires on its bad example and not on its fixed one`, () => {
      const bad = parseText(info.bad, "bad.qg");
      expect(bad.diagnostics.map((d) => d.code), info.bad).toContain(info.code);
      const fixed = parseText(info.fixed, "fixed.qg");
      expect(summary(fixed), info.fixed).toEqual([]);
    });
  }

  it("writes every syntax diagnostic lowercase, on one line, with a help line", () => {
    for (const info of SYNTAX_CODES) {
      for (const d of parseText(info.bad).diagnostics) {
        expect(d.message).toMatch(/^[a-z`]/);
        expect(d.message).not.toMatch(/\n|\.$/);
        expect(d.help, d.message).toBeTruthy();
        expect(d.help).not.toContain("\n");
      }
    }
  });
});

describe("misspelt keywords (QG080)", () => {
  const cases: [string, string, string][] = [
    // a clause keyword in each kind of block
    ["tiers { serves A7.tiers tier small { membrs 1..100 } }", "unknown keyword `membrs` in the `tier` block", "members"],
    ["complaints { serves A12.complaints resolv within 48 hours }", "unknown keyword `resolv` in the `complaints` block", "resolve"],
    ["limits { members per group 2000 grups created per user 3 }", "unknown keyword `grups` in the `limits` block", "groups"],
    ["agreement { serves A5.agreement reacept on new version }", "unknown keyword `reacept` in the `agreement` block", "reaccept"],
    ["rule r { on message.post dney }", "unknown keyword `dney` in the `rule` block", "deny"],
    // a section keyword between items
    ["complains { serves A12.complaints }", "unknown keyword `complains`", "complaints"],
    // inside a clause: a unit, an action, a trigger part, an operator
    ["retention { keep logs 6 monts }", "unknown keyword `monts` in the `retention` block", "month"],
    ["measure m { on flag minor then wran group }", "unknown keyword `wran` in the `measure` block", "warn"],
    ["measure m { on 3 flags >= serious in group wihtin 30 days then record }", "unknown keyword `wihtin` in the `measure` block", "within"],
    ["rule r { on message.post deny when a < 3 annd b }", "unknown keyword `annd` in the `rule` block", "and"],
  ];
  it.each(cases)("%s", (text, message, word) => {
    const r = parseText(HEADER + text);
    expect(r.diagnostics.map((d) => [d.code, d.message, d.help])).toEqual([["QG080", message, `did you mean \`${word}\`?`]]);
    expect(r.diagnostics[0]!.labels).toEqual([]);
  });

  it("names the header's keywords too", () => {
    const r = parseText('policy "t" version "1" { effectve 2017-10-08 in UTC }');
    expect(summary(r)).toEqual(["1:26 QG080 unknown keyword `effectve` in the `policy` header"]);
  });

  it("suggests only keywords that can stand there, and only close ones", () => {
    // `explode` is no action misspelt; `severity` is not a keyword of `limits`.
    expect(summary(parseText(`${HEADER}measure m { on flag minor then explode group, record }`))).toEqual([
      "2:32 QG002 expected an action, found `explode`",
    ]);
    expect(parseText(`${HEADER}limits { severites 3 }`).diagnostics.map((d) => d.code)).toEqual(["QG002"]);
    // a keyword in the wrong place is not a misspelling
    expect(parseText(`${HEADER}blacklist { restrict members create }`).diagnostics.map((d) => d.code)).toEqual(["QG002"]);
  });

  it("keeps recovering after the misspelt word, so later errors are reported too", () => {
    const r = parseText(`${HEADER}tiers {\n  tier small { membrs 1..100 }\n}\nretention { keep logs 6 monts }\n`);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["QG080", "QG080"]);
  });
});
