import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type * as A from "../../../src/ast/nodes.js";
import { stripSpans } from "../../../src/ast/equal.js";
import { walk } from "../../../src/ast/walk.js";
import { HEADER, languageExamples, parseText, summary } from "./helpers.js";

function firstItem<K extends A.TopItem["kind"]>(text: string, kind: K): Extract<A.TopItem, { kind: K }> {
  const r = parseText(HEADER + text);
  expect(summary(r)).toEqual([]);
  const item = r.ast!.items.find((i) => i.kind === kind);
  expect(item, kind).toBeDefined();
  return item as Extract<A.TopItem, { kind: K }>;
}

function ruleWhen(expr: string): A.Expr {
  const rule = firstItem(`rule r {\n  on message.post\n  deny when ${expr}\n}\n`, "RuleDecl");
  expect(rule.when).not.toBeNull();
  return rule.when!;
}

/** A compact rendering of an expression, parenthesised as the parser grouped it. */
function show(e: A.Expr | A.IntRange): string {
  switch (e.kind) {
    case "BinaryExpr":
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case "ArithExpr":
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case "CompareExpr":
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case "InExpr":
      return `(${show(e.left)} ${e.negated ? "not in" : "in"} ${show(e.right)})`;
    case "NotExpr":
      return `(not ${show(e.operand)})`;
    case "IfExpr":
      return `(if ${show(e.cond)} then ${show(e.then)} else ${show(e.else)})`;
    case "PathExpr":
      return e.parts.join(".");
    case "WindowExpr":
      return `${show(e.path)} within ${show(e.within)}`;
    case "IntLit":
      return String(e.value);
    case "IntRange":
      return `${e.from.value}..${e.to.value}`;
    case "Duration":
      return `${e.amount} ${e.unit}`;
    case "StringLit":
      return JSON.stringify(e.value);
    case "BoolLit":
      return String(e.value);
    case "DateTimeLit":
      return `${e.text}@${e.zone.name}`;
    case "ListExpr":
      return `[${e.items.map(show).join(", ")}]`;
    case "ParenExpr":
      return `{${show(e.inner)}}`;
  }
}

describe("docs/language.md examples", () => {
  const examples = languageExamples();

  it("has the examples this test expects", () => {
    expect(examples.length).toBeGreaterThanOrEqual(16);
  });

  for (const { text, first } of examples) {
    it(`parses without diagnostics: ${first}`, () => {
      const r = parseText(text, "language.md");
      expect(summary(r), text).toEqual([]);
      expect(r.ast).not.toBeNull();
    });
  }

  it.runIf(existsSync("policies/cac-2017.qg"))("parses policies/cac-2017.qg without diagnostics", () => {
    const text = readFileSync("policies/cac-2017.qg", "utf8");
    const r = parseText(text, "policies/cac-2017.qg");
    expect(summary(r)).toEqual([]);
    expect(r.ast!.header!.name.value).toBe("cac-2017");
    expect(r.comments.length).toBeGreaterThan(0);
    expect(r.ast!.comments).toBe(r.comments);
  });
});

