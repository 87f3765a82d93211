/**
 * fast-check arbitraries for event streams aimed at one policy: valid by the docs/events.md contract,
 * drawn from small universes (four users, two groups, a handful of messages) so that actions
 * collide, and spaced by gaps chosen around the policy's own thresholds and deadlines (a second
 * before and after each window, suspension and complaint deadline), starting around its effective
 * instants. A `fill` step grows a group to just around a tier boundary or the cap in one stroke.
 *
 * Streams are lists of steps; fast-check shrinks them by dropping steps and shrinking each step's
 * fields, so counterexamples come out short.
 */
import fc from "fast-check";
import type { DurationIR, ExprIR, PolicyIR } from "../ir/types.js";
import { addDuration, formatInstant, parseRfc3339 } from "../source/time.js";
import { GRANTABLE_ROLES, MANAGE_ACTIONS } from "../vocab/events.js";
import type { GenEvent } from "./oracle.js";
import { expressionNodes } from "../ir/walk.js";

export type Step =
  | { kind: "event"; gap: number; type: string; fields: Record<string, unknown> }
  /** Sign up a user: register, verify (with a synthetic identity), accept the current agreement, set a credit level. */
  | { kind: "onboard"; gap: number; user: string; fresh: boolean; verify: boolean; accept: boolean; credit: string | undefined; join: string | undefined; post: boolean; manager: boolean }
  /**
   * Add `count` fresh members (who accepted the agreement) to a group, approved by its creator or
   * not, after the creator sets the info page or not, and after the creator's credit is set back to
   * the top level or not (`boost`: a creator who lost credit on the way can still grow the group to its cap).
   */
  | { kind: "fill"; gap: number; group: string; count: number; approve: boolean; info: boolean; boost: boolean }
  /**
   * `count` flags against one user in one group a minute apart, sized to the policy's measure
   * triggers, then one follow-up action by the flagged user or the group's creator: Article 11
   * measures must take effect on the very next event. With `neglect`, the follow-up waits out the
   * responsibility window first (a second past it), so that the creator's and the managers' own
   * measures have fallen due; `by: "manager"` is the group's last appointed manager.
   */
  | { kind: "burst"; gap: number; group: string; user: string; flagCreator: boolean; count: number; category: string; severity: string | undefined; followUp: FollowUp; by: "flagged" | "creator" | "manager"; neglect: boolean }
  /**
   * One user (signed up at a credit level) creates `count` groups of fresh ids, or joins `count`
   * fresh groups each created by a fresh creator: sized around the per-user caps, so that a user
   * at a cap is reached although the small universe has only two group ids (A8.user-caps).
   */
  | { kind: "spree"; gap: number; user: string; what: "create" | "join"; count: number; credit: string | undefined };

export type FollowUp = "post" | "create" | "info" | "manage" | "join" | "join-other" | "role" | "none";

export interface Universe {
  users: string[];
  groups: string[];
  messages: string[];
  complaints: string[];
  categories: string[];
  levels: string[];
  contentCategories: string[];
  severities: string[];
  agreementVersions: string[];
  /** Starts at or after an effective instant (governed) and just before one (ungoverned). */
  starts: number[];
  startsBefore: number[];
  gaps: number[];
  fillSizes: number[];
  /** Around the per-user caps: created (at every credit step) and joined. */
  createdSizes: number[];
  joinedSizes: number[];
  /** Member caps (platform cap, else the top band), at most 3100: a fill of that many takes a group one past it. */
  capSizes: number[];
  /** Info-page thresholds: a fill of that many, without an info page, makes the join that reaches one. */
  infoSizes: number[];
  /** Smallest sizes of tiers that need join approval: a fill of that many, unapproved, tries to enter one. */
  approvalSizes: number[];
  /** The first effective instant: a join spree before it would only be ungoverned. */
  governedFrom: number;
  /** The credit level a spree's fresh creators are given, when the default does not qualify them. */
  creatorCredit: string | undefined;
  /** Flag counts of the policy's measure triggers. */
  triggerCounts: number[];
  zone: string;
  /** The responsibility window of the last version, in milliseconds (0 without one). */
  responsibilityMs: number;
}

const SECOND = 1000;
const DAY = 86_400_000;

function durationMs(d: DurationIR, zone: string, from: number): number {
  return addDuration(from, d, zone) - from;
}

