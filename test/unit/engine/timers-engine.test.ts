import { describe, expect, test } from "vitest";
import { policyId } from "../../../src/ir/identity.js";
import { fixturePolicy, harness, primaries, t, timers } from "./fixtures.js";

const FIXTURE_ID = policyId(fixturePolicy());

const AT = t("2017-10-09T09:00");

describe("A12.complaints", () => {
  const file = (at: string, id = "c1") => ({ type: "complaint.filed", at, complaint: id, by: "u9", group: "g1", user: "u2", message: "m1" });

  test("A12.complaints: a complaint is accepted from anyone, with a resolve-complaint obligation", () => {
    const h = harness();
    const d = h.decide(file(t("2017-10-09T10:00")));
    expect(d).toMatchObject({
      outcome: "noted",
      rule: "complaints/accepted",
      subject: { user: "u9", group: "g1", role: "none", complaint: "c1" },
      cites: [{ article: 12, req: "A12.complaints" }],
      effects: [{ kind: "obligation", what: "resolve-complaint", complaint: "c1", due: "2017-10-11T10:00:00+08:00" }],
    });
  });

  test("A12.complaints: an overdue complaint escalates exactly once, by a clock event alone", () => {
    const h = harness();
    h.decide(file(t("2017-10-09T10:00")));
    expect(h.send({ type: "clock", at: "2017-10-11T09:59:59.999+08:00" }).decisions).toHaveLength(1);
    const r = h.send({ id: "tick", type: "clock", at: t("2017-10-11T10:00") });
    expect(r.decisions).toHaveLength(2);
    const [timer, primary] = r.decisions;
    expect(timer).toEqual({
      v: 1,
      event: "tick",
      at: "2017-10-11T10:00:00+08:00",
      type: "clock",
      trigger: "timer",
      due: "2017-10-11T10:00:00+08:00",
      outcome: "noted",
      subject: { user: "u2", group: "g1", role: "none", complaint: "c1" },
      rule: "complaints/overdue",
      reason: "complaint c1 was not resolved by 2017-10-11T10:00:00+08:00",
      cites: [{ article: 12, req: "A12.complaints" }],
      effects: [{ kind: "escalate", what: "complaint", complaint: "c1" }, { kind: "record" }, { kind: "report", to: "authority" }],
      policy: "1.0",
      policyName: "fixture",
      policyId: FIXTURE_ID,
    });
    expect(primary!.rule).toBe("clock/advance");
    expect(timers(h.send({ type: "clock", at: t("2017-12-01T00:00") }).decisions)).toEqual([]);
    const late = h.decide({ type: "complaint.resolved", at: t("2017-12-01T00:00"), complaint: "c1", actor: "ops" });
    expect(late.reason).toBe("complaint c1 is resolved by ops, after its deadline");
  });

  test("A12.complaints: resolved in time never fires", () => {
    const h = harness();
    h.decide(file(t("2017-10-09T10:00")));
    const d = h.decide({ type: "complaint.resolved", at: t("2017-10-11T09:59"), complaint: "c1", actor: "ops" });
    expect([d.rule, d.reason]).toEqual(["complaints/resolved", "complaint c1 is resolved by ops"]);
    expect(h.state.timers).toHaveLength(0);
    expect(timers(h.send({ type: "clock", at: t("2018-01-01T00:00") }).decisions)).toEqual([]);
  });

  test("A12.complaints: unknown, repeated and already resolved complaints change nothing", () => {
    const h = harness();
    expect(h.decide({ type: "complaint.resolved", at: AT, complaint: "c0", actor: "ops" }).rule).toBe("complaints/unknown");
    h.decide(file(AT));
    expect(h.decide(file(AT)).rule).toBe("complaints/already-filed");
    expect(h.state.timers).toHaveLength(1);
    h.decide({ type: "complaint.resolved", at: AT, complaint: "c1", actor: "ops" });
    expect(h.decide({ type: "complaint.resolved", at: AT, complaint: "c1", actor: "ops" }).rule).toBe("complaints/already-resolved");
  });

  test("timers fire before the primary decision, in due order (not creation order), each carrying the firing event", () => {
    const h = harness();
    h.user("u1", AT);
    h.group("g1", "u1", AT, ["u2"]);
    // A serious flag sets posting-resumes (+7 days) before responsibility-due (+24 hours).
    h.decide({ type: "content.flagged", at: t("2017-10-09T10:00"), group: "g1", user: "u2", message: "m1", category: "fraud" });
    h.decide(file(t("2017-10-09T10:01"), "c1"));
    const r = h.send({ id: "e9", type: "user.registered", at: t("2017-10-20T00:00"), user: "u5" });
    expect(r.decisions.map((d) => [d.trigger ?? "primary", d.rule, d.event, d.at])).toEqual([
      ["timer", "responsibility/unhandled", "e9", "2017-10-20T00:00:00+08:00"],
      ["timer", "complaints/overdue", "e9", "2017-10-20T00:00:00+08:00"],
      ["timer", "measures/posting-resumes", "e9", "2017-10-20T00:00:00+08:00"],
      ["primary", "facts/registered", "e9", "2017-10-20T00:00:00+08:00"],
    ]);
    expect(timers(r.decisions).map((d) => d.due)).toEqual(["2017-10-10T10:00:00+08:00", "2017-10-11T10:01:00+08:00", "2017-10-16T10:00:00+08:00"]);
  });

  test("program.advance fires due timers without an event", () => {
    const h = harness();
    h.decide(file(t("2017-10-09T10:00")));
    const r = h.program.advance(Date.parse(t("2017-10-12T00:00")), h.state);
    expect(r.deadLetter).toBeUndefined();
    expect(r.decisions.map((d) => [d.event, d.at, d.type, d.rule])).toEqual([[null, "2017-10-12T00:00:00+08:00", "clock", "complaints/overdue"]]);
    expect(h.program.advance(Date.parse(t("2017-10-01T00:00")), h.state).decisions).toEqual([]);
    expect(h.state.clock).toBe(Date.parse(t("2017-10-12T00:00")));
  });
});

