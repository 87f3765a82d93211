import { describe, expect, it } from "vitest";
import { CATEGORIES, CREDIT, PROHIBITED, brief, diagnose, messages, only, policy } from "./helpers.js";

const SECTIONS = `${CREDIT}${CATEGORIES}${PROHIBITED}`;
let n = 0;
const rule = (effect: "deny" | "allow", on: string, when: string | null, name = `r${++n}`) =>
  `rule ${name} {\n  serves A7.credit\n  on ${on}\n  ${effect}${when ? ` when ${when}` : ""}\n  because "x"\n}\n`;
const never = (on: string, when: string) => messages(policy(`${SECTIONS}\n${rule("deny", on, when, "r")}`), "QG067");

describe("QG067 rules that can never fire", () => {
  it("contradictory bounds on one count", () => {
    expect(never("group.join", "group.members > 10 and group.members < 5")).toEqual([
      "rule `r` can never fire: `group.members > 10` and `group.members < 5` cannot both hold",
    ]);
  });

  it("integer bounds that leave no whole number", () => {
    expect(never("group.join", "group.members > 10 and group.members < 11")).toHaveLength(1);
    expect(never("group.join", "group.members >= 10 and group.members <= 10")).toEqual([]);
    expect(never("group.join", "group.members == 10 and group.members != 10")).toHaveLength(1);
    expect(never("group.join", "group.members in 5..6 and group.members != 5 and group.members != 6")).toEqual([
      "rule `r` can never fire: `group.members in 5..6`, `group.members != 5` and `group.members != 6` cannot all hold",
    ]);
  });

  it("something and its negation", () => {
    expect(never("message.post", "user.verified and not user.verified")).toEqual([
      "rule `r` can never fire: `user.verified` and `not user.verified` cannot both hold",
    ]);
    expect(never("message.post", "user.verified == true and user.verified == false")).toHaveLength(1);
    expect(never("message.post", "(group.members > user.groups-joined) and not (group.members > user.groups-joined)")).toHaveLength(1);
  });

  it("A7.credit: comparisons beyond the ends of the credit scale", () => {
    expect(never("message.post", "user.credit < D")).toEqual(["rule `r` can never fire: `user.credit < D` never holds (D is the lowest credit level)"]);
    expect(never("message.post", "user.credit > A")).toEqual(["rule `r` can never fire: `user.credit > A` never holds (A is the highest credit level)"]);
    expect(never("message.post", "user.credit <= D")).toEqual([]);
    expect(never("message.post", "user.credit >= B and user.credit < C")).toEqual([
      "rule `r` can never fire: `user.credit >= B` and `user.credit < C` cannot both hold",
    ]);
  });

  it("counts are never negative, and empty ranges", () => {
    expect(never("group.join", "group.members < 0")).toEqual(["rule `r` can never fire: `group.members < 0` never holds (counts are never negative)"]);
    expect(never("group.join", "group.members in 10..5")).toEqual(["rule `r` can never fire: `group.members in 10..5` never holds (10..5 is an empty range)"]);
  });

  it("enumerations: every value excluded, or a value the event never has", () => {
    expect(never("group.manage", "event.action not in [mute, delete-message] and event.action != remove-member")).toHaveLength(1);
    expect(never("group.role", "event.role == creator")).toEqual([
      "rule `r` can never fire: `event.role == creator` never holds (`event.role` is always manager or member)",
    ]);
    expect(never("message.post", "group.category == general and group.category == news-discussion")).toHaveLength(1);
    expect(never("message.post", "group.category in [general] and group.category != general")).toHaveLength(1);
  });

  it("literal false", () => {
    expect(never("message.post", "false")).toEqual(["rule `r` can never fire: its condition is always false"]);
    expect(never("message.post", "not true")).toEqual(["rule `r` can never fire: its condition is always false"]);
  });

  it("durations and times with fixed units", () => {
    expect(never("message.post", "user.account-age > 2 days and user.account-age < 24 hours")).toHaveLength(1);
    expect(never("message.post", "user.account-age > 1 day and user.account-age < 25 hours")).toEqual([]);
    expect(never("records.purge", "event.before > 2019-01-01 in Asia/Shanghai and event.before < 2018-01-01 in Asia/Shanghai")).toHaveLength(1);
    // Calendar units are not compared with exact ones.
    expect(never("message.post", "user.account-age > 1 month and user.account-age < 20 days")).toEqual([]);
  });

  it("arithmetic with a constant shifts the bound", () => {
    expect(never("group.join", "group.members + 1 > 10 and group.members < 9")).toHaveLength(1);
    expect(never("group.join", "group.members + 1 > 10 and group.members < 11")).toEqual([]);
    expect(never("group.join", "group.members - 1 >= 10 and group.members <= 10")).toHaveLength(1);
  });

  it("reports every alternative when none can hold", () => {
    const d = only(policy(`${SECTIONS}\n${rule("deny", "group.join", "(group.members > 10 and group.members < 5) or (user.verified and not user.verified)", "r")}`), "QG067");
    expect(d.message).toBe("rule `r` can never fire: none of the 2 alternatives of its condition can hold");
    expect(d.labels.map((l) => l.message)).toEqual([
      "`group.members > 10` and `group.members < 5` cannot both hold",
      "`user.verified` and `not user.verified` cannot both hold",
    ]);
  });

  it("stays quiet when one alternative can hold, or when it cannot tell", () => {
    expect(never("group.join", "(group.members > 10 and group.members < 5) or user.verified")).toEqual([]);
    expect(never("group.join", "group.members > group.managers and group.members < group.managers")).toEqual([]);
    expect(never("group.join", "if user.verified then group.members > 10 else group.members > 20")).toEqual([]);
    expect(never("group.join", "if user.verified then false else false")).toHaveLength(1);
  });

  it("is a warning pointing at the condition", () => {
    const d = only(policy(`${SECTIONS}\n${rule("deny", "group.join", "false", "r")}`), "QG067");
    expect(d.severity).toBe("warning");
    expect(brief(d)).toMatch(/^QG067 \d+:13 /);
  });

  it("does not analyse a rule with type errors", () => {
    expect(codes2(`${SECTIONS}\n${rule("deny", "group.join", "group.members > 10 days and false", "r")}`)).toEqual(["QG030"]);
  });
});

