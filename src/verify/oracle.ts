/**
 * The oracle: an independent model of what the regulation requires, built only from the events
 * and the decisions the engine returned, never from the engine's state. Each stream requirement of
 * src/law/articles.ts is an invariant checked against every decision, using the model as it stood before
 * that decision; then the decision's facts and effects update the model.
 *
 * This is deliberately a second implementation: where the engine and the oracle disagree, either
 * the policy lets something happen that the law forbids, or the engine is wrong — both worth a
 * counterexample.
 */
import type { Decision, Effect } from "../engine/decision.js";
import type { PolicyIR, TierIR, VersionIR } from "../ir/types.js";
import { REGULATION_EFFECTIVE_MS } from "../law/articles.js";
import { addDuration, parseRfc3339 } from "../source/time.js";
import { DECIDED_EVENTS, EXISTING_GROUP_EVENTS, SERVICE_EVENTS, type Service } from "../vocab/events.js";
import { assertNever } from "../source/exhaustive.js";

/** An event as generated (already valid by the contract of docs/events.md). */
export type GenEvent = { id: string; type: string; at: string } & Record<string, unknown>;

export interface Violation {
  req: string;
  /** What broke, in one sentence. */
  message: string;
  /** The decision that breaks it (absent when the breach is a missing decision). */
  decision?: Decision;
  /** Index of the event in the stream at which the breach was seen. */
  index: number;
}

interface UserModel {
  verified: boolean;
  accepted: Set<string>;
  /** Index into the credit scale; null = the default of the version in force. */
  credit: number | null;
  cancelled: boolean;
  blacklistedUntil: number;
  suspendedUntil: number;
}

interface GroupModel {
  creator: string;
  category: string;
  members: Set<string>;
  managers: Set<string>;
  closed: boolean;
  postingSuspendedUntil: number;
  blacklistedUntil: number;
  infoPage: boolean;
}

interface PendingFlag {
  group: string;
  message: string;
  user: string;
  due: number;
  handled: boolean;
}

interface ComplaintModel {
  due: number | null;
  resolved: boolean;
  escalations: number;
}

const NEVER = -Infinity;
const FOREVER = Infinity;

const GROUP_SERVICE_EVENTS: ReadonlySet<string> = new Set(EXISTING_GROUP_EVENTS);
const DECIDED: ReadonlySet<string> = new Set(DECIDED_EVENTS);

function serviceOfEvent(type: string): Service | undefined {
  for (const [s, events] of Object.entries(SERVICE_EVENTS)) if ((events as readonly string[]).includes(type)) return s as Service;
  return undefined;
}

/** The version in force at `ms`, or undefined before the first one. */
export function versionAt(ir: PolicyIR, ms: number): VersionIR | undefined {
  let found: VersionIR | undefined;
  for (const v of ir.versions) if ((parseRfc3339(v.effective) ?? Infinity) <= ms) found = v;
  return found;
}

/** Measures that hold a user to account (Article 11's user measures, and the blacklist). */
const USER_MEASURES = new Set(["lower-credit", "suspend-management", "cancel-creation", "blacklist"]);
const MANAGEMENT_EVENTS = new Set(["group.info", "group.role", "group.manage"]);

export class Oracle {
  readonly violations: Violation[] = [];
  /** Per stream property (./properties.ts), how many situations exercised it on this stream. */
  readonly exercised = new Map<string, number>();
  private identitySeen = false;
  private readonly overdueCounted = new Set<string>();
  private readonly users = new Map<string, UserModel>();
  private readonly groups = new Map<string, GroupModel>();
  private readonly usedGroupIds = new Set<string>();
  private readonly complaints = new Map<string, ComplaintModel>();
  private readonly pending: PendingFlag[] = [];
  private readonly responsibilityFired = new Map<string, number>();
  /** The last `agreement.published`, with its time. */
  private published: { version: string; at: number } | null = null;
  private clock = -Infinity;
  private index = 0;

  constructor(
    private readonly ir: PolicyIR,
    /** Strings that must never appear in any output (identity values of the stream). */
    private readonly secrets: readonly string[],
  ) {
  }

  private user(id: string): UserModel {
    let u = this.users.get(id);
    if (!u) {
      u = { verified: false, accepted: new Set(), credit: null, cancelled: false, blacklistedUntil: NEVER, suspendedUntil: NEVER };
      this.users.set(id, u);
    }
    return u;
  }

