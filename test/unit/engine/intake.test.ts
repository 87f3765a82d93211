import { describe, expect, test } from "vitest";
import { emptyState, parseEventLine, validateEvent } from "../../../src/engine/index.js";
import { harness, t } from "./fixtures.js";

const h = harness();
const ctx = h.program.intake(h.state);
const line = (o: unknown) => JSON.stringify(o);
const reasonOf = (text: string, c = ctx) => {
  const r = parseEventLine(text, 7, c);
  return r.deadLetter?.reason;
};

describe("intake: JSON and object", () => {
  test("not JSON, not an object → invalid JSON dead letter with the line number", () => {
    const r = parseEventLine("{nope", 3, ctx);
    expect(r.deadLetter).toMatchObject({ line: 3, raw: "[withheld: not JSON, 5 characters]" });
    expect(r.deadLetter!.reason).toBe("invalid JSON at column 2: expected a property name in double quotes or '}'");
    expect(reasonOf("[1,2]")).toBe("invalid JSON: expected an object, got an array");
    expect(reasonOf("null")).toBe("invalid JSON: expected an object, got null");
    expect(reasonOf('"x"')).toBe("invalid JSON: expected an object, got string");
  });

  test("the JSON error never quotes the input back", () => {
    const r = parseEventLine('{"user":"u1","secret":"abcdef" x}', 1, ctx);
    expect(r.deadLetter!.reason).not.toContain("abcdef");
  });
});

