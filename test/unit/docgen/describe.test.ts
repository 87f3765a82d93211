/**
 * Rules, measures and conditions in plain English (src/docgen/describe.ts), and Markdown escaping.
 */
import { describe, expect, test } from "vitest";
import { actions, condition, measureSentence, ruleSentence, trigger } from "../../../src/docgen/index.js";
import { mdEscape, mdInline } from "../../../src/docgen/markdown.js";
import type { ExprIR, RuleIR } from "../../../src/ir/types.js";
import { compiled, REFERENCE } from "./helpers.js";

const v = compiled(REFERENCE).ir.versions[0]!;
const rule = (name: string, on?: string): RuleIR => v.rules.find((r) => r.name === name && (on === undefined || r.on.includes(on as never)))!;
const measure = (name: string) => v.measures.find((m) => m.name === name)!;

describe("rules in plain English", () => {
  test("section rules keep the policy's parameters", () => {
    expect(ruleSentence(rule("real-name/post"))).toBe("Deny message.post when the user has no verified real identity.");
    expect(ruleSentence(rule("limits/member-cap"))).toBe("Deny group.join when the group's member count after the event is more than 2000.");
    expect(ruleSentence(rule("limits/info-page"))).toBe("Deny group.join when the group's member count after the event is at least 100 and the group has no info page.");
    expect(ruleSentence(rule("limits/groups-created"))).toBe(
      "Deny group.create when the number of groups the user has created is at least the cap for their credit (20 when the user's credit level is at least A; 10 when the user's credit level is at least B; otherwise 3).",
    );
    expect(ruleSentence(rule("retention/purge"))).toBe("Deny records.purge when the purge cutoff is later than 6 months before now.");
    expect(ruleSentence(rule("news-needs-credit"))).toBe("Deny message.post when the group's category is news-discussion and the user's credit level is below C.");
  });

  test("a negated conjunction is said as a disjunction, and a negated comparison is never inverted", () => {
    expect(ruleSentence(rule("tiers/small/create"))).toBe(
      "Deny group.create when the group's tier after the event is small, the group's category is not news-discussion and (either the user has no verified real identity or the user's credit level is not at least C).",
    );
  });

  test("roles read as membership", () => {
    expect(ruleSentence(rule("groups/not-a-member"))).toBe("Deny message.post when the user is not a member of the group.");
    expect(ruleSentence(rule("management/creator-protected", "group.role"))).toBe("Deny group.role when the target user is the group's creator.");
    expect(ruleSentence(rule("management/not-a-manager"))).toBe("Deny group.info, group.role or group.manage when the user's role in the group is either member or none.");
  });

  test("permits", () => {
    expect(ruleSentence(rule("permit/message.post"))).toBe("Allow message.post when no deny rule applies.");
  });

  test("measures: triggers and actions with their durations", () => {
    expect(measureSentence(measure("close-on-repeat"))).toBe(
      "On 3 flags of severity serious in the same group within 30 days: close the group, blacklist the group with no end date, blacklist the group's creator for 1 year, keep a record and report to authority.",
    );
    expect(measureSentence(measure("warn-on-minor"))).toBe(
      "On a flag of severity minor: warn the group and order it to rectify within 3 days (if it is flagged again within that time: suspend posting in the group for 3 days, keep a record and report to authority), keep a record and report to authority.",
    );
    expect(trigger(measure("cancel-creation-on-repeat").trigger)).toBe("2 flags of severity serious against the same user within 90 days");
    expect(trigger(measure("blacklist-on-terrorism").trigger)).toBe("a flag of category terrorism");
    expect(actions(v.complaints!.otherwise, "complaint")).toBe("escalate, keep a record and report to authority");
  });

  test("conditions of every kind have a sentence", () => {
    const path = (p: string, type: "bool" | "count" | "level" | "time" | "duration" = "bool"): ExprIR => ({ kind: "path", path: p, type });
    expect(condition({ kind: "between", negated: false, left: path("group.members", "count"), from: 10, to: 20 })).toBe("the group's member count is between 10 and 20");
    expect(condition({ kind: "window", path: "actor.flags", within: { amount: 7, unit: "day" } })).toBe("the number of flags against the user within the last 7 days is more than 0");
    expect(condition({ kind: "cmp", op: ">=", left: path("actor.account-age", "duration"), right: { kind: "duration", amount: 6, unit: "month" } })).toBe("the user's account age is at least 6 months");
    expect(condition({ kind: "not", arg: { kind: "or", args: [path("group.closed"), path("group.blacklisted")] } })).toBe("the group is not closed and the group is not blacklisted");
    expect(condition({ kind: "lit", type: "bool", value: false })).toBe("never");
  });
});

describe("Markdown escaping", () => {
  test("text can never become markup", () => {
    expect(mdEscape("a|b *c* _d_ [e](f) <g> `h` ~i~ &amp;")).toBe("a\\|b \\*c\\* \\_d\\_ \\[e\\](f) \\<g\\> \\`h\\` \\~i\\~ \\&amp;");
    expect(mdEscape("# not a heading")).toBe("\\# not a heading");
    expect(mdEscape("two\nlines")).toBe("two lines");
    expect(mdInline([{ t: "code", text: "a`b" }])).toBe("``a`b``");
  });
});
