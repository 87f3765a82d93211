/**
 * What can be written where: the top-level blocks and, for each block, its clauses, as snippets
 * (LSP snippet syntax: `${1:default}` is a placeholder with its default). Completion offers them;
 * test/lsp/keywords.test.ts expands every snippet into its block and parses the result, so this
 * table cannot drift from the grammar unnoticed.
 */

export type BlockKind =
  | "top"
  | "policy"
  | "amendment"
  | "agreement"
  | "identity"
  | "credit"
  | "categories"
  | "tiers"
  | "tier"
  | "for"
  | "limits"
  | "prohibited"
  | "measure"
  | "responsibility"
  | "complaints"
  | "retention"
  | "management"
  | "blacklist"
  | "rule";

export interface Clause {
  /** What is shown in the list. */
  label: string;
  /** The text inserted, in LSP snippet syntax. */
  snippet: string;
  doc: string;
}

const serves: Clause = { label: "serves", snippet: "serves ${1:A8.member-cap}", doc: "the requirement ids of the regulation this block serves (every block carries one)" };

/** The sections, rules and measures that may stand at the top of a file or in an amendment. */
const ITEMS: Clause[] = [
  { label: "agreement", snippet: "agreement {\n  serves A5.agreement\n  current version \"${1:2017-10}\"\n  required for ${2:create, join, post}\n}", doc: "the service agreement users must accept (Article 5)" },
  { label: "identity", snippet: "identity {\n  serves A6.real-name\n  verified required for ${1:post, create, set-info}\n}", doc: "services that need a verified real identity (Article 6)" },
  { label: "credit", snippet: "credit {\n  serves A7.credit\n  levels ${1:D < C < B < A}\n  default ${2:C}\n}", doc: "the credit scale, lowest first (Article 7)" },
  { label: "categories", snippet: "categories {\n  serves A7.tiers\n  ${1:general} \"${2:普通群}\"\n}", doc: "group categories with their labels (Article 7)" },
  { label: "tiers", snippet: "tiers {\n  serves A7.tiers, A8.creator-qualification\n  tier ${1:small} { members ${2:1..100} }\n}", doc: "tiers by group size and activity, per category (Articles 7 and 8)" },
  { label: "limits", snippet: "limits {\n  serves A8.member-cap, A8.user-caps\n  members per group ${1:2000}\n}", doc: "caps on group size and on groups per user (Article 8)" },
  { label: "prohibited", snippet: "prohibited {\n  serves A10.prohibited-content\n  severities ${1:minor < serious}\n  ${2:fraud} ${3:serious} \"${4:诈骗信息}\"\n}", doc: "prohibited content categories and their severities (Article 10)" },
  { label: "measure", snippet: "measure ${1:name} {\n  serves A11.group-measures, A11.record-report\n  on flag ${2:serious}\n  then ${3:suspend posting of group for 7 days}, record, report to authority\n}", doc: "a graduated measure on flagged content (Article 11)" },
  { label: "responsibility", snippet: "responsibility {\n  serves A11.responsibility\n  handle flags within ${1:24 hours}\n  otherwise ${2:lower credit of creator by 1}, record, report to authority\n}", doc: "what happens when creators and managers leave flags unhandled (Articles 9 and 11)" },
  { label: "complaints", snippet: "complaints {\n  serves A12.complaints\n  resolve within ${1:48 hours}\n  otherwise escalate, record, report to authority\n}", doc: "the complaint deadline and its escalation (Article 12)" },
  { label: "retention", snippet: "retention {\n  serves A13.retention\n  keep logs ${1:6 months}\n}", doc: "how long logs are kept, at least six months (Article 13)" },
  { label: "management", snippet: "management {\n  serves A9.management-rights\n  mute for ${1:1 day}\n}", doc: "management tools for creators and managers (Article 9)" },
  { label: "blacklist", snippet: "blacklist {\n  serves A11.blacklist\n  restrict users ${1:create, join, post}\n  restrict groups ${2:join, post}\n}", doc: "what a blacklisted user or group loses (Article 11)" },
  { label: "rule", snippet: "rule ${1:name} {\n  serves ${2:A7.credit}\n  on ${3:message.post}\n  deny when ${4:user.credit < C}\n  because \"${5:user {user\\} may not post}\"\n}", doc: "a rule of the platform: deny (or allow) an event when a condition holds" },
];

