import { describe, expect, test } from "vitest";
import type { Decision } from "../../../src/engine/index.js";
import { fixturePolicy, harness, primaries, t, timers } from "./fixtures.js";

const AT = t("2017-10-09T09:00");
const flag = (group: string, user: string, at: string, category = "fraud", message = "m1", severity?: string) => ({
  type: "content.flagged",
  at,
  group,
  user,
  message,
  category,
  ...(severity ? { severity } : {}),
});

function setup(members: string[] = ["u2", "u3"]) {
  const h = harness();
  h.user("u1", AT);
  h.group("g1", "u1", AT, members);
  return h;
}

describe("content.flagged", () => {
  test("A10.prohibited-content: with no matching measure the message is removed by prohibited/remove", () => {
    const ir = fixturePolicy();
    for (const v of ir.versions) v.measures = [];
    const h = harness(ir);
    h.user("u1", AT);
    h.group("g1", "u1", AT, ["u2"]);
    const d = h.decide(flag("g1", "u2", t("2017-10-09T10:00")));
    expect(d).toMatchObject({
      outcome: "measures",
      rule: "prohibited/remove",
      subject: { user: "u2", group: "g1", role: "member" },
      reason: "message m1 in group g1 is flagged as fraud (serious) and removed",
      cites: [{ article: 10, req: "A10.prohibited-content" }],
      effects: [{ kind: "remove-message", message: "m1" }],
    });
  });

  test("A10.prohibited-content: a flag for an unknown group is noted", () => {
    const h = setup();
    const d = h.decide(flag("g9", "u2", t("2017-10-09T10:00")));
    expect([d.outcome, d.rule, d.effects]).toEqual(["noted", "flags/unknown-group", []]);
  });

  test("A11.group-measures: a minor flag warns the group and sets a rectification obligation", () => {
    const h = setup();
    const d = h.decide(flag("g1", "u2", t("2017-10-09T10:00"), "spam"));
    expect(d.rule).toBe("warn-minor");
    expect(d.effects).toEqual([
      { kind: "remove-message", message: "m1" },
      { kind: "measure", target: { group: "g1" }, measure: "warn" },
      { kind: "obligation", what: "rectify", target: { group: "g1" }, due: "2017-10-12T10:00:00+08:00" },
      { kind: "record" },
      { kind: "report", to: "authority" },
    ]);
    expect(d.cites).toEqual([
      { article: 10, req: "A10.prohibited-content" },
      { article: 11, req: "A11.group-measures" },
      { article: 11, req: "A11.record-report" },
    ]);
  });

  test("A11.group-measures: rectified in time → noted <measure>/rectified; flagged again → <measure>/rectify applies otherwise", () => {
    const h = setup();
    h.decide(flag("g1", "u2", t("2017-10-09T10:00"), "spam"));
    h.decide({ type: "group.manage", at: t("2017-10-09T10:05"), actor: "u1", group: "g1", action: "delete-message", target: "m1" });
    let r = h.send({ type: "clock", at: t("2017-10-12T10:00") });
    expect(timers(r.decisions).map((d) => [d.rule, d.outcome])).toEqual([["warn-minor/rectified", "noted"]]);

    h.decide(flag("g1", "u2", t("2017-10-13T10:00"), "spam", "m2"));
    h.decide(flag("g1", "u3", t("2017-10-14T10:00"), "spam", "m3"));
    r = h.send({ type: "clock", at: t("2017-10-16T10:00") });
    const fired = timers(r.decisions);
    expect(fired.map((d) => d.rule)).toContain("warn-minor/rectify");
    const rect = fired.find((d) => d.rule === "warn-minor/rectify")!;
    expect(rect.outcome).toBe("measures");
    expect(rect.subject).toEqual({ group: "g1" });
    expect(rect.effects).toEqual([
      { kind: "measure", target: { group: "g1" }, measure: "suspend-posting", until: "2017-10-19T10:00:00+08:00" },
      { kind: "record" },
      { kind: "report", to: "authority" },
    ]);
  });

  test("A11.record-report: a sanction imposed at rectification is recorded and reported like its measure", () => {
    const ir = fixturePolicy();
    const warn = ir.versions[0]!.measures[0]!;
    warn.actions = [
      { kind: "warn", target: "group", rectifyWithin: { amount: 3, unit: "day" }, otherwise: [{ kind: "suspend-posting", target: "group", duration: { amount: 3, unit: "day" } }] },
      { kind: "record" },
      { kind: "report", to: "cac" },
    ];
    const h = harness(ir);
    h.user("u1", AT);
    h.group("g1", "u1", AT, ["u2"]);
    h.decide(flag("g1", "u2", t("2017-10-09T10:00"), "spam"));
    h.decide(flag("g1", "u2", t("2017-10-10T10:00"), "spam", "m2"));
    const rect = timers(h.send({ type: "clock", at: t("2017-10-12T10:00") }).decisions).find((d) => d.rule === "warn-minor/rectify")!;
    expect(rect.effects).toEqual([
      { kind: "measure", target: { group: "g1" }, measure: "suspend-posting", until: "2017-10-15T10:00:00+08:00" },
      { kind: "record" },
      { kind: "report", to: "cac" },
    ]);
  });

  test("A11.group-measures: a serious flag suspends posting; posting resumes by timer", () => {
    const h = setup();
    const d = h.decide(flag("g1", "u2", t("2017-10-09T10:00")));
    expect(d.rule).toBe("suspend-serious");
    expect(d.effects).toContainEqual({ kind: "measure", target: { group: "g1" }, measure: "suspend-posting", until: "2017-10-16T10:00:00+08:00" });
    expect(h.decide({ type: "message.post", at: t("2017-10-16T09:59"), user: "u1", group: "g1", message: "x" }).rule).toBe("measures/posting-suspended");
    const r = h.send({ type: "message.post", at: t("2017-10-16T10:00"), user: "u1", group: "g1", message: "y" });
    const fired = timers(r.decisions).filter((x) => x.rule === "measures/posting-resumes");
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ due: "2017-10-16T10:00:00+08:00", subject: { group: "g1" }, outcome: "noted" });
    expect(primaries(r.decisions)[0]!.outcome).toBe("allow");
  });

  test("A11.group-measures: a second suspension extends the first; only one resumption fires", () => {
    const h = setup();
    h.decide(flag("g1", "u2", t("2017-10-09T10:00")));
    h.decide(flag("g1", "u3", t("2017-10-11T10:00"), "fraud", "m2"));
    expect(h.state.groups["g1"]!.postingSuspendedUntil).toBe(Date.parse(t("2017-10-18T10:00")));
    const r = h.send({ type: "clock", at: t("2017-10-30T00:00") });
    expect(timers(r.decisions).filter((d) => d.rule === "measures/posting-resumes").map((d) => d.due)).toEqual(["2017-10-18T10:00:00+08:00"]);
  });

  test("A11.group-measures, A11.blacklist: three serious flags within 30 days close the group and blacklist it and its creator", () => {
    const h = setup();
    h.decide(flag("g1", "u2", t("2017-10-09T10:00"), "fraud", "m1"));
    h.decide(flag("g1", "u3", t("2017-10-20T10:00"), "fraud", "m2"));
    const d = h.decide(flag("g1", "u2", t("2017-11-08T09:59"), "violence", "m3"));
    expect(d.rule).toBe("close-repeat");
    expect(d.effects).toEqual(
      expect.arrayContaining([
        { kind: "measure", target: { group: "g1" }, measure: "close-group" },
        { kind: "measure", target: { group: "g1" }, measure: "blacklist" },
        { kind: "measure", target: { user: "u1" }, measure: "blacklist", until: "2018-11-08T09:59:00+08:00" },
      ]),
    );
    expect(d.cites.map((c) => c.req)).toEqual(["A10.prohibited-content", "A11.blacklist", "A11.group-measures", "A11.record-report", "A11.user-measures"]);
    expect(h.state.groups["g1"]).toMatchObject({ closed: true, blacklisted: true, blacklistedUntil: null });
    expect(h.state.users["u1"]!.groupsCreated).toBe(0);
    expect(h.decide({ type: "message.post", at: t("2017-11-08T10:00"), user: "u1", group: "g1", message: "x" }).rule).toBe("groups/closed");
  });

  test("A11.group-measures: flags outside the window do not count", () => {
    const h = setup();
    h.decide(flag("g1", "u2", t("2017-10-09T10:00"), "fraud", "m1"));
    h.decide(flag("g1", "u3", t("2017-10-20T10:00"), "fraud", "m2"));
    const d = h.decide(flag("g1", "u2", t("2017-11-08T10:00"), "fraud", "m3"));
    expect(d.rule).toBe("suspend-serious");
    expect(h.state.groups["g1"]!.closed).toBe(false);
  });

  test("A11.user-measures: credit is lowered by user-scope measures, never below the lowest level", () => {
    const h = setup();
    const d1 = h.decide(flag("g1", "u2", t("2017-10-09T10:00")));
    expect(d1.effects).toContainEqual({ kind: "measure", target: { user: "u2" }, measure: "lower-credit", from: "C", to: "D" });
    const d2 = h.decide(flag("g1", "u2", t("2017-10-09T10:01"), "fraud", "m2"));
    expect(d2.effects).toContainEqual({ kind: "measure", target: { user: "u2" }, measure: "lower-credit", from: "D", to: "D" });
    expect(h.state.users["u2"]!.credit).toBe("D");
  });

  test("a flag's own severity overrides its category's default", () => {
    const h = setup();
    expect(h.decide(flag("g1", "u2", t("2017-10-09T10:00"), "spam", "m1", "serious")).rule).toBe("suspend-serious");
    expect(h.decide(flag("g1", "u2", t("2017-10-09T10:01"), "fraud", "m2", "minor")).rule).toBe("warn-minor");
  });

  test("A11.record-report: every measures decision records and reports", () => {
    const h = setup();
    const all: Decision[] = [];
    const cats = ["spam", "fraud", "violence", "spam", "fraud"];
    cats.forEach((c, i) => all.push(...h.send(flag("g1", i % 2 ? "u2" : "u3", t(`2017-10-${10 + i}T10:00`), c, `m${i}`)).decisions));
    all.push(...h.send({ type: "clock", at: t("2018-01-01T00:00") }).decisions);
    const measures = all.filter((d) => d.outcome === "measures" && d.effects.some((e) => e.kind === "measure"));
    expect(measures.length).toBeGreaterThan(3);
    for (const d of measures) {
      expect(d.effects.some((e) => e.kind === "record"), d.rule).toBe(true);
      expect(d.effects.some((e) => e.kind === "report"), d.rule).toBe(true);
    }
  });
});

