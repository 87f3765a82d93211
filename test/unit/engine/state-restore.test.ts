/**
 * Restoring malformed engine states (`--state` files, store snapshots): every one is a
 * StateError naming the path and the reason, never a crash and never a value of the input,
 * and a well-formed one restores to the same JSON.
 */
import { describe, expect, test } from "vitest";
import { cloneState, restoreState, snapshotState, StateError } from "../../../src/engine/index.js";
import { harness, t } from "./fixtures.js";

const AT = t("2017-10-09T09:00");

/** A state with users, a group with a manager, a flag, a complaint and pending timers. */
function busyJson(): Record<string, any> {
  const h = harness();
  h.user("u1", AT);
  h.group("g1", "u1", AT, ["u2", "u3"]);
  h.decide({ type: "group.role", at: AT, actor: "u1", group: "g1", user: "u2", role: "manager" });
  h.decide({ type: "content.flagged", at: t("2017-10-09T10:00"), group: "g1", user: "u3", message: "m1", category: "spam" });
  h.decide({ type: "complaint.filed", at: t("2017-10-09T10:00"), complaint: "c1", group: "g1" });
  return JSON.parse(snapshotState(h.state)) as Record<string, any>;
}

const GOOD = busyJson();

/** The message restoring `GOOD` changed by `mutate` fails with (and that it is a StateError). */
function refusal(mutate: (s: any) => void): string {
  const s = structuredClone(GOOD);
  mutate(s);
  try {
    restoreState(JSON.stringify(s));
  } catch (e) {
    expect(e).toBeInstanceOf(StateError);
    return (e as Error).message;
  }
  throw new Error("the state was accepted");
}

/** Text standing for personal information: it must never appear in a message. */
const SECRET = "身份证 110101199003077777";

