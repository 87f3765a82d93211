/**
 * The actions a measure (and `responsibility`/`complaints` `otherwise`) can take: one row per
 * action, and every list of them in the project derives from this table — the sanctions that must
 * be recorded and reported, the targets each accepts, the `measure` words of a decision and its
 * schema, the requirement a measure using them fits. A new action is a row here, its IR variant
 * (src/ir/types.ts, which `tsc` then holds to this table), and the cases `tsc` names.
 */

/** Who an action can apply to: any target, only a group, only users (`user`, `creator`, `managers`), or nobody. */
export type ActionTargets = "any" | "group" | "users" | "none";

export interface ActionInfo {
  /** The AST node the parser builds for it (src/ast/nodes.ts). */
  readonly ast: string;
  /** How a policy writes it (docs/language.md, "Measures"). */
  readonly words: string;
  readonly targets: ActionTargets;
  /**
   * An Article 11 measure imposed on its target, which decisions carry as a `measure` effect and
   * which must be recorded and reported (A11.record-report); `record`, `report` and `escalate`
   * are the bookkeeping around sanctions, not sanctions.
   */
  readonly sanction: boolean;
  /** The requirement the action serves: what a measure using it fits (check/citations.ts). */
  readonly serves: string;
}

/**
 * Every action, by its IR `kind`. The sanctions are in the order of the decision schema's
 * `measure` enum (schema/decision-v1.json), which is derived from it.
 */
export const ACTIONS = {
  warn: { ast: "WarnAction", words: "warn <target> [rectify within <duration> otherwise (<actions>)]", targets: "any", sanction: true, serves: "A11.group-measures" },
  "suspend-posting": { ast: "SuspendPostingAction", words: "suspend posting of <target> for <duration>", targets: "group", sanction: true, serves: "A11.group-measures" },
  "close-group": { ast: "CloseGroupAction", words: "close <target>", targets: "group", sanction: true, serves: "A11.group-measures" },
  "lower-credit": { ast: "LowerCreditAction", words: "lower credit of <target> by <n>", targets: "users", sanction: true, serves: "A11.user-measures" },
  "suspend-management": { ast: "SuspendManagementAction", words: "suspend management of <target> for <duration>", targets: "users", sanction: true, serves: "A11.user-measures" },
  "cancel-creation": { ast: "CancelCreationAction", words: "cancel creation of <target>", targets: "users", sanction: true, serves: "A11.user-measures" },
  blacklist: { ast: "BlacklistAction", words: "blacklist <target> [for <duration>]", targets: "any", sanction: true, serves: "A11.blacklist" },
  record: { ast: "RecordAction", words: "record", targets: "none", sanction: false, serves: "A11.record-report" },
  report: { ast: "ReportAction", words: "report to <authority>", targets: "none", sanction: false, serves: "A11.record-report" },
  escalate: { ast: "EscalateAction", words: "escalate", targets: "none", sanction: false, serves: "A12.complaints" },
} as const satisfies Record<string, ActionInfo>;

/** An action's IR `kind`. */
export type ActionKind = keyof typeof ACTIONS;

/** The sanctions' kinds: the `measure` of a decision's `measure` effect. */
export type SanctionKind = { [K in ActionKind]: (typeof ACTIONS)[K]["sanction"] extends true ? K : never }[ActionKind];

/** An action's AST node kind. */
export type ActionAstKind = (typeof ACTIONS)[ActionKind]["ast"];

export const ACTION_KINDS = Object.keys(ACTIONS) as ActionKind[];

/** The sanctions, in table order. */
export const SANCTION_KINDS = ACTION_KINDS.filter((k): k is SanctionKind => ACTIONS[k].sanction);

const SANCTION_SET: ReadonlySet<string> = new Set(SANCTION_KINDS);

/** Whether an action kind is a sanction (see {@link ActionInfo.sanction}). */
export function isSanction(kind: string): kind is SanctionKind {
  return SANCTION_SET.has(kind);
}

const BY_AST: ReadonlyMap<string, ActionKind> = new Map(ACTION_KINDS.map((k) => [ACTIONS[k].ast, k]));

/** The IR kind of an AST action node's kind. */
export function actionOfAst(ast: ActionAstKind): ActionKind {
  return BY_AST.get(ast)!;
}

/** Whether `target` (`group`, `user`, `creator`, `managers`) can carry the action `kind`. */
export function targetFits(kind: ActionKind, target: string): boolean {
  switch (ACTIONS[kind].targets) {
    case "any":
      return true;
    case "group":
      return target === "group";
    case "users":
      return target !== "group";
    case "none":
      return false;
  }
}
