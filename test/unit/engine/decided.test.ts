import { describe, expect, test } from "vitest";
import { snapshotState } from "../../../src/engine/index.js";
import { policyId } from "../../../src/ir/identity.js";
import { fixturePolicy, harness, t } from "./fixtures.js";

const FIXTURE_ID = policyId(fixturePolicy());

const AT = t("2017-10-09T09:00");
const post = (user: string, group: string, at = t("2017-10-09T10:00"), message = "m") => ({ type: "message.post", at, user, group, message });

describe("message.post", () => {
  test("A6.real-name: an unverified user's post is denied with the rule, reason and cites", () => {
    const h = harness();
    h.user("u1", AT);
    h.group("g1", "u1", AT);
    h.decide({ type: "user.registered", at: AT, user: "u7" });
    h.decide({ type: "agreement.accepted", at: AT, user: "u7", version: "2017-10" });
    h.decide({ type: "group.join", at: AT, user: "u7", group: "g1" });
    const d = h.decide({ id: "e42", ...post("u7", "g1") });
    expect(d).toEqual({
      v: 1,
      event: "e42",
      at: "2017-10-09T10:00:00+08:00",
      type: "message.post",
      outcome: "deny",
      subject: { user: "u7", group: "g1", role: "member" },
      rule: "real-name/post",
      reason: "user u7 has no verified real identity",
      cites: [{ article: 6, req: "A6.real-name" }],
      effects: [],
      policy: "1.0",
      policyName: "fixture",
      policyId: FIXTURE_ID,
    });
  });

  test("A6.real-name: a verified member may post (the built-in permit decides)", () => {
    const h = harness();
    h.user("u1", AT);
    h.group("g1", "u1", AT, ["u2"]);
    const d = h.decide(post("u2", "g1"));
    expect([d.outcome, d.rule]).toEqual(["allow", "permit/message.post"]);
    expect(h.state.groups["g1"]!.activity).toHaveLength(1);
  });

  test("A5.agreement: no acceptance, no service; a new version with reaccept needs acceptance again", () => {
    const h = harness();
    h.user("u1", AT);
    h.group("g1", "u1", AT);
    h.decide({ type: "user.registered", at: AT, user: "u2" });
    h.decide({ type: "user.verified", at: AT, user: "u2", identity: {} });
    const d = h.decide({ type: "group.join", at: AT, user: "u2", group: "g1" });
    expect([d.outcome, d.rule]).toEqual(["deny", "agreement/required"]);
    expect(d.cites).toEqual([{ article: 5, req: "A5.agreement" }]);
    expect(h.decide(post("u1", "g1")).outcome).toBe("allow");
    h.decide({ type: "agreement.published", at: t("2017-10-09T11:00"), version: "2017-11" });
    expect(h.decide(post("u1", "g1", t("2017-10-09T11:01"))).rule).toBe("agreement/required");
    h.decide({ type: "agreement.accepted", at: t("2017-10-09T11:02"), user: "u1", version: "2017-11" });
    expect(h.decide(post("u1", "g1", t("2017-10-09T11:03"))).outcome).toBe("allow");
  });

  test("A7.credit: a policy rule denies low-credit posts in news groups (first deny in precedence order)", () => {
    const h = harness();
    h.user("u1", AT, "A");
    h.group("n1", "u1", AT, ["u2"], "news");
    const d = h.decide(post("u2", "n1"));
    expect([d.outcome, d.rule, d.reason]).toEqual(["deny", "news-needs-credit", "user u2 needs credit B to post in news group n1"]);
    h.decide({ type: "user.credit", at: t("2017-10-09T10:00"), user: "u2", level: "B" });
    expect(h.decide(post("u2", "n1")).outcome).toBe("allow");
  });

  test("a policy allow rule that holds decides before the built-in permit", () => {
    const h = harness();
    h.user("u1", AT);
    h.group("g1", "u1", AT);
    const d = h.decide(post("u1", "g1", t("2017-11-09T09:00")));
    expect([d.outcome, d.rule, d.reason]).toEqual(["allow", "veteran-post", "user u1 has been here 31 days"]);
    expect(h.decide(post("u1", "g1", t("2017-11-09T08:59"))).rule).toBe("veteran-post");
  });

  test("A11.group-measures: no posts in a closed or suspended group", () => {
    const h = harness();
    h.user("u1", AT);
    h.group("g1", "u1", AT);
    h.state.groups["g1"]!.postingSuspendedUntil = Date.parse("2017-10-10T00:00:00+08:00");
    expect(h.decide(post("u1", "g1")).rule).toBe("measures/posting-suspended");
    h.state.groups["g1"]!.closed = true;
    expect(h.decide(post("u1", "g1")).rule).toBe("groups/closed");
  });

  test("A9.management-rights: a muted member cannot post until the mute ends", () => {
    const h = harness();
    h.user("u1", AT);
    h.group("g1", "u1", AT, ["u2"]);
    const m = h.decide({ type: "group.manage", at: t("2017-10-09T10:00"), actor: "u1", group: "g1", action: "mute", target: "u2" });
    expect(m.outcome).toBe("allow");
    expect(h.decide(post("u2", "g1", t("2017-10-10T09:59"))).rule).toBe("management/muted");
    expect(h.decide(post("u2", "g1", t("2017-10-10T10:00"))).outcome).toBe("allow");
  });

  test("A2.roles: posting to an unknown group is denied and names role none", () => {
    const h = harness();
    h.user("u1", AT);
    const d = h.decide(post("u1", "nope"));
    expect([d.outcome, d.rule, d.subject]).toEqual(["deny", "groups/unknown", { user: "u1", group: "nope", role: "none" }]);
  });
});