  private exercise(property: string, n = 1): void {
    if (n > 0) this.exercised.set(property, (this.exercised.get(property) ?? 0) + n);
  }

  private fail(req: string, message: string, decision?: Decision): void {
    this.violations.push({ req, message, index: this.index, ...(decision ? { decision } : {}) });
  }

  /** Feeds one accepted event with every decision it produced (timer decisions first). */
  observe(event: GenEvent, decisions: readonly Decision[], serialized: readonly string[]): void {
    const at = parseRfc3339(event.at)!;
    this.clock = Math.max(this.clock, at);
    if (this.identitySeen) this.exercise("A6.pii/never-shown", serialized.length);
    if (event.type === "user.verified" && typeof event["identity"] === "object") this.identitySeen = true;
    this.checkPii(serialized);
    const primary = decisions[decisions.length - 1];
    for (const d of decisions.slice(0, -1)) this.timerDecision(d);
    this.checkOverdue(at);
    if (!primary || primary.event !== event.id || primary.trigger !== undefined) {
      this.fail("A15.effective", `event ${event.id} got no primary decision`);
      this.index++;
      return;
    }
    const v = versionAt(this.ir, at);
    if (!v) this.exercise("A15.effective/ungoverned");
    else if (v !== this.ir.versions[0]) this.exercise("A15.effective/amended");
    this.checkEffective(event, at, v, primary);
    if (v && primary.outcome !== "ungoverned") this.judge(event, primary, v, at);
    this.apply(event, primary, v);
    this.index++;
  }

  private checkPii(serialized: readonly string[]): void {
    for (const text of serialized) {
      for (const s of this.secrets) {
        if (s.length >= 4 && text.includes(s)) this.fail("A6.pii", `personal information "${s.slice(0, 2)}…" appears in the output`);
      }
    }
  }

  private checkEffective(event: GenEvent, at: number, v: VersionIR | undefined, d: Decision): void {
    const governed = v !== undefined;
    if (!governed && d.outcome !== "ungoverned") this.fail("A15.effective", `event ${event.id} at ${event.at} precedes the policy but was judged (${d.outcome})`, d);
    if (governed && d.outcome === "ungoverned") this.fail("A15.effective", `event ${event.id} at ${event.at} is governed but was not judged`, d);
    if (governed && d.policy !== v.version) this.fail("A15.effective", `event ${event.id} at ${event.at} was judged by version ${String(d.policy)}, not ${v.version} in force then`, d);
    if (at < REGULATION_EFFECTIVE_MS && d.outcome !== "ungoverned" && governed) this.fail("A15.effective", `event ${event.id} before 2017-10-08 CST was judged`, d);
  }

  // ---------------------------------------------------------------------------------------------
  // Invariants on a governed primary decision, against the model before the event.

  private judge(e: GenEvent, d: Decision, v: VersionIR, at: number): void {
    // The acting user: `actor` where the event names one (info, role, manage, purge), else `user`.
    const actorId = (e["actor"] ?? e["user"]) as string | undefined;
    const groupId = e["group"] as string | undefined;
    const g = groupId ? this.groups.get(groupId) : undefined;
    this.checkRoles(e, d, g, actorId);
    if (e.type === "content.flagged") return this.checkFlag(e, d, g);
    if (e.type === "complaint.filed" && d.outcome !== "noted") this.fail("A12.complaints", `complaint ${String(e["complaint"])} was not accepted (${d.outcome})`, d);
    if (e.type === "records.purge") {
      if (this.purgeTooYoung(e, v, at)) this.exercise("A13.retention/purge");
      if (d.outcome === "allow") this.checkPurge(e, d, v, at);
    }
    if (!actorId) return;
    const u = this.user(actorId);
    const service = serviceOfEvent(e.type);
    this.countSituations(e, v, g, actorId, u, service, at);
    this.checkCanManage(e, d, v, g, actorId, u, service, at);
    if (d.outcome !== "allow") return;
    if (service && ["create", "join", "post", "manage"].includes(service)) this.checkAgreement(actorId, u, d, v);
    if (service && ["post", "create", "set-info"].includes(service) && !u.verified) this.fail("A6.real-name", `user ${actorId} without a verified identity was allowed ${e.type}`, d);
    if (service && u.blacklistedUntil > at && v.blacklist?.users.includes(service)) this.fail("A11.blacklist", `blacklisted user ${actorId} was allowed ${e.type}`, d);
    if (g && GROUP_SERVICE_EVENTS.has(e.type)) {
      if (g.closed) this.fail("A11.group-measures", `closed group ${groupId} allowed ${e.type}`, d);
      if (service && g.blacklistedUntil > at && v.blacklist?.groups.includes(service)) this.fail("A11.blacklist", `blacklisted group ${groupId} allowed ${e.type}`, d);
    }
    switch (e.type) {
      case "group.create":
        return this.checkCreate(e, d, v, u, actorId);
      case "group.join":
        return this.checkJoin(e, d, v, g, actorId);
      case "message.post":
        if (g && g.postingSuspendedUntil > at) this.fail("A11.group-measures", `post allowed in group ${groupId} while posting is suspended`, d);
        return;
      case "group.info":
      case "group.role":
      case "group.manage":
        return this.checkManagement(e, d, g, actorId, u, at);
    }
  }