/** Everything the generator draws from, derived from the policy. */
export function universeOf(ir: PolicyIR): Universe {
  const v = ir.versions[ir.versions.length - 1]!;
  const base = parseRfc3339(ir.versions[0]!.effective)!;
  const zone = v.zone;
  const windows: number[] = [];
  const addWindow = (d: DurationIR | null | undefined) => {
    if (d) windows.push(durationMs(d, zone, base));
  };
  for (const version of ir.versions) {
    addWindow(version.complaints?.resolveWithin);
    addWindow(version.responsibility?.window);
    addWindow(version.retention?.keepLogs);
    addWindow(version.management.muteFor);
    for (const m of version.measures) {
      addWindow(m.trigger.within);
      for (const a of m.actions) {
        if (a.kind === "suspend-posting" || a.kind === "suspend-management") addWindow(a.duration);
        if (a.kind === "blacklist") addWindow(a.duration);
        if (a.kind === "warn") addWindow(a.rectifyWithin);
      }
    }
    if (version.toleranceMs) windows.push(version.toleranceMs);
    // Durations in rule conditions (`user.account-age < 3 days`) are thresholds too.
    for (const r of version.rules) for (const d of durationsIn(r.when)) addWindow(d);
  }
  const gaps = new Set<number>([0, SECOND, 60 * SECOND, 3_600_000, DAY, 183 * DAY]);
  for (const w of windows) for (const g of [w - SECOND, w, w + SECOND]) if (g >= 0) gaps.add(g);
  const starts = new Set<number>();
  const startsBefore = new Set<number>();
  for (const version of ir.versions) {
    const eff = parseRfc3339(version.effective)!;
    for (const s of [eff, eff + 3_600_000]) starts.add(s);
    for (const s of [eff - DAY, eff - SECOND]) startsBefore.add(s);
  }
  const fillSizes = new Set<number>();
  for (const version of ir.versions) {
    for (const table of version.tiers) for (const t of table.tiers) for (const n of [t.maxMembers - 1, t.maxMembers, t.maxMembers + 1]) if (n > 0) fillSizes.add(n);
    if (version.limits.membersPerGroup) for (const n of [version.limits.membersPerGroup - 1, version.limits.membersPerGroup, version.limits.membersPerGroup + 1]) fillSizes.add(n);
    if (version.limits.infoPage) for (const n of [version.limits.infoPage.from - 2, version.limits.infoPage.from - 1, version.limits.infoPage.from]) if (n > 0) fillSizes.add(n);
  }
  fillSizes.add(1);
  fillSizes.add(2);
  const around = (values: readonly number[]) => [...new Set(values.flatMap((n) => [n - 1, n, n + 1]).filter((n) => n > 0 && n <= 600))].sort((a, b) => a - b);
  const createdSizes = around(ir.versions.flatMap((x) => (x.limits.groupsCreated ? [x.limits.groupsCreated.base, ...x.limits.groupsCreated.steps.map((st) => st.value)] : [])));
  // Joining one more than the cap reaches it; each joined group costs five events, so no other sizes.
  const joinedSizes = [...new Set(ir.versions.flatMap((x) => (x.limits.groupsJoined ? [x.limits.groupsJoined.base, ...x.limits.groupsJoined.steps.map((st) => st.value)] : [])).map((n) => n + 1))]
    .filter((n) => n <= 1000)
    .sort((a, b) => a - b);
  const agreementVersions = [...new Set(ir.versions.map((x) => x.agreement?.currentVersion).filter((x): x is string => !!x)), "v-next"];
  return {
    users: ["u1", "u2", "u3"],
    groups: ["g1", "g2"],
    messages: ["m1", "m2", "m3"],
    complaints: ["c1", "c2"],
    categories: v.categories.map((c) => c.name),
    levels: v.credit.levels,
    contentCategories: v.prohibited.categories.map((c) => c.name),
    severities: v.prohibited.severities,
    agreementVersions,
    starts: [...starts].sort((a, b) => a - b),
    startsBefore: [...startsBefore].sort((a, b) => a - b),
    gaps: [...gaps].sort((a, b) => a - b),
    fillSizes: [...fillSizes].filter((n) => n <= 3100).sort((a, b) => a - b),
    createdSizes,
    joinedSizes,
    infoSizes: [...new Set(ir.versions.flatMap((x) => (x.limits.infoPage ? [x.limits.infoPage.from] : [])))].filter((n) => n > 0 && n <= 3100),
    approvalSizes: [...new Set(ir.versions.flatMap((x) => x.tiers.flatMap((t) => t.tiers.filter((b) => b.joinApproval && b.minMembers > 1).map((b) => b.minMembers))))].filter((n) => n <= 3100),
    capSizes: or1(
      [...new Set(ir.versions.map((x) => x.limits.membersPerGroup ?? Math.max(0, ...x.tiers.flatMap((t) => t.tiers.map((b) => b.maxMembers)))))].filter((n) => n > 0 && n <= 3100),
      2,
    ),
    governedFrom: base,
    creatorCredit: creatorCreditOf(v),
    triggerCounts: [...new Set([1, ...ir.versions.flatMap((x) => x.measures.map((m) => m.trigger.count))])].sort((a, b) => a - b),
    zone,
    responsibilityMs: v.responsibility ? durationMs(v.responsibility.window, zone, base) : 0,
  };
}

