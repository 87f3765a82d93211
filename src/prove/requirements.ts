/**
 * The regulation's per-event requirements as formulas over the facts, stated as the verify oracle
 * (src/verify/oracle.ts) states them on every decision: what must be true of the state and the
 * event whenever the engine allows an event of the type. They read the atomic facts, never the
 * policy's rules, so a proof of "allowed ⇒ requirement" says the rules enforce the law.
 */
import type { TierIR, VersionIR } from "../ir/types.js";
import { SERVICE_EVENTS, type DecidedEvent, type Service } from "../vocab/events.js";
import { ROLE } from "./domain.js";
import type { Facts } from "./facts.js";
import type { B, N } from "./solver.js";

/** "For every state and event of these types: allowed ⇒ holds(f)". */
export interface SafetySpec {
  req: string;
  events: readonly DecidedEvent[];
  /** The requirement on the facts; null when the version has nothing this requirement asks on the event. */
  holds(f: Facts): B | null;
  /** One sentence for reports. */
  statement: string;
}

/** "There is a state and event of the type in which `when(f)` and the event is allowed". */
export interface LivenessSpec {
  req: string;
  event: DecidedEvent;
  when(f: Facts): B;
  statement: string;
}

const eventsOf = (...services: Service[]): DecidedEvent[] => services.flatMap((s) => [...SERVICE_EVENTS[s]]);
const GROUP_SERVICE_EVENTS: DecidedEvent[] = ["group.join", "group.info", "group.role", "group.manage", "message.post"];
const MANAGEMENT: DecidedEvent[] = ["group.info", "group.role", "group.manage"];

/** The tier of a category code and member count by the bands alone (the oracle's `tierFor`): per tier, the condition that it is the one. */
function bandTiers(f: Facts, category: N, members: N): { tier: TierIR; is: B }[] {
  const z = f.z;
  const v = f.v;
  const out: { tier: TierIR; is: B }[] = [];
  const codes = [0, ...f.dom.categories.map((_, i) => i + 1)];
  for (const code of codes) {
    const name = code === 0 ? null : f.dom.categories[code - 1]!;
    const table = (name === null ? undefined : v.tiers.find((t) => t.categories?.includes(name))) ?? v.tiers.find((t) => t.categories === null);
    if (!table) continue;
    let earlier: B = z.Bool.val(false);
    for (const t of table.tiers) {
      const inBand = z.And(members.ge(t.minMembers), members.le(t.maxMembers));
      out.push({ tier: t, is: z.And(category.eq(code), inBand, z.Not(earlier)) });
      earlier = z.Or(earlier, inBand);
    }
  }
  return out;
}

function levelIndex(v: VersionIR, level: string): number {
  return v.credit.levels.indexOf(level);
}

/** The oracle's `qualified`: not cancelled, verified where the tier asks it, credit at least the tier's. */
function qualified(f: Facts, root: "actor" | "creator", tier: TierIR): B {
  const z = f.z;
  const parts: B[] = [z.Not(f.b(`${root}.creation-cancelled`))];
  if (tier.creator.verified) parts.push(f.b(`${root}.verified`));
  if (tier.creator.minCredit !== null) parts.push(f.n(`${root}.credit`).ge(levelIndex(f.v, tier.creator.minCredit)));
  return z.And(...parts);
}

/** The oracle's `stepped`: the base, or the last step in list order whose level the credit reaches. */
function stepped(f: Facts, s: { base: number; steps: { atLeast: string; value: number }[] }, credit: N): N {
  const z = f.z;
  let value: N = z.Int.val(s.base);
  for (const step of s.steps) value = z.If(credit.ge(levelIndex(f.v, step.atLeast)), z.Int.val(step.value), value) as N;
  return value;
}

function roleIs(f: Facts, root: "actor" | "target" | "approver", ...roles: (keyof typeof ROLE)[]): B {
  const r = f.role(root);
  return f.z.Or(...roles.map((x) => r.eq(ROLE[x])));
}

