/**
 * The IR: the one hand-off point between the compiler front end and everything that runs or reads
 * a policy (engine, verify, docs, export). A versioned JSON document, validated by the JSON Schema
 * in ./schema.ts (draft 2020-12, unknown fields rejected). Nodes carry `kind`; source positions are
 * kept in the side table `spans`, keyed by node `id`, so hand-written IR (without spans) runs the same.
 *
 * Sections are kept as data (for docs, filing, verify's static checks and the engine's state
 * machine); every allow/deny decision is made by `rules`, which the emitter lowers from sections
 * and from the policy's own `rule` declarations into one typed expression language.
 */
import type { DecidedEvent, Service } from "../vocab/events.js";
import type { ValueType } from "../vocab/paths.js";
import type { ActionKind } from "../vocab/actions.js";

/**
 * The IR format version: 2 added each version's `guards`. A loader upgrades version 1 (which ran
 * under the same guards, then built into the engine) by adding them; see src/ir/load.ts.
 */
export const IR_VERSION = 2 as const;

/**
 * Compact source span, as the IR's `spans` table and `explain` give it: 1-based lines and columns
 * (columns count UTF-16 code units), end exclusive.
 */
export interface SpanIR {
  /** The source file name the policy was compiled under. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/**
 * A reference to the regulation a rule, section or decision serves: the article and a
 * requirement id from the catalogue in src/law/articles.ts.
 */
export interface Cite {
  /** The article number (1–15). */
  article: number;
  /** The requirement id, `A<article>.<name>`, e.g. `A6.real-name`. */
  req: string;
}

/** Units of a {@link DurationIR}: minutes to weeks are exact elapsed time; months and years are calendar units. */
export type DurationUnit = "minute" | "hour" | "day" | "week" | "month" | "year";

/**
 * A duration as the policy wrote it (`3 days`, `6 months`); months and years are calendar units
 * added in the version's time zone, clamping the day to the end of a shorter month.
 */
export interface DurationIR {
  /** A whole, non-negative number of `unit`s. */
  amount: number;
  unit: DurationUnit;
}

/**
 * A compiled policy as a JSON document (IR version 2): what `compilePolicy` returns as `ir`,
 * `qungui compile` writes and `loadIR` reads back. Everything that runs or reads a policy (the
 * engine, verify, the reviewer documents) works from it, so IR written by hand runs exactly like
 * compiled IR. It is validated by a JSON Schema that rejects unknown fields (`schema/ir-v2.json`).
 *
 * Nodes carry `kind` and most carry an `id`; source positions are not in the nodes but in the
 * `spans` side table, keyed by node id, so IR without spans behaves the same.
 */
export interface PolicyIR {
  kind: "policy";
  /** The IR format version; a loader refuses any other. */
  irVersion: typeof IR_VERSION;
  /** The policy's name from its header (`cac-2017`). */
  name: string;
  /** The policy's `title`, or null. */
  title: string | null;
  /** Where the policy came from, when compiled from text. */
  source: { file: string; sha256: string } | null;
  /** The base version first, then amendments in effective order; each is complete (not a diff). */
  versions: VersionIR[];
  /** Node id → source span. */
  spans: Record<string, SpanIR>;
}

/**
 * One version of a policy: the base version or an amendment, each complete (an amendment's
 * sections, rules and measures already merged with those of the version before it). The engine
 * judges an event by the version whose `effective` is the latest at or before the event's `at`.
 *
 * Sections are kept as data (for documents, verify's static checks and the engine's state machine:
 * tiers, timers, measures); every allow/deny verdict comes from `rules`, into which the sections
 * have been lowered. A section that is null was not declared; `credit`, `limits`, `prohibited` and
 * `management` are always present, with defaults when not declared (the last three then have a
 * null `id`).
 */
export interface VersionIR {
  kind: "version";
  id: string;
  /** The version label (`"1.0"`, an amendment's `"1.1"`); decisions give it as `policy`. */
  version: string;
  /** RFC 3339 instant with offset, e.g. `2017-10-08T00:00:00+08:00`. */
  effective: string;
  /** IANA zone or fixed offset, for calendar arithmetic and for rendering computed times. */
  zone: string;
  /** Events may arrive out of order by at most this much (milliseconds). */
  toleranceMs: number;
  /** What the version header serves (typically `A15.effective`). */
  cites: Cite[];
  agreement: AgreementIR | null;
  identity: IdentityIR | null;
  credit: CreditIR;
  categories: CategoryIR[];
  /** Tier tables: at most one with `categories: null` (the default), others for named categories. */
  tiers: TierTableIR[];
  limits: LimitsIR;
  prohibited: ProhibitedIR;
  measures: MeasureIR[];
  responsibility: ResponsibilityIR | null;
  complaints: ComplaintsIR | null;
  retention: RetentionIR | null;
  management: ManagementIR;
  blacklist: BlacklistIR | null;
  /** Allow/deny rules in precedence order: section-derived denies, policy rules, then permits. */
  rules: RuleIR[];
  /**
   * The integrity guards, checked in order once the rules allowed an event: the same in every
   * version and every policy (src/ir/guards.ts), and a loader refuses IR whose guards differ.
   */
  guards: GuardIR[];
}

/** The service agreement section (Article 5): which services require accepting it. */
export interface AgreementIR {
  kind: "agreement";
  id: string;
  cites: Cite[];
  /** The version in force before any `agreement.published` event. */
  currentVersion: string | null;
  /** Services a user may use only after accepting the agreement. */
  requiredFor: Service[];
  /** A new published version must be accepted again. */
  reaccept: boolean;
}

/** The real-name identity section (Article 6): services that need a verified identity. */
export interface IdentityIR {
  kind: "identity";
  id: string;
  cites: Cite[];
  /** Services a user may use only once `user.verified` was accepted for them. */
  requiredFor: Service[];
}

/** The credit scale (Article 7). Levels compare by position; a user starts at `default`. */
export interface CreditIR {
  kind: "credit";
  id: string;
  cites: Cite[];
  /** Lowest first. */
  levels: string[];
  /** The level of a user no `user.credit` or `lower-credit` has set; one of `levels`. */
  default: string;
}

/** A group category (Article 7), e.g. `news-discussion`. */
export interface CategoryIR {
  kind: "category";
  id: string;
  /** The name events and rules use. */
  name: string;
  /** A label for people (`"新闻讨论群"`), or null. */
  label: string | null;
}

/**
 * A table of group tiers (Articles 7 and 8): the default table (`categories: null`) or one for
 * the named categories. Member bands cover `1..cap` without gaps or overlaps.
 */
export interface TierTableIR {
  kind: "tierTable";
  id: string;
  cites: Cite[];
  /** Null: the default table for every category without its own. */
  categories: string[] | null;
  /** Ordered by `minMembers`. */
  tiers: TierIR[];
}

/**
 * One tier: a band of member counts with its requirements. A group's tier is the band its member
 * count falls in, promoted to a higher tier whose `activityFrom` its last-24-hour message count
 * reaches.
 */
export interface TierIR {
  kind: "tier";
  id: string;
  name: string;
  /** Smallest member count of the band (inclusive). */
  minMembers: number;
  /** Largest member count of the band (inclusive). */
  maxMembers: number;
  /** Messages per day from which a smaller group is promoted into this tier. */
  activityFrom: number | null;
  /** What the creator of a group in this tier must have: a verified identity, and at least this credit level (null: any). */
  creator: { verified: boolean; minCredit: string | null };
  /** Joining a group in this tier needs an `approvedBy`. */
  joinApproval: boolean;
}

/** A per-user limit that grows with credit: `base`, or the value of the highest step the user's credit reaches. */
export interface SteppedIR {
  base: number;
  /** Ascending by level: the value for users whose credit is at least `atLeast`. */
  steps: { atLeast: string; value: number }[];
}

/** Size and count limits (Article 8); `id` is null when the version declares no limits section. Null limits do not apply. */
export interface LimitsIR {
  kind: "limits";
  id: string | null;
  cites: Cite[];
  /** Most members a group may have. */
  membersPerGroup: number | null;
  /** Most groups a user may have created (closed ones not counted). */
  groupsCreated: SteppedIR | null;
  /** Most groups a user may be a member of. */
  groupsJoined: SteppedIR | null;
  /**
   * From `from` members a group must publish an information page (an `info-page` obligation);
   * with `enforced`, joins that would reach the threshold are refused until it has one.
   */
  infoPage: { from: number; enforced: boolean } | null;
}

/**
 * Prohibited content (Article 10): the severity scale and the categories a `content.flagged` may
 * name, each with its default severity. `id` is null when the version declares no such section.
 */
export interface ProhibitedIR {
  kind: "prohibited";
  id: string | null;
  cites: Cite[];
  /** Lowest first. */
  severities: string[];
  /** Each category's name, default severity (a flag's own `severity` overrides it) and label. */
  categories: { name: string; severity: string; label: string | null; id: string }[];
}

/**
 * Whom an action applies to, relative to the flag, complaint or event that triggered it: the
 * `group`, the `user` concerned, the group's `creator`, or each of its `managers`.
 */
export type TargetName = "group" | "user" | "creator" | "managers";

/**
 * One action of a measure, of `responsibility.otherwise` or `complaints.otherwise` (Article 11),
 * as the policy wrote it; the engine turns each into effects (see `Effect`). `warn` with
 * `rectifyWithin` sets a rectification timer that applies `otherwise` if the target is flagged
 * again before it falls due; a `blacklist` without `duration` is permanent.
 */
export type ActionIR =
  | { kind: "warn"; target: TargetName; rectifyWithin: DurationIR | null; otherwise: ActionIR[] }
  | { kind: "suspend-posting"; target: TargetName; duration: DurationIR }
  | { kind: "close-group"; target: TargetName }
  | { kind: "blacklist"; target: TargetName; duration: DurationIR | null }
  | { kind: "lower-credit"; target: TargetName; by: number }
  | { kind: "suspend-management"; target: TargetName; duration: DurationIR }
  | { kind: "cancel-creation"; target: TargetName }
  | { kind: "record" }
  | { kind: "report"; to: string }
  | { kind: "escalate" };

/**
 * `tsc` fails here when the actions above and the table of src/vocab/actions.ts disagree: an
 * action is added in both.
 */
export const ACTION_KINDS_MATCH: [ActionIR["kind"], ActionKind] extends [ActionKind, ActionIR["kind"]] ? true : never = true;

/** When a measure applies to a `content.flagged` event. */
export interface TriggerIR {
  /** Number of matching flags (this one included) within `within`; 1 for a single flag. */
  count: number;
  severityOp: "==" | ">=";
  /** Null: any severity. */
  severity: string | null;
  /** Empty: any prohibited category. */
  categories: string[];
  /** Where flags are counted: in the flagged group, or by the flagged user across groups. */
  scope: "group" | "user";
  /** The window flags are counted in, ending at the flag; null: ever. */
  within: DurationIR | null;
}

/**
 * A measure (Article 11): when a flag matches its trigger, its actions apply. Every matching
 * measure applies, in the version's order; the decision names the one with the most demanding
 * trigger (highest count, then severity) as its rule.
 */
export interface MeasureIR {
  kind: "measure";
  id: string;
  name: string;
  cites: Cite[];
  trigger: TriggerIR;
  /** Applied in order; the checker requires `record` and `report` among them (A11.record-report). */
  actions: ActionIR[];
}

/**
 * Responsibility of creators and managers (Articles 9 and 11): a flag in a group must be handled
 * (a `group.manage` by the creator or an active manager on the flagged message or user) within
 * `window`, or `otherwise` applies by timer.
 */
export interface ResponsibilityIR {
  kind: "responsibility";
  id: string;
  cites: Cite[];
  window: DurationIR;
  otherwise: ActionIR[];
}

/** Complaints (Article 12): a filed complaint must be resolved within `resolveWithin`, or `otherwise` applies by timer. */
export interface ComplaintsIR {
  kind: "complaints";
  id: string;
  cites: Cite[];
  resolveWithin: DurationIR;
  otherwise: ActionIR[];
}

/** Record retention (Article 13): how long the decision record is kept; never less than six calendar months. */
export interface RetentionIR {
  kind: "retention";
  id: string;
  cites: Cite[];
  keepLogs: DurationIR;
}

/** Management rights (Article 9); `id` is null when the version declares no management section. */
export interface ManagementIR {
  kind: "management";
  id: string | null;
  cites: Cite[];
  /** How long a `mute` lasts. */
  muteFor: DurationIR;
}

/** What a blacklist withholds (Article 11), for blacklisted users and for blacklisted groups. */
export interface BlacklistIR {
  kind: "blacklist";
  id: string;
  cites: Cite[];
  /** Services a blacklisted user may not use. */
  users: Service[];
  /** Services refused in a blacklisted group. */
  groups: Service[];
}

/**
 * Where a rule came from: `policy`, a `rule` declaration; `section`, lowered from a section;
 * `builtin`, a structural rule every policy gets (the group must exist, a poster must be a member,
 * …); `permit`, the final allow of an event type (`permit/group.join`).
 */
export type RuleOrigin = "policy" | "section" | "builtin" | "permit";

/**
 * An allow/deny rule on decided events. Rules are kept in precedence order: any holding `deny`
 * wins, the first one deciding; else the first holding `allow` decides; with no rule holding, the
 * engine denies (`engine/no-permit`).
 */
export interface RuleIR {
  kind: "rule";
  id: string;
  /** The name decisions give as `rule`. */
  name: string;
  origin: RuleOrigin;
  /** For section rules: the section kind it was lowered from (`identity`, `tiers`, …). */
  section: string | null;
  /** The event types the rule applies to. */
  on: DecidedEvent[];
  effect: "deny" | "allow";
  /** The condition; a rule written without `when` has the literal `true`. */
  when: ExprIR;
  /** The reason sentence; `{path}` parts are filled from the event context. */
  because: TemplatePart[];
  cites: Cite[];
}

/**
 * An integrity guard: a state change the engine refuses even when the rules allow it, because
 * applying it would leave the state meaningless (a create over a used id, a change to an unknown
 * group, a second join, a role change or removal of a non-member or of the creator). Under a
 * well-formed policy its rules deny these first; the guards make it so whatever the rules say.
 * For an allowed event, the first guard on its type whose `when` holds decides `deny`, under the
 * guard's `name`.
 */
export interface GuardIR {
  kind: "guard";
  /** The name decisions give as `rule` (`integrity/unknown-group`). */
  name: string;
  /** The event types the guard applies to. */
  on: DecidedEvent[];
  /** When the guard refuses, over the same typed paths as rule conditions. */
  when: ExprIR;
  /** The reason sentence; `{path}` parts are filled from the event context. */
  because: TemplatePart[];
  cites: Cite[];
}

/** A piece of a reason template: literal text, or a context path whose value is filled in (`{group.members}`). */
export type TemplatePart = string | { path: string };

/**
 * A rule condition in the typed expression language (docs/language.md, "Expressions"). Values
 * never mix types; a `path` reads the event's context (`group.members`, `user.credit`), a
 * `window` counts flags in a duration before now. `id` is present on nodes that came from source
 * text (see `spans`).
 */
export type ExprIR =
  | { kind: "lit"; id?: string; type: "bool"; value: boolean }
  | { kind: "lit"; id?: string; type: "count"; value: number }
  | { kind: "lit"; id?: string; type: "string"; value: string }
  /** Enumeration literal: a credit level, category, tier, severity, role or action name. */
  | { kind: "lit"; id?: string; type: "level" | "category" | "tier" | "severity" | "role" | "action"; value: string }
  | { kind: "duration"; id?: string; amount: number; unit: DurationUnit }
  /** An instant, RFC 3339 with offset. */
  | { kind: "time"; id?: string; value: string }
  | { kind: "path"; id?: string; path: string; type: ValueType }
  | { kind: "window"; id?: string; path: string; within: DurationIR }
  | { kind: "not"; id?: string; arg: ExprIR }
  | { kind: "and"; id?: string; args: ExprIR[] }
  | { kind: "or"; id?: string; args: ExprIR[] }
  | { kind: "cmp"; id?: string; op: "==" | "!=" | "<" | "<=" | ">" | ">="; left: ExprIR; right: ExprIR }
  | { kind: "in"; id?: string; negated: boolean; left: ExprIR; items: ExprIR[] }
  | { kind: "between"; id?: string; negated: boolean; left: ExprIR; from: number; to: number }
  | { kind: "if"; id?: string; type: ValueType; cond: ExprIR; then: ExprIR; else: ExprIR }
  | { kind: "arith"; id?: string; type: ValueType; op: "+" | "-"; left: ExprIR; right: ExprIR };

export type ExprKind = ExprIR["kind"];
