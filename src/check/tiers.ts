/**
 * Tier tables (A7.tiers): per table (the default one and each `for` block) the member bands start
 * at 1, leave no gap and do not overlap up to the platform cap; every category has a table;
 * activity thresholds rise with the tiers; and a bigger tier does not ask less of its creator than
 * a smaller one (A7.credit). Messages name the exact range that is missing or doubled.
 */
import type * as A from "../ast/nodes.js";
import { noteFor, type Ctx } from "./context.js";
import { CODES } from "./ids.js";
import { sectionOf } from "./versions.js";

interface Band {
  tier: A.TierDecl;
  from: number;
  to: number;
}

function members(a: number, b: number): string {
  if (a === b) return a === 1 ? "1 member" : `${a} members`;
  return `${a}..${b} members`;
}

/**
 * Which categories a table's findings concern: those of its `for` block, or, for the default
 * table when there are `for` blocks, the categories left to it.
 */
function tableSuffix(o: A.TierOverride | null, tiers: A.TiersSection, categories: readonly string[]): string {
  let names: string[];
  if (o) names = o.categories.map((c) => c.name);
  else {
    if (tiers.overrides.length === 0) return "";
    const claimed = new Set(tiers.overrides.flatMap((x) => x.categories.map((c) => c.name)));
    names = categories.filter((c) => !claimed.has(c));
    if (names.length === 0) return " in the default table";
  }
  return names.length === 1 ? ` in category ${names[0]}` : ` in categories ${names.join(", ")}`;
}

export function checkTiers(ctx: Ctx): void {
  const tiers = sectionOf(ctx.version, "TiersSection");
  if (!tiers) return;
  const limits = sectionOf(ctx.version, "LimitsSection");
  const cap = limits?.membersPerGroup ?? null;
  const note = noteFor(ctx, tiers);
  const categories = ctx.version.symbols.categories;
  if (tiers.tiers.length > 0) checkTable(ctx, tiers.tiers, tableSuffix(null, tiers, categories), cap, note);
  for (const o of tiers.overrides) {
    const suffix = tableSuffix(o, tiers, categories);
    if (o.tiers.length > 0) checkTable(ctx, o.tiers, suffix, cap, note);
    else {
      ctx.sink.error(CODES.tierGap, o.span, `no tier for any member count${suffix}`, {
        help: "give the `for` block its tiers, or remove it so the categories use the default table",
        reqs: ["A7.tiers"],
        note,
      });
    }
  }
  checkCategoryTables(ctx, tiers, note);
}

function checkTable(ctx: Ctx, list: readonly A.TierDecl[], suffix: string, capLit: A.IntLit | null, note: string): void {
  const sink = ctx.sink;
  const bands: Band[] = [];
  for (const t of list) {
    if (!t.members) {
      sink.error(CODES.missingClause, t.name.span, `tier \`${t.name.name}\`${suffix} has no member band`, {
        help: "add the member counts it covers, such as `members 101..500`",
        note,
      });
      continue;
    }
    let from = t.members.from.value;
    let to = t.members.to.value;
    if (from > to) {
      sink.error(CODES.badBand, t.members.span, `the member band ${from}..${to} of tier \`${t.name.name}\` runs backwards`, {
        help: `write it from low to high: \`members ${to}..${from}\``,
        note,
      });
      // Read it the way it was surely meant, so one slip does not also show up as a gap.
      [from, to] = [to, from];
    }
    if (from < 1) {
      sink.error(CODES.badBand, t.members.from.span, `the member band of tier \`${t.name.name}\` starts at ${from}, but every group has at least its creator`, {
        help: `start the band at 1: \`members 1..${to}\``,
        note,
      });
      if (to < 1) continue;
      from = 1;
    }
    bands.push({ tier: t, from, to });
  }
  if (bands.length === 0) return;
  const order = [...bands].sort((a, b) => a.from - b.from || a.to - b.to);

  // Overlaps: every pair of bands sharing member counts.
  for (let j = 1; j < order.length; j++) {
    for (let i = 0; i < j; i++) {
      const a = order[i]!;
      const b = order[j]!;
      if (b.from > a.to) continue;
      const lo = Math.max(a.from, b.from);
      const hi = Math.min(a.to, b.to);
      sink.error(CODES.tierOverlap, b.tier.members!.span, `members ${lo === hi ? lo : `${lo}..${hi}`} are in both \`${a.tier.name.name}\` and \`${b.tier.name.name}\`${suffix}`, {
        labels: [{ span: a.tier.members!.span, message: `\`${a.tier.name.name}\` covers ${a.from}..${a.to}` }],
        help: `make the bands meet without overlapping, e.g. \`${b.tier.name.name}\` from ${a.to + 1}`,
        reqs: ["A7.tiers"],
        note,
      });
    }
  }

  // Gaps, up to the platform cap when there is one (above it no group can exist).
  const cap = capLit?.value ?? null;
  let reach = 0;
  for (const b of order) {
    const limit = cap ?? Infinity;
    if (b.from > reach + 1 && reach + 1 <= limit) {
      const hi = Math.min(b.from - 1, limit);
      sink.error(CODES.tierGap, b.tier.members!.span, `no tier for ${members(reach + 1, hi)}${suffix}`, {
        help: reach === 0 ? `start the lowest band at 1: \`members 1..${b.to}\`` : `extend a band or add a tier for ${reach + 1}..${hi}`,
        reqs: ["A7.tiers"],
        note,
      });
    }
    reach = Math.max(reach, b.to);
  }
  if (cap !== null && capLit && reach < cap) {
    const top = order.reduce((x, y) => (y.to > x.to ? y : x));
    sink.error(CODES.tierGap, top.tier.members!.span, `no tier for ${members(reach + 1, cap)}${suffix}`, {
      labels: [{ span: capLit.span, message: `groups may have up to ${cap} members` }],
      help: `extend \`${top.tier.name.name}\` to ${cap}, add a tier for ${reach + 1}..${cap}, or lower \`members per group\``,
      reqs: ["A7.tiers"],
      note,
    });
  }

  // Bands entirely above the cap can never apply.
  if (cap !== null && capLit) {
    for (const b of order) {
      if (b.from <= cap) continue;
      sink.warning(CODES.tierAboveCap, b.tier.members!.span, `tier \`${b.tier.name.name}\`${suffix} (${b.from}..${b.to} members) is above the platform cap of ${cap} members and never applies`, {
        labels: [{ span: capLit.span, message: "the platform cap" }],
        help: "remove the tier, or raise `members per group`",
        note,
      });
    }
  }

  checkActivity(ctx, order, suffix, note);
  checkQualifications(ctx, order, suffix, note);
}

