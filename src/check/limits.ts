/**
 * Limits (Article 8): a member cap exists (A8.member-cap), the per-user caps a `limits` section
 * promises are stated (A8.user-caps), credit-stepped caps rise with credit (A7.credit: more credit
 * never removes a service), and the info-page threshold is reachable.
 */
import type * as A from "../ast/nodes.js";
import { noteFor, type Ctx } from "./context.js";
import { CODES } from "./ids.js";
import { sectionOf } from "./versions.js";

export function checkLimits(ctx: Ctx): void {
  const limits = sectionOf(ctx.version, "LimitsSection");
  const tiers = sectionOf(ctx.version, "TiersSection");
  checkMemberCapExists(ctx, limits, tiers);
  if (!limits) return;
  const note = noteFor(ctx, limits);
  if (limits.membersPerGroup && limits.membersPerGroup.value <= 0) {
    ctx.sink.error(CODES.notPositive, limits.membersPerGroup.span, "a member cap of 0 leaves no room even for the creator", {
      help: "give the largest group size the platform allows, such as `members per group 2000`",
      note,
    });
  }
  checkUserCapsStated(ctx, limits, note);
  if (limits.groupsCreated) checkStepped(ctx, limits.groupsCreated, "groups created per user", note);
  if (limits.groupsJoined) checkStepped(ctx, limits.groupsJoined, "groups joined per user", note);
  checkInfoPage(ctx, limits, tiers, note);
}

/** The largest group the version allows: the platform cap, else the top of the tier bands. */
export function effectiveCap(limits: A.LimitsSection | undefined, tiers: A.TiersSection | undefined): { value: number; node: A.Node } | undefined {
  if (limits?.membersPerGroup) return { value: limits.membersPerGroup.value, node: limits.membersPerGroup };
  let best: { value: number; node: A.Node } | undefined;
  for (const t of [...(tiers?.tiers ?? []), ...(tiers?.overrides.flatMap((o) => o.tiers) ?? [])]) {
    if (t.members && t.members.to.value >= t.members.from.value && (!best || t.members.to.value > best.value)) best = { value: t.members.to.value, node: t.members.to };
  }
  return best;
}

function checkMemberCapExists(ctx: Ctx, limits: A.LimitsSection | undefined, tiers: A.TiersSection | undefined): void {
  const v = ctx.version;
  // An amendment only loses the cap by replacing limits or tiers; report it where that happens.
  if (v.index > 0 && !(limits && v.own.has(limits)) && !(tiers && v.own.has(tiers))) return;
  if (effectiveCap(limits, tiers)) return;
  const where = v.index === 0 ? "the policy" : `version "${v.version}"`;
  ctx.sink.error(CODES.noMemberCap, limits?.span ?? v.node.span, `${where} sets no member cap: neither \`members per group\` nor tier bands limit group size`, {
    help: "add `members per group <n>` to the `limits` section (Article 8 requires a cap on group size)",
    reqs: ["A8.member-cap"],
  });
}

/**
 * Article 8 asks for caps on both the groups a user creates and the groups a user joins. A `limits`
 * section that serves A8.user-caps promises them; one that states neither (or only one) would make
 * the requirement look covered while nothing is capped.
 */
function checkUserCapsStated(ctx: Ctx, limits: A.LimitsSection, note: string): void {
  if (!limits.serves?.reqs.some((r) => r.id === "A8.user-caps")) return;
  const missing = [limits.groupsCreated ? null : "groups created per user", limits.groupsJoined ? null : "groups joined per user"].filter((x): x is string => x !== null);
  if (missing.length === 0) return;
  const where = ctx.version.index === 0 ? "the `limits` section" : `the \`limits\` section of version "${ctx.version.version}"`;
  ctx.sink.error(CODES.userCapsMissing, limits.span, `${where} serves A8.user-caps but states no \`${missing.join("` and no `")}\` cap`, {
    help: `add ${missing.map((m) => `\`${m} <n>\``).join(" and ")} (Article 8 requires caps on the groups each user creates and joins)`,
    reqs: ["A8.user-caps"],
    note,
  });
}

function checkStepped(ctx: Ctx, s: A.CreditStepped, what: string, note: string): void {
  const levels = ctx.version.symbols.levels;
  // Order as written: each step names a higher level than the one before.
  let prev: { step: A.CreditStep; index: number } | null = null;
  for (const step of s.steps) {
    const index = levels.indexOf(step.atLeast.name);
    if (index < 0) continue;
    if (prev && index <= prev.index) {
      const same = index === prev.index;
      ctx.sink.error(
        CODES.stepOrder,
        step.span,
        same
          ? `\`${what}\` names \`credit >= ${step.atLeast.name}\` twice`
          : `\`${what}\`: the step for credit ${step.atLeast.name} comes after the step for the higher credit ${prev.step.atLeast.name}`,
        {
          labels: [{ span: prev.step.span, message: "the step before" }],
          help: same ? "keep one value per level" : "list the steps from lower to higher credit",
          reqs: ["A7.credit"],
          note,
        },
      );
    }
    if (!prev || index > prev.index) prev = { step, index };
  }
  // Values by level: never lower for more credit.
  const byLevel = s.steps
    .map((step) => ({ step, index: levels.indexOf(step.atLeast.name) }))
    .filter((x) => x.index >= 0)
    .sort((a, b) => a.index - b.index);
  let floor: { value: number; label: string; span: A.Node["span"] } = { value: s.base.value, label: "the base cap", span: s.base.span };
  for (const { step } of byLevel) {
    if (step.value.value < floor.value) {
      ctx.sink.error(CODES.capDecreases, step.value.span, `\`${what}\` gives credit >= ${step.atLeast.name} a cap of ${step.value.value}, lower than ${floor.label} of ${floor.value}`, {
        labels: [{ span: floor.span, message: `${floor.label}` }],
        help: "raising a user's credit must never take a service away: make each step at least the value below it",
        reqs: ["A7.credit"],
        note,
      });
    }
    if (step.value.value >= floor.value) floor = { value: step.value.value, label: `the cap for credit >= ${step.atLeast.name}`, span: step.value.span };
  }
}

function checkInfoPage(ctx: Ctx, limits: A.LimitsSection, tiers: A.TiersSection | undefined, note: string): void {
  const info = limits.infoPage;
  const cap = effectiveCap(limits, tiers);
  if (!info || !cap || info.from.value <= cap.value) return;
  ctx.sink.warning(CODES.infoPageAboveCap, info.from.span, `the info page threshold of ${info.from.value} members is above the member cap of ${cap.value}: no group ever needs an info page`, {
    labels: [{ span: cap.node.span, message: "the largest group size" }],
    help: `lower the threshold to at most ${cap.value}`,
    reqs: ["A8.info-page"],
    note,
  });
}