/** The lowest level that qualifies a creator for a one-member group of the first category, if the default falls short. */
function creatorCreditOf(v: PolicyIR["versions"][number]): string | undefined {
  const category = v.categories[0]?.name;
  const table = v.tiers.find((t) => t.categories?.includes(category ?? "")) ?? v.tiers.find((t) => t.categories === null);
  const needed = table?.tiers.find((t) => t.minMembers <= 1)?.creator.minCredit ?? null;
  if (needed === null) return undefined;
  return v.credit.levels.indexOf(v.credit.default) >= v.credit.levels.indexOf(needed) ? undefined : needed;
}

function durationsIn(e: ExprIR): DurationIR[] {
  const out: DurationIR[] = [];
  for (const n of expressionNodes(e)) {
    if (n.kind === "duration") out.push({ amount: n.amount, unit: n.unit });
    else if (n.kind === "window") out.push(n.within);
  }
  return out;
}

const or1 = <T>(xs: T[], fallback: T): T[] => (xs.length ? xs : [fallback]);

function eventStep(u: Universe): fc.Arbitrary<Step> {
  const user = fc.constantFrom(...u.users);
  const group = fc.constantFrom(...u.groups);
  const message = fc.constantFrom(...u.messages);
  // Biased choices: most users complete sign-up, most groups are of the first (general) category,
  // credit levels favour the top so that creators can grow groups through every tier.
  const likely = fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });
  const categories = or1(u.categories, "general");
  const category = fc.oneof({ weight: 3, arbitrary: fc.constant(categories[0]!) }, { weight: 1, arbitrary: fc.constantFrom(...categories) });
  const levels = or1(u.levels, "default");
  const credit = fc.oneof({ weight: 2, arbitrary: fc.constant(levels[levels.length - 1]!) }, { weight: 1, arbitrary: fc.constantFrom(...levels) });
  const gap = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...u.gaps) }, { weight: 2, arbitrary: fc.integer({ min: 0, max: 2 * DAY }) });
  const ev = (type: string, fields: fc.Arbitrary<Record<string, unknown>>, weight: number) => ({
    weight,
    arbitrary: fc.record({ gap, fields }).map(({ gap: g, fields: f }): Step => ({ kind: "event", gap: g, type, fields: f })),
  });
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        // Like real users: sign up, then often join a group and say something.
        .record({ gap, user, fresh: fc.boolean(), verify: likely, accept: likely, credit: fc.option(credit, { nil: undefined, freq: 2 }), join: fc.option(group, { nil: undefined, freq: 2 }), post: fc.boolean(), manager: fc.boolean() })
        .map((s): Step => ({ kind: "onboard", ...s })),
    },
    { weight: 1, arbitrary: fc.record({ gap, group, count: fc.constantFrom(...u.fillSizes), approve: likely, info: likely, boost: fc.boolean() }).map((s): Step => ({ kind: "fill", ...s })) },
    ...(u.createdSizes.length === 0
      ? []
      : [{ weight: 1, arbitrary: fc.record({ gap, user, count: fc.constantFrom(...u.createdSizes), credit: fc.option(fc.constantFrom(...levels), { nil: undefined }) }).map((s): Step => ({ kind: "spree", what: "create", ...s })) }]),
