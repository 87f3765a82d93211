import { describe, expect, test } from "vitest";
import { snapshotState } from "../../../src/engine/index.js";
import { harness, t } from "./fixtures.js";

const AT = t("2017-10-09T09:00");

describe("explain", () => {
  function setup() {
    const h = harness();
    h.user("u1", AT);
    h.group("g1", "u1", AT, ["u2"]);
    h.decide({ type: "user.registered", at: AT, user: "u7" });
    h.decide({ type: "agreement.accepted", at: AT, user: "u7", version: "2017-10" });
    return h;
  }

  test("lists every rule for the event type with each condition's value, ids and spans, and why the outcome won", () => {
    const h = setup();
    const before = snapshotState(h.state);
    const ex = h.program.explain({ id: "q1", type: "message.post", at: t("2017-10-09T10:00"), user: "u7", group: "g1", message: "m" }, h.state);
    expect(snapshotState(h.state)).toBe(before);
    expect([ex.event, ex.type, ex.policy, ex.governed, ex.now, ex.outcome, ex.rule]).toEqual(["q1", "message.post", "1.0", true, "2017-10-09T10:00:00+08:00", "deny", "real-name/post"]);
    expect(ex.why).toBe("deny: real-name/post is the first deny rule that holds, and any deny wins over allow (allow rules holding: permit/message.post)");
    expect(ex.rules.map((r) => r.rule)).toEqual([
      "groups/unknown",
      "groups/closed",
      "agreement/required",
      "real-name/post",
      "blacklist/users",
      "blacklist/groups",
      "measures/posting-suspended",
      "management/muted",
      "news-needs-credit",
      "veteran-post",
      "permit/message.post",
    ]);
    const rn = ex.rules.find((r) => r.rule === "real-name/post")!;
    expect(rn).toMatchObject({ id: "rule:real-name/post", holds: true, effect: "deny", origin: "section", section: "identity", span: { file: "fixture.qg", line: 10 } });
    expect(rn.condition).toMatchObject({ kind: "not", text: "not actor.verified", value: "true", args: [{ kind: "path", text: "actor.verified", value: "false" }] });
    expect(rn.condition.id).toMatch(/^n\d+$/);
    const news = ex.rules.find((r) => r.rule === "news-needs-credit")!;
    expect(news.holds).toBe(false);
    expect(news.condition.args![1]!.value).toBeNull();
    expect(news.condition.args![0]).toMatchObject({ text: "group.category == news", value: "false", args: [{ value: "general" }, { value: "news" }] });
    expect(ex.decisions).toEqual(h.send({ id: "q1", type: "message.post", at: t("2017-10-09T10:00"), user: "u7", group: "g1", message: "m" }).decisions);
  });

  test("renders levels, tiers, times and durations by name", () => {
    const h = setup();
    const ex = h.program.explain({ id: "q", type: "message.post", at: t("2017-11-10T10:00"), user: "u1", group: "g1", message: "m" }, h.state);
    expect(ex.rule).toBe("veteran-post");
    const vet = ex.rules.find((r) => r.rule === "veteran-post")!;
    expect(vet.condition.args!.map((a) => a.value)).toEqual(["32 days 1 hour", "31 days"]);
    const ex2 = h.program.explain({ id: "q", type: "records.purge", at: t("2018-04-30T00:00"), actor: "ops", before: t("2017-12-01T00:00") }, h.state);
    const ret = ex2.rules.find((r) => r.rule === "retention/too-young")!;
    expect(ret.condition.args!.map((a) => a.value)).toEqual(["2017-12-01T00:00:00+08:00", "2017-10-30T00:00:00+08:00"]);
    expect(ex2.outcome).toBe("deny");
  });

  test("explains allows, integrity refusals, noted events and dead letters", () => {
    const h = setup();
    const allow = h.program.explain({ id: "a", type: "message.post", at: t("2017-10-09T10:00"), user: "u2", group: "g1", message: "m" }, h.state);
    expect(allow.why).toBe("allow: no deny rule holds; permit/message.post is the first allow rule that holds");
    const noted = h.program.explain({ id: "n", type: "user.registered", at: t("2017-10-09T10:00"), user: "u9" }, h.state);
    expect([noted.outcome, noted.rules, noted.why]).toEqual(["noted", [], "noted: user.registered is not decided by allow/deny rules; facts/registered: user u9 is registered"]);
    const ungoverned = h.program.explain({ id: "u", type: "clock", at: "2017-10-01T00:00:00+08:00" }, harness().state);
    expect([ungoverned.governed, ungoverned.policy, ungoverned.outcome]).toEqual([false, null, "ungoverned"]);
    const dead = h.program.explain('{"id":"d","type":"clock"}', h.state);
    expect([dead.outcome, dead.why, dead.deadLetter?.reason]).toEqual([null, 'dead letter: missing field "at"', 'missing field "at"']);
  });
});
