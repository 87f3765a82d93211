import { describe, expect, test } from "vitest";
import { policyId } from "../../../src/ir/identity.js";
import { fixturePolicy, harness, primaries, t } from "./fixtures.js";

const FIXTURE_ID = policyId(fixturePolicy());

describe("A15.effective: governed or not", () => {
  test("A15.effective: 2017-10-07T16:30:00Z is governed (00:30 in China); 2017-10-07T15:59:59Z is not", () => {
    const h = harness();
    const before = h.decide({ id: "e1", type: "user.registered", at: "2017-10-07T15:59:59Z", user: "u1" });
    expect(before).toEqual({
      v: 1,
      event: "e1",
      at: "2017-10-07T15:59:59Z",
      type: "user.registered",
      outcome: "ungoverned",
      subject: { user: "u1" },
      rule: "effective/not-yet",
      reason: "event at 2017-10-07T15:59:59Z is before the policy takes effect at 2017-10-08T00:00:00+08:00",
      cites: [{ article: 15, req: "A15.effective" }],
      effects: [],
      policy: null,
      policyName: "fixture",
      policyId: FIXTURE_ID,
    });
    const after = h.decide({ type: "user.registered", at: "2017-10-07T16:30:00Z", user: "u2" });
    expect([after.outcome, after.policy]).toEqual(["noted", "1.0"]);
    expect(harness().decide({ type: "clock", at: "2017-10-07T16:00:00Z" }).outcome).toBe("noted");
  });

  test("A15.effective: facts of ungoverned events are recorded; posts, flags and complaints carry none", () => {
    const h = harness();
    const at = t("2017-10-01T10:00");
    for (const e of [
      { type: "user.registered", at, user: "u1" },
      { type: "user.verified", at, user: "u1", identity: { name: "张三" } },
      { type: "user.credit", at, user: "u1", level: "B" },
      { type: "agreement.accepted", at, user: "u1", version: "2017-10" },
      { type: "group.create", at, user: "u1", group: "g1", category: "general" },
      { type: "group.join", at, user: "u2", group: "g1" },
      { type: "group.join", at, user: "u3", group: "g1" },
      { type: "group.role", at, actor: "u1", group: "g1", user: "u2", role: "manager" },
      { type: "group.leave", at, user: "u3", group: "g1" },
      { type: "group.info", at, actor: "u1", group: "g1", name: "n", category: "hobby" },
      { type: "message.post", at, user: "u1", group: "g1", message: "m1" },
      { type: "content.flagged", at, user: "u1", group: "g1", message: "m1", category: "fraud" },
      { type: "complaint.filed", at, complaint: "c1" },
      { type: "records.purge", at, actor: "ops", before: at },
    ]) {
      const d = h.decide(e);
      expect([d.outcome, d.rule, d.policy, d.effects]).toEqual(["ungoverned", "effective/not-yet", null, []]);
    }
    expect(h.state.users["u1"]).toMatchObject({ verified: true, credit: "B", accepted: ["2017-10"], groupsCreated: 1, groupsJoined: 1 });
    expect(h.state.groups["g1"]).toMatchObject({ memberCount: 2, managerCount: 1, category: "hobby", hasInfoPage: true, activity: [], flags: [] });
    expect(h.state.complaints["c1"]).toBeUndefined();
    expect(h.state.purgedBefore).toBeNull();
    expect(h.state.timers).toEqual([]);
    // Once governed, the recorded facts count.
    expect(h.decide({ type: "message.post", at: t("2017-10-08T00:00"), user: "u2", group: "g1", message: "m2" }).rule).toBe("agreement/required");
    expect(h.decide({ type: "message.post", at: t("2017-10-08T00:00"), user: "u1", group: "g1", message: "m3" }).outcome).toBe("allow");
  });
});

describe("A15.effective: amendments apply as of each event's time", () => {
  function full(h: ReturnType<typeof harness>, at: string) {
    h.user("u1", at, "B");
    h.group("g1", "u1", at, ["a", "b", "c", "d", "e", "f", "g"]);
    h.decide({ type: "group.info", at, actor: "u1", group: "g1", name: "n", category: "general" });
    h.user("h", at);
  }

  test("A8.member-cap: the cap is 8 under 1.0 and 12 under 1.1", () => {
    const h = harness();
    full(h, t("2018-12-31T23:00"));
    const d1 = h.decide({ type: "group.join", at: "2018-12-31T23:59:59+08:00", user: "h", group: "g1", approvedBy: "u1" });
    expect([d1.rule, d1.policy]).toEqual(["limits/member-cap", "1.0"]);
    const d2 = h.decide({ type: "group.join", at: "2019-01-01T00:00:00+08:00", user: "h", group: "g1", approvedBy: "u1" });
    expect([d2.outcome, d2.policy]).toEqual(["allow", "1.1"]);
  });

  test("A8.info-page: 1.1 enforces the info page; 1.0 only asks for it", () => {
    const h = harness();
    h.user("u1", t("2018-06-01T00:00"));
    h.group("g1", "u1", t("2018-06-01T00:00"), ["a", "b"]);
    h.group("g2", "u1", t("2018-06-01T00:00"), ["a", "b"]);
    h.user("c", t("2018-06-01T00:00"));
    expect(h.decide({ type: "group.join", at: t("2018-06-01T00:00"), user: "c", group: "g1" }).effects).toEqual([{ kind: "obligation", what: "info-page", target: { group: "g1" } }]);
    expect(h.decide({ type: "group.join", at: t("2019-06-01T00:00"), user: "c", group: "g2" }).rule).toBe("limits/info-page");
  });

  test("a late event within the tolerance is judged by the version of its own at, at the current clock", () => {
    const h = harness();
    h.user("u1", t("2018-12-31T23:00"), "A");
    h.group("n1", "u1", t("2018-12-31T23:00"), ["u2"], "news");
    h.decide({ type: "clock", at: t("2019-01-01T00:02") });
    const d = h.decide({ type: "message.post", at: t("2018-12-31T23:59"), user: "u2", group: "n1", message: "m" });
    expect([d.rule, d.policy, d.at]).toEqual(["news-needs-credit", "1.0", "2018-12-31T23:59:00+08:00"]);
    const d2 = h.decide({ type: "message.post", at: t("2019-01-01T00:00"), user: "u2", group: "n1", message: "m" });
    expect([d2.outcome, d2.policy]).toEqual(["allow", "1.1"]);
  });

  test("the clock never goes back", () => {
    const h = harness();
    h.decide({ type: "clock", at: t("2018-01-01T00:10") });
    const r = h.send({ type: "clock", at: t("2018-01-01T00:06") });
    expect(primaries(r.decisions)[0]!.reason).toBe("the clock is at 2018-01-01T00:10:00+08:00");
    expect(h.state.clock).toBe(Date.parse(t("2018-01-01T00:10")));
  });
});
