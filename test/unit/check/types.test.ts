import { describe, expect, it } from "vitest";
import type * as A from "../../../src/ast/nodes.js";
import { isEnumLiteral } from "../../../src/check/index.js";
import { visitExpr } from "../../../src/check/exprs.js";
import { CATEGORIES, CREDIT, PROHIBITED, analyzeText, brief, diagnose, messages, only, withRule } from "./helpers.js";

const SECTIONS = `${CREDIT}${CATEGORIES}${PROHIBITED}`;
const rule = (on: string, when: string, because = "x") => withRule(`  serves A7.credit\n  on ${on}\n  deny when ${when}\n  because "${because}"`, SECTIONS);
const errors = (on: string, when: string) => messages(rule(on, when));

describe("QG030 mismatched types", () => {
  it("A7.credit: a credit level is not a duration", () => {
    expect(errors("message.post", "user.credit >= 3 days")).toEqual(["cannot compare a credit level with a duration"]);
  });

  it("compares counts with counts, durations with durations", () => {
    expect(errors("group.join", "group.members > 10 days")).toEqual(["cannot compare a count with a duration"]);
    expect(errors("group.join", "group.age > 30")).toEqual(["cannot compare a duration with a count"]);
    expect(only(rule("group.join", "group.age > 30"), "QG030").help).toBe("a duration needs a unit: write `30 days`, `24 hours` or `6 months`");
  });

  it("tells to drop the quotes around a name", () => {
    const d = only(rule("message.post", 'group.category == "general"'), "QG030");
    expect(d.message).toBe("cannot compare a category with a string");
    expect(d.help).toBe("write the category name without quotes");
  });

  it("checks every item of an `in` list against the left side", () => {
    expect(errors("message.post", "user.credit in [B, 3, A]")).toEqual(["list item `3` is a count, but `user.credit` is a credit level"]);
  });

  it("types arithmetic: time ± duration, count ± count, duration ± duration", () => {
    expect(errors("records.purge", "event.before < now - 6 months")).toEqual([]);
    expect(errors("group.join", "group.members + 1 > 400")).toEqual([]);
    expect(errors("group.join", "group.age + 1 day > 30 days")).toEqual([]);
    expect(errors("records.purge", "event.before < now - 6")).toEqual(["cannot subtract a count from a time"]);
    expect(errors("group.join", "group.members + 1 day > 3")).toEqual(["cannot add a duration to a count"]);
    expect(errors("records.purge", "event.before - now > 1 day")).toEqual(["cannot subtract a time from a time"]);
  });

  it("needs both branches of `if` to agree", () => {
    expect(errors("group.join", "group.members > (if user.verified then 500 else 7 days)")).toEqual(["the branches of `if` differ: a count and a duration"]);
    expect(errors("group.join", "group.members > (if user.verified then 500 else 100)")).toEqual([]);
  });
});

describe("QG031 operators that do not apply", () => {
  it("orders only counts, durations, times, levels and severities", () => {
    expect(errors("message.post", "group.category < news-discussion")).toEqual(["`<` does not apply to categories: they have no order"]);
    expect(errors("message.post", "group.tier >= general")).toEqual(["`>=` does not apply to tiers: they have no order", "unknown tier `general`"]);
    expect(errors("message.post", "user.verified > false")).toEqual(["`>` does not apply to booleans: they have no order"]);
    expect(errors("message.post", "user.credit < B and user.account-age < 30 days")).toEqual([]);
  });

  it("needs booleans around `and`, `or` and `not`", () => {
    expect(errors("group.join", "user.verified and group.members")).toEqual(["`and` needs true or false on both sides, found a count (`group.members`)"]);
    expect(errors("group.join", "not user.credit")).toEqual(["`not` needs true or false, found a credit level (`user.credit`)"]);
  });

  it("takes ranges for counts only", () => {
    expect(errors("group.join", "group.members in 1..10")).toEqual([]);
    expect(errors("message.post", "group.age in 1..10")).toEqual(["`in 1..10` needs a count on the left, found a duration"]);
  });

  it("does no arithmetic on names", () => {
    expect(errors("message.post", "user.credit + 1 > B")).toEqual(["`+` does not apply to credit levels"]);
  });

  it("keeps lists after `in`", () => {
    expect(errors("message.post", "user.credit == [A, B]")).toEqual(["a list can only follow `in`"]);
  });
});

describe("QG032 conditions that are not booleans", () => {
  it("names the rule and suggests a comparison", () => {
    const d = only(rule("group.join", "group.members"), "QG032");
    expect(d.message).toBe("the condition of rule `r` must be true or false, found a count");
    expect(d.help).toBe("compare it with something, such as `group.members > 0`");
  });

  it("checks the condition of `if`", () => {
    expect(errors("group.join", "group.members > (if group.managers then 1 else 2)")).toEqual(["the condition of `if` must be true or false, found a count"]);
  });
});

