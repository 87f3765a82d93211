/**
 * The policy header and dates (Article 15): an effective instant is required, is not before the
 * regulation took effect, and each amendment takes effect after the version it amends. Every
 * date-time literal must be a real date in a known zone.
 */
import type * as A from "../ast/nodes.js";
import { REGULATION_EFFECTIVE_MS } from "../law/articles.js";
import { CODES } from "./ids.js";
import type { Sink } from "./sink.js";
import { isValidZone, suggestZone, zonedInstant } from "./zone.js";
import { visitExpr } from "./exprs.js";
import type { VersionView } from "./versions.js";

const OFFSET = /^[+-]\d{2}:\d{2}$/;

function showDate(d: A.DateTimeLit): string {
  return OFFSET.test(d.zone.name) ? `${d.text}${d.zone.name}` : `${d.text} in ${d.zone.name}`;
}

/**
 * Checks the zone of one date-time literal; its instant when date and zone are valid. The lexer
 * already reports malformed dates and offsets (QG005), so only IANA names are checked here.
 */
export function checkDateTime(d: A.DateTimeLit, sink: Sink): number | undefined {
  if (!OFFSET.test(d.zone.name) && !isValidZone(d.zone.name)) {
    const suggestion = suggestZone(d.zone.name);
    sink.error(CODES.unknownZone, d.zone.span, `unknown time zone \`${d.zone.name}\``, {
      help: suggestion ? `did you mean \`${suggestion}\`?` : "use an IANA zone name such as `Asia/Shanghai`, or a fixed offset such as `+08:00`",
    });
    return undefined;
  }
  return zonedInstant(d.text, d.zone.name);
}

/** Every date-time literal of the file, header and amendments first, then those in rule conditions. */
function allDateTimes(ast: A.PolicyFile): A.DateTimeLit[] {
  const out: A.DateTimeLit[] = [];
  if (ast.header?.effective) out.push(ast.header.effective);
  const rules: A.RuleDecl[] = [];
  for (const item of ast.items) {
    if (item.kind === "Amendment") {
      if (item.effective) out.push(item.effective);
      for (const i of item.items) if (i.kind === "RuleDecl") rules.push(i);
    } else if (item.kind === "RuleDecl") rules.push(item);
  }
  for (const r of rules) if (r.when) visitExpr(r.when, (e) => e.kind === "DateTimeLit" && out.push(e));
  return out;
}

export function checkHeader(ast: A.PolicyFile, versions: readonly VersionView[], sink: Sink): void {
  const instants = new Map<A.DateTimeLit, number | undefined>();
  for (const d of allDateTimes(ast)) instants.set(d, checkDateTime(d, sink));

  const header = ast.header;
  if (header) {
    if (!header.effective) {
      sink.error(CODES.missingEffective, header.span, `policy "${header.name.value}" has no effective date`, {
        help: "add `effective 2017-10-08 in Asia/Shanghai` (or the date the platform's policy starts) to the header",
        reqs: ["A15.effective"],
      });
    } else {
      const at = instants.get(header.effective);
      if (at !== undefined && at < REGULATION_EFFECTIVE_MS) {
        sink.error(CODES.beforeRegulation, header.effective.span, `the policy takes effect at ${showDate(header.effective)}, before the regulation does (2017-10-08 00:00 China Standard Time)`, {
          help: "Article 15: the provisions apply from 8 October 2017; write `effective 2017-10-08 in Asia/Shanghai` or later",
          reqs: ["A15.effective"],
        });
      }
    }
    if (header.tolerance && (header.tolerance.unit === "month" || header.tolerance.unit === "year")) {
      sink.warning(CODES.calendarTolerance, header.tolerance.span, `a tolerance in ${header.tolerance.unit}s has no fixed length`, {
        help: "write the tolerance in minutes, hours, days or weeks; a calendar unit is taken as its longest length (31 days a month)",
      });
    }
  }

  for (let i = 1; i < versions.length; i++) {
    const v = versions[i]!;
    const a = v.amendment!;
    if (!a.effective) {
      sink.error(CODES.missingEffective, a.span, `amendment "${a.version.value}" has no effective date`, {
        help: "add `effective <date> in <zone>`: an amendment governs events from its own effective instant",
        reqs: ["A15.effective"],
      });
      continue;
    }
    // The version before it, as written: the closest earlier version that states a date.
    let j = i - 1;
    while (j > 0 && !versions[j]!.amendment!.effective) j--;
    const prevDate = j === 0 ? header?.effective : versions[j]!.amendment!.effective;
    if (!prevDate) continue;
    const at = instants.get(a.effective);
    const prevAt = instants.get(prevDate);
    if (at === undefined || prevAt === undefined || at > prevAt) continue;
    const prevVersion = versions[j]!.version;
    sink.error(
      CODES.amendmentOrder,
      a.effective.span,
      `amendment "${a.version.value}" takes effect at ${showDate(a.effective)}, ${at === prevAt ? "the same instant as" : "before"} version "${prevVersion}" (${showDate(prevDate)})`,
      {
        labels: [{ span: prevDate.span, message: `version "${prevVersion}" takes effect here` }],
        help: "amendments follow one another in time: give this one a later effective date, or move it before the version it should precede",
        reqs: ["A15.effective"],
      },
    );
  }
}