  private checkRoles(e: GenEvent, d: Decision, g: GroupModel | undefined, actorId: string | undefined): void {
    if (!DECIDED.has(e.type) || !g || !actorId || !GROUP_SERVICE_EVENTS.has(e.type)) return;
    const expected = g.creator === actorId ? "creator" : g.managers.has(actorId) ? "manager" : g.members.has(actorId) ? "member" : "none";
    this.exercise("A2.roles/named");
    if (d.subject.role !== expected) this.fail("A2.roles", `decision on ${e.type} names role ${String(d.subject.role)} for ${actorId}, who is ${expected}`, d);
  }

  /** The agreement version now required (a publication wins, unless the version in force took effect later and declares its own). */
  private currentAgreement(v: VersionIR): string | null {
    const declared = v.agreement?.currentVersion ?? null;
    const effective = parseRfc3339(v.effective)!;
    return this.published === null || (declared !== null && effective > this.published.at) ? declared : this.published.version;
  }

  /** Whether the user holds the acceptance the version in force asks for. */
  private agreementHeld(u: UserModel, v: VersionIR): boolean {
    if (!v.agreement) return false;
    const current = this.currentAgreement(v);
    // Without re-acceptance any accepted version serves; with it, only the current one.
    return v.agreement.reaccept ? current !== null && u.accepted.has(current) : u.accepted.size > 0;
  }

  private checkAgreement(actorId: string, u: UserModel, d: Decision, v: VersionIR): void {
    if (!v.agreement) {
      this.fail("A5.agreement", `the policy in force has no service agreement, yet ${actorId} was served`, d);
      return;
    }
    if (!this.agreementHeld(u, v)) this.fail("A5.agreement", `user ${actorId} has not accepted agreement ${String(this.currentAgreement(v))} but was allowed ${d.type}`, d);
  }