...(u.contentCategories.length === 0
      ? []
      : [
    {
      weight: 3,
      arbitrary: fc
        .record({
          gap,
          group,
          user,
          flagCreator: fc.boolean(),
          count: fc.constantFrom(...u.triggerCounts),
          category: fc.constantFrom(...or1(u.contentCategories, "spam")),
          severity: fc.option(fc.constantFrom(...u.severities), { nil: undefined }),
          followUp: fc.constantFrom<FollowUp>("none", "post", "create", "info", "manage", "join", "join-other", "role"),
          by: fc.constantFrom<"flagged" | "creator" | "manager">("flagged", "creator", "manager"),
          neglect: fc.boolean(),
        })
        .map((s): Step => ({ kind: "burst", ...s })),
    },
        ]),
    ev("group.create", fc.record({ user, group, category }), 4),
    ev("group.join", fc.record({ user, group, approvedBy: fc.option(user, { nil: undefined }) }, { requiredKeys: ["user", "group"] }), 5),
    ev("message.post", fc.record({ user, group, message }), 5),
    ...(u.contentCategories.length === 0
      ? []
      : [
    ev(
      "content.flagged",
      fc.record(
        { group, user, message, category: fc.constantFrom(...or1(u.contentCategories, "spam")), severity: fc.option(fc.constantFrom(...u.severities), { nil: undefined }) },
        { requiredKeys: ["group", "user", "message", "category"] },
      ),
      4,
    ),
        ]),
    ev("group.manage", fc.record({ actor: user, group, action: fc.constantFrom(...MANAGE_ACTIONS), target: fc.oneof(user, message) }), 3),
    ev("group.role", fc.record({ actor: user, group, user, role: fc.constantFrom(...GRANTABLE_ROLES) }), 2),
    ev("group.info", fc.record({ actor: user, group, name: fc.constantFrom("群", "Group"), category }), 1),
    ev("group.leave", fc.record({ user, group }), 1),
    ev("user.credit", fc.record({ user, level: fc.constantFrom(...u.levels) }), 2),
    ev("user.verified", fc.record({ user }), 1),
    ev("user.registered", fc.record({ user }), 1),
    ev("agreement.published", fc.record({ version: fc.constantFrom(...u.agreementVersions) }), 1),
    ev("agreement.accepted", fc.record({ user, version: fc.constantFrom(...u.agreementVersions) }), 1),
    ev("complaint.filed", fc.record({ complaint: fc.constantFrom(...u.complaints), by: fc.option(user, { nil: undefined }), group: fc.option(group, { nil: undefined }) }, { requiredKeys: ["complaint"] }), 2),
    ev("complaint.resolved", fc.record({ complaint: fc.constantFrom(...u.complaints), actor: fc.constant("staff") }), 2),
    ev("records.purge", fc.record({ actor: fc.constant("ops"), monthsBack: fc.constantFrom(0, 1, 5, 6, 7, 12) }), 1),
    ev("clock", fc.constant({}), 2),
  );
}

export interface GeneratedStream {
  start: number;
  /** Begin with an established group: u1 signed up (with this credit level, if any) and created g1, with u2 as its manager or without managers. */
  /** `wait`: time between the creator's sign-up and the group's creation (policies may ask for an account age). */
  prelude: { credit: string | undefined; wait: number; manager: boolean } | null;
  /**
   * Sometimes (one stream in five), right after the prelude, one big stroke: a user joins groups up
   * to the joined cap, or the prelude's group grows to its member cap (its creator at the top credit
   * level, the info page set, every join approved) and one more joins — thousands of events, so one
   * stream in thirty — or the group grows to the info-page threshold without an info page, or into
   * the first tier that needs join approval without approvals. Skipped in a stream that starts
   * before the policy governs.
   */
  joinSpree: Extract<Step, { kind: "spree" }> | Extract<Step, { kind: "fill" }> | null;
  steps: Step[];
}

