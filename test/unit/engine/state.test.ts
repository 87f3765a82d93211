import { describe, expect, test } from "vitest";
import { emptyState, restoreState, snapshotState, StateError } from "../../../src/engine/index.js";
import { harness, t } from "./fixtures.js";

const AT = t("2017-10-09T09:00");

function busyState() {
  const h = harness();
  h.user("u1", AT);
  h.group("g1", "u1", AT, ["u2", "u3"]);
  h.decide({ type: "group.role", at: AT, actor: "u1", group: "g1", user: "u2", role: "manager" });
  h.decide({ type: "content.flagged", at: t("2017-10-09T10:00"), group: "g1", user: "u3", message: "m1", category: "spam" });
  h.decide({ type: "complaint.filed", at: t("2017-10-09T10:00"), complaint: "c1", group: "g1" });
  h.decide({ type: "message.post", at: t("2017-10-09T10:00"), user: "u2", group: "g1", message: "m2" });
  return h;
}

describe("engine state", () => {
  test("an empty state is plain JSON", () => {
    expect(JSON.parse(snapshotState(emptyState()))).toEqual({
      v: 1,
      clock: null,
      seq: 0,
      seen: [],
      users: {},
      groups: {},
      complaints: {},
      timers: [],
      agreement: { version: null, publishedAt: null },
      purgedBefore: null,
    });
  });

  test("JSON.stringify(state) and snapshotState agree; restore gives the same JSON", () => {
    const h = busyState();
    const text = snapshotState(h.state);
    expect(JSON.stringify(h.state)).toBe(text);
    expect(snapshotState(restoreState(text))).toBe(text);
    expect(snapshotState(restoreState(JSON.parse(text)))).toBe(text);
  });

  test("id tables are null-prototype records; hostile keys stay data", () => {
    const h = busyState();
    const s = JSON.parse(snapshotState(h.state));
    s.users["__proto__"] = s.users["u1"];
    s.users["constructor"] = s.users["u1"];
    const text = JSON.stringify(s).replace('"constructor"', '"constructor"');
    const restored = restoreState(text.replace(/"__proto__"/, '"__proto__"'));
    expect(Object.getPrototypeOf(restored.users)).toBeNull();
    expect(Object.keys(restored.users)).toContain("constructor");
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    const raw = '{"v":1,"clock":null,"seq":0,"seen":["__proto__","__proto__"],"users":{"__proto__":{"firstSeen":0,"registeredAt":null,"verified":true,"credit":null,"accepted":[],"groupsCreated":0,"groupsJoined":0,"blacklisted":false,"blacklistedUntil":null,"blacklistTimer":null,"managementSuspendedUntil":null,"managementTimer":null,"creationCancelled":false,"flags":[],"flagTotal":0}},"groups":{},"complaints":{},"timers":[],"agreement":{"version":null,"publishedAt":null},"purgedBefore":null}';
    const st = restoreState(raw);
    expect(Object.keys(st.users)).toEqual(["__proto__"]);
    expect(st.users["__proto__"]!.verified).toBe(true);
    expect(st.seen).toEqual(["__proto__"]);
    expect(({} as { verified?: unknown }).verified).toBeUndefined();
  });

  test("restoreState rejects bad shapes, naming the path", () => {
    const good = JSON.parse(snapshotState(busyState().state));
    const bad = (mutate: (s: any) => void) => {
      const s = structuredClone(good);
      mutate(s);
      return () => restoreState(JSON.stringify(s));
    };
    expect(() => restoreState("{")).toThrow(StateError);
    expect(bad((s) => (s.v = 2))).toThrow(/state\.v/);
    expect(bad((s) => (s.clock = "soon"))).toThrow(/state\.clock/);
    expect(bad((s) => (s.users.u1.verified = "yes"))).toThrow(/state\.users\["u1"\]\.verified/);
    expect(bad((s) => (s.groups.g1.members.u2 = "owner"))).toThrow(/members/);
    expect(bad((s) => delete s.groups.g1.members.u1)).toThrow(/creator/);
    expect(bad((s) => (s.timers[0].kind = "alarm"))).toThrow(/timers\[0\]\.kind/);
    expect(bad((s) => (s.seq = 0))).toThrow(/state\.seq/);
    expect(bad((s) => (s.seen = { e1: 1 }))).toThrow(/state\.seen/);
    expect(bad((s) => s.seen.push(7))).toThrow(/state\.seen\[/);
  });

  test("derived counts are recomputed from the member table", () => {
    const s = JSON.parse(snapshotState(busyState().state));
    s.groups.g1.memberCount = 99;
    s.groups.g1.managerCount = 7;
    const st = restoreState(s);
    expect([st.groups["g1"]!.memberCount, st.groups["g1"]!.managerCount]).toEqual([3, 1]);
  });

  test("restored timers are put back in heap order", () => {
    const s = JSON.parse(snapshotState(busyState().state));
    s.timers.reverse();
    const st = restoreState(s);
    expect(st.timers[0]!.due).toBe(Math.min(...st.timers.map((x) => x.due)));
  });
});
