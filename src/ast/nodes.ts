/**
 * The AST of a `.qg` policy. Every node has a `kind` tag and a `span`. Equality of ASTs ignores
 * spans and comments (see `astEqual` in ./equal.ts), so the formatter's output can be compared with
 * the input it came from.
 *
 * The syntax is documented construct by construct in docs/language.md.
 */
import type { Span } from "../source/span.js";
import type { ActionAstKind } from "../vocab/actions.js";

export interface Node {
  kind: string;
  span: Span;
}

/** An identifier as written (Unicode letters, digits, `_` and `-`). */
export interface Ident extends Node {
  kind: "Ident";
  name: string;
}

/** A requirement id such as `A8.member-cap`. */
export interface ReqRef extends Node {
  kind: "ReqRef";
  id: string;
}

/** `serves A8.member-cap, A8.user-caps`: the citation every block carries. */
export interface Serves extends Node {
  kind: "Serves";
  reqs: ReqRef[];
}

/** A string literal; `value` has escapes resolved. */
export interface StringLit extends Node {
  kind: "StringLit";
  value: string;
}

export type DurationUnit = "minute" | "hour" | "day" | "week" | "month" | "year";

/** `24 hours`, `6 months`. Months and years are calendar units, evaluated in the policy's time zone. */
export interface Duration extends Node {
  kind: "Duration";
  amount: number;
  unit: DurationUnit;
}

/** A time zone: an IANA name (`Asia/Shanghai`) or a fixed offset (`+08:00`). */
export interface Zone extends Node {
  kind: "Zone";
  /** IANA name, or `+08:00` style offset. */
  name: string;
}

/** `2017-10-08`, `2017-10-08T00:00`, `2017-10-08T00:00:00`, local to the zone that follows. */
export interface DateTimeLit extends Node {
  kind: "DateTimeLit";
  /** As written, e.g. `2017-10-08` or `2017-10-08T09:30`. */
  text: string;
  zone: Zone;
}

/** A comment, kept by the parser so that the formatter can print it again. */
export interface Comment {
  text: string;
  span: Span;
}

// ---------------------------------------------------------------------------------------------
// File and header

export interface PolicyFile extends Node {
  kind: "PolicyFile";
  header: PolicyHeader | null;
  /** Sections, rules, measures and amendments, in source order. */
  items: TopItem[];
  comments: Comment[];
}

/**
 * `policy "cac-2017" version "1.0" { effective 2017-10-08 in Asia/Shanghai  tolerance 5 minutes
 *  title "…"  serves A15.effective }`
 */
export interface PolicyHeader extends Node {
  kind: "PolicyHeader";
  name: StringLit;
  version: StringLit;
  title: StringLit | null;
  effective: DateTimeLit | null;
  tolerance: Duration | null;
  serves: Serves | null;
}

export type TopItem = Section | RuleDecl | MeasureDecl | Amendment;

export type Section =
  | AgreementSection
  | IdentitySection
  | CreditSection
  | CategoriesSection
  | TiersSection
  | LimitsSection
  | ProhibitedSection
  | ResponsibilitySection
  | ComplaintsSection
  | RetentionSection
  | ManagementSection
  | BlacklistSection;

/** `amendment "1.1" { effective … serves … <sections, rules, measures> remove rule x }` */
export interface Amendment extends Node {
  kind: "Amendment";
  version: StringLit;
  effective: DateTimeLit | null;
  serves: Serves | null;
  items: (Section | RuleDecl | MeasureDecl)[];
  removals: Removal[];
}

/** `remove rule NAME` / `remove measure NAME` inside an amendment. */
export interface Removal extends Node {
  kind: "Removal";
  what: "rule" | "measure";
  name: Ident;
}

// ---------------------------------------------------------------------------------------------
// Sections. Every section may carry `serves`; the checker requires it.

/** The services a user can be granted: `create`, `join`, `post`, `manage`, `set-info`. */
export type ServiceList = Ident[];