describe("intake: id, type, at", () => {
  const base = { id: "e1", type: "user.registered", at: t("2017-10-09T10:00"), user: "u1" };
  test("each missing or malformed field is named", () => {
    expect(reasonOf(line({ ...base, id: undefined }))).toBe('missing field "id"');
    expect(reasonOf(line({ ...base, id: "" }))).toBe('field "id" must be a non-empty string');
    expect(reasonOf(line({ ...base, id: 5 }))).toBe('field "id" must be a non-empty string');
    expect(reasonOf(line({ ...base, type: undefined }))).toBe('missing field "type"');
    expect(reasonOf(line({ ...base, type: "user.deleted" }))).toMatch(/^unknown event type \(not one of the \d+ types/);
    expect(reasonOf(line({ ...base, type: "user.deleted" }))).not.toContain("deleted");
    expect(reasonOf(line({ ...base, type: 7 }))).toBe('field "type" must be a string');
    expect(reasonOf(line({ ...base, at: undefined }))).toBe('missing field "at"');
    expect(reasonOf(line({ ...base, user: undefined }))).toBe('missing field "user"');
  });

  test("A15.effective: `at` needs an offset (2017-10-08T00:00:00 is refused)", () => {
    expect(reasonOf(line({ ...base, at: "2017-10-08T00:00:00" }))).toBe('field "at" must be an RFC 3339 timestamp with an offset');
    expect(reasonOf(line({ ...base, at: 1507392000000 }))).toBe('field "at" must be an RFC 3339 timestamp with an offset');
    expect(parseEventLine(line({ ...base, at: "2017-10-08T00:00:00Z" }), 1, ctx).event).toBeDefined();
  });
});

describe("intake: fields of the type", () => {
  const at = t("2017-10-09T10:00");
  test("wrong field types and values outside the policy's vocabulary", () => {
    expect(reasonOf(line({ id: "e", type: "message.post", at, user: "u", group: 5, message: "m" }))).toBe('field "group" must be a string');
    expect(reasonOf(line({ id: "e", type: "message.post", at, user: "", group: "g", message: "m" }))).toBe('field "user" must not be empty');
    expect(reasonOf(line({ id: "e", type: "user.credit", at, user: "u", level: "Z" }))).toBe('field "level" must be a credit level of the policy (D, C, B, A)');
    expect(reasonOf(line({ id: "e", type: "content.flagged", at, user: "u", group: "g", message: "m", category: "gossip" }))).toBe(
      'field "category" must be a prohibited category of the policy (spam, fraud, violence)',
    );
    expect(reasonOf(line({ id: "e", type: "content.flagged", at, user: "u", group: "g", message: "m", category: "spam", severity: "huge" }))).toBe(
      'field "severity" must be a severity of the policy (minor, serious, grave)',
    );
    expect(reasonOf(line({ id: "e", type: "group.role", at, actor: "a", group: "g", user: "u", role: "creator" }))).toBe('field "role" must be manager or member');
    expect(reasonOf(line({ id: "e", type: "group.manage", at, actor: "a", group: "g", target: "u", action: "ban" }))).toBe(
      'field "action" must be one of remove-member, delete-message, mute',
    );
    expect(reasonOf(line({ id: "e", type: "records.purge", at, actor: "a", before: "2017-01-01" }))).toBe('field "before" must be an RFC 3339 timestamp with an offset');
    expect(reasonOf(line({ id: "e", type: "user.verified", at, user: "u", identity: "张三" }))).toBe('field "identity" must be an object');
    expect(reasonOf(line({ id: "e", type: "group.join", at, user: "u", group: "g", approvedBy: null }))).toBe('field "approvedBy" must be a string');
  });

  test("unknown extra fields are ignored and not kept", () => {
    const r = parseEventLine(line({ id: "e", type: "message.post", at, user: "u", group: "g", message: "m", colour: "red" }), 1, ctx);
    expect(r.event).toBeDefined();
    expect(JSON.stringify(r.event)).not.toContain("colour");
  });

  test("group name may be empty; other strings may not", () => {
    expect(parseEventLine(line({ id: "e", type: "group.create", at, user: "u", group: "g", category: "general", name: "" }), 1, ctx).event).toBeDefined();
  });

  test("vocabulary is that of the version in force at the event's at", () => {
    const ir = harness().program.ir;
    ir.versions[1]!.credit.levels = ["D", "C", "B", "A", "S"];
    const h2 = harness(ir);
    const c2 = h2.program.intake(h2.state);
    expect(reasonOf(line({ id: "e", type: "user.credit", at: t("2018-06-01T00:00"), user: "u", level: "S" }), c2)).toMatch(/credit level/);
    expect(parseEventLine(line({ id: "e", type: "user.credit", at: t("2019-06-01T00:00"), user: "u", level: "S" }), 1, c2).event).toBeDefined();
  });
});

describe("intake: reserved keys", () => {
  test.each(["__proto__", "constructor", "prototype"])("%s anywhere in the event is a dead letter", (key) => {
    const at = t("2017-10-09T10:00");
    expect(reasonOf(`{"id":"e","type":"clock","at":"${at}","${key}":{"x":1}}`)).toBe(`reserved key "${key}" in event`);
    expect(reasonOf(`{"id":"e","type":"clock","at":"${at}","extra":[{"a":{"${key}":1}}]}`)).toBe(`reserved key "${key}" in event`);
    expect(({} as Record<string, unknown>)["x"]).toBeUndefined();
  });

  test("ids named like prototype keys are ordinary values", () => {
    const h2 = harness();
    const d = h2.decide({ id: "__proto__", type: "user.registered", at: t("2017-10-09T10:00"), user: "constructor" });
    expect(d.outcome).toBe("noted");
    expect(h2.state.users["constructor"]?.registeredAt).not.toBeNull();
    expect(h2.send({ id: "__proto__", type: "clock", at: t("2017-10-09T10:00") }).deadLetter?.reason).toBe('duplicate event id "__proto__"');
  });
});

describe("intake: duplicates and tolerance", () => {
  test("a duplicate id is a dead letter; the first is judged", () => {
    const h2 = harness();
    expect(h2.send({ id: "e1", type: "clock", at: t("2017-10-09T10:00") }).deadLetter).toBeUndefined();
    expect(h2.send({ id: "e1", type: "clock", at: t("2017-10-09T10:01") }).deadLetter?.reason).toBe('duplicate event id "e1"');
  });

  test("a dead-lettered id is not taken", () => {
    const h2 = harness();
    expect(h2.send({ id: "e1", type: "user.credit", at: t("2017-10-09T10:00"), user: "u", level: "Q" }).deadLetter).toBeDefined();
    expect(h2.send({ id: "e1", type: "clock", at: t("2017-10-09T10:00") }).deadLetter).toBeUndefined();
  });

  test("older than the clock by more than the tolerance (5 minutes) → dead letter; within → judged at the clock", () => {
    const h2 = harness();
    h2.decide({ type: "clock", at: t("2017-10-09T10:10") });
    const late = h2.send({ type: "user.registered", at: t("2017-10-09T10:05"), user: "u1" });
    expect(late.deadLetter).toBeUndefined();
    expect(late.decisions[0]!.at).toBe(t("2017-10-09T10:05"));
    expect(h2.state.users["u1"]!.firstSeen).toBe(Date.parse("2017-10-09T02:10:00Z"));
    expect(h2.state.clock).toBe(Date.parse("2017-10-09T02:10:00Z"));
    const tooLate = h2.send({ type: "user.registered", at: "2017-10-09T10:04:59.999+08:00", user: "u2" });
    expect(tooLate.deadLetter?.reason).toBe("event is older than the clock by more than the tolerance");
    expect(h2.state.users["u2"]).toBeUndefined();
  });
});

describe("validateEvent (already-parsed objects)", () => {
  test("returns the engine event with every field present", () => {
    const r = validateEvent({ id: "e", type: "group.join", at: t("2017-10-09T10:00"), user: "u", group: "g" }, () => h.program.intake(emptyState()).vocabAt(0));
    expect("event" in r && r.event).toMatchObject({ id: "e", type: "group.join", user: "u", group: "g", approvedBy: null });
  });

  test("identity is dropped from the event", () => {
    const r = validateEvent({ id: "e", type: "user.verified", at: t("2017-10-09T10:00"), user: "u", identity: { name: "张三" } }, () => h.program.intake(emptyState()).vocabAt(0));
    expect("event" in r).toBe(true);
    expect(JSON.stringify(r)).not.toContain("张三");
    expect(Object.keys((r as { event: object }).event)).not.toContain("identity");
  });
});

describe("A6.pii: dead letters never carry identity", () => {
  test("a parsed line with identity has its value redacted in raw", () => {
    const text = '{"id":"e1","type":"user.verified","at":"bad","user":"u1","identity":{"name":"张三","id":"110101199003074514"}}';
    const r = parseEventLine(text, 1, ctx);
    expect(r.deadLetter!.raw).toBe('{"id":"e1","type":"user.verified","at":"bad","user":"u1","identity":"[redacted]"}');
  });

  test("duplicate and escaped identity keys are redacted too", () => {
    const text = '{"id":"e1","type":"user.verified","at":"bad","user":"u1","identity":{"n":"张三"},"ident\\u0069ty":{"n":"李四"},"nested":{"Identity":"王五"}}';
    const r = parseEventLine(text, 1, ctx);
    for (const name of ["张三", "李四", "王五"]) expect(r.deadLetter!.raw).not.toContain(name);
  });

  test("text that is not JSON is described, never quoted, whatever it mentions", () => {
    expect(parseEventLine('{"identity":{"name":"张三"', 1, ctx).deadLetter!.raw).toBe("[withheld: not JSON, 24 characters]");
    expect(parseEventLine('  "name":"诸葛孔明",', 1, ctx).deadLetter!.raw).toBe("[withheld: not JSON, 16 characters]");
    expect(parseEventLine('{"user":"u1"', 1, ctx).deadLetter!.raw).toBe("[withheld: not JSON, 12 characters]");
  });

  test("a JSON value that is not an object is described by its kind", () => {
    expect(parseEventLine('"诸葛孔明"', 1, ctx).deadLetter!.raw).toBe("[withheld: a string]");
    expect(parseEventLine("330106198807074321", 1, ctx).deadLetter!.raw).toBe("[withheld: a number]");
    expect(parseEventLine('["张三"]', 1, ctx).deadLetter!.raw).toBe("[withheld: an array]");
  });

  test("an object keeps only its contract fields with scalar values; the rest are counted", () => {
    // An identity object on a line of its own (a pretty-printer's framing) has no contract field.
    expect(parseEventLine('{"name":"诸葛孔明","idNumber":"330106198807074321"}', 1, ctx).deadLetter!.raw).toBe('{"[withheld fields]":2}');
    const text = '{ "id": "e1", "type": "nope", "at": "x", "colour": "红" }';
    expect(parseEventLine(text, 1, ctx).deadLetter!.raw).toBe('{"id":"e1","type":"[withheld]","at":"x","[withheld fields]":1}');
    const known = '{"id":"e2","type":"message.post","at":"bad","user":{"name":"张三"},"group":"g1","message":"m1"}';
    expect(parseEventLine(known, 1, ctx).deadLetter!.raw).toBe('{"id":"e2","type":"message.post","at":"bad","user":"[withheld]","group":"g1","message":"m1"}');
  });
});