describe("group.create", () => {
  test("A7.tiers: the creator becomes the only member; a tier effect names the tier", () => {
    const h = harness();
    h.user("u1", AT);
    const d = h.decide({ type: "group.create", at: AT, user: "u1", group: "g1", category: "general", name: "hikers" });
    expect(d.outcome).toBe("allow");
    expect(d.subject).toEqual({ user: "u1", group: "g1", role: "none" });
    expect(d.effects).toEqual([{ kind: "tier", group: "g1", from: null, to: "small" }]);
    const g = h.state.groups["g1"]!;
    expect([g.creator, g.memberCount, g.members["u1"], g.name, g.category]).toEqual(["u1", 1, "creator", "hikers", "general"]);
    expect([h.state.users["u1"]!.groupsCreated, h.state.users["u1"]!.groupsJoined]).toEqual([1, 1]);
  });

  test("A8.group-id: an id in use is denied, even when its group is closed", () => {
    const h = harness();
    h.user("u1", AT);
    h.group("g1", "u1", AT);
    expect(h.decide({ type: "group.create", at: AT, user: "u1", group: "g1", category: "general" }).rule).toBe("groups/id-used");
    h.state.groups["g1"]!.closed = true;
    const d = h.decide({ type: "group.create", at: AT, user: "u1", group: "g1", category: "general" });
    expect([d.outcome, d.rule, d.cites]).toEqual(["deny", "groups/id-used", [{ article: 8, req: "A8.group-id" }]]);
  });

  test("A8.user-caps: three groups at credit C, ten at B", () => {
    const h = harness();
    h.user("u1", AT);
    for (const g of ["g1", "g2", "g3"]) h.group(g, "u1", AT);
    const d = h.decide({ type: "group.create", at: AT, user: "u1", group: "g4", category: "general" });
    expect([d.outcome, d.rule, d.reason]).toEqual(["deny", "limits/groups-created", "user u1 has created 3 groups"]);
    h.decide({ type: "user.credit", at: AT, user: "u1", level: "B" });
    expect(h.decide({ type: "group.create", at: AT, user: "u1", group: "g4", category: "general" }).outcome).toBe("allow");
  });

  test("A8.user-caps: a closed group no longer counts as created", () => {
    const h = harness();
    h.user("u1", AT);
    for (const g of ["g1", "g2", "g3"]) h.group(g, "u1", AT);
    for (let i = 0; i < 3; i++) h.decide({ type: "content.flagged", at: AT, user: "u1", group: "g3", message: `m${i}`, category: "fraud" });
    expect(h.state.groups["g3"]!.closed).toBe(true);
    h.decide({ type: "user.credit", at: AT, user: "u1", level: "C" });
    h.state.users["u1"]!.blacklisted = false;
    expect(h.decide({ type: "group.create", at: AT, user: "u1", group: "g4", category: "general" }).outcome).toBe("allow");
  });

  test("A8.creator-qualification: credit below the tier's minimum, or cancelled creation, is denied", () => {
    const h = harness();
    h.user("u1", AT, "D");
    expect(h.decide({ type: "group.create", at: AT, user: "u1", group: "g1", category: "general" }).rule).toBe("tiers/creator-qualification/create");
    h.decide({ type: "user.credit", at: AT, user: "u1", level: "C" });
    expect(h.decide({ type: "group.create", at: AT, user: "u1", group: "n1", category: "news" }).reason).toBe("user u1 lacks the creator qualification of tier small");
    h.state.users["u1"]!.creationCancelled = true;
    expect(h.decide({ type: "group.create", at: AT, user: "u1", group: "g1", category: "general" }).rule).toBe("tiers/creator-qualification/create");
  });

  test("A7.tiers: an undeclared category is denied", () => {
    const h = harness();
    h.user("u1", AT);
    expect(h.decide({ type: "group.create", at: AT, user: "u1", group: "g1", category: "gossip" }).rule).toBe("categories/unknown");
  });
});