/** `agreement { serves A5.agreement  current version "2017-10"  required for create, join  reaccept on new version }` */
export interface AgreementSection extends Node {
  kind: "AgreementSection";
  serves: Serves | null;
  currentVersion: StringLit | null;
  requiredFor: ServiceList;
  reaccept: boolean;
}

/** `identity { serves A6.real-name  verified required for post, create, set-info }` */
export interface IdentitySection extends Node {
  kind: "IdentitySection";
  serves: Serves | null;
  requiredFor: ServiceList;
}

/** `credit { serves A7.credit  levels D < C < B < A  default C }` — lowest level first. */
export interface CreditSection extends Node {
  kind: "CreditSection";
  serves: Serves | null;
  levels: Ident[];
  default: Ident | null;
}

/** `categories { serves A7.tiers  general "普通群"  business "商务群" }` */
export interface CategoriesSection extends Node {
  kind: "CategoriesSection";
  serves: Serves | null;
  categories: CategoryDecl[];
}

export interface CategoryDecl extends Node {
  kind: "CategoryDecl";
  name: Ident;
  label: StringLit | null;
}

/**
 * `tiers { serves …  tier small { … }  tier medium { … }  for news-discussion, business { tier … } }`
 * Tiers outside any `for` block apply to every category that has no `for` block of its own.
 */
export interface TiersSection extends Node {
  kind: "TiersSection";
  serves: Serves | null;
  tiers: TierDecl[];
  overrides: TierOverride[];
}

export interface TierOverride extends Node {
  kind: "TierOverride";
  categories: Ident[];
  tiers: TierDecl[];
}

/**
 * ```
 * tier medium {
 *   members 101..500
 *   activity from 300 messages per day      // optional: promotes a smaller group into this tier
 *   creator requires verified, credit >= B  // optional
 *   join requires approval                  // optional
 * }
 * ```
 */
export interface TierDecl extends Node {
  kind: "TierDecl";
  name: Ident;
  members: IntRange | null;
  activityFrom: IntLit | null;
  creatorRequires: Qualification[];
  joinApproval: boolean;
}

export interface IntLit extends Node {
  kind: "IntLit";
  value: number;
}

/** `101..500`, inclusive at both ends. */
export interface IntRange extends Node {
  kind: "IntRange";
  from: IntLit;
  to: IntLit;
}

/** A creator qualification: `verified` or `credit >= B`. */
export type Qualification = VerifiedQual | CreditQual;
export interface VerifiedQual extends Node {
  kind: "VerifiedQual";
}
export interface CreditQual extends Node {
  kind: "CreditQual";
  level: Ident;
}

/**
 * ```
 * limits {
 *   serves A8.member-cap, A8.user-caps, A8.info-page
 *   members per group 2000
 *   groups created per user 3, 10 when credit >= B
 *   groups joined per user 500
 *   info page from 100 members enforced
 * }
 * ```
 */
export interface LimitsSection extends Node {
  kind: "LimitsSection";
  serves: Serves | null;
  membersPerGroup: IntLit | null;
  groupsCreated: CreditStepped | null;
  groupsJoined: CreditStepped | null;
  infoPage: InfoPageLimit | null;
}

/** `3, 10 when credit >= B, 20 when credit >= A`: a base value and credit-dependent overrides. */
export interface CreditStepped extends Node {
  kind: "CreditStepped";
  base: IntLit;
  steps: CreditStep[];
}
export interface CreditStep extends Node {
  kind: "CreditStep";
  value: IntLit;
  atLeast: Ident;
}

export interface InfoPageLimit extends Node {
  kind: "InfoPageLimit";
  from: IntLit;
  /** `enforced`: joins that would reach the threshold are denied until the info page exists. */
  enforced: boolean;
}

/**
 * ```
 * prohibited {
 *   serves A10.prohibited-content
 *   severities minor < serious
 *   fraud   serious "诈骗"
 *   spam    minor   "垃圾广告"
 * }
 * ```
 */
export interface ProhibitedSection extends Node {
  kind: "ProhibitedSection";
  serves: Serves | null;
  severities: Ident[];
  categories: ContentCategoryDecl[];
}
export interface ContentCategoryDecl extends Node {
  kind: "ContentCategoryDecl";
  name: Ident;
  severity: Ident;
  label: StringLit | null;
}

