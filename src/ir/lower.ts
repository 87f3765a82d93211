/**
 * Lowering: every allow/deny the regulation asks for becomes an ordinary rule over the typed paths
 * of src/vocab/paths.ts. The engine then has one decision mechanism, `explain` can show each
 * condition of a built-in check exactly as it shows a policy rule's, and the json-rules-engine
 * export and the reviewer documents read the same rules.
 *
 * Precedence (first matching deny decides): structural checks, agreement, identity, blacklist,
 * measures in force, management rights, tiers, limits, retention, then the policy's own rules,
 * then its allow rules, then one permit per event.
 */
import { DECIDED_EVENTS, EXISTING_GROUP_EVENTS, SERVICE_EVENTS, type DecidedEvent, type Service } from "../vocab/events.js";
import { and, bool, cmp, count, duration, enumLit, ifThen, isIn, minus, not, or, path, template } from "./build.js";
import type { ActionIR, Cite, ExprIR, RuleIR, RuleOrigin, SteppedIR, TierTableIR, VersionIR } from "./types.js";
import { articleOf } from "../law/articles.js";
import { bandProblems } from "../vocab/tiers.js";

export type VersionSections = Omit<VersionIR, "rules" | "guards">;

/**
 * Which measures any version of the policy can apply. A rule that enforces a measure (a closed
 * group takes no posts) is only emitted when the measure can happen; it is judged policy-wide
 * because a suspension set under one version outlives it.
 */
export interface ReachableMeasures {
  closeGroup: boolean;
  suspendPosting: boolean;
  suspendManagement: boolean;
  cancelCreation: boolean;
  blacklistUsers: boolean;
  blacklistGroups: boolean;
}

function actionsOf(actions: readonly ActionIR[]): ActionIR[] {
  return actions.flatMap((a) => (a.kind === "warn" ? [a, ...actionsOf(a.otherwise)] : [a]));
}

/** The measures any of these versions can apply. */
export function reachableMeasures(versions: readonly VersionSections[]): ReachableMeasures {
  const all = versions.flatMap((v) =>
    actionsOf([...v.measures.flatMap((m) => m.actions), ...(v.responsibility?.otherwise ?? []), ...(v.complaints?.otherwise ?? [])]),
  );
  const has = (kind: ActionIR["kind"], targets?: string[]) => all.some((a) => a.kind === kind && (!targets || ("target" in a && targets.includes(a.target))));
  return {
    closeGroup: has("close-group"),
    suspendPosting: has("suspend-posting"),
    suspendManagement: has("suspend-management"),
    cancelCreation: has("cancel-creation"),
    blacklistUsers: has("blacklist", ["user", "creator", "managers"]),
    blacklistGroups: has("blacklist", ["group"]),
  };
}

/** Makes a fresh rule id whose span is that of the IR node `spanFrom` (if any). */
export type IdMaker = (spanFrom: string | null) => string;

function cites(...reqs: string[]): Cite[] {
  return reqs.map((req) => ({ article: articleOf(req) ?? 0, req }));
}

class RuleList {
  readonly rules: RuleIR[] = [];
  constructor(private readonly fresh: IdMaker) {}

  add(
    name: string,
    origin: RuleOrigin,
    section: string | null,
    spanFrom: string | null,
    on: readonly DecidedEvent[],
    effect: "deny" | "allow",
    when: ExprIR,
    because: string,
    citations: Cite[],
  ): void {
    if (on.length === 0) return;
    this.rules.push({
      kind: "rule",
      id: this.fresh(spanFrom),
      name,
      origin,
      section,
      on: [...on],
      effect,
      when,
      because: template(because),
      cites: citations,
    });
  }
}

/** The events whose group must exist (src/vocab/events.ts). */
const GROUP_EVENTS: DecidedEvent[] = [...EXISTING_GROUP_EVENTS];
const MANAGEMENT_EVENTS: DecidedEvent[] = ["group.info", "group.role", "group.manage"];