  /**
   * Counts the situations that exercise the prohibitions (./properties.ts): the event is one the
   * policy must refuse, or one where a wrong allow would show. Counted whatever the decision was.
   */
  private countSituations(e: GenEvent, v: VersionIR, g: GroupModel | undefined, actorId: string, u: UserModel, service: Service | undefined, at: number): void {
    if (service && ["create", "join", "post", "manage"].includes(service) && !this.agreementHeld(u, v)) this.exercise("A5.agreement/required");
    if (service && ["post", "create", "set-info"].includes(service) && !u.verified) this.exercise("A6.real-name/required");
    if (service && ((u.blacklistedUntil > at && v.blacklist?.users.includes(service)) || (g && g.blacklistedUntil > at && e.type !== "group.create" && v.blacklist?.groups.includes(service)))) {
      this.exercise("A11.blacklist/restricted");
    }
    if (g && GROUP_SERVICE_EVENTS.has(e.type) && (g.closed || (e.type === "message.post" && g.postingSuspendedUntil > at))) this.exercise("A11.group-measures/in-effect");
    if ((e.type === "group.create" && u.cancelled) || (MANAGEMENT_EVENTS.has(e.type) && g && u.suspendedUntil > at && (g.creator === actorId || g.managers.has(actorId)))) this.exercise("A11.user-measures/in-effect");
    const credit = this.creditIndex(u, v);
    if (e.type === "group.create") {
      const groupId = e["group"] as string;
      if (this.usedGroupIds.has(groupId)) this.exercise("A8.group-id/unique");
      const created = [...this.groups.values()].filter((x) => x.creator === actorId && !x.closed).length;
      const joined = [...this.groups.values()].filter((x) => x.members.has(actorId) && !x.closed).length;
      if (created + 1 > this.stepped(v.limits.groupsCreated, credit, v) || joined + 1 > this.stepped(v.limits.groupsJoined, credit, v)) this.exercise("A8.user-caps/create-join");
      const tier = this.tierFor(v, e["category"] as string, 1);
      if (tier && !this.qualified(u, tier, v)) this.exercise("A8.creator-qualification/tier");
    }
    if (e.type === "group.join") {
      if (!g) {
        this.exercise("A8.group-id/unique");
        return;
      }
      const after = g.members.size + 1;
      const table = v.tiers.find((t) => t.categories?.includes(g.category)) ?? v.tiers.find((t) => t.categories === null);
      const top = table ? Math.max(...table.tiers.map((t) => t.maxMembers)) : Infinity;
      if (after > Math.min(v.limits.membersPerGroup ?? Infinity, top)) this.exercise("A8.member-cap/join");
      const joined = [...this.groups.values()].filter((x) => x.members.has(actorId) && !x.closed).length;
      if (joined + 1 > this.stepped(v.limits.groupsJoined, credit, v)) this.exercise("A8.user-caps/create-join");
      const page = v.limits.infoPage;
      if (page && !g.infoPage && after >= page.from) this.exercise("A8.info-page/threshold");
      const before = this.tierFor(v, g.category, g.members.size);
      const tier = this.tierFor(v, g.category, after);
      if (tier && before && tier.name !== before.name && tier.minMembers > before.minMembers && !this.qualified(this.user(g.creator), tier, v)) this.exercise("A8.creator-qualification/tier");
      if (tier?.joinApproval && !this.validApproval(e, g)) this.exercise("A8.join-verification/approval");
    }
    if (g && MANAGEMENT_EVENTS.has(e.type)) {
      const target = (e.type === "group.role" ? e["user"] : e["target"]) as string | undefined;
      const againstCreator = target === g.creator && (e.type === "group.role" || e["action"] === "remove-member" || e["action"] === "mute");
      if ((g.creator !== actorId && !g.managers.has(actorId)) || u.suspendedUntil > at || againstCreator) this.exercise("A9.management-rights/only-managers");
    }
  }

  private validApproval(e: GenEvent, g: GroupModel): boolean {
    const approver = e["approvedBy"] as string | undefined;
    return approver !== undefined && (approver === g.creator || g.managers.has(approver)) && this.user(approver).suspendedUntil <= this.clock;
  }

  /**
   * A9, must happen: the creator and active managers can manage their group. A management event by
   * one of them in good standing (agreement and identity as required, not blacklisted, the group
   * open), on an ordinary member or a message, or setting the info page in the group's own category,
   * must be allowed: a rule that denies it takes from them the rights Article 9 says they get.
   */
  private checkCanManage(e: GenEvent, d: Decision, v: VersionIR, g: GroupModel | undefined, actorId: string, u: UserModel, service: Service | undefined, at: number): void {
    if (!g || !service || !MANAGEMENT_EVENTS.has(e.type)) return;
    const isCreator = g.creator === actorId;
    if (!isCreator && !g.managers.has(actorId)) return;
    if (u.suspendedUntil > at || g.closed) return;
    if (v.agreement?.requiredFor.includes(service) && !this.agreementHeld(u, v)) return;
    if (v.identity?.requiredFor.includes(service) && !u.verified) return;
    if ((u.blacklistedUntil > at && v.blacklist?.users.includes(service)) || (g.blacklistedUntil > at && v.blacklist?.groups.includes(service))) return;
    const ordinaryMember = (id: unknown) => typeof id === "string" && g.members.has(id) && id !== g.creator;
    switch (e.type) {
      case "group.manage":
        if (e["action"] !== "delete-message" && !ordinaryMember(e["target"])) return;
        break;
      case "group.role":
        if (!ordinaryMember(e["user"])) return;
        break;
      case "group.info":
        if (e["category"] !== g.category) return;
        break;
    }
    this.exercise("A9.management-rights/can-manage");
    if (d.outcome !== "allow") {
      const who = isCreator ? "the creator" : "an active manager";
      this.fail("A9.management-rights", `${actorId}, ${who} of ${String(e["group"])}, was denied ${e.type}${e["action"] ? ` (${String(e["action"])})` : ""} by ${d.rule}: the creator and active managers must be able to manage their group`, d);
    }
  }

