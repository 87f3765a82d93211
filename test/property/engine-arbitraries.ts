/**
 * Event streams for the engine's property tests: a small world of users, groups, messages and
 * complaints, so events collide often (joins to full groups, flags in closed groups, duplicate
 * ids, late events), with some events before the policy's effective instant.
 */
import fc from "fast-check";

const USERS = ["u0", "u1", "u2", "u3", "u4", "u5"];
const GROUPS = ["g0", "g1", "g2"];
const MESSAGES = ["m0", "m1", "m2", "m3"];
const COMPLAINTS = ["c0", "c1", "c2"];
/** 2017-10-07T12:00+08:00: half a day before the fixture policy takes effect. */
const START = Date.parse("2017-10-07T12:00:00+08:00");

const user = fc.constantFrom(...USERS);
const group = fc.constantFrom(...GROUPS);
const message = fc.constantFrom(...MESSAGES);
const complaint = fc.constantFrom(...COMPLAINTS);

const body: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ type: fc.constant("user.registered"), user }),
  fc.record({ type: fc.constant("user.verified"), user, identity: fc.constant({ name: "张三", idNumber: "110101199003074514" }) }),
  fc.record({ type: fc.constant("user.credit"), user, level: fc.constantFrom("D", "C", "B", "A") }),
  fc.record({ type: fc.constant("agreement.accepted"), user, version: fc.constantFrom("2017-10", "2018-01") }),
  fc.record({ type: fc.constant("agreement.published"), version: fc.constantFrom("2018-01") }),
  fc.record({ type: fc.constant("group.create"), user, group, category: fc.constantFrom("general", "news", "hobby", "gossip") }),
  fc.record({ type: fc.constant("group.join"), user, group }, { requiredKeys: ["type", "user", "group"] }),
  fc.record({ type: fc.constant("group.join"), user, group, approvedBy: user }),
  fc.record({ type: fc.constant("group.leave"), user, group }),
  fc.record({ type: fc.constant("group.info"), actor: user, group, name: fc.constantFrom("a", "b"), category: fc.constantFrom("general", "news") }),
  fc.record({ type: fc.constant("group.role"), actor: user, group, user, role: fc.constantFrom("manager", "member") }),
  fc.record({ type: fc.constant("group.manage"), actor: user, group, action: fc.constantFrom("remove-member", "mute"), target: user }),
  fc.record({ type: fc.constant("group.manage"), actor: user, group, action: fc.constant("delete-message"), target: message }),
  fc.record({ type: fc.constant("message.post"), user, group, message }),
  fc.record({ type: fc.constant("message.post"), user, group, message }),
  fc.record({ type: fc.constant("content.flagged"), group, user, message, category: fc.constantFrom("spam", "fraud", "violence") }),
  fc.record({ type: fc.constant("complaint.filed"), complaint, group, user }),
  fc.record({ type: fc.constant("complaint.resolved"), complaint, actor: user }),
  fc.record({ type: fc.constant("records.purge"), actor: user, before: fc.constantFrom("2017-01-01T00:00:00+08:00", "2017-10-20T00:00:00+08:00") }),
  fc.record({ type: fc.constant("clock") }),
);

/** A step forward in time (mostly minutes to hours, sometimes days), or occasionally back a little. */
const step = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 6 * 60 }).map((m) => m * 60_000) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 10 }).map((d) => d * 86_400_000) },
  { weight: 1, arbitrary: fc.integer({ min: -10, max: -1 }).map((m) => m * 60_000) },
);

function rfc(ms: number): string {
  const d = new Date(ms + 8 * 3_600_000);
  return d.toISOString().replace(/\.\d{3}Z$/, "+08:00");
}

/** Verified users who accepted the agreement, and two groups with members, at the effective instant. */
function prelude(t0: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const u of USERS.slice(0, 5)) {
    out.push({ type: "user.verified", user: u, identity: { name: "张三", idNumber: "110101199003074514" } });
    out.push({ type: "agreement.accepted", user: u, version: "2017-10" });
  }
  out.push({ type: "user.credit", user: "u0", level: "A" }, { type: "user.credit", user: "u1", level: "B" });
  out.push({ type: "group.create", user: "u0", group: "g0", category: "general" });
  out.push({ type: "group.create", user: "u1", group: "g1", category: "news" });
  for (const u of ["u2", "u3", "u4"]) out.push({ type: "group.join", user: u, group: "g0" }, { type: "group.join", user: u, group: "g1" });
  out.push({ type: "group.role", actor: "u0", group: "g0", user: "u2", role: "manager" });
  return out.map((b, i) => ({ id: `p${i}`, ...b, at: rfc(t0) }));
}

const EFFECTIVE = Date.parse("2017-10-08T00:00:00+08:00");

/**
 * A stream of event lines, ids mostly unique with some duplicates. Most streams start with a
 * prelude of verified users and groups at the effective instant; the others start half a day
 * before it, so ungoverned events occur.
 */
export const eventStream = (maxLength = 60): fc.Arbitrary<string[]> =>
  fc.tuple(fc.boolean(), fc.array(fc.tuple(body, step, fc.integer({ min: 0, max: 19 })), { minLength: 1, maxLength })).map(([withPrelude, items]) => {
    let now = withPrelude ? EFFECTIVE : START;
    const head = withPrelude ? prelude(now) : [];
    return [
      ...head.map((o) => JSON.stringify(o)),
      ...items.map(([b, dt, dup], i) => {
        now += dt;
        const id = dup === 0 && i > 0 ? `e${i - 1}` : `e${i}`;
        return JSON.stringify({ id, ...b, at: rfc(now) });
      }),
    ];
  });

/** Lines that are mostly broken: random text, random JSON, valid events with fields damaged. */
export const brokenLine: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme" }),
  fc.json(),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .tuple(body, fc.constantFrom("id", "type", "at", "user", "group", "level", "identity", "__proto__", "constructor"), fc.jsonValue())
    .map(([b, k, v]) => {
      const o: Record<string, unknown> = { id: "x", at: "2017-10-09T10:00:00+08:00", ...b };
      Object.defineProperty(o, k, { value: v, enumerable: true, configurable: true, writable: true });
      return JSON.stringify(o);
    }),
  fc.tuple(body, fc.nat(40)).map(([b, cut]) => JSON.stringify({ id: "y", at: "2017-10-09T10:00:00+08:00", ...b }).slice(0, cut)),
);
