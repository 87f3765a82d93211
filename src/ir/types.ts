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

export const IR_VERSION = 1 as const;

/** Compact source span: 1-based lines and columns, end exclusive. */
export interface SpanIR {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface Cite {
  article: number;
  req: string;
}

export type DurationUnit = "minute" | "hour" | "day" | "week" | "month" | "year";

/** A duration; months and years are calendar units in the version's time zone. */
export interface DurationIR {
  amount: number;
  unit: DurationUnit;
}

export interface PolicyIR {
  kind: "policy";
  irVersion: typeof IR_VERSION;
  name: string;
  title: string | null;
  /** Where the policy came from, when compiled from text. */
  source: { file: string; sha256: string } | null;
  /** The base version first, then amendments in effective order; each is complete (not a diff). */
  versions: VersionIR[];
  /** Node id → source span. */
  spans: Record<string, SpanIR>;
}

export interface VersionIR {
  kind: "version";
  id: string;
  version: string;
  /** RFC 3339 instant with offset, e.g. `2017-10-08T00:00:00+08:00`. */
  effective: string;
  /** IANA zone or fixed offset, for calendar arithmetic and for rendering computed times. */
  zone: string;
  /** Events may arrive out of order by at most this much. */
  toleranceMs: number;
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
}

export interface AgreementIR {
  kind: "agreement";
  id: string;
  cites: Cite[];
  /** The version in force before any `agreement.published` event. */
  currentVersion: string | null;
  requiredFor: Service[];
  /** A new published version must be accepted again. */
  reaccept: boolean;
}

export interface IdentityIR {
  kind: "identity";
  id: string;
  cites: Cite[];
  requiredFor: Service[];
}

export interface CreditIR {
  kind: "credit";
  id: string;
  cites: Cite[];
  /** Lowest first. */
  levels: string[];
  default: string;
}

export interface CategoryIR {
  kind: "category";
  id: string;
  name: string;
  label: string | null;
}

export interface TierTableIR {
  kind: "tierTable";
  id: string;
  cites: Cite[];
  /** Null: the default table for every category without its own. */
  categories: string[] | null;
  /** Ordered by `minMembers`. */
  tiers: TierIR[];
}

export interface TierIR {
  kind: "tier";
  id: string;
  name: string;
  minMembers: number;
  maxMembers: number;
  /** Messages per day from which a smaller group is promoted into this tier. */
  activityFrom: number | null;
  creator: { verified: boolean; minCredit: string | null };
  joinApproval: boolean;
}

export interface SteppedIR {
  base: number;
  /** Ascending by level: the value for users whose credit is at least `atLeast`. */
  steps: { atLeast: string; value: number }[];
}

export interface LimitsIR {
  kind: "limits";
  id: string | null;
  cites: Cite[];
  membersPerGroup: number | null;
  groupsCreated: SteppedIR | null;
  groupsJoined: SteppedIR | null;
  infoPage: { from: number; enforced: boolean } | null;
}

export interface ProhibitedIR {
  kind: "prohibited";
  id: string | null;
  cites: Cite[];
  /** Lowest first. */
  severities: string[];
  categories: { name: string; severity: string; label: string | null; id: string }[];
}

export type TargetName = "group" | "user" | "creator" | "managers";

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
  within: DurationIR | null;
}

export interface MeasureIR {
  kind: "measure";
  id: string;
  name: string;
  cites: Cite[];
  trigger: TriggerIR;
  actions: ActionIR[];
}

export interface ResponsibilityIR {
  kind: "responsibility";
  id: string;
  cites: Cite[];
  window: DurationIR;
  otherwise: ActionIR[];
}

export interface ComplaintsIR {
  kind: "complaints";
  id: string;
  cites: Cite[];
  resolveWithin: DurationIR;
  otherwise: ActionIR[];
}

export interface RetentionIR {
  kind: "retention";
  id: string;
  cites: Cite[];
  keepLogs: DurationIR;
}

export interface ManagementIR {
  kind: "management";
  id: string | null;
  cites: Cite[];
  /** How long a `mute` lasts. */
  muteFor: DurationIR;
}

export interface BlacklistIR {
  kind: "blacklist";
  id: string;
  cites: Cite[];
  users: Service[];
  groups: Service[];
}

/** Where a rule came from: a `rule` declaration, a section it was lowered from, or the engine itself. */
export type RuleOrigin = "policy" | "section" | "builtin" | "permit";

export interface RuleIR {
  kind: "rule";
  id: string;
  name: string;
  origin: RuleOrigin;
  /** For section rules: the section kind it was lowered from (`identity`, `tiers`, …). */
  section: string | null;
  on: DecidedEvent[];
  effect: "deny" | "allow";
  when: ExprIR;
  /** The reason sentence; `{path}` parts are filled from the event context. */
  because: TemplatePart[];
  cites: Cite[];
}

export type TemplatePart = string | { path: string };

/** Expressions. `id` is present on nodes that came from source text (see `spans`). */
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