/** A stream: a start instant and up to `maxSteps` steps. */
export function streamArbitrary(u: Universe, maxSteps = 24): fc.Arbitrary<GeneratedStream> {
  const levels = or1(u.levels, "default");
  // Like onboarding: credit levels favour the top, so the prelude's creator can usually grow and lose credit.
  const credit = fc.oneof({ weight: 2, arbitrary: fc.constant(levels[levels.length - 1]!) }, { weight: 1, arbitrary: fc.constantFrom(...levels) });
  return fc.record({
    start: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...u.starts) }, { weight: 1, arbitrary: fc.constantFrom(...u.startsBefore) }),
    prelude: fc.option(fc.record({ credit: fc.option(credit, { nil: undefined, freq: 4 }), wait: fc.oneof(fc.constant(0), fc.constantFrom(...u.gaps)), manager: fc.boolean() }), { nil: null, freq: 2 }),
    joinSpree: fc.oneof(
      { weight: 26, arbitrary: fc.constant(null) },
      ...(u.joinedSizes.length === 0
        ? []
        : [
            {
              weight: 1,
              arbitrary: fc
                .record({ user: fc.constantFrom(...u.users), count: fc.constantFrom(...u.joinedSizes), credit: fc.option(fc.constantFrom(...levels), { nil: undefined }) })
                .map((s): Extract<Step, { kind: "spree" }> => ({ kind: "spree", gap: 0, what: "join", ...s })),
            },
          ]),
      { weight: 1, arbitrary: fc.constantFrom(...u.capSizes).map((count): Extract<Step, { kind: "fill" }> => ({ kind: "fill", gap: 0, group: u.groups[0]!, count, approve: true, info: true, boost: true })) },
      ...(u.infoSizes.length === 0 ? [] : [{ weight: 2, arbitrary: fc.constantFrom(...u.infoSizes).map((count): Extract<Step, { kind: "fill" }> => ({ kind: "fill", gap: 0, group: u.groups[0]!, count, approve: true, info: false, boost: true })) }]),
      ...(u.approvalSizes.length === 0 ? [] : [{ weight: 2, arbitrary: fc.constantFrom(...u.approvalSizes).map((count): Extract<Step, { kind: "fill" }> => ({ kind: "fill", gap: 0, group: u.groups[0]!, count, approve: false, info: true, boost: true })) }]),
    ),
    steps: fc.array(eventStep(u), { maxLength: maxSteps, size: "max" }),
  });
}

/** Identity values the generator puts into `user.verified`; they must never be echoed. */
export function identityOf(user: string): { name: string; idNumber: string } {
  return { name: `实名${user}张三`, idNumber: `PII-${user}-110101199001011234` };
}