function eventsOf(services: readonly Service[]): DecidedEvent[] {
  return DECIDED_EVENTS.filter((e) => services.some((s) => SERVICE_EVENTS[s].includes(e)));
}

/** `if credit >= A then 20 else if credit >= B then 10 else 3` for a credit-stepped limit. */
function steppedValue(stepped: SteppedIR, creditPath: string): ExprIR {
  let value: ExprIR = count(stepped.base);
  for (const step of stepped.steps) {
    value = ifThen("count", cmp(">=", path(creditPath), enumLit("level", step.atLeast)), count(step.value), value);
  }
  return value;
}

/** The condition under which a tier table applies to the event's group category. */
function tableApplies(table: TierTableIR, allTables: readonly TierTableIR[]): ExprIR {
  if (table.categories) return isIn(path("group.category"), table.categories.map((c) => enumLit("category", c)));
  const claimed = allTables.flatMap((t) => t.categories ?? []);
  return claimed.length === 0 ? bool(true) : isIn(path("group.category"), claimed.map((c) => enumLit("category", c)), true);
}

function tableLabel(table: TierTableIR): string {
  return table.categories ? `${table.categories.join("+")}/` : "";
}

function structuralRules(list: RuleList, reach: ReachableMeasures): void {
  list.add("groups/unknown", "builtin", null, null, GROUP_EVENTS, "deny", not(path("group.exists")), "group {group} does not exist", cites("A8.group-id"));
  list.add("groups/id-used", "builtin", null, null, ["group.create"], "deny", path("group.id-used"), "group id {group} is already in use", cites("A8.group-id"));
  list.add(
    "categories/unknown",
    "builtin",
    null,
    null,
    ["group.create", "group.info"],
    "deny",
    not(path("group.category-known")),
    "category {group.category} is not a group category of this policy",
    cites("A7.tiers"),
  );
  if (reach.closeGroup) {
    list.add("measures/group-closed", "builtin", null, null, GROUP_EVENTS, "deny", path("group.closed"), "group {group} is closed", cites("A11.group-measures"));
  }
}

/**
 * The span key of a section's clause (src/ir/emit.ts, clauseSpans): the rule lowered from it links
 * to the clause's own line; a clause without a span of its own falls back to the section's.
 */
function clauseOf(sectionId: string | null, clause: string): string | null {
  return sectionId === null ? null : `${sectionId}#${clause}`;
}

function serviceRules(v: VersionSections, list: RuleList, reach: ReachableMeasures): void {
  if (v.agreement) {
    for (const service of v.agreement.requiredFor) {
      list.add(
        `agreement/${service}`,
        "section",
        "agreement",
        clauseOf(v.agreement.id, service),
        eventsOf([service]),
        "deny",
        not(path("actor.agreement-accepted")),
        "user {actor} has not accepted the current service agreement",
        v.agreement.cites.length ? v.agreement.cites : cites("A5.agreement"),
      );
    }
  }
  if (v.identity) {
    for (const service of v.identity.requiredFor) {
      list.add(
        `real-name/${service}`,
        "section",
        "identity",
        clauseOf(v.identity.id, service),
        eventsOf([service]),
        "deny",
        not(path("actor.verified")),
        "user {actor} has no verified real identity",
        v.identity.cites.length ? v.identity.cites : cites("A6.real-name"),
      );
    }
  }
  if (v.blacklist) {
    const bl = v.blacklist;
    const c = bl.cites.length ? bl.cites : cites("A11.blacklist");
    for (const service of reach.blacklistUsers ? bl.users : []) {
      list.add(`blacklist/user-${service}`, "section", "blacklist", clauseOf(bl.id, `user-${service}`), eventsOf([service]), "deny", path("actor.blacklisted"), "user {actor} is blacklisted", c);
    }
    for (const service of reach.blacklistGroups ? bl.groups : []) {
      const events = eventsOf([service]).filter((e) => e !== "group.create");
      list.add(`blacklist/group-${service}`, "section", "blacklist", clauseOf(bl.id, `group-${service}`), events, "deny", path("group.blacklisted"), "group {group} is blacklisted", c);
    }
  }
}