describe("the AST", () => {
  it("lowers the header with resolved strings, zone, duration and spans", () => {
    const text = `policy "cac-2017" version "1.0" {
  title "互联网群组信息服务管理规定 \\"reference\\""
  effective 2017-10-08T09:30 in Asia/Shanghai
  tolerance 5 minutes
  serves A15.effective, A5.agreement
}
`;
    const r = parseText(text);
    expect(summary(r)).toEqual([]);
    const h = r.ast!.header!;
    expect(stripSpans(h)).toEqual({
      kind: "PolicyHeader",
      name: { kind: "StringLit", value: "cac-2017" },
      version: { kind: "StringLit", value: "1.0" },
      title: { kind: "StringLit", value: '互联网群组信息服务管理规定 "reference"' },
      effective: { kind: "DateTimeLit", text: "2017-10-08T09:30", zone: { kind: "Zone", name: "Asia/Shanghai" } },
      tolerance: { kind: "Duration", amount: 5, unit: "minute" },
      serves: {
        kind: "Serves",
        reqs: [
          { kind: "ReqRef", id: "A15.effective" },
          { kind: "ReqRef", id: "A5.agreement" },
        ],
      },
    });
    const slice = (n: A.Node) => text.slice(n.span.start.offset, n.span.end.offset);
    expect(slice(h)).toBe(text.trimEnd());
    expect(slice(h.name)).toBe('"cac-2017"');
    expect(slice(h.effective!)).toBe("2017-10-08T09:30 in Asia/Shanghai");
    expect(slice(h.effective!.zone)).toBe("Asia/Shanghai");
    expect(slice(h.tolerance!)).toBe("5 minutes");
    expect(slice(h.serves!)).toBe("serves A15.effective, A5.agreement");
    expect(h.title!.span.start).toEqual({ offset: 42, line: 2, column: 9 });
    expect(r.ast!.span.start.offset).toBe(0);
    expect(r.ast!.span.end.offset).toBe(text.length);
  });

  it("accepts an offset as the zone", () => {
    const r = parseText('policy "t" version "1" { effective 2017-10-08T00:00:00 +08:00 }');
    expect(summary(r)).toEqual([]);
    expect(stripSpans(r.ast!.header!.effective)).toEqual({
      kind: "DateTimeLit",
      text: "2017-10-08T00:00:00",
      zone: { kind: "Zone", name: "+08:00" },
    });
  });

  it("gives every node a span inside the file, parents enclosing children", () => {
    const text = readFileSync(existsSync("policies/cac-2017.qg") ? "policies/cac-2017.qg" : "docs/language.md", "utf8");
    const examples = existsSync("policies/cac-2017.qg") ? [text] : languageExamples().map((e) => e.text);
    for (const t of examples) {
      const r = parseText(t);
      let count = 0;
      walk(r.ast!, (node, parent) => {
        count++;
        const { start, end } = node.span;
        expect(start.offset, node.kind).toBeLessThanOrEqual(end.offset);
        expect(end.offset).toBeLessThanOrEqual(t.length);
        if (node.kind !== "PolicyFile") expect(end.offset, node.kind).toBeGreaterThan(start.offset);
        if (parent !== null) {
          expect(start.offset, `${node.kind} in ${parent.kind}`).toBeGreaterThanOrEqual(parent.span.start.offset);
          expect(end.offset, `${node.kind} in ${parent.kind}`).toBeLessThanOrEqual(parent.span.end.offset);
        }
      });
      expect(count).toBeGreaterThan(10);
    }
  });

  it("lowers tiers, their bands and qualifications, and per-category tables", () => {
    const tiers = firstItem(
      `tiers {
  serves A7.tiers
  tier small { members 1..100 creator requires verified, credit >= C }
  for news-discussion, 商务 {
    tier large { members 51..500  activity from 200 messages per day  join requires approval }
  }
}`,
      "TiersSection",
    );
    expect(stripSpans(tiers)).toEqual({
      kind: "TiersSection",
      serves: { kind: "Serves", reqs: [{ kind: "ReqRef", id: "A7.tiers" }] },
      tiers: [
        {
          kind: "TierDecl",
          name: { kind: "Ident", name: "small" },
          members: { kind: "IntRange", from: { kind: "IntLit", value: 1 }, to: { kind: "IntLit", value: 100 } },
          activityFrom: null,
          creatorRequires: [{ kind: "VerifiedQual" }, { kind: "CreditQual", level: { kind: "Ident", name: "C" } }],
          joinApproval: false,
        },
      ],
      overrides: [
        {
          kind: "TierOverride",
          categories: [
            { kind: "Ident", name: "news-discussion" },
            { kind: "Ident", name: "商务" },
          ],
          tiers: [
            {
              kind: "TierDecl",
              name: { kind: "Ident", name: "large" },
              members: { kind: "IntRange", from: { kind: "IntLit", value: 51 }, to: { kind: "IntLit", value: 500 } },
              activityFrom: { kind: "IntLit", value: 200 },
              creatorRequires: [],
              joinApproval: true,
            },
          ],
        },
      ],
    });
  });

  it("lowers limits with credit steps", () => {
    const limits = firstItem(
      `limits {
  members per group 2000
  groups created per user 3, 10 when credit >= B, 20 when credit >= A
  groups joined per user 500
  info page from 100 members enforced
}`,
      "LimitsSection",
    );
    expect(stripSpans(limits)).toEqual({
      kind: "LimitsSection",
      serves: null,
      membersPerGroup: { kind: "IntLit", value: 2000 },
      groupsCreated: {
        kind: "CreditStepped",
        base: { kind: "IntLit", value: 3 },
        steps: [
          { kind: "CreditStep", value: { kind: "IntLit", value: 10 }, atLeast: { kind: "Ident", name: "B" } },
          { kind: "CreditStep", value: { kind: "IntLit", value: 20 }, atLeast: { kind: "Ident", name: "A" } },
        ],
      },
      groupsJoined: { kind: "CreditStepped", base: { kind: "IntLit", value: 500 }, steps: [] },
      infoPage: { kind: "InfoPageLimit", from: { kind: "IntLit", value: 100 }, enforced: true },
    });
  });

  it("lowers the small sections", () => {
    const text = `agreement { current version "2017-10" required for create, join, set-info reaccept on new version }
identity { verified required for post }
credit { levels D < C < B < A default C }
categories { general "普通群" 新闻讨论 }
prohibited { severities minor < serious fraud serious "诈骗" spam minor }
responsibility { handle flags within 24 hours otherwise lower credit of creator by 1, record }
complaints { resolve within 48 hours otherwise escalate }
retention { keep logs 6 months }
management { mute for 1 day }
blacklist { restrict users create, join restrict groups post }
`;
    const r = parseText(HEADER + text);
    expect(summary(r)).toEqual([]);
    expect(r.ast!.items.map((i) => stripSpans(i))).toEqual([
      {
        kind: "AgreementSection",
        serves: null,
        currentVersion: { kind: "StringLit", value: "2017-10" },
        requiredFor: ["create", "join", "set-info"].map((name) => ({ kind: "Ident", name })),
        reaccept: true,
      },
      { kind: "IdentitySection", serves: null, requiredFor: [{ kind: "Ident", name: "post" }] },
      {
        kind: "CreditSection",
        serves: null,
        levels: ["D", "C", "B", "A"].map((name) => ({ kind: "Ident", name })),
        default: { kind: "Ident", name: "C" },
      },
      {
        kind: "CategoriesSection",
        serves: null,
        categories: [
          { kind: "CategoryDecl", name: { kind: "Ident", name: "general" }, label: { kind: "StringLit", value: "普通群" } },
          { kind: "CategoryDecl", name: { kind: "Ident", name: "新闻讨论" }, label: null },
        ],
      },
      {
        kind: "ProhibitedSection",
        serves: null,
        severities: [
          { kind: "Ident", name: "minor" },
          { kind: "Ident", name: "serious" },
        ],
        categories: [
          {
            kind: "ContentCategoryDecl",
            name: { kind: "Ident", name: "fraud" },
            severity: { kind: "Ident", name: "serious" },
            label: { kind: "StringLit", value: "诈骗" },
          },
          { kind: "ContentCategoryDecl", name: { kind: "Ident", name: "spam" }, severity: { kind: "Ident", name: "minor" }, label: null },
        ],
      },
      {
        kind: "ResponsibilitySection",
        serves: null,
        window: { kind: "Duration", amount: 24, unit: "hour" },
        otherwise: [
          { kind: "LowerCreditAction", target: { kind: "Target", name: "creator" }, by: { kind: "IntLit", value: 1 } },
          { kind: "RecordAction" },
        ],
      },
      {
        kind: "ComplaintsSection",
        serves: null,
        resolveWithin: { kind: "Duration", amount: 48, unit: "hour" },
        otherwise: [{ kind: "EscalateAction" }],
      },
      { kind: "RetentionSection", serves: null, keepLogs: { kind: "Duration", amount: 6, unit: "month" } },
      { kind: "ManagementSection", serves: null, muteFor: { kind: "Duration", amount: 1, unit: "day" } },
      {
        kind: "BlacklistSection",
        serves: null,
        users: [
          { kind: "Ident", name: "create" },
          { kind: "Ident", name: "join" },
        ],
        groups: [{ kind: "Ident", name: "post" }],
      },
    ]);
  });

  it("lowers every trigger shape", () => {
    const trigger = (t: string) => stripSpans(firstItem(`measure m { ${t} then record }`, "MeasureDecl").trigger);
    expect(trigger("on flag minor")).toEqual({
      kind: "Trigger",
      count: null,
      severityOp: "==",
      severity: { kind: "Ident", name: "minor" },
      categories: [],
      scope: null,
      within: null,
    });
    expect(trigger("on flag >= minor of fraud, rumor")).toMatchObject({
      count: null,
      severityOp: ">=",
      categories: [
        { kind: "Ident", name: "fraud" },
        { kind: "Ident", name: "rumor" },
      ],
    });
    expect(trigger("on 3 flags >= serious in group within 30 days")).toMatchObject({
      count: { kind: "IntLit", value: 3 },
      severityOp: ">=",
      severity: { kind: "Ident", name: "serious" },
      scope: "group",
      within: { kind: "Duration", amount: 30, unit: "day" },
    });
    expect(trigger("on 2 flags by user within 90 days")).toMatchObject({ severity: null, scope: "user" });
  });

  it("lowers every action, with nested otherwise", () => {
    const m = firstItem(
      `measure all {
  then warn group rectify within 3 days otherwise (suspend posting of group for 7 days, close group),
       suspend management of managers for 7 days, blacklist group, blacklist creator for 1 year,
       lower credit of user by 2, cancel creation of creator, record, report to authority, escalate, warn user
}`,
      "MeasureDecl",
    );
    expect(m.actions.map((a) => stripSpans(a))).toEqual([
      {
        kind: "WarnAction",
        target: { kind: "Target", name: "group" },
        rectifyWithin: { kind: "Duration", amount: 3, unit: "day" },
        otherwise: [
          { kind: "SuspendPostingAction", target: { kind: "Target", name: "group" }, duration: { kind: "Duration", amount: 7, unit: "day" } },
          { kind: "CloseGroupAction", target: { kind: "Target", name: "group" } },
        ],
      },
      { kind: "SuspendManagementAction", target: { kind: "Target", name: "managers" }, duration: { kind: "Duration", amount: 7, unit: "day" } },
      { kind: "BlacklistAction", target: { kind: "Target", name: "group" }, duration: null },
      { kind: "BlacklistAction", target: { kind: "Target", name: "creator" }, duration: { kind: "Duration", amount: 1, unit: "year" } },
      { kind: "LowerCreditAction", target: { kind: "Target", name: "user" }, by: { kind: "IntLit", value: 2 } },
      { kind: "CancelCreationAction", target: { kind: "Target", name: "creator" } },
      { kind: "RecordAction" },
      { kind: "ReportAction", to: { kind: "Ident", name: "authority" } },
      { kind: "EscalateAction" },
      { kind: "WarnAction", target: { kind: "Target", name: "user" }, rectifyWithin: null, otherwise: [] },
    ]);
  });

  it("lowers a rule with events, effect, condition and template", () => {
    const rule = firstItem(
      `rule 新闻-credit {
  serves A7.credit
  on message.post, group.join, group.info
  allow when true
  because "user {user} needs credit B\\t{group.members}"
}`,
      "RuleDecl",
    );
    expect(stripSpans(rule)).toEqual({
      kind: "RuleDecl",
      name: { kind: "Ident", name: "新闻-credit" },
      serves: { kind: "Serves", reqs: [{ kind: "ReqRef", id: "A7.credit" }] },
      on: [
        { kind: "DottedName", parts: ["message", "post"] },
        { kind: "DottedName", parts: ["group", "join"] },
        { kind: "DottedName", parts: ["group", "info"] },
      ],
      effect: "allow",
      when: { kind: "BoolLit", value: true },
      because: { kind: "StringLit", value: "user {user} needs credit B\t{group.members}" },
    });
    expect(firstItem("rule r { on group.create deny }", "RuleDecl")).toMatchObject({ effect: "deny", when: null });
  });

  it("lowers amendments with their items and removals", () => {
    const a = firstItem(
      `amendment "1.1" {
  effective 2019-01-01 in Asia/Shanghai
  serves A15.effective
  retention { keep logs 1 year }
  rule r { on message.post deny }
  remove rule old-rule
  remove measure 旧措施
}`,
      "Amendment",
    );
    expect(a.version.value).toBe("1.1");
    expect(a.effective?.text).toBe("2019-01-01");
    expect(a.items.map((i) => i.kind)).toEqual(["RetentionSection", "RuleDecl"]);
    expect(a.removals.map((r) => stripSpans(r))).toEqual([
      { kind: "Removal", what: "rule", name: { kind: "Ident", name: "old-rule" } },
      { kind: "Removal", what: "measure", name: { kind: "Ident", name: "旧措施" } },
    ]);
  });
});

