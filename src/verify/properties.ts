/**
 * The stream properties verify judges, one table (docs/verify.md lists the same). Each belongs to a
 * requirement, says whether it is a prohibition ("must not": the engine must never allow something)
 * or an obligation ("must happen": something must follow from a situation), and names the
 * situation that exercises it. The oracle counts, per property, the situations it met on the
 * generated streams; a property that met none is **not exercised** and fails its requirement,
 * unless `inapplicable` says why the policy has nothing for it to judge (issue 14, class 3).
 */
import type { PolicyIR } from "../ir/types.js";

export type PropertyKind = "must not" | "must happen";

export interface StreamProperty {
  /** `A9.management-rights/manage`: the requirement id, then a short name. */
  id: string;
  req: string;
  kind: PropertyKind;
  /** What is checked, in one sentence. */
  checks: string;
  /** The situation that exercises it (what the oracle counts). */
  situation: string;
  /** Why the policy gives this property nothing to judge, or undefined when it applies. */
  inapplicable(ir: PolicyIR): string | undefined;
}

const always = (): undefined => undefined;

const measureKinds = (ir: PolicyIR): Set<string> => {
  const out = new Set<string>();
  for (const v of ir.versions) {
    for (const m of v.measures) for (const a of m.actions) {
      out.add(a.kind);
      if (a.kind === "warn") for (const o of a.otherwise) out.add(o.kind);
    }
    for (const a of v.responsibility?.otherwise ?? []) out.add(a.kind);
  }
  return out;
};

