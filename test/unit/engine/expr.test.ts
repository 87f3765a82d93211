import { describe, expect, test } from "vitest";
import { newCtx, resetCtx } from "../../../src/engine/context.js";
import { blankEvent, type Event, type EventDraft } from "../../../src/engine/event.js";
import { compileExpr, exprText, newTracer } from "../../../src/engine/expr.js";
import { emptyState, ensureUser, newGroup } from "../../../src/engine/state.js";
import { compileVersionData, ProgramError } from "../../../src/engine/version.js";
import { pathAccessor, windowAccessor } from "../../../src/engine/context.js";
import { PATHS } from "../../../src/vocab/paths.js";
import type { ExprIR } from "../../../src/ir/types.js";
import { and, bool, cmp, count, dur, fixturePolicy, ifThen, inList, lit, minus, not, or, path, t } from "./fixtures.js";

const v = compileVersionData(fixturePolicy().versions[0]!, 0);
const st = emptyState();
const NOW = Date.parse(t("2018-03-31T12:00"));
ensureUser(st, "old", Date.parse(t("2017-09-30T12:00"))).credit = "B";
ensureUser(st, "new", Date.parse(t("2017-10-01T12:00")));
st.groups["g"] = newGroup("old", "general", null, NOW);
// Flag lists are kept in time order.
st.groups["g"]!.flags.push({ t: NOW - 40 * 86_400_000, severity: "minor", category: "spam" }, { t: NOW - 10 * 86_400_000, severity: "minor", category: "spam" }, { t: NOW, severity: "minor", category: "spam" });

/** An event of `type` carrying `fields` (the rest null), standing for one that passed intake. */
function eventOf(type: "message.post" | "group.join", fields: Partial<EventDraft>): Event {
  return { ...blankEvent("x", type, "", NOW), ...fields } as Event;
}

function evalAs(e: ExprIR, user: string, type: "message.post" | "group.join" = "message.post") {
  const ev = eventOf(type, { user, group: "g" });
  const c = newCtx(st, v, ev);
  resetCtx(c, st, v, ev, NOW);
  return compileExpr(e, v)(c);
}

describe("expression compilation", () => {
  test("levels compare by scale position, not by name", () => {
    expect(evalAs(cmp(path("actor.credit", "level"), ">=", lit("level", "C")), "old")).toBe(true);
    expect(evalAs(cmp(path("actor.credit", "level"), ">", lit("level", "B")), "old")).toBe(false);
    expect(evalAs(cmp(path("actor.credit", "level"), "<", lit("level", "A")), "old")).toBe(true);
    expect(evalAs(cmp(path("actor.credit", "level"), "==", lit("level", "C")), "new")).toBe(true);
  });

  test("calendar durations are measured back from now in the policy zone", () => {
    // now 2018-03-31 12:00; six months back is 2017-09-30 12:00 (30 September, clamped).
    const age = (user: string) => evalAs(cmp(path("actor.account-age", "duration"), ">=", dur(6, "month")), user);
    expect(age("old")).toBe(true);
    expect(age("new")).toBe(false);
    expect(evalAs(cmp(path("now", "time"), ">", minus(path("now", "time"), dur(1, "year"), "time")), "old")).toBe(true);
  });

  test("windows count flags in (now − within, now]", () => {
    expect(evalAs({ kind: "window", path: "group.flags", within: { amount: 30, unit: "day" } }, "old")).toBe(2);
    expect(evalAs({ kind: "window", path: "group.flags", within: { amount: 2, unit: "month" } }, "old")).toBe(3);
    expect(evalAs({ kind: "window", path: "actor.flags", within: { amount: 2, unit: "month" } }, "old")).toBe(0);
  });

  test("absent roots read as no value: comparisons are false, != true, bools false, role none", () => {
    expect(evalAs(cmp(path("approver.credit", "level"), ">=", lit("level", "D")), "old", "group.join")).toBe(false);
    expect(evalAs(cmp(path("approver.credit", "level"), "<", lit("level", "A")), "old", "group.join")).toBe(false);
    expect(evalAs(cmp(path("approver.credit", "level"), "!=", lit("level", "A")), "old", "group.join")).toBe(true);
    expect(evalAs(bool("approver.verified"), "old", "group.join")).toBe(false);
    expect(evalAs(cmp(path("approver.role", "role"), "==", lit("role", "none")), "old", "group.join")).toBe(true);
  });

  test("unknown users read as defaults (credit C, unverified, role none)", () => {
    expect(evalAs(cmp(path("actor.credit", "level"), "==", lit("level", "C")), "ghost")).toBe(true);
    expect(evalAs(not(bool("actor.verified")), "ghost")).toBe(true);
    expect(evalAs(inList(path("actor.role", "role"), [lit("role", "none")]), "ghost")).toBe(true);
    expect(evalAs(cmp(path("actor.role", "role"), "==", lit("role", "creator")), "old")).toBe(true);
  });

  test("and/or/not/if/in/between", () => {
    expect(evalAs(and(bool("group.exists"), or(bool("group.closed"), not(bool("group.closed")))), "old")).toBe(true);
    expect(evalAs(cmp(path("group.members", "count"), "==", ifThen(bool("group.closed"), count(0), count(1), "count")), "old")).toBe(true);
    expect(evalAs({ kind: "between", negated: false, left: path("group.members", "count"), from: 1, to: 3 }, "old")).toBe(true);
    expect(evalAs({ kind: "between", negated: true, left: path("group.members", "count"), from: 1, to: 3 }, "old")).toBe(false);
    expect(evalAs(inList(path("group.category", "category"), [lit("category", "news")], true), "old")).toBe(true);
    expect(evalAs({ kind: "and", args: [] }, "old")).toBe(true);
    expect(evalAs({ kind: "or", args: [] }, "old")).toBe(false);
  });

  test("unknown names are refused at compile time", () => {
    expect(() => compileExpr(lit("level", "Z"), v)).toThrow(ProgramError);
    expect(() => compileExpr(lit("tier", "huge"), v)).toThrow(/unknown tier huge/);
    expect(() => compileExpr(path("actor.shoe-size", "count"), v)).toThrow(/unknown path/);
    expect(() => compileExpr({ kind: "window", path: "group.members", within: { amount: 1, unit: "day" } }, v)).toThrow(/not a window path/);
  });

  test("the traced variant records every evaluated node and skips short-circuited ones", () => {
    const e = or(bool("group.exists"), bool("group.closed"));
    const tr = newTracer();
    const f = compileExpr(e, v, tr);
    const ev = eventOf("message.post", { group: "g" });
    const c = newCtx(st, v, ev);
    resetCtx(c, st, v, ev, NOW);
    expect(f(c)).toBe(true);
    expect(tr.nodes.map(exprText)).toEqual(["group.exists or group.closed", "group.exists", "group.closed"]);
    expect(tr.values).toEqual([true, true, undefined]);
  });
});

describe("paths", () => {
  test("every path of src/vocab/paths.ts has an accessor that reads a value on an empty state", () => {
    for (const [p, info] of Object.entries(PATHS)) {
      const acc = info.window ? windowAccessor(p, { amount: 1, unit: "day" }) : pathAccessor(p);
      for (const type of ["group.join", "message.post"] as const) {
        const ev = eventOf(type, { user: "nobody", group: "nowhere" });
        const c = newCtx(emptyState(), v, ev);
        resetCtx(c, emptyState(), v, ev, NOW);
        const val = acc(c);
        expect(val === null || ["boolean", "number", "string"].includes(typeof val), p).toBe(true);
      }
    }
  });
});
