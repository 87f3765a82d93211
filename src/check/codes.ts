/**
 * The checker's diagnostics, QG010–QG069 (docs/diagnostics.md is generated from this list by
 * scripts/diagnostics-doc.ts). Each entry has a complete bad file that produces the code and the
 * same file fixed, which produces no diagnostic at all; test/unit/check/codes.test.ts runs both.
 * The exception is QG069, an internal error, which no policy should ever produce (its examples
 * are empty, as for the IR stage's QG079).
 *
 * Most examples extend one small valid policy: a header, a member cap and a retention period,
 * the least a policy needs to compile cleanly.
 */
import type { CodeInfo } from "../source/diagnostic.js";
import { CODES } from "./ids.js";

const HEADER = `policy "example" version "1" {
  effective 2017-10-08 in Asia/Shanghai
}
`;

const CAP = `
limits {
  serves A8.member-cap
  members per group 500
}
`;

const KEEP = `
retention {
  serves A13.retention
  keep logs 6 months
}
`;

const CREDIT = `
credit {
  serves A7.credit
  levels D < C < B < A
  default C
}
`;

const PROHIBITED = `
prohibited {
  serves A10.prohibited-content
  severities minor < serious
  fraud  serious "诈骗"
  spam   minor   "垃圾广告"
}
`;

/** The smallest clean policy with `extra` appended. */
function policy(extra: string): string {
  return `${HEADER}${CAP}${KEEP}\n${extra.trim()}\n`;
}

function measure(body: string): string {
  return policy(`${PROHIBITED.trim()}\n\nmeasure serious-flag {\n${body}\n}`);
}

function rule(body: string, sections = ""): string {
  return policy(`${sections.trim()}${sections.trim() ? "\n\n" : ""}rule example {\n${body}\n}`);
}

function tiers(body: string, sections = ""): string {
  return policy(`${sections.trim()}${sections.trim() ? "\n\n" : ""}tiers {\n  serves A7.tiers\n${body}\n}`);
}