describe("QG033 paths on the rule's events", () => {
  it("names the event that lacks the path, once per event", () => {
    const ds = diagnose(rule("message.post, group.create, group.join", "not event.approved"));
    expect(ds.map(brief)).toEqual([
      "QG033 38:17 `event.approved` is not defined on group.create",
      "QG033 38:17 `event.approved` is not defined on message.post",
    ]);
    expect(ds[0]!.labels[0]!.message).toBe("the rule applies to group.create");
  });

  it("knows target, approver and creator paths are event-specific", () => {
    expect(errors("group.join", "approver.management-suspended")).toEqual([]);
    expect(errors("message.post", "target.verified")).toEqual(["`target.verified` is not defined on message.post"]);
    expect(errors("group.create", "creator.blacklisted")).toEqual(["`creator.blacklisted` is not defined on group.create"]);
    expect(errors("records.purge", "user.role == manager")).toEqual(["`user.role` is not defined on records.purge"]);
  });
});

describe("QG034 windows", () => {
  it("requires a window on flag counts", () => {
    expect(errors("message.post", "group.flags > 3")).toEqual(["`group.flags` counts flags over a time window, but none is given"]);
    expect(errors("message.post", "group.flags within 7 days > 3")).toEqual([]);
  });

  it("refuses a window anywhere else", () => {
    expect(errors("group.join", "group.members within 7 days > 3")).toEqual(["`within` only applies to flag counts, not to `group.members`"]);
  });
});

describe("QG035 placeholders in `because`", () => {
  it("accepts ids, paths and escaped braces", () => {
    expect(messages(rule("group.join", "group.members > 400", "{user} {group} {group.members} {{literal}}"))).toEqual([]);
  });

  it("suggests the placeholder meant, pointing at it", () => {
    const d = only(rule("group.join", "group.members > 400", "group {grup} is full"), "QG035");
    expect(d.message).toBe("unknown placeholder `{grup}`");
    expect(d.help).toBe("did you mean `group`?");
    expect(`${d.span.start.line}:${d.span.start.column}-${d.span.end.column}`).toBe("39:18-24");
  });

  it("A6.pii: no placeholder for personal information", () => {
    for (const p of ["user.identity", "user.phone", "target.real-name", "identity"]) {
      const d = only(rule("message.post", "not user.verified", `{${p}}`), "QG035");
      expect(d.message, p).toBe(`\`{${p}}\` would put personal information in a decision`);
      expect(d.help, p).toContain("A6.pii");
    }
  });

  it("reports a placeholder not defined on the rule's event, and an unclosed one", () => {
    expect(messages(rule("message.post", "not user.verified", "by {approver} {user"), "QG035")).toEqual(["placeholder `{` is never closed"]);
    expect(messages(rule("message.post", "not user.verified", "by {approver}"), "QG033")).toEqual(["`{approver}` is not defined on message.post"]);
  });

  it("refuses a window path, which a placeholder cannot give", () => {
    expect(messages(rule("message.post", "not user.verified", "{user.flags}"))).toEqual(["`{user.flags}` needs a time window, which a placeholder cannot give"]);
  });
});

describe("bare names and the type map for the emitter", () => {
  it("types every expression and resolves enumeration literals from the other side", () => {
    const checked = analyzeText(rule("group.manage", "user.role in [creator, manager] and event.action == mute and user.credit < B and group.category != general"));
    expect(checked.diagnostics).toEqual([]);
    const when = checked.versions[0]!.rules.get("r")!.when!;
    const literals: string[] = [];
    visitExpr(when, (e: A.Expr) => {
      if (isEnumLiteral(e, checked.types)) literals.push(`${(e as A.PathExpr).parts[0]}:${checked.types.get(e)}`);
    });
    expect(literals).toEqual(["creator:role", "manager:role", "mute:action", "B:level", "general:category"]);
    expect(checked.types.get(when)).toBe("bool");
  });

  it("resolves a literal on the left from the right", () => {
    expect(errors("message.post", "B > user.credit")).toEqual([]);
    expect(errors("message.post", "creator == user.role")).toEqual([]);
  });

  it("types the result of arithmetic and `if`", () => {
    const checked = analyzeText(rule("records.purge", "event.before < now - 6 months"));
    const cmp = checked.versions[0]!.rules.get("r")!.when as A.CompareExpr;
    expect(checked.types.get(cmp.right)).toBe("time");
  });
});

describe("personal information is about users, not groups", () => {
  it("reports `{group.name}` as an unknown placeholder, not as personal information", () => {
    expect(messages(rule("message.post", "not user.verified", "{group.name}"))).toEqual(["unknown placeholder `{group.name}`"]);
    expect(messages(rule("message.post", "not user.verified", "{creator.phone}"), "QG035")).toEqual(["`{creator.phone}` would put personal information in a decision"]);
  });
});
