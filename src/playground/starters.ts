/**
 * Small event streams the playground offers beside the sample stream, each showing one part of
 * the reference policy at work. test/browser/playground.test.ts runs each through `qungui run` so
 * they stay valid events.
 */
const at = (minute: number, day = 9) => `2017-10-${String(day).padStart(2, "0")}T09:${String(minute).padStart(2, "0")}:00+08:00`;
const line = (e: Record<string, unknown>) => JSON.stringify(e);

const owner = (user: string, m: number) => [
  line({ id: `${user}-v`, type: "user.verified", at: at(m), user, identity: {} }),
  line({ id: `${user}-a`, type: "agreement.accepted", at: at(m), user, version: "2017-10" }),
];

export const STARTERS: readonly { name: string; events: string }[] = [
  {
    name: "a group is created; an unverified user may join but not post",
    events: [
      ...owner("u1", 0),
      line({ id: "c1", type: "group.create", at: at(1), user: "u1", group: "g1", category: "general" }),
      line({ id: "a2", type: "agreement.accepted", at: at(2), user: "u2", version: "2017-10" }),
      line({ id: "j2", type: "group.join", at: at(3), user: "u2", group: "g1" }),
      line({ id: "p2", type: "message.post", at: at(4), user: "u2", group: "g1", message: "m1" }),
      line({ id: "j3", type: "group.join", at: at(5), user: "u3", group: "g1" }),
    ].join("\n"),
  },
  {
    name: "three serious flags in 30 days close the group",
    events: [
      ...owner("u1", 0),
      line({ id: "c1", type: "group.create", at: at(1), user: "u1", group: "g1", category: "general" }),
      line({ id: "f1", type: "content.flagged", at: at(10), group: "g1", user: "u1", message: "m1", category: "fraud" }),
      line({ id: "f2", type: "content.flagged", at: at(20), group: "g1", user: "u1", message: "m2", category: "fraud" }),
      line({ id: "f3", type: "content.flagged", at: at(30), group: "g1", user: "u1", message: "m3", category: "violence" }),
      line({ id: "p1", type: "message.post", at: at(40), user: "u1", group: "g1", message: "m4" }),
    ].join("\n"),
  },
  {
    name: "an overdue complaint is escalated by a timer",
    events: [
      line({ id: "k1", type: "complaint.filed", at: at(0), complaint: "k1", by: "u9", group: "g1" }),
      line({ id: "t1", type: "clock", at: at(0, 12) }),
    ].join("\n"),
  },
];