describe("group.join", () => {
  test("A8.join-verification, A8.creator-qualification: growing into the medium tier needs approval and a qualified creator", () => {
    const h = harness();
    h.user("u1", AT);
    h.group("g1", "u1", AT, ["u2", "u3", "u4", "u5"]);
    h.user("u6", AT);
    let d = h.decide({ type: "group.join", at: AT, user: "u6", group: "g1" });
    expect([d.outcome, d.rule]).toEqual(["deny", "tiers/default/medium/creator-qualification"]);
    h.decide({ type: "user.credit", at: AT, user: "u1", level: "B" });
    d = h.decide({ type: "group.join", at: AT, user: "u6", group: "g1" });
    expect([d.outcome, d.rule, d.cites]).toEqual(["deny", "tiers/join-approval", [{ article: 8, req: "A8.join-verification" }]]);
    d = h.decide({ type: "group.join", at: AT, user: "u6", group: "g1", approvedBy: "u2" });
    expect(d.rule).toBe("tiers/join-approval");
    h.decide({ type: "group.role", at: AT, actor: "u1", group: "g1", user: "u2", role: "manager" });
    d = h.decide({ type: "group.join", at: AT, user: "u6", group: "g1", approvedBy: "u2" });
    expect([d.outcome, d.effects]).toEqual(["allow", [{ kind: "tier", group: "g1", from: "small", to: "medium" }]]);
  });

  test("A8.member-cap: join beyond the cap is denied", () => {
    const h = harness();
    h.user("u1", AT, "B");
    h.group("g1", "u1", AT, ["u2", "u3", "u4", "u5", "u6", "u7", "u8"]);
    expect(h.state.groups["g1"]!.memberCount).toBe(8);
    h.user("u9", AT);
    const d = h.decide({ type: "group.join", at: AT, user: "u9", group: "g1", approvedBy: "u1" });
    expect([d.outcome, d.rule, d.reason]).toEqual(["deny", "limits/member-cap", "group g1 has 8 members; the cap is 8"]);
    expect(h.state.groups["g1"]!.memberCount).toBe(8);
  });

  test("A8.info-page: reaching the threshold without an info page emits the obligation once", () => {
    const h = harness();
    h.user("u1", AT);
    h.group("g1", "u1", AT, ["u2", "u3"]);
    h.user("u4", AT);
    h.user("u5", AT);
    expect(h.decide({ type: "group.join", at: AT, user: "u4", group: "g1" }).effects).toEqual([{ kind: "obligation", what: "info-page", target: { group: "g1" } }]);
    expect(h.decide({ type: "group.join", at: AT, user: "u5", group: "g1" }).effects).toEqual([]);
  });

  test("A8.user-caps: at most five joined groups", () => {
    const h = harness();
    for (const c of ["c1", "c2", "c3", "c4", "c5", "c6"]) {
      h.user(c, AT);
      h.group(`g-${c}`, c, AT);
    }
    h.user("u", AT);
    for (const c of ["c1", "c2", "c3", "c4", "c5"]) expect(h.decide({ type: "group.join", at: AT, user: "u", group: `g-${c}` }).outcome).toBe("allow");
    expect(h.decide({ type: "group.join", at: AT, user: "u", group: "g-c6" }).rule).toBe("limits/groups-joined");
  });

  test("A11.blacklist: a blacklisted user or group gets no join", () => {
    const h = harness();
    h.user("u1", AT);
    h.group("g1", "u1", AT);
    h.user("u2", AT);
    h.state.users["u2"]!.blacklisted = true;
    expect(h.decide({ type: "group.join", at: AT, user: "u2", group: "g1" }).rule).toBe("blacklist/users");
    h.user("u3", AT);
    h.state.groups["g1"]!.blacklisted = true;
    expect(h.decide({ type: "group.join", at: AT, user: "u3", group: "g1" }).rule).toBe("blacklist/groups");
  });
});