export const STREAM_PROPERTIES: readonly StreamProperty[] = [
  { id: "A2.roles/named", req: "A2.roles", kind: "must not", checks: "no decision on a group event names a role other than the actor's (creator, manager, member or none)", situation: "decisions on events of a known group", inapplicable: always },
  { id: "A5.agreement/required", req: "A5.agreement", kind: "must not", checks: "no create, join, post or manage is allowed to a user who has not accepted the agreement version now required", situation: "such events by a user without the required acceptance", inapplicable: always },
  { id: "A6.real-name/required", req: "A6.real-name", kind: "must not", checks: "no post, create or set-info is allowed to a user without a verified identity", situation: "such events by an unverified user", inapplicable: always },
  { id: "A6.pii/never-shown", req: "A6.pii", kind: "must not", checks: "no identity value of any `user.verified` appears in a decision or the engine state", situation: "decisions made after an identity was given", inapplicable: always },
  {
    id: "A7.credit/monotone",
    req: "A7.credit",
    kind: "must not",
    checks: "an event allowed at one credit level is not denied at the next higher level (the state forked with the actor's credit changed)",
    situation: "decided events replayed at two adjacent credit levels",
    inapplicable: (ir) => (ir.versions.every((v) => v.credit.levels.length < 2) ? "the policy has a single credit level" : undefined),
  },
  { id: "A8.member-cap/join", req: "A8.member-cap", kind: "must not", checks: "no join takes a group above the platform cap or its table's top band", situation: "joins of a group already at its cap", inapplicable: always },
  { id: "A8.user-caps/create-join", req: "A8.user-caps", kind: "must not", checks: "no create or join takes a user above the per-user caps at their credit", situation: "creates and joins by a user already at a cap", inapplicable: always },
  { id: "A8.group-id/unique", req: "A8.group-id", kind: "must not", checks: "no group id is created twice (closed groups included); no join of an unknown group", situation: "creates of a used id and joins of an unknown group", inapplicable: always },
  {
    id: "A8.info-page/threshold",
    req: "A8.info-page",
    kind: "must happen",
    checks: "a join reaching the info-page threshold without an info page is held (`enforced`) or carries an `info-page` obligation",
    situation: "joins that reach the threshold in a group without an info page",
    inapplicable: always,
  },
  { id: "A8.creator-qualification/tier", req: "A8.creator-qualification", kind: "must not", checks: "no create, and no join raising a group's tier, unless the creator has that tier's qualification", situation: "creates by unqualified users and tier-raising joins of groups whose creator lacks the qualification", inapplicable: always },
  {
    id: "A8.join-verification/approval",
    req: "A8.join-verification",
    kind: "must not",
    checks: "no join into a tier that needs approval without approval by the creator or an active manager",
    situation: "joins into such a tier without a valid approval",
    inapplicable: (ir) => (ir.versions.every((v) => v.tiers.every((t) => t.tiers.every((x) => !x.joinApproval))) ? "no tier requires join approval" : undefined),
  },
  { id: "A9.management-rights/only-managers", req: "A9.management-rights", kind: "must not", checks: "info, role and manage events are allowed only to the creator or an active manager, never against the creator", situation: "management events by others, by suspended managers, or against the creator", inapplicable: always },
  {
    id: "A9.management-rights/can-manage",
    req: "A9.management-rights",
    kind: "must happen",
    checks: "the creator and active managers can manage: a delete-message, a mute or removal of an ordinary member, a role change of a member, or setting the info page in its own category is allowed to them when nothing else forbids it (agreement, identity, blacklist, closed group)",
    situation: "such events by the creator or an active manager in good standing",
    inapplicable: always,
  },
  { id: "A10.prohibited-content/measures", req: "A10.prohibited-content", kind: "must happen", checks: "every flag on a known group removes the message and starts an Article 11 measure", situation: "flags on known groups", inapplicable: (ir) => (ir.versions.every((v) => v.prohibited.categories.length === 0) ? "the policy declares no prohibited content" : undefined) },
  {
    id: "A11.group-measures/in-effect",
    req: "A11.group-measures",
    kind: "must not",
    checks: "closed groups accept nothing; groups with posting suspended accept no posts until it ends",
    situation: "events in closed groups and posts in suspended groups",
    inapplicable: (ir) => (measureKinds(ir).has("close-group") || measureKinds(ir).has("suspend-posting") ? undefined : "no measure closes a group or suspends its posting"),
  },
  {
    id: "A11.user-measures/in-effect",
    req: "A11.user-measures",
    kind: "must not",
    checks: "a cancelled creation qualification and a management suspension take effect from the next event",
    situation: "creates by users whose creation is cancelled and management events by suspended users",
    inapplicable: (ir) => (measureKinds(ir).has("cancel-creation") || measureKinds(ir).has("suspend-management") ? undefined : "no measure cancels creation or suspends management"),
  },
  { id: "A11.blacklist/restricted", req: "A11.blacklist", kind: "must not", checks: "blacklisted users and groups get none of the functions the policy restricts, until lifted", situation: "restricted functions asked for by blacklisted users or in blacklisted groups", inapplicable: always },
  { id: "A11.record-report/every-measure", req: "A11.record-report", kind: "must happen", checks: "every decision with a measure effect also has `record` and `report`", situation: "decisions with measure effects", inapplicable: always },
  { id: "A11.responsibility/timer", req: "A11.responsibility", kind: "must happen", checks: "every flag not handled by the creator or an active manager within the window leads to measures by timer", situation: "flags left unhandled past the window", inapplicable: always },
  {
    id: "A11.responsibility/holds-someone",
    req: "A11.responsibility",
    kind: "must happen",
    checks: "those measures put a user measure (lower credit, suspend management, cancel creation, blacklist) on the creator or a manager; in a group without managers, on the creator — a warning to the group alone holds nobody",
    situation: "responsibility timers in groups without managers",
    inapplicable: always,
  },
  { id: "A12.complaints/escalated", req: "A12.complaints", kind: "must happen", checks: "every complaint is accepted; one unresolved at its deadline is escalated exactly once, by timer, never after resolution", situation: "complaints passing their deadline unresolved", inapplicable: always },
  { id: "A13.retention/purge", req: "A13.retention", kind: "must not", checks: "no purge of records younger than six calendar months (in the policy's zone) is allowed", situation: "purges of records younger than six months", inapplicable: always },
  { id: "A13.inspection/export", req: "A13.inspection", kind: "must happen", checks: "exports by time range, group and user return exactly the records that concern them, in order", situation: "streams with decisions to export", inapplicable: always },
  { id: "A15.effective/ungoverned", req: "A15.effective", kind: "must not", checks: "events before the first effective instant are `ungoverned`, never judged", situation: "events before the policy takes effect", inapplicable: always },
  {
    id: "A15.effective/amended",
    req: "A15.effective",
    kind: "must happen",
    checks: "events on or after an amendment's effective instant are judged by that amendment, earlier ones by the version before",
    situation: "events judged after an amendment took effect",
    inapplicable: (ir) => (ir.versions.length < 2 ? "the policy has no amendment" : undefined),
  },
];

/** The stream properties of one requirement. */
export function propertiesOf(req: string): StreamProperty[] {
  return STREAM_PROPERTIES.filter((p) => p.req === req);
}

/** Requirement ids judged on streams. */
export const STREAM_REQS: readonly string[] = [...new Set(STREAM_PROPERTIES.map((p) => p.req))];
