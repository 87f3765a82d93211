/**
 * Retention (Article 13): logs and records are kept at least six calendar months (A13.retention).
 * Six calendar months are 181 to 184 days long depending on where they start (1 September to
 * 1 March is 181 days, 1 July to 1 January 184), so a retention in days, weeks, hours or minutes
 * counts only when it covers 184 days: anything shorter falls short for some start dates.
 */
import type * as A from "../ast/nodes.js";
import type { Sink } from "./sink.js";
import { noteFor, type Ctx } from "./context.js";
import { CODES } from "./ids.js";
import { showDuration } from "./exprs.js";
import { sectionOf, type VersionView } from "./versions.js";

/** The longest six calendar months, in days. */
export const SIX_MONTHS_MAX_DAYS = 184;

/** Whether a retention period covers six calendar months from any start date. */
export function coversSixMonths(d: { amount: number; unit: A.DurationUnit }): boolean {
  switch (d.unit) {
    case "year":
      return d.amount >= 1;
    case "month":
      return d.amount >= 6;
    case "week":
      return d.amount * 7 >= SIX_MONTHS_MAX_DAYS;
    case "day":
      return d.amount >= SIX_MONTHS_MAX_DAYS;
    case "hour":
      return d.amount >= SIX_MONTHS_MAX_DAYS * 24;
    case "minute":
      return d.amount >= SIX_MONTHS_MAX_DAYS * 24 * 60;
  }
}

export function checkRetention(ctx: Ctx): void {
  const r = sectionOf(ctx.version, "RetentionSection");
  if (!r) return;
  const note = noteFor(ctx, r);
  if (!r.keepLogs) {
    ctx.sink.error(CODES.missingClause, r.span, "the `retention` section does not say how long logs are kept", {
      help: "add `keep logs 6 months` (or longer)",
      reqs: ["A13.retention"],
      note,
    });
    return;
  }
  const d = r.keepLogs;
  if (coversSixMonths(d)) return;
  const calendar = d.unit === "month" || d.unit === "year";
  ctx.sink.error(CODES.retentionTooShort, d.span, `logs kept for ${showDuration(d)}: Article 13 requires at least six months`, {
    help: calendar
      ? "write `keep logs 6 months` or longer"
      : `six calendar months are 181 to ${SIX_MONTHS_MAX_DAYS} days long (1 July to 1 January is ${SIX_MONTHS_MAX_DAYS}), so a period in ${d.unit}s must reach ${SIX_MONTHS_MAX_DAYS} days; write \`keep logs 6 months\``,
    reqs: ["A13.retention"],
    note,
  });
}

/** The base version must have a retention section (amendments can only replace it). */
export function checkRetentionExists(ast: A.PolicyFile, base: VersionView, sink: Sink): void {
  if (sectionOf(base, "RetentionSection")) return;
  sink.error(CODES.noRetention, (ast.header ?? ast).span, "the policy does not say how long logs are kept", {
    help: "add `retention { serves A13.retention  keep logs 6 months }` (Article 13: at least six months)",
    reqs: ["A13.retention"],
  });
}