describe("group.info, group.role, group.manage, group.leave", () => {
  test("A8.info-page: group.info sets the info page; a category change that moves the tier emits a tier effect", () => {
    const h = harness();
    h.user("u1", AT, "A");
    h.group("g1", "u1", AT, ["u2", "u3", "u4"]);
    const d = h.decide({ type: "group.info", at: AT, actor: "u1", group: "g1", name: "新闻", category: "news" });
    expect([d.outcome, d.effects]).toEqual(["allow", [{ kind: "tier", group: "g1", from: "small", to: "large" }]]);
    expect(h.state.groups["g1"]).toMatchObject({ hasInfoPage: true, name: "新闻", category: "news" });
  });

  test("A9.management-rights: members cannot manage; suspended managers cannot; the creator cannot be removed", () => {
    const h = harness();
    h.user("u1", AT);
    h.group("g1", "u1", AT, ["u2", "u3"]);
    expect(h.decide({ type: "group.manage", at: AT, actor: "u2", group: "g1", action: "remove-member", target: "u3" }).rule).toBe("management/rights");
    expect(h.decide({ type: "group.role", at: AT, actor: "u1", group: "g1", user: "u2", role: "manager" }).outcome).toBe("allow");
    expect(h.state.groups["g1"]!.managerCount).toBe(1);
    const rm = h.decide({ type: "group.manage", at: AT, actor: "u2", group: "g1", action: "remove-member", target: "u1" });
    expect([rm.rule, rm.subject]).toEqual(["management/creator-protected", { user: "u2", group: "g1", role: "manager" }]);
    h.state.users["u2"]!.managementSuspendedUntil = Date.parse(t("2017-10-10T00:00"));
    expect(h.decide({ type: "group.manage", at: AT, actor: "u2", group: "g1", action: "remove-member", target: "u3" }).rule).toBe("management/rights");
    const ok = h.decide({ type: "group.manage", at: AT, actor: "u1", group: "g1", action: "remove-member", target: "u3" });
    expect(ok.outcome).toBe("allow");
    expect(h.state.groups["g1"]!.members["u3"]).toBeUndefined();
    expect(h.state.users["u3"]!.groupsJoined).toBe(0);
  });

  test("A2.roles: granting and revoking manager", () => {
    const h = harness();
    h.user("u1", AT);
    h.group("g1", "u1", AT, ["u2"]);
    h.decide({ type: "group.role", at: AT, actor: "u1", group: "g1", user: "u2", role: "manager" });
    expect(h.state.groups["g1"]!.members["u2"]).toBe("manager");
    const d = h.decide({ type: "group.role", at: AT, actor: "u1", group: "g1", user: "u2", role: "member" });
    expect(d.outcome).toBe("allow");
    expect([h.state.groups["g1"]!.members["u2"], h.state.groups["g1"]!.managerCount]).toEqual(["member", 0]);
  });

  test("group.manage delete-message emits remove-message", () => {
    const h = harness();
    h.user("u1", AT);
    h.group("g1", "u1", AT);
    expect(h.decide({ type: "group.manage", at: AT, actor: "u1", group: "g1", action: "delete-message", target: "m9" }).effects).toEqual([
      { kind: "remove-message", message: "m9" },
    ]);
  });

  test("A2.roles: leaving removes the member; the creator cannot leave; a non-member's leave changes nothing", () => {
    const h = harness();
    h.user("u1", AT);
    h.group("g1", "u1", AT, ["u2"]);
    let d = h.decide({ type: "group.leave", at: AT, user: "u2", group: "g1" });
    expect([d.outcome, d.rule, d.reason, d.subject.role]).toEqual(["noted", "groups/leave", "user u2 left group g1", "member"]);
    expect(h.state.groups["g1"]!.memberCount).toBe(1);
    d = h.decide({ type: "group.leave", at: AT, user: "u1", group: "g1" });
    expect(d.reason).toBe("the creator u1 cannot leave group g1; nothing changes");
    expect(h.state.groups["g1"]!.members["u1"]).toBe("creator");
    expect(h.decide({ type: "group.leave", at: AT, user: "u2", group: "g1" }).reason).toBe("user u2 is not a member of group g1; nothing changes");
  });
});