describe("expressions", () => {
  it("binds not tighter than and, and tighter than or", () => {
    expect(show(ruleWhen("not a and b or c"))).toBe("(((not a) and b) or c)");
    expect(show(ruleWhen("a or b and not c"))).toBe("(a or (b and (not c)))");
    expect(show(ruleWhen("not not a"))).toBe("(not (not a))");
  });

  it("binds comparison tighter than not, and arithmetic tighter than comparison, left to right", () => {
    expect(show(ruleWhen("not group.members + 1 > 5 - 2 - 1"))).toBe("(not ((group.members + 1) > ((5 - 2) - 1)))");
    expect(show(ruleWhen("now - 6 months < event.before"))).toBe("((now - 6 month) < event.before)");
  });

  it("keeps parentheses", () => {
    const e = ruleWhen("(a or b) and c");
    expect(show(e)).toBe("({(a or b)} and c)");
    expect(e.kind === "BinaryExpr" && e.left.kind === "ParenExpr").toBe(true);
  });

  it("lowers in, not in, lists, ranges, windows, if, dates and literals", () => {
    expect(show(ruleWhen('user.role in [creator, manager] and event.action not in ["x", mute]'))).toBe(
      '((user.role in [creator, manager]) and (event.action not in ["x", mute]))',
    );
    expect(show(ruleWhen("group.members-after in 101..500"))).toBe("(group.members-after in 101..500)");
    expect(show(ruleWhen("user.flags within 30 days >= 3"))).toBe("(user.flags within 30 day >= 3)");
    expect(show(ruleWhen("(if creator.verified then 1 day else 2 weeks) > user.account-age"))).toBe(
      "({(if creator.verified then 1 day else 2 week)} > user.account-age)",
    );
    expect(show(ruleWhen("event.at >= 2018-01-01 in Asia/Shanghai"))).toBe(
      "(event.at >= 2018-01-01@Asia/Shanghai)",
    );
  });

  it("reads keywords after a dot as path segments, and contextual words as names", () => {
    expect(show(ruleWhen("group.members > 0 and creator.verified and user.credit >= B and group.tier == large"))).toBe(
      "((((group.members > 0) and creator.verified) and (user.credit >= B)) and (group.tier == large))",
    );
    expect(show(ruleWhen("user.role == creator and event.action == mute and user.groups-created < 3"))).toBe(
      "(((user.role == creator) and (event.action == mute)) and (user.groups-created < 3))",
    );
  });

  it("gives binary expressions the span from the left operand to the right", () => {
    const text = `${HEADER}rule r { on message.post deny when a and b.c < 3 }`;
    const r = parseText(text);
    const when = (r.ast!.items[0] as A.RuleDecl).when!;
    expect(text.slice(when.span.start.offset, when.span.end.offset)).toBe("a and b.c < 3");
  });
});