  private creditIndex(u: UserModel, v: VersionIR): number {
    return u.credit ?? v.credit.levels.indexOf(v.credit.default);
  }

  private tierFor(v: VersionIR, category: string, members: number): TierIR | undefined {
    const table = v.tiers.find((t) => t.categories?.includes(category)) ?? v.tiers.find((t) => t.categories === null);
    return table?.tiers.find((t) => t.minMembers <= members && members <= t.maxMembers);
  }

  private qualified(u: UserModel, tier: TierIR, v: VersionIR): boolean {
    if (u.cancelled) return false;
    if (tier.creator.verified && !u.verified) return false;
    return tier.creator.minCredit === null || this.creditIndex(u, v) >= v.credit.levels.indexOf(tier.creator.minCredit);
  }

  private stepped(s: { base: number; steps: { atLeast: string; value: number }[] } | null, credit: number, v: VersionIR): number {
    if (!s) return Infinity;
    let value = s.base;
    for (const step of s.steps) if (credit >= v.credit.levels.indexOf(step.atLeast)) value = step.value;
    return value;
  }

  private checkCreate(e: GenEvent, d: Decision, v: VersionIR, u: UserModel, actorId: string): void {
    const groupId = e["group"] as string;
    if (u.cancelled) this.fail("A11.user-measures", `user ${actorId} created ${groupId} after the creation qualification was cancelled`, d);
    if (this.usedGroupIds.has(groupId)) this.fail("A8.group-id", `group id ${groupId} was created twice`, d);
    const tier = this.tierFor(v, e["category"] as string, 1);
    if (!tier) this.fail("A7.tiers", `group ${groupId} was created with no tier for one member`, d);
    else if (!this.qualified(u, tier, v)) this.fail("A8.creator-qualification", `user ${actorId} lacks the qualification of tier ${tier.name} but created ${groupId}`, d);
    const credit = this.creditIndex(u, v);
    const created = [...this.groups.values()].filter((g) => g.creator === actorId && !g.closed).length;
    const joined = [...this.groups.values()].filter((g) => g.members.has(actorId) && !g.closed).length;
    if (created + 1 > this.stepped(v.limits.groupsCreated, credit, v)) this.fail("A8.user-caps", `user ${actorId} created more groups than allowed`, d);
    if (joined + 1 > this.stepped(v.limits.groupsJoined, credit, v)) this.fail("A8.user-caps", `user ${actorId} is in more groups than allowed`, d);
  }

  private checkJoin(e: GenEvent, d: Decision, v: VersionIR, g: GroupModel | undefined, actorId: string): void {
    const groupId = e["group"] as string;
    if (!g) {
      this.fail("A8.group-id", `join of unknown group ${groupId} was allowed`, d);
      return;
    }
    const after = g.members.size + 1;
    const table = v.tiers.find((t) => t.categories?.includes(g.category)) ?? v.tiers.find((t) => t.categories === null);
    const top = table ? Math.max(...table.tiers.map((t) => t.maxMembers)) : Infinity;
    const cap = Math.min(v.limits.membersPerGroup ?? Infinity, top);
    if (after > cap) this.fail("A8.member-cap", `group ${groupId} grew to ${after} members, over its cap of ${cap}`, d);
    const before = this.tierFor(v, g.category, g.members.size);
    const tier = this.tierFor(v, g.category, after);
    const creator = this.user(g.creator);
    if (tier && before && tier.name !== before.name && tier.minMembers > before.minMembers && !this.qualified(creator, tier, v)) {
      this.fail("A8.creator-qualification", `group ${groupId} grew into tier ${tier.name} whose qualification its creator ${g.creator} lacks`, d);
    }
    if (tier?.joinApproval) {
      if (!this.validApproval(e, g)) this.fail("A8.join-verification", `join of ${actorId} into tier ${tier.name} of ${groupId} was allowed without approval by the creator or an active manager`, d);
    }
    const joined = [...this.groups.values()].filter((x) => x.members.has(actorId) && !x.closed).length;
    if (joined + 1 > this.stepped(v.limits.groupsJoined, this.creditIndex(this.user(actorId), v), v)) this.fail("A8.user-caps", `user ${actorId} joined more groups than allowed`, d);
    const page = v.limits.infoPage;
    if (page && !g.infoPage && after >= page.from) {
      if (page.enforced) this.fail("A8.info-page", `group ${groupId} reached ${after} members without an info page though the policy holds such joins`, d);
      else if (after === page.from && !d.effects.some((x) => x.kind === "obligation" && x.what === "info-page")) {
        this.fail("A8.info-page", `group ${groupId} reached the info-page threshold without an info-page obligation`, d);
      }
    }
  }