describe("records.purge", () => {
  const purge = (at: string, before: string) => ({ type: "records.purge", at, actor: "ops", before });

  test("A13.retention: purging anything younger than six calendar months is denied", () => {
    const h = harness();
    const d = h.decide(purge(t("2018-08-31T12:00"), t("2018-02-28T12:00:01")));
    expect([d.outcome, d.rule, d.reason]).toEqual(["deny", "retention/too-young", "records younger than 6 months (before 2018-08-31T12:00:00+08:00) cannot be purged"]);
    expect(h.state.purgedBefore).toBeNull();
    expect(h.decide(purge(t("2018-08-31T12:00"), t("2018-02-28T12:00"))).outcome).toBe("allow");
    expect(h.state.purgedBefore).toBe(Date.parse("2018-02-28T12:00:00+08:00"));
  });

  test("A13.retention: month ends clamp — on 31 Aug 2020 the boundary is 29 Feb 2020", () => {
    const h = harness();
    expect(h.decide(purge(t("2020-08-31T00:00"), t("2020-02-29T00:00"))).outcome).toBe("allow");
    expect(h.decide(purge(t("2020-08-31T00:00"), t("2020-02-29T00:00:01"))).outcome).toBe("deny");
    expect(h.decide(purge(t("2020-08-31T00:00"), t("2020-03-01T00:00"))).outcome).toBe("deny");
  });

  test("A13.retention: the boundary is computed in the policy's zone (+08:00), not UTC", () => {
    const h = harness();
    // 2018-03-31T20:00Z is 1 April 04:00 in Shanghai; six months before is 1 October 04:00 +08:00.
    expect(h.decide(purge("2018-03-31T20:00:00Z", "2017-10-01T04:00:00+08:00")).outcome).toBe("allow");
    expect(h.decide(purge("2018-03-31T20:00:01Z", "2017-10-01T04:00:01+08:00")).outcome).toBe("allow");
    expect(h.decide(purge("2018-03-31T20:00:02Z", "2017-10-01T04:00:03+08:00")).outcome).toBe("deny");
  });

  test("the watermark never moves back", () => {
    const h = harness();
    h.decide(purge(t("2019-08-31T00:00"), t("2018-01-01T00:00")));
    h.decide(purge(t("2019-08-31T00:00"), t("2017-12-01T00:00")));
    expect(h.state.purgedBefore).toBe(Date.parse(t("2018-01-01T00:00")));
  });
});