export const CHECK_CODES: CodeInfo[] = [
  // ------------------------------------------------------------------ structure and names
  {
    code: CODES.duplicateSection,
    severity: "error",
    title: "section written twice",
    explanation:
      "Each kind of section appears at most once in the file and at most once in each amendment, so there is never a question which of two `credit` scales or two retention periods applies. An amendment that changes a section writes that section again inside the amendment, with the clauses it changes; the clauses it does not restate carry over from the version before.",
    bad: policy(`${CREDIT.trim()}

credit {
  serves A7.credit
  levels E < D < C < B < A
  default C
}`),
    fixed: policy(CREDIT),
  },
  {
    code: CODES.duplicateName,
    severity: "error",
    title: "name declared twice",
    explanation:
      "Rules, measures, categories, credit levels, severities, prohibited-content categories, the tiers of one table and version strings are each declared once, because decisions, citations and amendments refer to them by name.",
    bad: policy(`categories {
  serves A7.tiers
  general "普通群"
  general "一般群"
}`),
    fixed: policy(`categories {
  serves A7.tiers
  general "普通群"
  business "商务群"
}`),
  },
  {
    code: CODES.undefinedName,
    severity: "error",
    title: "unknown name",
    explanation:
      "A credit level, group category, tier, severity or prohibited-content category is used but not declared in the version that uses it (in a section, a measure trigger, or as a bare name in a rule condition). The help line suggests the closest declared name, or says what kind of name it is instead.",
    bad: policy(`credit {
  serves A7.credit
  levels D < C < B < A
  default E
}`),
    fixed: policy(CREDIT),
  },
  {
    code: CODES.unknownService,
    severity: "error",
    title: "unknown service",
    explanation:
      "The agreement, identity and blacklist sections grant or withhold services, which are `create`, `join`, `post`, `manage` and `set-info`; each covers fixed event types.",
    bad: policy(`identity {
  serves A6.real-name
  verified required for post, create, publish
}`),
    fixed: policy(`identity {
  serves A6.real-name
  verified required for post, create, set-info
}`),
  },
  {
    code: CODES.badEvent,
    severity: "error",
    title: "rule on an event that is not decided",
    explanation:
      "Rules allow or deny, so `on` names decided events only: group.create, group.join, group.info, group.role, group.manage, message.post and records.purge. Flags are handled by `measure` declarations; other events are facts the engine notes.",
    bad: rule(`  serves A10.prohibited-content
  on content.flagged
  deny when user.blacklisted
  because "user {user} is blacklisted"`),
    fixed: rule(`  serves A11.blacklist
  on message.post
  deny when user.blacklisted
  because "user {user} is blacklisted"`),
  },
  {
    code: CODES.unknownTarget,
    severity: "error",
    title: "unknown measure target",
    explanation:
      "An action applies to the flagged `group`, the flagged `user`, the group's `creator` or its `managers`; nothing else can be named.",
    bad: measure(`  serves A11.group-measures, A11.record-report
  on flag serious
  then warn owner, record, report to authority`),
    fixed: measure(`  serves A11.group-measures, A11.record-report
  on flag serious
  then warn creator, record, report to authority`),
  },
  {
    code: CODES.unknownPath,
    severity: "error",
    title: "unknown path",
    explanation:
      "Rule conditions read the typed paths listed in docs/language.md (`user.verified`, `group.members`, …). There is deliberately no path to the personal information given for verification (A6.pii).",
    bad: rule(`  serves A6.real-name
  on message.post
  deny when not user.verifed
  because "user {user} has no verified identity"`),
    fixed: rule(`  serves A6.real-name
  on message.post
  deny when not user.verified
  because "user {user} has no verified identity"`),
  },
  {
    code: CODES.unknownRemoval,
    severity: "error",
    title: "nothing to remove",
    explanation:
      "`remove rule x` and `remove measure x` in an amendment drop a rule or measure of the version before it; naming one that does not exist there is almost always a typo that would leave the old rule in force.",
    bad: policy(`rule no-unverified-posts {
  serves A6.real-name
  on message.post
  deny when not user.verified
  because "user {user} has no verified identity"
}

amendment "2" {
  effective 2018-01-01 in Asia/Shanghai
  remove rule no-unverified-post
}`),
    fixed: policy(`rule no-unverified-posts {
  serves A6.real-name
  on message.post
  deny when not user.verified
  because "user {user} has no verified identity"
}

amendment "2" {
  effective 2018-01-01 in Asia/Shanghai
  remove rule no-unverified-posts
}`),
  },
  {
    code: CODES.listedTwice,
    severity: "warning",
    title: "listed twice",
    explanation:
      "A service, event, category, qualification or requirement id appears twice in one list. It changes nothing, but it is usually a slip for another name.",
    bad: policy(`identity {
  serves A6.real-name
  verified required for post, create, post
}`),
    fixed: policy(`identity {
  serves A6.real-name
  verified required for post, create, set-info
}`),
  },
  {
    code: CODES.missingClause,
    severity: "error",
    title: "required clause missing",
    explanation:
      "Some blocks cannot work without a clause: a measure needs a trigger and actions, a rule an `on`, a tier its member band, `complaints` a deadline and an `otherwise`, `responsibility` a window and an `otherwise`, `credit` its levels and default, `management` its mute length, `retention` its period.",
    bad: policy(`complaints {
  serves A12.complaints
  otherwise escalate, record, report to authority
}`),
    fixed: policy(`complaints {
  serves A12.complaints
  resolve within 48 hours
  otherwise escalate, record, report to authority
}`),
  },
  // ------------------------------------------------------------------ citations
  {
    code: CODES.unknownRequirement,
    severity: "error",
    title: "unknown requirement id",
    explanation:
      "`serves` cites requirement ids of the registry (src/law/articles.ts; `qungui reqs` lists them). An unknown id would make decisions cite nothing real.",
    bad: `${HEADER}${CAP}
retention {
  serves A13.retain
  keep logs 6 months
}
`,
    fixed: `${HEADER}${CAP}${KEEP}`,
  },
  {
    code: CODES.missingServes,
    severity: "error",
    title: "block does not cite what it serves",
    explanation:
      "Every section, rule and measure says which requirement ids it implements, so that decisions, the published rules and verify reports can cite the law (A5.published-rules). The help line lists the ids that fit the block.",
    bad: `${HEADER}${CAP}
retention {
  keep logs 6 months
}
`,
    fixed: `${HEADER}${CAP}${KEEP}`,
    reqs: ["A5.published-rules"],
  },
  {
    code: CODES.declaratoryCited,
    severity: "warning",
    title: "declaratory article cited",
    explanation:
      "Articles 1, 3, 4 and 14 (A1.purpose, A3.authorities, A4.orientation, A14.liability) state purposes and duties of others; no rule can implement them. Citing one suggests coverage that does not exist; the reviewer document lists them separately.",
    bad: `${HEADER}
limits {
  serves A8.member-cap, A4.orientation
  members per group 500
}
${KEEP}`,
    fixed: `${HEADER}${CAP}${KEEP}`,
  },
  // ------------------------------------------------------------------ header and time
  {
    code: CODES.missingEffective,
    severity: "error",
    title: "no effective date",
    explanation:
      "The policy header and every amendment state the instant from which they govern events (Article 15). Without it no event could be judged by the right version.",
    bad: `policy "example" version "1" {
  title "example platform rules"
}
${CAP}${KEEP}`,
    fixed: `policy "example" version "1" {
  title "example platform rules"
  effective 2017-10-08 in Asia/Shanghai
}
${CAP}${KEEP}`,
    reqs: ["A15.effective"],
  },
  {
    code: CODES.unknownZone,
    severity: "error",
    title: "unknown time zone",
    explanation:
      "Zones are IANA names known to the runtime (`Asia/Shanghai`, `UTC`) or fixed offsets (`+08:00`). Months and years are calendar units computed in the zone, so it must exist.",
    bad: `policy "example" version "1" {
  effective 2017-10-08 in Asia/Shangai
}
${CAP}${KEEP}`,
    fixed: `${HEADER}${CAP}${KEEP}`,
  },
  {
    code: CODES.beforeRegulation,
    severity: "error",
    title: "effective before the regulation",
    explanation:
      "The provisions apply from 8 October 2017, 00:00 China Standard Time (Article 15). A policy that claims to govern earlier events would judge them by rules that did not yet exist.",
    bad: `policy "example" version "1" {
  effective 2017-10-01 in Asia/Shanghai
}
${CAP}${KEEP}`,
    fixed: `${HEADER}${CAP}${KEEP}`,
    reqs: ["A15.effective"],
  },
  {
    code: CODES.amendmentOrder,
    severity: "error",
    title: "amendment not after the version it amends",
    explanation:
      "Amendments follow one another in time: each takes effect strictly after the version before it, so every instant is governed by exactly one version.",
    bad: `policy "example" version "1" {
  effective 2018-01-01 in Asia/Shanghai
}
${CAP}${KEEP}
amendment "2" {
  effective 2017-12-01 in Asia/Shanghai
  limits {
    serves A8.member-cap
    members per group 1000
  }
}
`,
    fixed: `policy "example" version "1" {
  effective 2018-01-01 in Asia/Shanghai
}
${CAP}${KEEP}
amendment "2" {
  effective 2019-01-01 in Asia/Shanghai
  limits {
    serves A8.member-cap
    members per group 1000
  }
}
`,
    reqs: ["A15.effective"],
  },
  {
    code: CODES.calendarTolerance,
    severity: "warning",
    title: "tolerance in calendar units",
    explanation:
      "The tolerance bounds how late an event may arrive; it is an exact length. Months and years have no fixed length, so the engine takes the longest (31 days a month), which is rarely what was meant.",
    bad: `policy "example" version "1" {
  effective 2017-10-08 in Asia/Shanghai
  tolerance 1 month
}
${CAP}${KEEP}`,
    fixed: `policy "example" version "1" {
  effective 2017-10-08 in Asia/Shanghai
  tolerance 30 days
}
${CAP}${KEEP}`,
  },
  // ------------------------------------------------------------------ types
  {
    code: CODES.typeMismatch,
    severity: "error",
    title: "mismatched types",
    explanation:
      "Durations, counts, times, credit levels and the other enumerations are different types and never mix: a comparison, an `in` list, the branches of `if` and arithmetic need matching types (a time plus or minus a duration is a time).",
    bad: rule(
      `  serves A7.credit
  on message.post
  deny when user.credit >= 3 days
  because "user {user} lacks credit"`,
      CREDIT,
    ),
    fixed: rule(
      `  serves A7.credit
  on message.post
  deny when user.credit < C
  because "user {user} lacks credit"`,
      CREDIT,
    ),
  },
  {
    code: CODES.badOperator,
    severity: "error",
    title: "operator does not apply",
    explanation:
      "Ordering (`<`, `>=`, …) applies to counts, durations, times, credit levels and severities; `and`, `or` and `not` to booleans; `in a..b` to counts; `+` and `-` to counts, durations and times. Roles, categories, tiers and actions are compared with `==`, `!=` or `in [...]`.",
    bad: rule(`  serves A9.management-rights
  on group.manage
  deny when user.role < manager
  because "user {user} may not manage group {group}"`),
    fixed: rule(`  serves A9.management-rights
  on group.manage
  deny when user.role not in [creator, manager]
  because "user {user} may not manage group {group}"`),
  },
  {
    code: CODES.notBool,
    severity: "error",
    title: "condition is not true or false",
    explanation: "The condition after `when` (and after `if`) must be a boolean: a comparison, a boolean path such as `user.verified`, or a combination with `and`, `or`, `not`.",
    bad: rule(`  serves A8.member-cap
  on group.join
  deny when group.members
  because "group {group} is full"`),
    fixed: rule(`  serves A8.member-cap
  on group.join
  deny when group.members >= 400
  because "group {group} is full"`),
  },
  {
    code: CODES.pathNotOnEvent,
    severity: "error",
    title: "path not defined on the rule's event",
    explanation:
      "Some paths exist only on some events (`event.approved` on group.join, `event.before` on records.purge, `target.*` on group.role and group.manage). A rule's condition and `because` may use a path only if it exists on every event in its `on` list.",
    bad: rule(`  serves A8.join-verification
  on message.post
  deny when not event.approved
  because "joining group {group} needs approval"`),
    fixed: rule(`  serves A8.join-verification
  on group.join
  deny when not event.approved
  because "joining group {group} needs approval"`),
  },
  {
    code: CODES.windowMisuse,
    severity: "error",
    title: "time window missing or misplaced",
    explanation:
      "Flag counts (`user.flags`, `group.flags`) are counted over a window and need `within`, as in `user.flags within 30 days`; no other path takes a window.",
    bad: rule(`  serves A11.user-measures
  on message.post
  deny when user.flags > 3
  because "user {user} was flagged too often"`),
    fixed: rule(`  serves A11.user-measures
  on message.post
  deny when user.flags within 30 days > 3
  because "user {user} was flagged too often"`),
  },
  {
    code: CODES.badPlaceholder,
    severity: "error",
    title: "bad placeholder in `because`",
    explanation:
      "A `because` template fills `{…}` with ids (`{user}`, `{group}`, `{actor}`, `{target}`, `{approver}`, `{creator}`) or readable paths (`{group.members}`). Personal information never appears in a decision (A6.pii), so there is no placeholder for it; write `{{` and `}}` for literal braces.",
    bad: rule(`  serves A6.real-name
  on message.post
  deny when not user.verified
  because "user {user.identity} has no verified identity"`),
    fixed: rule(`  serves A6.real-name
  on message.post
  deny when not user.verified
  because "user {user} has no verified identity"`),
  },
  // ------------------------------------------------------------------ tiers
  {
    code: CODES.tierGap,
    severity: "error",
    title: "member counts without a tier",
    explanation:
      "Per category, every member count from 1 up to the member cap falls in a tier (A7.tiers). The message names the missing range and the category; a cap above the top band is a gap too, and so is a category with neither a `for` block nor a default table.",
    bad: tiers(`  tier small { members 1..100 }
  tier large { members 151..500 }`),
    fixed: tiers(`  tier small { members 1..100 }
  tier large { members 101..500 }`),
    reqs: ["A7.tiers"],
  },
  {
    code: CODES.tierOverlap,
    severity: "error",
    title: "tiers overlap",
    explanation: "Per category, no member count falls in two tiers (A7.tiers); otherwise a group's tier, and so its creator qualification and join rules, would be ambiguous. The message names the shared range.",
    bad: tiers(`  tier small { members 1..100 }
  tier large { members 90..500 }`),
    fixed: tiers(`  tier small { members 1..100 }
  tier large { members 101..500 }`),
    reqs: ["A7.tiers"],
  },
  {
    code: CODES.badBand,
    severity: "error",
    title: "invalid member band",
    explanation: "A band runs from low to high and starts at 1 or more: every group has at least its creator.",
    bad: tiers(`  tier small { members 1..100 }
  tier large { members 500..101 }`),
    fixed: tiers(`  tier small { members 1..100 }
  tier large { members 101..500 }`),
  },
  {
    code: CODES.tierAboveCap,
    severity: "warning",
    title: "tier above the member cap",
    explanation: "A tier whose whole band lies above `members per group` can never apply, since no group grows past the cap (A8.member-cap).",
    bad: tiers(`  tier small { members 1..100 }
  tier large { members 101..500 }
  tier huge  { members 501..1000 }`),
    fixed: tiers(`  tier small { members 1..100 }
  tier large { members 101..500 }`),
  },
  {
    code: CODES.categoryTwice,
    severity: "error",
    title: "category with two tier tables",
    explanation: "A category named in two `for` blocks would have two tier tables; each category has exactly one (its own, or the default one).",
    bad: tiers(
      `  tier small { members 1..500 }
  for news { tier small { members 1..500 } }
  for news { tier big { members 1..500 } }`,
      `categories {
  serves A7.tiers
  general "普通群"
  news "新闻群"
}`,
    ),
    fixed: tiers(
      `  tier small { members 1..500 }
  for news { tier small { members 1..500 } }`,
      `categories {
  serves A7.tiers
  general "普通群"
  news "新闻群"
}`,
    ),
    reqs: ["A7.tiers"],
  },
  {
    code: CODES.activityOrder,
    severity: "error",
    title: "activity thresholds out of order",
    explanation:
      "`activity from N messages per day` promotes a busy group into a tier. Thresholds rise with the tiers: a bigger tier with a lower threshold than a smaller one would let a group skip tiers (A7.tiers).",
    bad: tiers(`  tier small  { members 1..100 }
  tier medium { members 101..300  activity from 300 messages per day }
  tier large  { members 301..500  activity from 200 messages per day }`),
    fixed: tiers(`  tier small  { members 1..100 }
  tier medium { members 101..300  activity from 300 messages per day }
  tier large  { members 301..500  activity from 500 messages per day }`),
    reqs: ["A7.tiers"],
  },
  {
    code: CODES.qualificationWeakens,
    severity: "warning",
    title: "bigger tier asks less of its creator",
    explanation:
      "Creator qualifications normally grow with the tier: a bigger group asking less credit, or no verified identity, than a smaller one inverts the credit scale's meaning (A7.credit).",
    bad: tiers(
      `  tier small { members 1..100    creator requires verified, credit >= B }
  tier large { members 101..500  creator requires verified, credit >= C }`,
      CREDIT,
    ),
    fixed: tiers(
      `  tier small { members 1..100    creator requires verified, credit >= C }
  tier large { members 101..500  creator requires verified, credit >= B }`,
      CREDIT,
    ),
    reqs: ["A7.credit"],
  },
  // ------------------------------------------------------------------ limits
  {
    code: CODES.stepOrder,
    severity: "error",
    title: "credit steps out of order",
    explanation: "In `3, 10 when credit >= B, 20 when credit >= A` the steps go from lower to higher credit, each level once, so the list reads as the scale does.",
    bad: `${HEADER}${CREDIT}
limits {
  serves A8.member-cap, A8.user-caps
  members per group 500
  groups created per user 3, 20 when credit >= A, 10 when credit >= B
  groups joined per user 500
}
${KEEP}`,
    fixed: `${HEADER}${CREDIT}
limits {
  serves A8.member-cap, A8.user-caps
  members per group 500
  groups created per user 3, 10 when credit >= B, 20 when credit >= A
  groups joined per user 500
}
${KEEP}`,
    reqs: ["A7.credit"],
  },
  {
    code: CODES.capDecreases,
    severity: "error",
    title: "more credit, lower cap",
    explanation: "Services are monotone in credit (A7.credit): raising a user's credit never removes a service, so a credit-stepped cap never goes down as the level goes up.",
    bad: `${HEADER}${CREDIT}
limits {
  serves A8.member-cap, A8.user-caps
  members per group 500
  groups created per user 10, 5 when credit >= B
  groups joined per user 500
}
${KEEP}`,
    fixed: `${HEADER}${CREDIT}
limits {
  serves A8.member-cap, A8.user-caps
  members per group 500
  groups created per user 5, 10 when credit >= B
  groups joined per user 500
}
${KEEP}`,
    reqs: ["A7.credit"],
  },
  {
    code: CODES.noMemberCap,
    severity: "error",
    title: "no member cap",
    explanation: "Article 8 requires a cap on group size: `members per group` in `limits`, or at least tier bands whose top is the cap (A8.member-cap).",
    bad: `${HEADER}${KEEP}`,
    fixed: `${HEADER}${CAP}${KEEP}`,
    reqs: ["A8.member-cap"],
  },
  {
    code: CODES.infoPageAboveCap,
    severity: "warning",
    title: "info page threshold never reached",
    explanation: "A group at or above the `info page from` threshold needs an info page (A8.info-page); a threshold above the member cap means no group ever does.",
    bad: `${HEADER}
limits {
  serves A8.member-cap, A8.info-page
  members per group 500
  info page from 1000 members
}
${KEEP}`,
    fixed: `${HEADER}
limits {
  serves A8.member-cap, A8.info-page
  members per group 500
  info page from 100 members
}
${KEEP}`,
    reqs: ["A8.info-page"],
  },
  {
    code: CODES.userCapsMissing,
    severity: "error",
    title: "per-user caps promised but not stated",
    explanation:
      "Article 8 requires caps on the number of groups each user creates and joins (A8.user-caps). A `limits` section that serves A8.user-caps must state both `groups created per user` and `groups joined per user`; without them nothing is capped while the requirement looks covered. An amendment that restates `limits` keeps the caps it does not restate (clauses carry over), so this only fires when no version before stated them either.",
    bad: `${HEADER}
limits {
  serves A8.member-cap, A8.user-caps
  members per group 500
}
${KEEP}`,
    fixed: `${HEADER}
limits {
  serves A8.member-cap, A8.user-caps
  members per group 500
  groups created per user 3
  groups joined per user 500
}
${KEEP}`,
    reqs: ["A8.user-caps"],
  },
  // ------------------------------------------------------------------ measures
  {
    code: CODES.noRecord,
    severity: "error",
    title: "measure without `record`",
    explanation: "Every Article 11 measure is recorded (A11.record-report): each measure, the `responsibility` otherwise and the overdue-complaint otherwise include `record`.",
    bad: measure(`  serves A11.group-measures, A11.record-report
  on flag serious
  then warn group, report to authority`),
    fixed: measure(`  serves A11.group-measures, A11.record-report
  on flag serious
  then warn group, record, report to authority`),
    reqs: ["A11.record-report"],
  },
  {
    code: CODES.noReport,
    severity: "error",
    title: "measure without `report to authority`",
    explanation: "Every Article 11 measure is reported to the competent authority (A11.record-report): each measure, the `responsibility` otherwise and the overdue-complaint otherwise include `report to authority`.",
    bad: measure(`  serves A11.group-measures, A11.record-report
  on flag serious
  then warn group, record`),
    fixed: measure(`  serves A11.group-measures, A11.record-report
  on flag serious
  then warn group, record, report to authority`),
    reqs: ["A11.record-report"],
  },
  {
    code: CODES.escalateMisplaced,
    severity: "error",
    title: "`escalate` outside complaints",
    explanation: "`escalate` is what happens to a complaint left unresolved past its deadline (Article 12). Measures and responsibility report to the authority instead.",
    bad: measure(`  serves A11.group-measures, A11.record-report
  on flag serious
  then warn group, escalate, record, report to authority`),
    fixed: measure(`  serves A11.group-measures, A11.record-report
  on flag serious
  then warn group, record, report to authority`),
  },
  {
    code: CODES.complaintsNoEscalate,
    severity: "error",
    title: "overdue complaints not escalated",
    explanation: "A complaint not resolved by the deadline is escalated, exactly once, by timer (A12.complaints); the complaints `otherwise` must say `escalate`.",
    bad: policy(`complaints {
  serves A12.complaints
  resolve within 48 hours
  otherwise record, report to authority
}`),
    fixed: policy(`complaints {
  serves A12.complaints
  resolve within 48 hours
  otherwise escalate, record, report to authority
}`),
    reqs: ["A12.complaints"],
  },
  {
    code: CODES.badTarget,
    severity: "error",
    title: "action does not fit its target or place",
    explanation:
      "`close` and `suspend posting` apply to the group; `lower credit`, `suspend management` and `cancel creation` to users (`user`, `creator`, `managers`). Responsibility measures apply to the creator and managers only, and overdue complaints only escalate, record and report.",
    bad: measure(`  serves A11.group-measures, A11.record-report
  on flag serious
  then close user, record, report to authority`),
    fixed: measure(`  serves A11.group-measures, A11.record-report
  on flag serious
  then close group, record, report to authority`),
  },
  {
    code: CODES.countWithoutWindow,
    severity: "error",
    title: "flag count without a window",
    explanation: "`on 3 flags …` counts flags, which only means something over a period: add `within 30 days` (or the platform's window).",
    bad: measure(`  serves A11.group-measures, A11.record-report
  on 3 flags >= minor in group
  then suspend posting of group for 7 days, record, report to authority`),
    fixed: measure(`  serves A11.group-measures, A11.record-report
  on 3 flags >= minor in group within 30 days
  then suspend posting of group for 7 days, record, report to authority`),
  },
  {
    code: CODES.notPositive,
    severity: "error",
    title: "zero length or amount",
    explanation: "Suspensions, windows, deadlines, mutes, credit reductions, flag counts and the member cap must be at least one unit; zero would silently do nothing.",
    bad: measure(`  serves A11.group-measures, A11.record-report
  on flag serious
  then suspend posting of group for 0 days, record, report to authority`),
    fixed: measure(`  serves A11.group-measures, A11.record-report
  on flag serious
  then suspend posting of group for 7 days, record, report to authority`),
  },
  // ------------------------------------------------------------------ retention
  {
    code: CODES.retentionTooShort,
    severity: "error",
    title: "logs kept less than six months",
    explanation:
      "Article 13 requires logs to be kept at least six months (A13.retention), read as calendar months. Six calendar months can be 184 days (1 July to 1 January), so a period in days, weeks, hours or minutes must reach 184 days; `180 days` falls short.",
    bad: `${HEADER}${CAP}
retention {
  serves A13.retention
  keep logs 180 days
}
`,
    fixed: `${HEADER}${CAP}${KEEP}`,
    reqs: ["A13.retention"],
  },
  {
    code: CODES.noRetention,
    severity: "error",
    title: "no retention period",
    explanation: "Every policy says how long logs and records are kept (Article 13, A13.retention), so purges of younger records can be refused.",
    bad: `${HEADER}${CAP}`,
    fixed: `${HEADER}${CAP}${KEEP}`,
    reqs: ["A13.retention"],
  },
  // ------------------------------------------------------------------ rules
  {
    code: CODES.noBecause,
    severity: "warning",
    title: "rule without `because`",
    explanation: "Decisions quote the deciding rule's reason to the user and to the authority; without `because` the reason is a generic sentence.",
    bad: rule(`  serves A6.real-name
  on message.post
  deny when not user.verified`),
    fixed: rule(`  serves A6.real-name
  on message.post
  deny when not user.verified
  because "user {user} has no verified identity"`),
  },
  {
    code: CODES.neverFires,
    severity: "warning",
    title: "rule can never fire",
    explanation:
      "The condition can never hold: contradictory bounds on one path (`group.members > 400 and group.members < 100`), something and its negation, a comparison beyond the end of a scale (`user.credit < D` when D is the lowest level), or `false`. The rule is dead; usually `and` was meant as `or`, or a bound is the wrong way round.",
    bad: rule(`  serves A8.member-cap
  on group.join
  deny when group.members > 400 and group.members < 100
  because "group {group} is full"`),
    fixed: rule(`  serves A8.member-cap
  on group.join
  deny when group.members > 400 or group.members-after > 450
  because "group {group} is full"`),
  },
  {
    code: CODES.allowDenyOverlap,
    severity: "warning",
    title: "allow rule overridden by a deny rule",
    explanation:
      "When an allow rule and a deny rule on the same event can both hold, the deny wins (deny overrides allow, as in Cedar), so the allow is not the exception it may look like. Put the exception into the deny rule's condition instead, or narrow the allow.",
    bad: policy(`rule verified-may-post {
  serves A6.real-name
  on message.post
  allow when user.verified
  because "user {user} is verified"
}

rule muted-may-not-post {
  serves A9.management-rights
  on message.post
  deny when user.muted
  because "user {user} is muted in group {group}"
}`),
    fixed: policy(`rule verified-may-post {
  serves A6.real-name
  on message.post
  allow when user.verified and not user.muted
  because "user {user} is verified"
}

rule muted-may-not-post {
  serves A9.management-rights
  on message.post
  deny when user.muted
  because "user {user} is muted in group {group}"
}`),
  },
  // ------------------------------------------------------------------ not about the policy
  {
    code: CODES.internalError,
    severity: "error",
    title: "internal error in the checker",
    explanation:
      "One of the checker's stages failed on this policy. The other stages still report, and the error keeps the policy from compiling. This is a bug in qungui, not in the policy: please report it with the policy. No policy should produce it, so it has no example.",
    bad: "",
    fixed: "",
  },
];