/**
 * ```
 * responsibility {
 *   serves A11.responsibility
 *   handle flags within 24 hours
 *   otherwise suspend management of managers for 7 days, lower credit of creator by 1, record, report to authority
 * }
 * ```
 */
export interface ResponsibilitySection extends Node {
  kind: "ResponsibilitySection";
  serves: Serves | null;
  window: Duration | null;
  otherwise: Action[];
}

/** `complaints { serves A12.complaints  resolve within 48 hours  otherwise escalate, record, report to authority }` */
export interface ComplaintsSection extends Node {
  kind: "ComplaintsSection";
  serves: Serves | null;
  resolveWithin: Duration | null;
  otherwise: Action[];
}

/** `retention { serves A13.retention  keep logs 6 months }` */
export interface RetentionSection extends Node {
  kind: "RetentionSection";
  serves: Serves | null;
  keepLogs: Duration | null;
}

/** `management { serves A9.management-rights  mute for 1 day }` */
export interface ManagementSection extends Node {
  kind: "ManagementSection";
  serves: Serves | null;
  muteFor: Duration | null;
}

/** `blacklist { serves A11.blacklist  restrict users create, join, post, manage  restrict groups join, post }` */
export interface BlacklistSection extends Node {
  kind: "BlacklistSection";
  serves: Serves | null;
  users: ServiceList;
  groups: ServiceList;
}

// ---------------------------------------------------------------------------------------------
// Measures (Article 11)

/**
 * ```
 * measure close-after-three {
 *   serves A11.group-measures, A11.blacklist, A11.record-report
 *   on 3 flags >= serious in group within 30 days
 *   then close group, blacklist creator for 1 year, record, report to authority
 * }
 * ```
 */
export interface MeasureDecl extends Node {
  kind: "MeasureDecl";
  name: Ident;
  serves: Serves | null;
  trigger: Trigger | null;
  actions: Action[];
}

/**
 * `on flag serious`, `on flag >= minor of fraud, rumor`, `on 3 flags serious in group within 30 days`,
 * `on 2 flags >= serious by user within 90 days`.
 */
export interface Trigger extends Node {
  kind: "Trigger";
  /** How many flags, 1 for `flag`. */
  count: IntLit | null;
  /** `==` when written without a comparator. */
  severityOp: "==" | ">=";
  severity: Ident | null;
  categories: Ident[];
  /** Where flags are counted for `count > 1`: in this group, or by this user across groups. */
  scope: "group" | "user" | null;
  within: Duration | null;
}

/** Whom an action applies to: the flagged group, the flagged user, the group's creator or its managers. */
export type TargetName = "group" | "user" | "creator" | "managers";

export type Action =
  | WarnAction
  | SuspendPostingAction
  | CloseGroupAction
  | BlacklistAction
  | LowerCreditAction
  | SuspendManagementAction
  | CancelCreationAction
  | RecordAction
  | ReportAction
  | EscalateAction;

/** `tsc` fails here when the action nodes and the table of src/vocab/actions.ts disagree. */
export const ACTION_NODES_MATCH: [Action["kind"], ActionAstKind] extends [ActionAstKind, Action["kind"]] ? true : never = true;

