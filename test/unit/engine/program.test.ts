import { describe, expect, test } from "vitest";
import { compileProgram, ProgramError } from "../../../src/engine/index.js";
import { fixturePolicy, harness, t } from "./fixtures.js";

describe("compileProgram", () => {
  test("A15.effective: versions are ordered by their effective instant", () => {
    const ir = fixturePolicy();
    ir.versions.reverse();
    const p = compileProgram(ir);
    expect(p.versions.map((v) => [v.version, v.effective])).toEqual([
      ["1.0", "2017-10-08T00:00:00+08:00"],
      ["1.1", "2019-01-01T00:00:00+08:00"],
    ]);
    const h = harness(ir);
    expect(h.decide({ type: "clock", at: t("2018-01-01T00:00") }).policy).toBe("1.0");
  });

  test("IR that cannot run is refused with every problem listed", () => {
    const ir = fixturePolicy();
    ir.versions[0]!.zone = "Mars/Olympus";
    ir.versions[1]!.rules[0]!.when = { kind: "path", path: "actor.shoe-size", type: "count" };
    expect(() => compileProgram(ir)).toThrow(ProgramError);
    expect(() => compileProgram(ir)).toThrow(/unknown time zone "Mars\/Olympus".*unknown path actor\.shoe-size/);
    const same = fixturePolicy();
    same.versions[1]!.effective = same.versions[0]!.effective;
    expect(() => compileProgram(same)).toThrow(/take effect at the same instant/);
    const tpl = fixturePolicy();
    tpl.versions[0]!.rules[0]!.because = ["x ", { path: "group.suspendedUntil" }];
    expect(() => compileProgram(tpl)).toThrow(/template path \{group.suspendedUntil\}/);
    const onNoted = fixturePolicy();
    onNoted.versions[0]!.rules[0]!.on = ["clock" as never];
    expect(() => compileProgram(onNoted)).toThrow(/clock is not a decided event/);
  });
});

describe("evaluate never throws", () => {
  test("an internal error is a dead letter, never a made-up decision", () => {
    const h = harness();
    h.user("u1", t("2017-10-09T09:00"));
    h.group("g1", "u1", t("2017-10-09T09:00"));
    (h.state.groups as Record<string, unknown>)["g1"] = { broken: true };
    const r = h.send({ type: "message.post", at: t("2017-10-09T10:00"), user: "u1", group: "g1", message: "m" });
    expect(r.decisions).toEqual([]);
    // Only the error's class: its message may carry text of the input.
    expect(r.deadLetter?.reason).toBe("internal error (TypeError)");
    const line = h.program.evaluateLine(JSON.stringify({ id: "z", type: "message.post", at: t("2017-10-09T10:00"), user: "u1", group: "g1", message: "m" }), 4, h.state);
    expect(line.deadLetter).toMatchObject({ line: 4, raw: "[input line withheld after an internal error]" });
  });

  test("explain leaves the state untouched and agrees with evaluate", () => {
    const h = harness();
    h.decide({ type: "complaint.filed", at: t("2017-10-09T10:00"), complaint: "c1" });
    const before = JSON.stringify(h.state);
    const ex = h.program.explain({ id: "q", type: "clock", at: t("2017-10-12T00:00") }, h.state);
    expect(JSON.stringify(h.state)).toBe(before);
    expect(ex.decisions.map((d) => d.rule)).toEqual(["complaints/overdue", "clock/advance"]);
    expect(h.send({ id: "q", type: "clock", at: t("2017-10-12T00:00") }).decisions).toEqual(ex.decisions);
  });
});