function checkActivity(ctx: Ctx, order: readonly Band[], suffix: string, note: string): void {
  let prev: Band | null = null;
  for (const b of order) {
    const act = b.tier.activityFrom;
    if (!act) continue;
    if (act.value <= 0) {
      ctx.sink.error(CODES.notPositive, act.span, `\`activity from ${act.value}\` would promote every group into tier \`${b.tier.name.name}\``, {
        help: "give a threshold of at least one message per day",
        note,
      });
    }
    if (prev && act.value <= prev.tier.activityFrom!.value) {
      ctx.sink.error(
        CODES.activityOrder,
        act.span,
        `tier \`${b.tier.name.name}\`${suffix} is promoted from ${act.value} messages per day, not more than the smaller tier \`${prev.tier.name.name}\` (${prev.tier.activityFrom!.value})`,
        {
          labels: [{ span: prev.tier.activityFrom!.span, message: `\`${prev.tier.name.name}\` is promoted from here` }],
          help: "activity thresholds must rise with the tiers, or a busy group would skip a tier",
          reqs: ["A7.tiers"],
          note,
        },
      );
    }
    prev = b;
  }
}

function checkQualifications(ctx: Ctx, order: readonly Band[], suffix: string, note: string): void {
  const levels = ctx.version.symbols.levels;
  let credit: { tier: A.TierDecl; level: A.Ident; index: number } | null = null;
  let verified: A.TierDecl | null = null;
  for (const b of order) {
    const t = b.tier;
    const cq = t.creatorRequires.find((q): q is A.CreditQual => q.kind === "CreditQual");
    const index = cq ? levels.indexOf(cq.level.name) : -1;
    const hasVerified = t.creatorRequires.some((q) => q.kind === "VerifiedQual");
    if (credit && (!cq || index >= 0) && index < credit.index) {
      const message = cq
        ? `tier \`${t.name.name}\`${suffix} asks less credit of its creator (${cq.level.name}) than the smaller tier \`${credit.tier.name.name}\` (${credit.level.name})`
        : `tier \`${t.name.name}\`${suffix} asks no minimum credit of its creator, but the smaller tier \`${credit.tier.name.name}\` asks ${credit.level.name}`;
      ctx.sink.warning(CODES.qualificationWeakens, cq?.span ?? t.name.span, message, {
        labels: [{ span: credit.level.span, message: `\`${credit.tier.name.name}\` asks for ${credit.level.name}` }],
        help: `a bigger group should not be easier to run: ask at least \`credit >= ${credit.level.name}\``,
        reqs: ["A7.credit"],
        note,
      });
    }
    if (verified && !hasVerified) {
      ctx.sink.warning(CODES.qualificationWeakens, t.name.span, `tier \`${t.name.name}\`${suffix} does not require a verified creator, but the smaller tier \`${verified.name.name}\` does`, {
        help: "add `verified` to its `creator requires`",
        reqs: ["A7.credit"],
        note,
      });
    }
    if (cq && index >= 0 && (!credit || index > credit.index)) credit = { tier: t, level: cq.level, index };
    if (hasVerified && !verified) verified = t;
  }
}

/** Every declared category has exactly one table: its own `for` block, or the default one. */
function checkCategoryTables(ctx: Ctx, tiers: A.TiersSection, note: string): void {
  const claimed = new Map<string, A.Ident>();
  for (const o of tiers.overrides) {
    const inBlock = new Set<string>();
    for (const c of o.categories) {
      if (inBlock.has(c.name)) continue; // listed twice in one block: reported as a repeat
      inBlock.add(c.name);
      const first = claimed.get(c.name);
      if (first) {
        ctx.sink.error(CODES.categoryTwice, c.span, `category \`${c.name}\` has two tier tables`, {
          labels: [{ span: first.span, message: "its first table" }],
          help: "give each category one `for` block",
          reqs: ["A7.tiers"],
          note,
        });
      } else claimed.set(c.name, c);
    }
  }
  if (tiers.tiers.length > 0) return;
  const orphans = ctx.version.symbols.categories.filter((c) => !claimed.has(c));
  for (const c of orphans) {
    ctx.sink.error(CODES.tierGap, tiers.span, `no tier for any member count in category ${c}: it has no \`for\` block and there is no default table`, {
      help: `add default tiers outside the \`for\` blocks, or a \`for ${c} { … }\` block`,
      reqs: ["A7.tiers"],
      note,
    });
  }
}