export const SAFETY: readonly SafetySpec[] = [
  {
    req: "A5.agreement",
    events: eventsOf("create", "join", "post", "manage"),
    statement: "an allowed create, join, post or management action is by a user who accepted the service agreement in force",
    holds: (f) => (f.v.agreement === null ? f.z.Bool.val(false) : f.b("actor.accepted")),
  },
  {
    req: "A6.real-name",
    events: eventsOf("post", "create", "set-info"),
    statement: "an allowed post, create or info change is by a user with a verified real identity",
    holds: (f) => f.b("actor.verified"),
  },
  {
    req: "A8.member-cap",
    events: ["group.join"],
    statement: "an allowed join leaves the group within its member cap (the limit, and the top band of its tier table)",
    holds(f) {
      const z = f.z;
      const v = f.v;
      const after = f.n("group.members").add(1);
      const parts: B[] = [];
      if (v.limits.membersPerGroup !== null) parts.push(after.le(v.limits.membersPerGroup));
      const codes = [0, ...f.dom.categories.map((_, i) => i + 1)];
      for (const code of codes) {
        const name = code === 0 ? null : f.dom.categories[code - 1]!;
        const table = (name === null ? undefined : v.tiers.find((t) => t.categories?.includes(name))) ?? v.tiers.find((t) => t.categories === null);
        if (table) parts.push(z.Implies(f.n("group.category").eq(code), after.le(Math.max(...table.tiers.map((t) => t.maxMembers)))));
      }
      return z.Implies(f.b("group.exists"), z.And(z.Bool.val(true), ...parts));
    },
  },
  {
    req: "A8.user-caps",
    events: ["group.create", "group.join"],
    statement: "an allowed create or join keeps the user within the groups-created and groups-joined caps of their credit",
    holds(f) {
      const z = f.z;
      const l = f.v.limits;
      const credit = f.n("actor.credit");
      const parts: B[] = [];
      if (f.type === "group.create" && l.groupsCreated) parts.push(f.n("actor.groups-created").add(1).le(stepped(f, l.groupsCreated, credit)));
      if (l.groupsJoined) parts.push(f.n("actor.groups-joined").add(1).le(stepped(f, l.groupsJoined, credit)));
      return parts.length === 0 ? null : z.And(...parts);
    },
  },
  {
    req: "A8.creator-qualification",
    events: ["group.create", "group.join"],
    statement: "an allowed create is by a user qualified for the new group's tier; an allowed join that moves a group up a band has a creator qualified for it",
    holds(f) {
      const z = f.z;
      if (f.type === "group.create") {
        const tiers = bandTiers(f, f.n("event.category"), z.Int.val(1));
        return z.And(z.Bool.val(true), ...tiers.map(({ tier, is }) => z.Implies(is, qualified(f, "actor", tier))));
      }
      const members = f.n("group.members");
      const before = bandTiers(f, f.n("group.category"), members);
      const after = bandTiers(f, f.n("group.category"), members.add(1));
      const parts: B[] = [];
      for (const a of after) {
        for (const b of before) {
          if (a.tier.name === b.tier.name || a.tier.minMembers <= b.tier.minMembers) continue;
          parts.push(z.Implies(z.And(a.is, b.is), qualified(f, "creator", a.tier)));
        }
      }
      return z.Implies(f.b("group.exists"), z.And(z.Bool.val(true), ...parts));
    },
  },
  {
    req: "A8.join-verification",
    events: ["group.join"],
    statement: "an allowed join into a tier that asks approval carries the approval of the creator or an active manager",
    holds(f) {
      const z = f.z;
      const tiers = bandTiers(f, f.n("group.category"), f.n("group.members").add(1)).filter((t) => t.tier.joinApproval);
      if (tiers.length === 0) return null;
      const approved = z.And(f.b("event.approved"), roleIs(f, "approver", "creator", "manager"), z.Not(f.b("approver.management-suspended")));
      return z.Implies(z.And(f.b("group.exists"), z.Or(...tiers.map((t) => t.is))), approved);
    },
  },
  {
    req: "A9.management-rights",
    events: MANAGEMENT,
    statement: "an allowed management action is by the creator or a manager whose rights are not suspended, and never removes, mutes or re-roles the creator",
    holds(f) {
      const z = f.z;
      const byRightful = z.And(roleIs(f, "actor", "creator", "manager"), z.Not(f.b("actor.management-suspended")));
      if (f.type === "group.info") return byRightful;
      const touchesCreator = f.role("target").eq(ROLE.creator);
      if (f.type === "group.role") return z.And(byRightful, z.Not(touchesCreator));
      const action = f.n("event.action");
      const harmful = z.Or(action.eq(f.dom.actionCode("remove-member")), action.eq(f.dom.actionCode("mute")));
      return z.And(byRightful, z.Not(z.And(touchesCreator, harmful)));
    },
  },
  {
    req: "A11.group-measures",
    events: GROUP_SERVICE_EVENTS,
    statement: "a closed group allows nothing, and a group whose posting is suspended takes no posts",
    holds(f) {
      const z = f.z;
      const open = z.Not(z.And(f.b("group.exists"), f.b("group.closed")));
      return f.type === "message.post" ? z.And(open, z.Not(z.And(f.b("group.exists"), f.b("group.posting-suspended")))) : open;
    },
  },
  {
    req: "A11.user-measures",
    events: ["group.create", ...MANAGEMENT],
    statement: "a user whose creation qualification is cancelled creates nothing; one whose management rights are suspended manages nothing",
    holds: (f) => f.z.Not(f.b(f.type === "group.create" ? "actor.creation-cancelled" : "actor.management-suspended")),
  },
  {
    req: "A11.blacklist",
    events: eventsOf("create", "join", "post", "manage", "set-info"),
    statement: "a blacklisted user, or a blacklisted group, is refused the services the blacklist section withholds",
    holds(f) {
      const z = f.z;
      const bl = f.v.blacklist;
      if (bl === null) return null;
      const service = (Object.keys(SERVICE_EVENTS) as Service[]).find((s) => SERVICE_EVENTS[s].includes(f.type))!;
      const parts: B[] = [];
      if (bl.users.includes(service)) parts.push(z.Not(f.b("actor.blacklisted")));
      if (bl.groups.includes(service) && GROUP_SERVICE_EVENTS.includes(f.type)) parts.push(z.Not(z.And(f.b("group.exists"), f.b("group.blacklisted"))));
      return parts.length === 0 ? null : z.And(...parts);
    },
  },
  {
    req: "A8.group-id",
    events: ["group.create", "group.join"],
    statement: "an allowed create uses a group id never used before; an allowed join is into a group that exists",
    holds: (f) => (f.type === "group.create" ? f.z.Not(f.b("group.exists")) : f.b("group.exists")),
  },
  {
    req: "A13.retention",
    events: ["records.purge"],
    statement: "an allowed purge removes only records at least six calendar months old",
    holds: (f) => f.n("event.before").le(f.n("event.now").sub(f.duration({ amount: 6, unit: "month" }))),
  },
];

