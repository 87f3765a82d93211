/** Boxes of situations in words: counts, lengths, instants, sets said by their complement, both languages. */
import { describe, expect, it } from "vitest";
import { boxText, rangeText } from "../../../src/diff/box-text.js";
import type { Range } from "../../../src/diff/region.js";

describe("box text", () => {
  it("says counts as intervals, open ends and single values", () => {
    expect(rangeText("group.members-after", { kind: "int", type: "count", lo: 1501, hi: 2000, none: false })).toBe("group.members-after is 1501–2000");
    expect(rangeText("actor.groups-joined", { kind: "int", type: "count", lo: 500, hi: null, none: false })).toBe("actor.groups-joined is 500 or more");
    expect(rangeText("actor.groups-created", { kind: "int", type: "count", lo: 2, hi: 2, none: false })).toBe("actor.groups-created is 2");
    expect(rangeText("target.groups-joined", { kind: "int", type: "count", lo: 0, hi: 3, none: true })).toBe("target.groups-joined is 0–3 or none");
    expect(rangeText("group.members-after", { kind: "int", type: "count", lo: 1501, hi: 2000, none: false }, "zh")).toBe("group.members-after 为 1501–2000");
  });

  it("says lengths as a policy writes them: [0, 3 days − 1 ms] is under 3 days", () => {
    expect(rangeText("actor.account-age", { kind: "int", type: "duration", lo: 0, hi: 3 * 86_400_000 - 1, none: false })).toBe("actor.account-age is under 3 days");
    expect(rangeText("actor.account-age", { kind: "int", type: "duration", lo: 3_600_000, hi: 86_400_000 - 1, none: false })).toBe("actor.account-age is 1 hour to under 1 day");
    expect(rangeText("actor.account-age", { kind: "int", type: "duration", lo: 3 * 86_400_000, hi: null, none: false })).toBe("actor.account-age is 3 days or more");
    expect(rangeText("actor.account-age", { kind: "int", type: "duration", lo: 0, hi: 3 * 86_400_000 - 1, none: false }, "zh")).toBe("actor.account-age 不足 3 天");
  });

  it("says instants in UTC", () => {
    expect(rangeText("event.at", { kind: "int", type: "time", lo: Date.UTC(2018, 0, 1), hi: null, none: false })).toBe("event.at is from 2018-01-01T00:00:00.000Z");
  });

  it("says sets by their values, or by the one or two values they leave out", () => {
    expect(rangeText("actor.credit", { kind: "enum", type: "level", values: ["D", "C"], others: ["B", "A"] })).toBe("actor.credit is D or C");
    expect(rangeText("group.category", { kind: "enum", type: "category", values: ["general", "business", "hobby", "(undeclared)"], others: ["news-discussion"] })).toBe("group.category is not news-discussion");
    expect(rangeText("group.category", { kind: "enum", type: "category", values: ["general", "business", "hobby", "(undeclared)"], others: ["news-discussion", "games"] })).toBe("group.category is neither news-discussion nor games");
    expect(rangeText("approver.role", { kind: "enum", type: "role", values: [null, "member"] })).toBe("approver.role is none or member");
    expect(rangeText("group.has-info-page", { kind: "bool", values: [false] }, "zh")).toBe("group.has-info-page 为 false");
  });

  it("joins a box's facts, says a bound as such, and an empty box as any situation", () => {
    const ranges: Record<string, Range> = { "group.members-after": { kind: "int", type: "count", lo: 50, hi: 99, none: false }, "group.has-info-page": { kind: "bool", values: [false] } };
    expect(boxText({ ranges, exact: true })).toBe("group.members-after is 50–99 and group.has-info-page is false");
    expect(boxText({ ranges, exact: false })).toBe("within: group.members-after is 50–99 and group.has-info-page is false");
    expect(boxText({ ranges, exact: true }, "zh")).toBe("group.members-after 为 50–99 且 group.has-info-page 为 false");
    expect(boxText({ ranges: {}, exact: true })).toBe("in any situation");
  });
});