describe("action targets", () => {
  function withMeasure(actions: unknown[]) {
    const ir = fixturePolicy();
    for (const v of ir.versions) {
      v.measures = [
        {
          kind: "measure",
          id: "m:x",
          name: "x",
          cites: [{ article: 11, req: "A11.user-measures" }],
          trigger: { count: 1, severityOp: ">=", severity: null, categories: [], scope: "group", within: null },
          actions: actions as never,
        },
      ];
      v.responsibility = null;
    }
    return harness(ir);
  }

  test("managers: one effect per current manager, in id order; none when there are none", () => {
    const h = withMeasure([{ kind: "suspend-management", target: "managers", duration: { amount: 7, unit: "day" } }]);
    h.user("u1", AT);
    h.group("g1", "u1", AT, ["zed", "amy", "bob"]);
    expect(h.decide(flag("g1", "bob", t("2017-10-09T10:00"))).effects).toEqual([{ kind: "remove-message", message: "m1" }]);
    h.decide({ type: "group.role", at: t("2017-10-09T10:01"), actor: "u1", group: "g1", user: "zed", role: "manager" });
    h.decide({ type: "group.role", at: t("2017-10-09T10:01"), actor: "u1", group: "g1", user: "amy", role: "manager" });
    const d = h.decide(flag("g1", "bob", t("2017-10-09T10:02"), "fraud", "m2"));
    expect(d.effects.slice(1)).toEqual([
      { kind: "measure", target: { user: "amy" }, measure: "suspend-management", until: "2017-10-16T10:02:00+08:00" },
      { kind: "measure", target: { user: "zed" }, measure: "suspend-management", until: "2017-10-16T10:02:00+08:00" },
    ]);
    expect(h.decide({ type: "group.manage", at: t("2017-10-09T10:03"), actor: "amy", group: "g1", action: "mute", target: "bob" }).rule).toBe("management/rights");
    const r = h.send({ type: "group.manage", at: t("2017-10-16T10:02"), actor: "amy", group: "g1", action: "mute", target: "bob" });
    expect(timers(r.decisions).map((x) => [x.rule, x.subject])).toEqual([
      ["measures/management-restored", { user: "amy" }],
      ["measures/management-restored", { user: "zed" }],
    ]);
    expect(primaries(r.decisions)[0]!.outcome).toBe("allow");
  });

  test("A8.creator-qualification, A11.user-measures: cancel-creation of the creator stops their next create", () => {
    const h = withMeasure([{ kind: "cancel-creation", target: "creator" }, { kind: "record" }, { kind: "report", to: "authority" }]);
    h.user("u1", AT);
    h.group("g1", "u1", AT, ["u2"]);
    const d = h.decide(flag("g1", "u2", t("2017-10-09T10:00")));
    expect(d.effects[1]).toEqual({ kind: "measure", target: { user: "u1" }, measure: "cancel-creation" });
    expect(h.decide({ type: "group.create", at: t("2017-10-09T10:01"), user: "u1", group: "g2", category: "general" }).rule).toBe("tiers/creator-qualification/create");
  });

  test("A11.blacklist: a timed blacklist is lifted by timer; a later permanent one is never lifted", () => {
    const h = withMeasure([{ kind: "blacklist", target: "user", duration: { amount: 1, unit: "month" } }]);
    h.user("u1", AT);
    h.group("g1", "u1", AT, ["u2"]);
    const d = h.decide(flag("g1", "u2", t("2017-10-31T10:00")));
    expect(d.effects[1]).toEqual({ kind: "measure", target: { user: "u2" }, measure: "blacklist", until: "2017-11-30T10:00:00+08:00" });
    expect(h.decide({ type: "message.post", at: t("2017-11-30T09:59"), user: "u2", group: "g1", message: "x" }).rule).toBe("blacklist/users");
    const r = h.send({ type: "message.post", at: t("2017-11-30T10:00"), user: "u2", group: "g1", message: "y" });
    expect(timers(r.decisions).map((x) => [x.rule, x.subject])).toEqual([["measures/blacklist-lifted", { user: "u2" }]]);
    expect(primaries(r.decisions)[0]!.outcome).toBe("allow");
  });

  test("actions on the wrong kind of target are refused when the program is compiled", async () => {
    const { compileProgram, ProgramError } = await import("../../../src/engine/index.js");
    const ir = fixturePolicy();
    ir.versions[0]!.measures[0]!.actions = [{ kind: "close-group", target: "creator" }];
    ir.versions[1]!.measures[0]!.actions = [{ kind: "lower-credit", target: "group", by: 1 }];
    expect(() => compileProgram(ir)).toThrow(ProgramError);
    expect(() => compileProgram(ir)).toThrow(/close-group applies to a group, not creator.*lower-credit applies to users, not a group/);
  });
});