function membershipAndManagementRules(list: RuleList, reach: ReachableMeasures): void {
  const roles = cites("A2.roles");
  const rights = cites("A9.management-rights");
  list.add("groups/already-member", "builtin", null, null, ["group.join"], "deny", cmp("!=", path("actor.role"), enumLit("role", "none")), "user {actor} is already in group {group}", roles);
  list.add("groups/not-a-member", "builtin", null, null, ["message.post"], "deny", cmp("==", path("actor.role"), enumLit("role", "none")), "user {actor} is not a member of group {group}", roles);
  if (reach.suspendPosting) {
    list.add("measures/posting-suspended", "builtin", null, null, ["message.post"], "deny", path("group.posting-suspended"), "posting in group {group} is suspended", cites("A11.group-measures"));
  }
  list.add("management/muted", "builtin", null, null, ["message.post"], "deny", path("actor.muted"), "user {actor} is muted in group {group}", rights);
  list.add(
    "management/not-a-manager",
    "builtin",
    null,
    null,
    MANAGEMENT_EVENTS,
    "deny",
    isIn(path("actor.role"), [enumLit("role", "member"), enumLit("role", "none")]),
    "user {actor} is neither the creator nor a manager of group {group}",
    rights,
  );
  if (reach.suspendManagement) {
    list.add(
      "management/suspended",
      "builtin",
      null,
      null,
      MANAGEMENT_EVENTS,
      "deny",
      path("actor.management-suspended"),
      "the management rights of user {actor} are suspended",
      cites("A9.management-rights", "A11.user-measures"),
    );
  }
  const touchesMember = or(cmp("==", path("event.action"), enumLit("action", "remove-member")), cmp("==", path("event.action"), enumLit("action", "mute")));
  list.add(
    "management/target-not-member",
    "builtin",
    null,
    null,
    ["group.role"],
    "deny",
    cmp("==", path("target.role"), enumLit("role", "none")),
    "user {target} is not a member of group {group}",
    roles,
  );
  list.add(
    "management/target-not-member",
    "builtin",
    null,
    null,
    ["group.manage"],
    "deny",
    and(touchesMember, cmp("==", path("target.role"), enumLit("role", "none"))),
    "user {target} is not a member of group {group}",
    roles,
  );
  list.add(
    "management/creator-protected",
    "builtin",
    null,
    null,
    ["group.role"],
    "deny",
    cmp("==", path("target.role"), enumLit("role", "creator")),
    "the role of {target}, the creator of group {group}, cannot be changed",
    rights,
  );
  list.add(
    "management/creator-protected",
    "builtin",
    null,
    null,
    ["group.manage"],
    "deny",
    and(touchesMember, cmp("==", path("target.role"), enumLit("role", "creator"))),
    "{target} is the creator of group {group} and cannot be removed or muted",
    rights,
  );
}

/** True when some member count from 1 to the cap (or beyond the top band, without a cap) has no tier. */
function hasUntieredSizes(tables: readonly TierTableIR[], cap: number | null): boolean {
  return cap === null || tables.some((t) => bandProblems(t, cap).gaps.length > 0);
}