describe("malformed state files", () => {
  test("the sample state has what the cases below change", () => {
    expect(GOOD["timers"].length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(GOOD["users"])).toEqual(expect.arrayContaining(["u1", "u2", "u3"]));
    expect(GOOD["groups"]["g1"]["members"]["u2"]).toBe("manager");
  });

  test.each<[string, (s: any) => void, string]>([
    ["a string for a boolean", (s) => (s.users.u1.verified = SECRET), 'state.users["u1"].verified: expected a boolean'],
    ["a string for an instant", (s) => (s.clock = SECRET), "state.clock: expected a finite number or null"],
    ["a fraction for a count", (s) => (s.users.u1.groupsJoined = 1.5), 'state.users["u1"].groupsJoined: expected an integer'],
    ["an object for a string", (s) => (s.groups.g1.category = { name: SECRET }), 'state.groups["g1"].category: expected a string'],
    ["an array for a table", (s) => (s.users = [SECRET]), "state.users: expected an object"],
    ["an object for a list", (s) => (s.seen = { e1: 1 }), "state.seen: expected an array"],
    ["a number among the seen ids", (s) => s.seen.push(7), `state.seen[${GOOD["seen"].length}]: expected a string`],
    ["an unknown member role", (s) => (s.groups.g1.members.u2 = "owner"), 'state.groups["g1"].members["u2"]: expected creator | manager | member'],
    ["an unknown timer kind", (s) => (s.timers[0].kind = "alarm"), "state.timers[0].kind: expected complaint-due | responsibility-due | posting-resumes | management-restored | blacklist-lifted | rectify-due"],
    ["another format version", (s) => (s.v = 2), "state.v: expected 1"],
    ["a missing top-level field", (s) => delete s.purgedBefore, 'state: missing field "purgedBefore"'],
    ["a missing user field", (s) => delete s.users.u3.flagTotal, 'state.users["u3"]: missing field "flagTotal"'],
    ["a missing timer field", (s) => delete s.timers[1].mark, 'state.timers[1]: missing field "mark"'],
    ["a missing agreement field", (s) => delete s.agreement.publishedAt, 'state.agreement: missing field "publishedAt"'],
    ["an extra top-level field", (s) => (s.note = SECRET), 'state: unknown field "note"'],
    ["an identity kept on a user", (s) => (s.users.u1.identity = { name: SECRET }), 'state.users["u1"]: unknown field "identity"'],
    ["an extra field on a flag", (s) => (s.groups.g1.flags[0].text = SECRET), 'state.groups["g1"].flags[0]: unknown field "text"'],
    ["a sequence number beyond 2^53", (s) => (s.seq = 1e300), "state.seq: expected at most 9007199254740991"],
    ["a count beyond 2^53", (s) => (s.users.u1.flagTotal = 2 ** 60), 'state.users["u1"].flagTotal: expected at most 9007199254740991'],
    ["a negative count", (s) => (s.users.u1.groupsCreated = -1), 'state.users["u1"].groupsCreated: expected at least 0'],
    ["a negative flag total", (s) => (s.groups.g1.flagTotal = -3), 'state.groups["g1"].flagTotal: expected at least 0'],
    ["a negative timer number", (s) => (s.timers[0].seq = -1), "state.timers[0].seq: expected at least 0"],
    ["a negative version index", (s) => (s.timers[0].version = -1), "state.timers[0].version: expected at least 0"],
    ["a stored action the IR does not know", (s) => (s.timers[0].actions = [{ kind: "close-group", target: "group" }, { kind: "explode" }]), "state.timers[0].actions[1]: expected an action as the policy IR writes it (the IR schema's action)"],
    ["a stored action missing a field", (s) => (s.timers[0].actions = [{ kind: "suspend-posting", target: "group" }]), "state.timers[0].actions[0]: expected an action as the policy IR writes it (the IR schema's action)"],
    ["actions that are no list", (s) => (s.timers[0].actions = SECRET), "state.timers[0].actions: expected an array or null"],
    ["a group without its creator", (s) => delete s.groups.g1.members.u1, 'state.groups["g1"].members: expected the creator as a member with role creator'],
    ["a timer numbered at or above seq", (s) => (s.seq = 0), "state.seq: expected a sequence number above every timer's"],
  ])("%s", (_what, mutate, where) => {
    const message = refusal(mutate);
    expect(message).toBe(`invalid engine state at ${where}`);
    expect(message).not.toContain("110101");
  });

  test("huge numbers JSON cannot hold are refused, not read as Infinity", () => {
    const text = JSON.stringify(GOOD).replace('"purgedBefore":null', '"purgedBefore":1e400');
    expect(() => restoreState(text)).toThrow("invalid engine state at state.purgedBefore: expected a finite number or null");
    const mute = structuredClone(GOOD);
    mute.groups.g1.muted.u3 = 1;
    expect(() => restoreState(JSON.stringify(mute).replace('"u3":1}', '"u3":-1e999}'))).toThrow('invalid engine state at state.groups["g1"].muted["u3"]: expected a finite number');
  });

  test("text that is no state is refused in one line", () => {
    for (const [text, message] of [
      ["{", "invalid engine state: not JSON"],
      ["", "invalid engine state: not JSON"],
      ["null", "invalid engine state at state: expected an object"],
      ["[]", "invalid engine state at state: expected an object"],
      [JSON.stringify(SECRET), "invalid engine state at state: expected an object"],
      ["{}", 'invalid engine state at state: missing field "v"'],
    ]) {
      expect(() => restoreState(text), text).toThrow(new StateError(message!));
    }
  });

  test("prototype-pollution keys: data in tables, unknown fields elsewhere, no prototype reached", () => {
    // As JSON text, `__proto__` is an own key of the parsed object, not its prototype.
    const text = JSON.stringify(GOOD);
    const users = text.replace('"users":{', `"users":{"__proto__":${JSON.stringify(GOOD["users"]["u1"])},`);
    const st = restoreState(users);
    expect(Object.getPrototypeOf(st.users)).toBeNull();
    expect(Object.keys(st.users)).toContain("__proto__");
    expect(st.users["__proto__"]!.firstSeen).toBe(GOOD["users"]["u1"]["firstSeen"]);
    const members = restoreState(text.replace('"members":{', '"members":{"__proto__":"member","constructor":"manager",'));
    expect(Object.getPrototypeOf(members.groups["g1"]!.members)).toBeNull();
    expect(members.groups["g1"]!.members["__proto__"]).toBe("member");
    expect(members.groups["g1"]!.managerCount).toBe(2);
    expect(members.groups["g1"]!.memberCount).toBe(5);

    expect(() => restoreState(text.replace('{"v":1,', '{"v":1,"__proto__":{"polluted":true},'))).toThrow('invalid engine state at state: unknown field "__proto__"');
    expect(() => restoreState(text.replace('"agreement":{', '"agreement":{"constructor":{"prototype":{"polluted":true}},'))).toThrow('invalid engine state at state.agreement: unknown field "constructor"');
    expect(() => restoreState(text.replace('"firstSeen"', '"prototype":{},"firstSeen"'))).toThrow(/unknown field "prototype"/);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  test("a restored state shares nothing with the value it was given", () => {
    const given = structuredClone(GOOD);
    const st = restoreState(given);
    st.users["u1"]!.accepted.push("v9");
    st.groups["g1"]!.flags.length = 0;
    expect(given["users"]["u1"]["accepted"]).toEqual(GOOD["users"]["u1"]["accepted"]);
    expect(given["groups"]["g1"]["flags"]).toEqual(GOOD["groups"]["g1"]["flags"]);
    expect(snapshotState(restoreState(JSON.stringify(GOOD)))).toBe(JSON.stringify(GOOD));
  });

  test("actions nested past the stack are refused, not a crash", () => {
    let action: Record<string, unknown> = { kind: "record" };
    for (let i = 0; i < 100_000; i++) action = { kind: "warn", target: "user", rectifyWithin: null, otherwise: [action] };
    const s = structuredClone(GOOD);
    s.timers[0].actions = [action];
    expect(() => restoreState(s)).toThrow(new StateError("invalid engine state: nested too deeply or unreadable"));
  });

  test("a hostile value (a throwing getter) is refused, not a crash", () => {
    const s = structuredClone(GOOD);
    Object.defineProperty(s.users.u1, "verified", {
      enumerable: true,
      get() {
        throw new Error(SECRET);
      },
    });
    let message = "";
    try {
      restoreState(s);
    } catch (e) {
      expect(e).toBeInstanceOf(StateError);
      message = (e as Error).message;
    }
    expect(message).toBe("invalid engine state: nested too deeply or unreadable");
  });
});

describe("cloneState", () => {
  test("copies a state the engine holds as restoring its snapshot would, sharing nothing", () => {
    const st = restoreState(JSON.stringify(GOOD));
    const copy = cloneState(st);
    expect(snapshotState(copy)).toBe(snapshotState(st));
    expect(Object.getPrototypeOf(copy.users)).toBeNull();
    expect(Object.getPrototypeOf(copy.groups["g1"]!.members)).toBeNull();
    copy.users["u1"]!.accepted.push("v9");
    copy.timers.pop();
    expect(snapshotState(st)).toBe(JSON.stringify(GOOD));
  });
});