export const CLAUSES: Record<BlockKind, Clause[]> = {
  top: [
    { label: "policy", snippet: "policy \"${1:name}\" version \"${2:1.0}\" {\n  serves A15.effective\n  effective ${3:2017-10-08} in ${4:Asia/Shanghai}\n}", doc: "the policy header: name, version, effective date and zone" },
    ...ITEMS,
    { label: "amendment", snippet: "amendment \"${1:1.1}\" {\n  effective ${2:2018-01-01} in ${3:Asia/Shanghai}\n  serves A15.effective\n}", doc: "a later version: the sections, rules and measures it replaces, from its own date" },
  ],
  policy: [
    serves,
    { label: "title", snippet: "title \"${1:title}\"", doc: "a title for the documents" },
    { label: "effective", snippet: "effective ${1:2017-10-08} in ${2:Asia/Shanghai}", doc: "when the policy takes effect, in an IANA zone or a fixed offset" },
    { label: "tolerance", snippet: "tolerance ${1:5 minutes}", doc: "how far out of order events may arrive" },
  ],
  amendment: [
    serves,
    { label: "effective", snippet: "effective ${1:2018-01-01} in ${2:Asia/Shanghai}", doc: "when the amendment takes effect" },
    { label: "remove rule", snippet: "remove rule ${1:name}", doc: "the rule no longer applies from this amendment on" },
    { label: "remove measure", snippet: "remove measure ${1:name}", doc: "the measure no longer applies from this amendment on" },
    ...ITEMS,
  ],
  agreement: [
    serves,
    { label: "current version", snippet: "current version \"${1:2017-10}\"", doc: "the agreement version users must have accepted" },
    { label: "required for", snippet: "required for ${1:create, join, post}", doc: "services that need the current agreement" },
    { label: "reaccept on new version", snippet: "reaccept on new version", doc: "a new version must be accepted again" },
  ],
  identity: [serves, { label: "verified required for", snippet: "verified required for ${1:post, create, set-info}", doc: "services that need a verified real identity" }],
  credit: [
    serves,
    { label: "levels", snippet: "levels ${1:D < C < B < A}", doc: "the credit levels, lowest first" },
    { label: "default", snippet: "default ${1:C}", doc: "the level of a new user" },
  ],
  categories: [serves],
  tiers: [
    serves,
    { label: "tier", snippet: "tier ${1:name} { members ${2:1..100} }", doc: "a tier with its member band" },
    { label: "for", snippet: "for ${1:news-discussion} {\n  tier ${2:name} { members ${3:1..2000} }\n}", doc: "tiers of their own for some categories" },
  ],
  tier: [
    { label: "members", snippet: "members ${1:101..500}", doc: "the member band, inclusive" },
    { label: "activity from", snippet: "activity from ${1:1000} messages per day", doc: "activity that promotes a smaller group into this tier" },
    { label: "creator requires", snippet: "creator requires ${1:verified, credit >= B}", doc: "the creator qualification of this tier (Article 8)" },
    { label: "join requires approval", snippet: "join requires approval", doc: "joins need the approval of the creator or a manager" },
  ],
  for: [{ label: "tier", snippet: "tier ${1:name} { members ${2:1..100} }", doc: "a tier of these categories" }],
  limits: [
    serves,
    { label: "members per group", snippet: "members per group ${1:2000}", doc: "the member cap of every group" },
    { label: "groups created per user", snippet: "groups created per user ${1:3}", doc: "how many groups a user may create, optionally more by credit" },
    { label: "groups joined per user", snippet: "groups joined per user ${1:500}", doc: "how many groups a user may be in" },
    { label: "info page from", snippet: "info page from ${1:100} members", doc: "groups of this size need an info page (add `enforced` to hold joins)" },
  ],
  prohibited: [serves, { label: "severities", snippet: "severities ${1:minor < serious}", doc: "severities, lowest first" }],
  measure: [
    serves,
    { label: "on flag", snippet: "on flag ${1:serious}", doc: "applies to each flag of this severity" },
    { label: "on flags within", snippet: "on ${1:3} flags ${2:serious} in group within ${3:30 days}", doc: "applies when flags accumulate in a group (or `by user`) within a window" },
    { label: "then", snippet: "then ${1:warn group}, record, report to authority", doc: "the actions; every measure records and reports (Article 11)" },
  ],
  responsibility: [
    serves,
    { label: "handle flags within", snippet: "handle flags within ${1:24 hours}", doc: "how long creators and managers have to act on a flag" },
    { label: "otherwise", snippet: "otherwise ${1:lower credit of creator by 1}, record, report to authority", doc: "what happens when they do not" },
  ],
  complaints: [
    serves,
    { label: "resolve within", snippet: "resolve within ${1:48 hours}", doc: "the complaint deadline" },
    { label: "otherwise", snippet: "otherwise escalate, record, report to authority", doc: "what happens to an overdue complaint" },
  ],
  retention: [serves, { label: "keep logs", snippet: "keep logs ${1:6 months}", doc: "how long logs are kept (at least six months)" }],
  management: [serves, { label: "mute for", snippet: "mute for ${1:1 day}", doc: "how long a mute lasts" }],
  blacklist: [
    serves,
    { label: "restrict users", snippet: "restrict users ${1:create, join, post}", doc: "services a blacklisted user loses" },
    { label: "restrict groups", snippet: "restrict groups ${1:join, post}", doc: "services a blacklisted group loses" },
  ],
  rule: [
    serves,
    { label: "on", snippet: "on ${1:message.post}", doc: "the events the rule decides" },
    { label: "deny when", snippet: "deny when ${1:user.credit < C}", doc: "deny the event when the condition holds" },
    { label: "allow when", snippet: "allow when ${1:user.verified}", doc: "allow the event when the condition holds (a deny still wins)" },
    { label: "because", snippet: "because \"${1:why the event is denied}\"", doc: "the reason given in the decision" },
  ],
};