function tierRules(v: VersionSections, list: RuleList, reach: ReachableMeasures): void {
  const tables = v.tiers;
  if (tables.length === 0) return;
  const anyTable = tables[0]!;
  // Where the bands cover 1..cap exactly, the member cap decides over-cap joins instead.
  if (hasUntieredSizes(tables, v.limits.membersPerGroup)) list.add(
    "tiers/no-tier",
    "section",
    "tiers",
    anyTable.id,
    ["group.create", "group.join"],
    "deny",
    cmp("==", path("group.tier-after"), enumLit("tier", "none")),
    "no tier of category {group.category} admits {group.members-after} members",
    cites("A7.tiers", "A8.member-cap"),
  );
  if (reach.cancelCreation) list.add(
    "creation/cancelled",
    "section",
    "tiers",
    anyTable.id,
    ["group.create"],
    "deny",
    path("actor.creation-cancelled"),
    "the creation qualification of user {actor} is cancelled",
    cites("A8.creator-qualification", "A11.user-measures"),
  );
  for (const table of tables) {
    const applies = tableApplies(table, tables);
    const label = tableLabel(table);
    for (const tier of table.tiers) {
      const inTier = and(cmp("==", path("group.tier-after"), enumLit("tier", tier.name)), applies);
      const qualified = (root: "actor" | "creator", withCancel: boolean): ExprIR =>
        and(
          tier.creator.verified ? path(`${root}.verified`) : bool(true),
          tier.creator.minCredit ? cmp(">=", path(`${root}.credit`), enumLit("level", tier.creator.minCredit)) : bool(true),
          withCancel ? not(path(`${root}.creation-cancelled`)) : bool(true),
        );
      const qual = cites("A8.creator-qualification");
      const createQ = qualified("actor", false);
      // A new group has one member, so only a tier admitting one member is ever created into.
      if (tier.minMembers <= 1 && !(createQ.kind === "lit" && createQ.value === true)) {
        list.add(
          `tiers/${label}${tier.name}/create`,
          "section",
          "tiers",
          clauseOf(tier.id, "creator"),
          ["group.create"],
          "deny",
          and(inTier, not(createQ)),
          `user {actor} lacks the creator qualification of tier ${tier.name}`,
          qual,
        );
      }
      // No join moves a group into the first tier of its table. A join grows a group into a tier
      // when its tier changes to it, and also when its member count enters the tier's band: a
      // group already promoted past the band by activity still needs a creator qualified for the
      // band it grows into (A8.creator-qualification is by size).
      const entersBand = and(cmp("==", path("group.members-after"), count(tier.minMembers)), applies);
      const growsInto = or(and(inTier, cmp("!=", path("group.tier"), enumLit("tier", tier.name))), entersBand);
      if (tier.minMembers > 1) list.add(
        `tiers/${label}${tier.name}/grow`,
        "section",
        "tiers",
        clauseOf(tier.id, "creator"),
        ["group.join"],
        "deny",
        and(growsInto, not(qualified("creator", true))),
        `group {group} would grow into tier ${tier.name}, whose creator qualification its creator {creator} lacks`,
        qual,
      );
      if (tier.joinApproval) {
        list.add(
          `tiers/${label}${tier.name}/join-approval`,
          "section",
          "tiers",
          tier.id,
          ["group.join"],
          "deny",
          and(
            inTier,
            not(
              and(
                path("event.approved"),
                isIn(path("approver.role"), [enumLit("role", "creator"), enumLit("role", "manager")]),
                not(path("approver.management-suspended")),
              ),
            ),
          ),
          `joining group {group} in tier ${tier.name} needs approval by its creator or an active manager`,
          cites("A8.join-verification"),
        );
      }
    }
  }
}

function limitRules(v: VersionSections, list: RuleList): void {
  const l = v.limits;
  // Each rule takes the span of its own clause (src/ir/emit.ts, clauseSpans), else the section's.
  const at = (clause: string) => clauseOf(l.id, clause);
  if (l.membersPerGroup !== null) {
    list.add(
      "limits/member-cap",
      "section",
      "limits",
      at("members-per-group"),
      ["group.join"],
      "deny",
      cmp(">", path("group.members-after"), count(l.membersPerGroup)),
      `group {group} already has {group.members} members, the most allowed is ${l.membersPerGroup}`,
      cites("A8.member-cap"),
    );
  }
  if (l.groupsCreated) {
    list.add(
      "limits/groups-created",
      "section",
      "limits",
      at("groups-created"),
      ["group.create"],
      "deny",
      cmp(">=", path("actor.groups-created"), steppedValue(l.groupsCreated, "actor.credit")),
      "user {actor} has created {actor.groups-created} groups, the most allowed at credit {actor.credit}",
      cites("A8.user-caps"),
    );
  }
  if (l.groupsJoined) {
    list.add(
      "limits/groups-joined",
      "section",
      "limits",
      at("groups-joined"),
      ["group.create", "group.join"],
      "deny",
      cmp(">=", path("actor.groups-joined"), steppedValue(l.groupsJoined, "actor.credit")),
      "user {actor} is in {actor.groups-joined} groups, the most allowed at credit {actor.credit}",
      cites("A8.user-caps"),
    );
  }
  if (l.infoPage?.enforced) {
    list.add(
      "limits/info-page",
      "section",
      "limits",
      at("info-page"),
      ["group.join"],
      "deny",
      and(cmp(">=", path("group.members-after"), count(l.infoPage.from)), not(path("group.has-info-page"))),
      `group {group} needs an info page before it reaches ${l.infoPage.from} members`,
      cites("A8.info-page"),
    );
  }
}