/** `warn group` or `warn group rectify within 3 days [otherwise <actions in parentheses>]` */
export interface WarnAction extends Node {
  kind: "WarnAction";
  target: Target;
  rectifyWithin: Duration | null;
  /** Applied at the rectification deadline if the group was flagged again meanwhile. */
  otherwise: Action[];
}
/** `suspend posting of group for 7 days` */
export interface SuspendPostingAction extends Node {
  kind: "SuspendPostingAction";
  target: Target;
  duration: Duration;
}
/** `close group` */
export interface CloseGroupAction extends Node {
  kind: "CloseGroupAction";
  target: Target;
}
/** `blacklist creator [for 1 year]` */
export interface BlacklistAction extends Node {
  kind: "BlacklistAction";
  target: Target;
  duration: Duration | null;
}
/** `lower credit of user by 1` */
export interface LowerCreditAction extends Node {
  kind: "LowerCreditAction";
  target: Target;
  by: IntLit;
}
/** `suspend management of managers for 7 days` */
export interface SuspendManagementAction extends Node {
  kind: "SuspendManagementAction";
  target: Target;
  duration: Duration;
}
/** `cancel creation of creator` (cancels the creation qualification) */
export interface CancelCreationAction extends Node {
  kind: "CancelCreationAction";
  target: Target;
}
/** `record` */
export interface RecordAction extends Node {
  kind: "RecordAction";
}
/** `report to authority` */
export interface ReportAction extends Node {
  kind: "ReportAction";
  to: Ident;
}
/** `escalate` (complaints only) */
export interface EscalateAction extends Node {
  kind: "EscalateAction";
}

export interface Target extends Node {
  kind: "Target";
  /** As written; the checker validates it is one of {@link TargetName}. */
  name: string;
}

// ---------------------------------------------------------------------------------------------
// Generic rules and expressions

/**
 * ```
 * rule news-needs-credit {
 *   serves A7.credit
 *   on message.post
 *   deny when group.category == news-discussion and user.credit < B
 *   because "user {user} needs credit B to post in news group {group}"
 * }
 * ```
 */
export interface RuleDecl extends Node {
  kind: "RuleDecl";
  name: Ident;
  serves: Serves | null;
  /** Event types, as dotted names (`message.post`). */
  on: DottedName[];
  effect: "deny" | "allow";
  /** Null means the rule always applies to its events. */
  when: Expr | null;
  because: StringLit | null;
}

/** `message.post`, `group.join`. */
export interface DottedName extends Node {
  kind: "DottedName";
  parts: string[];
}

export type Expr =
  | BinaryExpr
  | NotExpr
  | CompareExpr
  | InExpr
  | IfExpr
  | ArithExpr
  | PathExpr
  | WindowExpr
  | IntLit
  | Duration
  | StringLit
  | BoolLit
  | DateTimeLit
  | ListExpr
  | ParenExpr;

export interface BinaryExpr extends Node {
  kind: "BinaryExpr";
  op: "and" | "or";
  left: Expr;
  right: Expr;
}
export interface NotExpr extends Node {
  kind: "NotExpr";
  operand: Expr;
}
export type CompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=";
export interface CompareExpr extends Node {
  kind: "CompareExpr";
  op: CompareOp;
  left: Expr;
  right: Expr;
}
/** `x in [a, b]` or `x in 1..10`. */
export interface InExpr extends Node {
  kind: "InExpr";
  negated: boolean;
  left: Expr;
  right: ListExpr | IntRange;
}
export interface IfExpr extends Node {
  kind: "IfExpr";
  cond: Expr;
  then: Expr;
  else: Expr;
}
/** `now - 6 months`, `group.members + 1`. */
export interface ArithExpr extends Node {
  kind: "ArithExpr";
  op: "+" | "-";
  left: Expr;
  right: Expr;
}
/**
 * A dotted path: `user.verified`, `group.members`, or a single name. A single name that is not a
 * root (`user`, `group`, `creator`, `actor`, `target`, `approver`, `event`, `now`) is an enumeration
 * literal (a credit level, a category, a tier, a severity, a role or an action) resolved by the
 * checker from the type of the other operand.
 */
export interface PathExpr extends Node {
  kind: "PathExpr";
  parts: string[];
}
/** `user.flags within 30 days`: a count over a sliding time window. */
export interface WindowExpr extends Node {
  kind: "WindowExpr";
  path: PathExpr;
  within: Duration;
}
export interface BoolLit extends Node {
  kind: "BoolLit";
  value: boolean;
}
export interface ListExpr extends Node {
  kind: "ListExpr";
  items: Expr[];
}
/** Parentheses are kept so the formatter can print what the author wrote. */
export interface ParenExpr extends Node {
  kind: "ParenExpr";
  inner: Expr;
}