function codes2(extra: string): string[] {
  return diagnose(policy(extra)).map((d) => d.code);
}

describe("QG068 allow and deny rules that overlap", () => {
  it("says the deny wins and points at both rules", () => {
    const text = policy(`${SECTIONS}
${rule("allow", "message.post", "user.credit >= B", "trusted-may-post")}
${rule("deny", "message.post, group.join", "group.category == news-discussion and user.credit < A", "news-needs-a")}`);
    const d = only(text, "QG068");
    expect(d.message).toBe(
      "allow rule `trusted-may-post` and deny rule `news-needs-a` can both match message.post: the deny wins (deny overrides allow)",
    );
    expect(d.severity).toBe("warning");
    expect(d.labels.map((l) => `${l.span.start.line} ${l.message}`)).toEqual([
      `${d.labels[0]!.span.start.line} deny rule \`news-needs-a\` overrides the allow when both conditions hold`,
    ]);
    expect(d.labels[0]!.span.start.line).toBeGreaterThan(d.span.start.line);
  });

  it("stays quiet when the conditions exclude each other", () => {
    const text = policy(`${SECTIONS}
${rule("allow", "message.post", "user.credit >= A")}
${rule("deny", "message.post", "user.credit < B")}
${rule("allow", "group.join", "user.verified")}
${rule("deny", "group.join", "not user.verified")}`);
    expect(messages(text)).toEqual([]);
  });

  it("stays quiet for rules on different events", () => {
    expect(messages(policy(`${rule("allow", "message.post", null)}\n${rule("deny", "group.join", null)}`))).toEqual([]);
  });

  it("an unconditional allow overlaps any deny on its event", () => {
    const text = policy(`${rule("allow", "message.post", null, "open")}\n${rule("deny", "message.post", "user.blacklisted", "closed")}`);
    expect(messages(text)).toEqual(["allow rule `open` and deny rule `closed` can both match message.post: the deny wins (deny overrides allow)"]);
  });

  it("ignores rules that can never fire", () => {
    const text = policy(`${rule("allow", "message.post", null)}\n${rule("deny", "message.post", "false")}`);
    expect(diagnose(text).map((d) => d.code)).toEqual(["QG067"]);
  });
});