describe("comments", () => {
  it("returns comments with spans, on the result and on the file", () => {
    const text = `// head\n${HEADER}/* a\n b */ retention { keep logs 6 months } // tail`;
    const r = parseText(text);
    expect(summary(r)).toEqual([]);
    expect(r.comments.map((c) => [c.text, c.span.start.line])).toEqual([
      ["// head", 1],
      ["/* a\n b */", 3],
      ["// tail", 4],
    ]);
    expect(r.ast!.comments).toEqual(r.comments);
  });
});

describe("the shared parser", () => {
  // The parser reuses the objects its rules return from one top-level item to the next and from
  // one file to the next (src/syntax/parser.ts, `arena`): an AST it returned must never change
  // after, nor share a mutable part with one returned later.
  it("leaves a returned AST as it was while it parses other files, clean or broken", () => {
    const reference = readFileSync("policies/cac-2017.qg", "utf8");
    const first = parseText(reference, "first.qg");
    expect(summary(first)).toEqual([]);
    const before = JSON.stringify(first.ast);
    const others = [
      `${HEADER}rule a { serves A8.member-cap, A8.user-caps on message.post, group.join deny when x.y.z > 1 and not (p or q) because "r" }`,
      `${HEADER}rule b { on message.post deny when a and because "broken" }\nrule c { serves A8.Member-Cap on , deny }`,
      reference.slice(0, Math.floor(reference.length / 2)),
      reference,
    ];
    for (const [i, text] of others.entries()) parseText(text, `other-${i}.qg`);
    expect(JSON.stringify(first.ast)).toBe(before);
    // And parsing the same text again gives the same tree, not one built from leftovers.
    expect(JSON.stringify(parseText(reference, "first.qg").ast)).toBe(before);
  });
});