function retentionRules(v: VersionSections, list: RuleList): void {
  if (!v.retention) return;
  const keep = v.retention.keepLogs;
  list.add(
    "retention/purge",
    "section",
    "retention",
    clauseOf(v.retention.id, "keep-logs"),
    ["records.purge"],
    "deny",
    cmp(">", path("event.before"), minus("time", path("now"), duration(keep))),
    `records younger than ${keep.amount} ${keep.unit}${keep.amount === 1 ? "" : "s"} cannot be purged`,
    v.retention.cites.length ? v.retention.cites : cites("A13.retention"),
  );
}

const PERMIT_REASONS: Record<DecidedEvent, string> = {
  "group.create": "user {actor} may create group {group} in tier {group.tier-after}",
  "group.join": "user {actor} may join group {group}, now {group.members-after} members in tier {group.tier-after}",
  "group.info": "user {actor} may set the info page of group {group}",
  "group.role": "user {actor} may make {target} a {event.role} of group {group}",
  "group.manage": "user {actor} may {event.action} in group {group}",
  "message.post": "user {actor} may post in group {group}",
  "records.purge": "records before {event.before} may be purged",
};

/**
 * One unconditional permit per decided event. Its citations are everything the deny rules on that
 * event enforce: an allow is a statement that each of those requirements was checked and held.
 */
function permitRules(list: RuleList, v: VersionSections): void {
  const seen = new Map<DecidedEvent, Map<string, Cite>>(DECIDED_EVENTS.map((e) => [e, new Map()]));
  // An allowed join or create can carry the info-page obligation (A8.info-page) even where joins are not held for it.
  if (v.limits.infoPage) for (const e of ["group.join", "group.create"] as const) for (const c of cites("A8.info-page")) seen.get(e)!.set(c.req, c);
  // One pass over the deny rules (there can be thousands), each adding its citations to its events.
  for (const r of list.rules) {
    if (r.effect !== "deny") continue;
    for (const event of r.on) {
      const citations = seen.get(event);
      if (citations) for (const c of r.cites) citations.set(c.req, c);
    }
  }
  for (const event of DECIDED_EVENTS) {
    const citations = [...seen.get(event)!.values()].sort((a, b) => a.article - b.article || a.req.localeCompare(b.req));
    list.add(`permit/${event}`, "permit", null, null, [event], "allow", bool(true), PERMIT_REASONS[event], citations);
  }
}

/** All rules of one version, in precedence order: lowered sections, policy rules, permits. */
export function lowerRules(v: VersionSections, policyRules: readonly RuleIR[], fresh: IdMaker, reach: ReachableMeasures): RuleIR[] {
  const list = new RuleList(fresh);
  structuralRules(list, reach);
  serviceRules(v, list, reach);
  membershipAndManagementRules(list, reach);
  tierRules(v, list, reach);
  limitRules(v, list);
  retentionRules(v, list);
  // A loop, not push(...rules): spreading a policy's rules as arguments overflows the stack at
  // about a hundred thousand.
  for (const effect of ["deny", "allow"]) for (const r of policyRules) if (r.effect === effect) list.rules.push(r);
  permitRules(list, v);
  return list.rules;
}