  private checkManagement(e: GenEvent, d: Decision, g: GroupModel | undefined, actorId: string, u: UserModel, at: number): void {
    if (!g) return;
    const isCreator = g.creator === actorId;
    if (!isCreator && !g.managers.has(actorId)) this.fail("A9.management-rights", `${actorId}, neither creator nor manager, was allowed ${e.type} in ${String(e["group"])}`, d);
    if (u.suspendedUntil > at) {
      this.fail("A9.management-rights", `${actorId} was allowed ${e.type} while management rights are suspended`, d);
      this.fail("A11.user-measures", `the suspension of ${actorId}'s management rights did not take effect`, d);
    }
    const target = (e.type === "group.role" ? e["user"] : e["target"]) as string | undefined;
    if (target === g.creator && (e.type === "group.role" || e["action"] === "remove-member" || e["action"] === "mute")) {
      this.fail("A9.management-rights", `the creator ${g.creator} of ${String(e["group"])} was targeted by an allowed ${e.type}`, d);
    }
  }

  private checkFlag(e: GenEvent, d: Decision, g: GroupModel | undefined): void {
    if (!g) return;
    const message = e["message"] as string;
    this.exercise("A10.prohibited-content/measures");
    if (d.outcome !== "measures") this.fail("A10.prohibited-content", `flag on message ${message} did not lead to measures (${d.outcome})`, d);
    if (!d.effects.some((x) => x.kind === "remove-message" && x.message === message)) this.fail("A10.prohibited-content", `flagged message ${message} was not removed`, d);
    // Removal alone is not enough: Article 10 content starts the Article 11 measures.
    else if (!d.effects.some((x) => x.kind === "measure")) {
      const severity = (e["severity"] as string | undefined) ?? "its category's severity";
      this.fail("A10.prohibited-content", `flag on message ${message} (${String(e["category"])}, ${severity}) was removed but started no Article 11 measure (rule ${d.rule})`, d);
    }
    this.checkRecordReport(d);
  }

  private checkRecordReport(d: Decision): void {
    if (!d.effects.some((x) => x.kind === "measure")) return;
    this.exercise("A11.record-report/every-measure");
    if (!d.effects.some((x) => x.kind === "record")) this.fail("A11.record-report", `measures of decision ${d.rule} are not recorded`, d);
    if (!d.effects.some((x) => x.kind === "report")) this.fail("A11.record-report", `measures of decision ${d.rule} are not reported to the authority`, d);
  }

  private purgeTooYoung(e: GenEvent, v: VersionIR, at: number): boolean {
    const before = parseRfc3339(e["before"] as string)!;
    return before > addDuration(Math.max(this.clock, at), { amount: 6, unit: "month" }, v.zone, -1);
  }

  private checkPurge(e: GenEvent, d: Decision, v: VersionIR, at: number): void {
    if (this.purgeTooYoung(e, v, at)) this.fail("A13.retention", `purge of records younger than six calendar months (before ${String(e["before"])}) was allowed`, d);
  }

  // ---------------------------------------------------------------------------------------------
  // Timers: escalations and responsibility must fire, exactly once, when the clock passes them.

