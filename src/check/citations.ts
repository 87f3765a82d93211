/**
 * Citations: every section, rule and measure says which requirement ids it serves (so decisions,
 * docs and verify reports can cite the law), every id exists, and declaratory articles, which have
 * nothing to execute, are not cited as if a rule implemented them.
 */
import type * as A from "../ast/nodes.js";
import { REQUIREMENTS, requirement } from "../law/articles.js";
import { canonicalPath } from "../vocab/paths.js";
import { ACTIONS, actionOfAst } from "../vocab/actions.js";
import type { DecidedEvent } from "../vocab/events.js";
import { CODES } from "./ids.js";
import type { Sink } from "./sink.js";
import { didYouMean } from "./suggest.js";
import { visitExpr } from "./exprs.js";
import { isSection, SECTION_KEYWORD, type SectionKind } from "./versions.js";

const SECTION_FITS: Readonly<Record<SectionKind, readonly string[]>> = {
  AgreementSection: ["A5.agreement"],
  IdentitySection: ["A6.real-name"],
  CreditSection: ["A7.credit"],
  CategoriesSection: ["A7.tiers"],
  TiersSection: ["A7.tiers", "A8.creator-qualification", "A8.join-verification"],
  LimitsSection: ["A8.member-cap", "A8.user-caps", "A8.info-page"],
  ProhibitedSection: ["A10.prohibited-content"],
  ResponsibilitySection: ["A11.responsibility", "A11.record-report"],
  ComplaintsSection: ["A12.complaints"],
  RetentionSection: ["A13.retention"],
  ManagementSection: ["A9.management-rights"],
  BlacklistSection: ["A11.blacklist"],
};

/** Requirements a rule reading a path most likely serves. */
const PATH_FITS: Readonly<Record<string, readonly string[]>> = {
  credit: ["A7.credit"],
  verified: ["A6.real-name"],
  "agreement-accepted": ["A5.agreement"],
  blacklisted: ["A11.blacklist"],
  members: ["A8.member-cap"],
  "members-after": ["A8.member-cap"],
  "groups-created": ["A8.user-caps"],
  "groups-joined": ["A8.user-caps"],
  "management-suspended": ["A9.management-rights", "A11.user-measures"],
  "creation-cancelled": ["A11.user-measures"],
  "posting-suspended": ["A11.group-measures"],
  closed: ["A11.group-measures"],
  "has-info-page": ["A8.info-page"],
  "id-used": ["A8.group-id"],
  tier: ["A7.tiers"],
  "tier-after": ["A7.tiers", "A8.creator-qualification"],
  category: ["A7.tiers"],
  role: ["A2.roles", "A9.management-rights"],
  flags: ["A11.user-measures"],
  approved: ["A8.join-verification"],
  before: ["A13.retention"],
};

const EVENT_FITS: Readonly<Record<DecidedEvent, readonly string[]>> = {
  "group.create": ["A8.creator-qualification", "A8.user-caps", "A8.group-id"],
  "group.join": ["A8.member-cap", "A8.join-verification", "A8.user-caps"],
  "group.info": ["A8.info-page"],
  "group.role": ["A9.management-rights", "A2.roles"],
  "group.manage": ["A9.management-rights"],
  "message.post": ["A6.real-name", "A11.group-measures"],
  "records.purge": ["A13.retention"],
};

/** Requirement ids that fit a block, most specific first. */
export function fittingRequirements(item: A.Section | A.RuleDecl | A.MeasureDecl): string[] {
  const out = new Set<string>();
  if (isSection(item)) for (const id of SECTION_FITS[item.kind]) out.add(id);
  else if (item.kind === "MeasureDecl") {
    for (const a of item.actions) {
      const kind = actionOfAst(a.kind);
      if (ACTIONS[kind].sanction) out.add(ACTIONS[kind].serves);
    }
    if (out.size === 0) out.add("A11.group-measures");
    out.add("A11.record-report");
  } else {
    if (item.when) {
      visitExpr(item.when, (e) => {
        if (e.kind !== "PathExpr" || e.parts.length < 2) return;
        const field = canonicalPath(e.parts.join(".")).split(".").slice(1).join(".");
        for (const id of PATH_FITS[field] ?? []) out.add(id);
      });
    }
    for (const ev of item.on) for (const id of EVENT_FITS[ev.parts.join(".") as DecidedEvent] ?? []) out.add(id);
  }
  return [...out].slice(0, 5);
}

function describe(item: A.Section | A.RuleDecl | A.MeasureDecl): string {
  if (isSection(item)) return `the \`${SECTION_KEYWORD[item.kind]}\` section`;
  return item.kind === "RuleDecl" ? `rule \`${item.name.name}\`` : `measure \`${item.name.name}\``;
}

function startSpan(item: A.Section | A.RuleDecl | A.MeasureDecl): A.Node["span"] {
  return isSection(item) ? item.span : item.name.span;
}

/** Unknown and declaratory ids in one `serves`. */
function checkServes(serves: A.Serves, sink: Sink): void {
  for (const r of serves.reqs) {
    const req = requirement(r.id);
    if (!req) {
      sink.error(CODES.unknownRequirement, r.span, `unknown requirement id \`${r.id}\``, {
        help:
          didYouMean(r.id, REQUIREMENTS.map((q) => q.id)) ??
          `requirement ids of article ${/^A(\d+)\./.exec(r.id)?.[1] ?? "?"}: ${REQUIREMENTS.filter((q) => q.id.startsWith(r.id.split(".")[0] + ".")).map((q) => q.id).join(", ") || "none"}`,
      });
    } else if (req.declaratory) {
      sink.warning(CODES.declaratoryCited, r.span, `\`${r.id}\` is declaratory: article ${req.article} has nothing a rule can implement`, {
        help: "cite the executable requirement the block implements instead; the reviewer document lists declaratory articles on its own",
      });
    }
  }
}

export function checkCitations(ast: A.PolicyFile, sink: Sink): void {
  if (ast.header?.serves) checkServes(ast.header.serves, sink);
  const visit = (item: A.Section | A.RuleDecl | A.MeasureDecl) => {
    if (item.serves) {
      checkServes(item.serves, sink);
      return;
    }
    const fits = fittingRequirements(item);
    sink.error(CODES.missingServes, startSpan(item), `${describe(item)} does not say which requirement it serves`, {
      help:
        fits.length === 1
          ? `add \`serves ${fits[0]}\``
          : fits.length > 1
            ? `add \`serves\` with the ids it implements; these fit: ${fits.join(", ")}`
            : "add `serves` with the requirement ids it implements",
      reqs: ["A5.published-rules"],
    });
  };
  for (const item of ast.items) {
    if (item.kind === "Amendment") {
      if (item.serves) checkServes(item.serves, sink);
      item.items.forEach(visit);
    } else visit(item);
  }
}