/** The actions of `then` and `otherwise` lists. */
export const ACTIONS: Clause[] = [
  { label: "warn", snippet: "warn ${1:group} rectify within ${2:3 days}", doc: "warn and order rectification; optionally `otherwise (…)`" },
  { label: "suspend posting", snippet: "suspend posting of ${1:group} for ${2:7 days}", doc: "no posts in the group for a while" },
  { label: "close", snippet: "close ${1:group}", doc: "close the group" },
  { label: "blacklist", snippet: "blacklist ${1:creator} for ${2:1 year}", doc: "blacklist a group or user (for a time, or until lifted)" },
  { label: "lower credit", snippet: "lower credit of ${1:user} by ${2:1}", doc: "lower a user's credit level" },
  { label: "suspend management", snippet: "suspend management of ${1:managers} for ${2:7 days}", doc: "suspend management rights" },
  { label: "cancel creation", snippet: "cancel creation of ${1:creator}", doc: "cancel the right to create groups" },
  { label: "record", snippet: "record", doc: "keep the measure in the record (Article 11)" },
  { label: "report to authority", snippet: "report to authority", doc: "report the measure to the competent authority (Article 11)" },
  { label: "escalate", snippet: "escalate", doc: "escalate an overdue complaint (complaints only)" },
];

/** Whom an action applies to. */
export const TARGETS = ["group", "user", "creator", "managers"] as const;

/** The keywords that open each block, and the block each opens. */
export const BLOCK_OPENERS: Readonly<Record<string, BlockKind>> = {
  policy: "policy",
  amendment: "amendment",
  agreement: "agreement",
  identity: "identity",
  credit: "credit",
  categories: "categories",
  tiers: "tiers",
  tier: "tier",
  for: "for",
  limits: "limits",
  prohibited: "prohibited",
  measure: "measure",
  responsibility: "responsibility",
  complaints: "complaints",
  retention: "retention",
  management: "management",
  blacklist: "blacklist",
  rule: "rule",
};

/** A snippet with every placeholder replaced by its default (what the playground inserts). */
export function expandSnippet(snippet: string): string {
  let out = snippet;
  for (let prev = ""; prev !== out; ) {
    prev = out;
    out = out.replace(/\$\{\d+:((?:[^$}\\]|\\.)*)\}/g, "$1").replace(/\$\d+/g, "");
  }
  return out.replace(/\\([$}\\])/g, "$1");
}