export const LIVENESS: readonly LivenessSpec[] = [
  {
    req: "A8.creator-qualification",
    event: "group.create",
    statement: "some verified user qualified for a tier may create a group",
    when: (f) => f.b("actor.verified"),
  },
  {
    req: "A9.management-rights",
    event: "group.manage",
    statement: "the creator of a group may manage it",
    when: (f) => f.role("actor").eq(ROLE.creator),
  },
  {
    req: "A9.management-rights",
    event: "group.role",
    statement: "the creator of a group may appoint a manager",
    when: (f) => f.z.And(f.role("actor").eq(ROLE.creator), f.n("event.role").eq(ROLE.manager)),
  },
];

/** What each proved requirement leaves to the random streams, and why the others are tested only. */
export const TESTED_ONLY: Readonly<Record<string, string>> = {
  "A2.roles": "the role a decision names is a property of the decision's subject, checked on streams",
  "A6.pii": "identity never appearing in output is a property of every output, checked on streams",
  "A8.info-page": "the info-page obligation is an effect of a decision, checked on streams",
  "A10.prohibited-content": "flag handling goes through measures, not allow/deny rules",
  "A11.record-report": "effects of measures and timers, checked statically and on streams",
  "A11.responsibility": "timers and windows: checked on streams",
  "A12.complaints": "timers and sequences: checked on streams",
  "A13.inspection": "completeness of the record over a stream",
};

/** Per proved requirement, the part that stays with the streams (timers, windows, sequences). */
export const STREAM_REMAINDER: Readonly<Record<string, string>> = {
  "A5.agreement": "re-acceptance after a newly published version (a sequence)",
  "A7.credit": "credit lowered by measures over time (a sequence)",
  "A11.group-measures": "measures taking effect on the next event and lapsing by timer",
  "A11.user-measures": "measures taking effect on the next event and lapsing by timer",
  "A11.blacklist": "timed blacklists lapsing",
};