/** Expands steps into concrete events with ids and timestamps. */
export function expand(stream: GeneratedStream, u: Universe): GenEvent[] {
  const out: GenEvent[] = [];
  let now = stream.start;
  let seq = 0;
  let fresh = 0;
  let newcomers = 0;
  let sprees = 0;
  const creators = new Map<string, string>();
  const managers = new Map<string, string>();
  const categoryOf = new Map<string, string>();
  const push = (type: string, fields: Record<string, unknown>) => {
    out.push({ id: `e${++seq}`, type, at: formatInstant(now, u.zone), ...fields });
  };
  const current = u.agreementVersions[0] ?? "1";
  if (stream.prelude) {
    const creator = u.users[0]!;
    const group = u.groups[0]!;
    const category = u.categories[0] ?? "general";
    push("user.verified", { user: creator, identity: identityOf(creator) });
    push("agreement.accepted", { user: creator, version: current });
    if (stream.prelude.credit !== undefined) push("user.credit", { user: creator, level: stream.prelude.credit });
    now += stream.prelude.wait;
    push("group.create", { user: creator, group, category });
    creators.set(group, creator);
    categoryOf.set(group, category);
    // Half the established groups have a manager (u2), half have none: responsibility differs.
    if (stream.prelude.manager && u.users[1]) {
      const manager = u.users[1];
      push("user.verified", { user: manager, identity: identityOf(manager) });
      push("agreement.accepted", { user: manager, version: current });
      push("group.join", { user: manager, group, approvedBy: creator });
      push("group.role", { actor: creator, group, user: manager, role: "manager" });
      managers.set(group, manager);
    }
  }
  const spree = stream.joinSpree && stream.start >= u.governedFrom && (stream.joinSpree.kind === "spree" || stream.prelude) ? [stream.joinSpree] : [];
  for (const step of [...spree, ...stream.steps]) {
    now += step.gap;
    switch (step.kind) {
      case "onboard": {
        // A newcomer has no history at all: nothing verified or accepted unless this step does it.
        const who = step.fresh ? `n${++newcomers}` : step.user;
        if (step.verify) push("user.verified", { user: who, identity: identityOf(who) });
        if (step.accept) push("agreement.accepted", { user: who, version: current });
        if (step.credit !== undefined) push("user.credit", { user: who, level: step.credit });
        if (step.join !== undefined) {
          const creator = creators.get(step.join);
          push("group.join", { user: who, group: step.join, ...(creator ? { approvedBy: creator } : {}) });
          if (step.post) push("message.post", { user: who, group: step.join, message: "m1" });
          // Groups with managers: the creator appoints the newcomer (responsibility, suspended managers, approvals).
          if (step.manager && creator) {
            push("group.role", { actor: creator, group: step.join, user: who, role: "manager" });
            managers.set(step.join, who);
          }
        }
        break;
      }
      case "fill": {
        const creator = creators.get(step.group);
        if (creator && step.boost) push("user.credit", { user: creator, level: u.levels[u.levels.length - 1] ?? "default" });
        if (creator && step.info) push("group.info", { actor: creator, group: step.group, name: `${step.group} 群`, category: categoryOf.get(step.group) });
        for (let i = 0; i < step.count; i++) {
          const m = `f${++fresh}`;
          push("agreement.accepted", { user: m, version: current });
          push("group.join", { user: m, group: step.group, ...(creator && step.approve ? { approvedBy: creator } : {}) });
        }
        break;
      }
      case "burst": {
        // Creators are flagged too: their own measures (cancelled creation, suspended management) must bite.
        const flagged = step.flagCreator ? (creators.get(step.group) ?? step.user) : step.user;
        for (let i = 0; i < step.count; i++) {
          if (i > 0) now += 60_000;
          push("content.flagged", { group: step.group, user: flagged, message: `m${i + 1}`, category: step.category, ...(step.severity ? { severity: step.severity } : {}) });
        }
        if (step.followUp !== "none") {
          now += step.neglect && u.responsibilityMs > 0 ? u.responsibilityMs + SECOND : 60_000;
          const who = step.by === "creator" ? (creators.get(step.group) ?? flagged) : step.by === "manager" ? (managers.get(step.group) ?? creators.get(step.group) ?? flagged) : flagged;
          const other = u.groups.find((g) => g !== step.group) ?? step.group;
          const someoneElse = u.users.find((x) => x !== who) ?? who;
          const category = categoryOf.get(step.group) ?? u.categories[0] ?? "general";
          const followUps: Record<Exclude<FollowUp, "none">, [string, Record<string, unknown>]> = {
            post: ["message.post", { user: who, group: step.group, message: "m9" }],
            create: ["group.create", { user: who, group: other, category }],
            info: ["group.info", { actor: who, group: step.group, name: "群", category }],
            manage: ["group.manage", { actor: who, group: step.group, action: "delete-message", target: "m1" }],
            join: ["group.join", { user: who, group: step.group }],
            "join-other": ["group.join", { user: who, group: other }],
            role: ["group.role", { actor: who, group: step.group, user: someoneElse, role: "manager" }],
          };
          const [type, fields] = followUps[step.followUp];
          push(type, fields);
        }
        break;
      }
      case "spree": {
        const category = u.categories[0] ?? "general";
        const who = step.user;
        push("user.verified", { user: who, identity: identityOf(who) });
        push("agreement.accepted", { user: who, version: current });
        if (step.credit !== undefined) push("user.credit", { user: who, level: step.credit });
        for (let i = 0; i < step.count; i++) {
          const group = `s${++sprees}`;
          if (step.what === "create") {
            push("group.create", { user: who, group, category });
          } else {
            // Each group by its own creator, so that only the joining user nears a cap.
            // One synthetic identity for all of them: the PII check scans every output for every identity value.
            const creator = `o${sprees}`;
            push("user.verified", { user: creator, identity: identityOf("o") });
            push("agreement.accepted", { user: creator, version: current });
            if (u.creatorCredit !== undefined) push("user.credit", { user: creator, level: u.creatorCredit });
            push("group.create", { user: creator, group, category });
            push("group.join", { user: who, group, approvedBy: creator });
          }
        }
        break;
      }
      case "event": {
        const fields: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(step.fields)) if (v !== undefined) fields[k] = v;
        if (step.type === "group.create" && !creators.has(fields["group"] as string)) {
          creators.set(fields["group"] as string, fields["user"] as string);
          categoryOf.set(fields["group"] as string, fields["category"] as string);
        }
        if (step.type === "records.purge") {
          const months = fields["monthsBack"] as number;
          delete fields["monthsBack"];
          fields["before"] = formatInstant(addDuration(now, { amount: months, unit: "month" }, u.zone, -1), u.zone);
        }
        if (step.type === "user.verified") fields["identity"] = identityOf(fields["user"] as string);
        push(step.type, fields);
        break;
      }
    }
  }
  return out;
}

/** Every identity value a stream contains. */
export function secretsOf(events: readonly GenEvent[]): string[] {
  const out = new Set<string>();
  for (const e of events) {
    if (e.type === "user.verified" && typeof e["identity"] === "object" && e["identity"] !== null) {
      for (const v of Object.values(e["identity"] as Record<string, unknown>)) if (typeof v === "string") out.add(v);
    }
  }
  return [...out];
}