describe("A11.responsibility", () => {
  const flag = (at: string, message = "m1", user = "u3") => ({ type: "content.flagged", at, group: "g1", user, message, category: "spam" });

  function setup() {
    const h = harness();
    h.user("u1", AT);
    h.group("g1", "u1", AT, ["u2", "u3"]);
    h.decide({ type: "group.role", at: AT, actor: "u1", group: "g1", user: "u2", role: "manager" });
    return h;
  }

  test("A11.responsibility: an unhandled flag subjects the managers and creator to measures, by timer", () => {
    const h = setup();
    h.decide(flag(t("2017-10-09T10:00")));
    expect(timers(h.send({ type: "clock", at: t("2017-10-10T09:59") }).decisions)).toEqual([]);
    const r = h.send({ type: "clock", at: t("2017-10-10T10:00") });
    const [d] = timers(r.decisions);
    expect(d).toMatchObject({
      outcome: "measures",
      rule: "responsibility/unhandled",
      subject: { group: "g1" },
      due: "2017-10-10T10:00:00+08:00",
      cites: [{ article: 11, req: "A11.responsibility" }, { article: 11, req: "A11.record-report" }],
      effects: [
        { kind: "measure", target: { user: "u2" }, measure: "suspend-management", until: "2017-10-17T10:00:00+08:00" },
        { kind: "measure", target: { user: "u1" }, measure: "lower-credit", from: "C", to: "D" },
        { kind: "record" },
        { kind: "report", to: "authority" },
      ],
    });
    expect(h.state.groups["g1"]!.pending).toEqual([]);
  });

  test("A11.responsibility: a manager deleting the flagged message in time handles it", () => {
    const h = setup();
    h.decide(flag(t("2017-10-09T10:00")));
    expect(h.decide({ type: "group.manage", at: t("2017-10-10T09:00"), actor: "u2", group: "g1", action: "delete-message", target: "m1" }).outcome).toBe("allow");
    expect(timers(h.send({ type: "clock", at: t("2017-10-12T10:00") }).decisions).map((d) => d.rule)).not.toContain("responsibility/unhandled");
  });

  test("A11.responsibility: the creator muting the flagged user handles every flag of that user", () => {
    const h = setup();
    h.decide(flag(t("2017-10-09T10:00"), "m1"));
    h.decide(flag(t("2017-10-09T10:01"), "m2"));
    h.decide(flag(t("2017-10-09T10:02"), "m3", "u2"));
    h.decide({ type: "group.manage", at: t("2017-10-09T12:00"), actor: "u1", group: "g1", action: "mute", target: "u3" });
    const fired = timers(h.send({ type: "clock", at: t("2017-10-12T10:00") }).decisions).filter((d) => d.rule === "responsibility/unhandled");
    expect(fired).toHaveLength(1);
    expect(fired[0]!.reason).toContain("message m3");
  });

  test("A11.responsibility: a manage action that is denied handles nothing", () => {
    const h = setup();
    h.decide(flag(t("2017-10-09T10:00")));
    expect(h.decide({ type: "group.manage", at: t("2017-10-09T11:00"), actor: "u3", group: "g1", action: "delete-message", target: "m1" }).outcome).toBe("deny");
    expect(timers(h.send({ type: "clock", at: t("2017-10-12T10:00") }).decisions).map((d) => d.rule)).toContain("responsibility/unhandled");
  });

  test("A11.user-measures: suspended management ends by timer and rights return", () => {
    const h = setup();
    h.decide(flag(t("2017-10-09T10:00")));
    h.send({ type: "clock", at: t("2017-10-10T10:00") });
    expect(h.decide({ type: "group.manage", at: t("2017-10-17T09:59"), actor: "u2", group: "g1", action: "mute", target: "u3" }).rule).toBe("management/rights");
    const r = h.send({ type: "group.manage", at: t("2017-10-17T10:00"), actor: "u2", group: "g1", action: "mute", target: "u3" });
    expect(timers(r.decisions).map((d) => d.rule)).toContain("measures/management-restored");
    expect(primaries(r.decisions)[0]!.outcome).toBe("allow");
  });
});

describe("timers and versions", () => {
  test("A15.effective: a timer is judged by the version that set it", () => {
    const ir = fixturePolicy();
    ir.versions[1]!.complaints!.otherwise = [{ kind: "record" }];
    const h = harness(ir);
    h.decide({ type: "complaint.filed", at: t("2018-12-31T12:00"), complaint: "c1" });
    const r = h.send({ type: "clock", at: t("2019-01-03T00:00") });
    const [d] = timers(r.decisions);
    expect(d!.policy).toBe("1.0");
    expect(d!.effects.map((e) => e.kind)).toEqual(["escalate", "record", "report"]);
    expect(primaries(r.decisions)[0]!.policy).toBe("1.1");
  });
});