  private timerDecision(d: Decision): void {
    this.checkRecordReport(d);
    const escalated = d.effects.filter((x): x is Extract<Effect, { kind: "escalate"; what: "complaint" }> => x.kind === "escalate" && x.what === "complaint");
    for (const x of escalated) {
      const c = this.complaints.get(x.complaint);
      if (!c) this.fail("A12.complaints", `unknown complaint ${x.complaint} was escalated`, d);
      else {
        c.escalations++;
        if (c.resolved) this.fail("A12.complaints", `complaint ${x.complaint} was escalated after it was resolved`, d);
        if (c.escalations > 1) this.fail("A12.complaints", `complaint ${x.complaint} was escalated ${c.escalations} times`, d);
        if (c.due !== null && (parseRfc3339(d.due ?? "") ?? 0) < c.due) this.fail("A12.complaints", `complaint ${x.complaint} was escalated before its deadline`, d);
      }
    }
    if (d.rule.startsWith("responsibility/") && d.subject.group) {
      this.responsibilityFired.set(d.subject.group, (this.responsibilityFired.get(d.subject.group) ?? 0) + 1);
      this.checkHeldResponsible(d, d.subject.group);
    }
    this.applyEffects(d.effects);
  }

  /**
   * A11.responsibility, must happen: the measures for an unhandled flag put a user measure on
   * someone responsible for the group — the creator or a manager; with no managers, the creator.
   * A warning to the group, or a suspension of managers the group does not have, holds nobody.
   */
  private checkHeldResponsible(d: Decision, groupId: string): void {
    const g = this.groups.get(groupId);
    if (!g) return;
    if (g.managers.size === 0) this.exercise("A11.responsibility/holds-someone");
    const responsible = new Set([g.creator, ...g.managers]);
    const held = d.effects.some((x) => x.kind === "measure" && USER_MEASURES.has(x.measure) && "user" in x.target && responsible.has(x.target.user));
    if (!held) {
      const whom = g.managers.size === 0 ? `its creator ${g.creator} (the group has no managers)` : `its creator ${g.creator} or a manager`;
      this.fail("A11.responsibility", `the measures for an unhandled flag in group ${groupId} put no user measure on ${whom}`, d);
    }
  }

  /** After timers have fired for this instant, nothing overdue may be left unescalated. */
  private checkOverdue(now: number): void {
    for (const [id, c] of this.complaints) {
      if (!c.resolved && c.due !== null && c.due <= now && !this.overdueCounted.has(id)) {
        this.overdueCounted.add(id);
        this.exercise("A12.complaints/escalated");
      }
      if (!c.resolved && c.due !== null && c.due <= now && c.escalations === 0) {
        this.fail("A12.complaints", `complaint ${id} passed its deadline without an escalation`);
        c.escalations = -1; // report once
      }
    }
    const due = this.pending.filter((p) => !p.handled && p.due <= now);
    this.exercise("A11.responsibility/timer", due.length);
    const byGroup = new Map<string, number>();
    for (const p of due) byGroup.set(p.group, (byGroup.get(p.group) ?? 0) + 1);
    for (const [group, expected] of byGroup) {
      const fired = this.responsibilityFired.get(group) ?? 0;
      if (fired < expected) this.fail("A11.responsibility", `${expected - fired} unhandled flag(s) in group ${group} passed the window without measures`);
      this.responsibilityFired.set(group, Math.max(0, fired - expected));
    }
    for (const p of due) p.handled = true;
  }

  // ---------------------------------------------------------------------------------------------
  // Model updates: facts of the event and effects of its decision.

