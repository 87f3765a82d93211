/** Clauses a section cannot do without (credit levels and default, mute length) and positive lengths. */
import { noteFor, type Ctx } from "./context.js";
import { CODES } from "./ids.js";
import { positiveDuration } from "./measures.js";
import { sectionOf } from "./versions.js";

export function checkSectionClauses(ctx: Ctx): void {
  const credit = sectionOf(ctx.version, "CreditSection");
  if (credit) {
    const note = noteFor(ctx, credit);
    if (credit.levels.length === 0) {
      ctx.sink.error(CODES.missingClause, credit.span, "the `credit` section declares no levels", {
        help: "list the levels lowest first, such as `levels D < C < B < A`",
        note,
      });
    } else if (!credit.default) {
      ctx.sink.error(CODES.missingClause, credit.span, "the `credit` section does not say which level new users start at", {
        help: `add \`default ${credit.levels[Math.floor((credit.levels.length - 1) / 2)]!.name}\` (or the platform's starting level)`,
        reqs: ["A7.credit"],
        note,
      });
    }
  }
  const management = sectionOf(ctx.version, "ManagementSection");
  if (management) {
    const note = noteFor(ctx, management);
    if (!management.muteFor) {
      ctx.sink.error(CODES.missingClause, management.span, "the `management` section does not say how long a mute lasts", {
        help: "add `mute for 1 day` (or the platform's length)",
        note,
      });
    } else positiveDuration(ctx, management.muteFor, "a mute", note);
  }
}