describe("combining and integrity", () => {
  test("a deny changes nothing", () => {
    const h = harness();
    h.user("u1", AT);
    h.group("g1", "u1", AT);
    h.decide({ type: "user.registered", at: AT, user: "u2" });
    const before = snapshotState(h.state);
    const d = h.send({ id: "x1", type: "group.join", at: AT, user: "u2", group: "g1" }).decisions[0]!;
    expect(d.outcome).toBe("deny");
    const after = JSON.parse(snapshotState(h.state));
    expect(after.seen.pop()).toBe("x1");
    expect(JSON.stringify(after)).toBe(before);
  });

  test("with no allow rule holding, the event is denied by engine/no-permit", () => {
    const ir = fixturePolicy();
    for (const v of ir.versions) v.rules = v.rules.filter((r) => r.name !== "permit/records.purge");
    const h = harness(ir);
    const d = h.decide({ type: "records.purge", at: t("2019-12-01T00:00"), actor: "ops", before: t("2017-01-01T00:00") });
    expect([d.outcome, d.rule, d.cites]).toEqual(["deny", "engine/no-permit", []]);
  });

  test("state changes the rules cannot make sense of are refused even if a policy allows them", () => {
    const ir = fixturePolicy();
    for (const v of ir.versions) v.rules = v.rules.filter((r) => r.origin === "permit");
    const h = harness(ir);
    const at = t("2017-10-09T10:00");
    expect(h.decide({ type: "group.create", at, user: "u1", group: "g1", category: "general" }).outcome).toBe("allow");
    expect(h.decide({ type: "group.create", at, user: "u2", group: "g1", category: "general" }).rule).toBe("integrity/group-id-used");
    expect(h.decide({ type: "group.join", at, user: "u2", group: "g9" }).rule).toBe("integrity/unknown-group");
    expect(h.decide({ type: "group.join", at, user: "u1", group: "g1" }).rule).toBe("integrity/already-member");
    expect(h.decide({ type: "group.role", at, actor: "u1", group: "g1", user: "u5", role: "manager" }).rule).toBe("integrity/not-member");
    expect(h.decide({ type: "group.role", at, actor: "u1", group: "g1", user: "u1", role: "member" }).rule).toBe("integrity/creator-role");
    expect(h.decide({ type: "group.manage", at, actor: "u1", group: "g1", action: "remove-member", target: "u1" }).rule).toBe("integrity/creator-protected");
    expect(h.decide({ type: "group.manage", at, actor: "u1", group: "g1", action: "mute", target: "u5" }).rule).toBe("integrity/not-member");
    expect(h.state.groups["g1"]!.creator).toBe("u1");
  });

  test("rule cost is indexed by event type: rules of other types are never evaluated", () => {
    const ir = fixturePolicy();
    let calls = 0;
    const h = harness(ir);
    h.user("u1", AT);
    h.group("g1", "u1", AT);
    const explanation = h.program.explain({ id: "q", ...post("u1", "g1") }, h.state);
    calls = explanation.rules.length;
    const postRules = ir.versions[0]!.rules.filter((r) => r.on.includes("message.post")).length;
    expect(calls).toBe(postRules);
  });
});