  private apply(e: GenEvent, d: Decision, v: VersionIR | undefined): void {
    const at = parseRfc3339(e.at)!;
    // Before the policy governs, only facts are recorded: complaints, flags, posts, management
    // actions and purges carry none.
    if (d.outcome === "ungoverned" && ["complaint.filed", "complaint.resolved", "content.flagged", "message.post", "records.purge", "group.manage"].includes(e.type)) return;
    const str = (k: string) => e[k] as string;
    switch (e.type) {
      case "user.verified":
        this.user(str("user")).verified = true;
        return;
      case "user.credit":
        if (v || this.ir.versions[0]) this.user(str("user")).credit = (v ?? this.ir.versions[0]!).credit.levels.indexOf(str("level"));
        return;
      case "agreement.published":
        this.published = { version: str("version"), at: this.clock };
        return;
      case "agreement.accepted":
        this.user(str("user")).accepted.add(str("version"));
        return;
      case "complaint.filed": {
        // A complaint id is filed once: filing it again changes nothing, the first deadline stands.
        if (this.complaints.has(str("complaint"))) return;
        const within = (v ?? this.ir.versions[0]!).complaints?.resolveWithin;
        const version = v;
        this.complaints.set(str("complaint"), { due: within && version ? addDuration(this.clock, within, version.zone) : null, resolved: false, escalations: 0 });
        return;
      }
      case "complaint.resolved": {
        const c = this.complaints.get(str("complaint"));
        if (c && c.escalations === 0) c.resolved = true;
        return;
      }
      case "content.flagged": {
        const resp = v?.responsibility;
        if (resp && this.groups.has(str("group")) && d.outcome === "measures") {
          this.pending.push({ group: str("group"), message: str("message"), user: str("user"), due: addDuration(this.clock, resp.window, v.zone), handled: false });
        }
        this.applyEffects(d.effects);
        return;
      }
    }
    const allowed = d.outcome === "allow" || d.outcome === "ungoverned";
    if (e.type === "group.leave") {
      const g = this.groups.get(str("group"));
      if (g && g.creator !== str("user")) {
        g.members.delete(str("user"));
        g.managers.delete(str("user"));
      }
      return;
    }
    if (!allowed) return;
    const g = this.groups.get(str("group") ?? "");
    switch (e.type) {
      case "group.create":
        if (!this.groups.has(str("group"))) {
          this.groups.set(str("group"), {
            creator: str("user"),
            category: str("category"),
            members: new Set([str("user")]),
            managers: new Set(),
            closed: false,
            postingSuspendedUntil: NEVER,
            blacklistedUntil: NEVER,
            infoPage: false,
          });
        }
        this.usedGroupIds.add(str("group"));
        break;
      case "group.join":
        g?.members.add(str("user"));
        break;
      case "group.info":
        if (g) {
          g.infoPage = true;
          g.category = str("category");
        }
        break;
      case "group.role":
        // Only members can hold a role; an ungoverned grant to anyone else is not a possible fact.
        if (g && g.members.has(str("user")) && g.creator !== str("user")) {
          if (str("role") === "manager") g.managers.add(str("user"));
          else g.managers.delete(str("user"));
        }
        break;
      case "group.manage":
        if (g && str("action") === "remove-member" && str("target") !== g.creator) {
          g.members.delete(str("target"));
          g.managers.delete(str("target"));
        }
        if (g && (g.creator === str("actor") || g.managers.has(str("actor")))) {
          for (const p of this.pending) if (p.group === str("group") && (p.message === str("target") || p.user === str("target")) && p.due > at) p.handled = true;
        }
        break;
    }
    this.applyEffects(d.effects);
  }

  private untilOf(x: { until?: string }): number {
    return x.until ? (parseRfc3339(x.until) ?? FOREVER) : FOREVER;
  }

  private applyEffects(effects: readonly Effect[]): void {
    for (const x of effects) {
      if (x.kind !== "measure") continue;
      const user = "user" in x.target ? this.user(x.target.user) : undefined;
      const group = "group" in x.target ? this.groups.get(x.target.group) : undefined;
      switch (x.measure) {
        case "close-group":
          if (group) group.closed = true;
          break;
        case "suspend-posting":
          if (group) group.postingSuspendedUntil = Math.max(group.postingSuspendedUntil, this.untilOf(x));
          break;
        case "blacklist":
          if (group) group.blacklistedUntil = Math.max(group.blacklistedUntil, this.untilOf(x));
          if (user) user.blacklistedUntil = Math.max(user.blacklistedUntil, this.untilOf(x));
          break;
        case "lower-credit":
          if (user && x.to !== undefined) {
            const v = versionAt(this.ir, this.clock) ?? this.ir.versions[0]!;
            user.credit = v.credit.levels.indexOf(x.to);
          }
          break;
        case "suspend-management":
          if (user) user.suspendedUntil = Math.max(user.suspendedUntil, this.untilOf(x));
          break;
        case "cancel-creation":
          if (user) user.cancelled = true;
          break;
        case "warn":
          break;
        default:
          assertNever(x.measure, "measure");
      }
    }
  }
}
