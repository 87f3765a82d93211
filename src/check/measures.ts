/**
 * Measures (Articles 11 and 12): every measure, the responsibility `otherwise` and the complaints
 * `otherwise` both `record` and `report to authority` (A11.record-report); only overdue complaints
 * escalate, and they must (A12.complaints); each action applies to a target it makes sense for;
 * counted triggers have a window; durations and amounts are positive.
 */
import type * as A from "../ast/nodes.js";
import { noteFor, type Ctx } from "./context.js";
import { CODES } from "./ids.js";
import { didYouMean, orList } from "./suggest.js";
import { showDuration } from "./exprs.js";
import { sectionOf } from "./versions.js";

export const TARGETS = ["group", "user", "creator", "managers"] as const;

type Place = "measure" | "rectify" | "responsibility" | "complaints";

/** What each action is called in messages, and which targets it takes in a measure. */
const ACTION_INFO: Readonly<Record<A.Action["kind"], { name: string; targets: readonly string[] }>> = {
  WarnAction: { name: "warn", targets: TARGETS },
  SuspendPostingAction: { name: "suspend posting", targets: ["group"] },
  CloseGroupAction: { name: "close", targets: ["group"] },
  BlacklistAction: { name: "blacklist", targets: TARGETS },
  LowerCreditAction: { name: "lower credit", targets: ["user", "creator", "managers"] },
  SuspendManagementAction: { name: "suspend management", targets: ["user", "creator", "managers"] },
  CancelCreationAction: { name: "cancel creation", targets: ["user", "creator", "managers"] },
  RecordAction: { name: "record", targets: [] },
  ReportAction: { name: "report", targets: [] },
  EscalateAction: { name: "escalate", targets: [] },
};

function targetOf(a: A.Action): A.Target | undefined {
  return "target" in a ? a.target : undefined;
}

function durationsOf(a: A.Action): A.Duration[] {
  switch (a.kind) {
    case "WarnAction":
      return a.rectifyWithin ? [a.rectifyWithin] : [];
    case "SuspendPostingAction":
    case "SuspendManagementAction":
      return [a.duration];
    case "BlacklistAction":
      return a.duration ? [a.duration] : [];
    default:
      return [];
  }
}

export function positiveDuration(ctx: Ctx, d: A.Duration | null, what: string, note: string): void {
  if (!d || d.amount > 0) return;
  ctx.sink.error(CODES.notPositive, d.span, `${what} of ${showDuration(d)} has no effect`, { help: "give a length of at least one unit, such as `1 day`", note });
}

function checkActions(ctx: Ctx, actions: readonly A.Action[], place: Place, note: string): void {
  for (const a of actions) {
    const info = ACTION_INFO[a.kind];
    if (a.kind === "EscalateAction" && place !== "complaints") {
      ctx.sink.error(CODES.escalateMisplaced, a.span, `\`escalate\` is only for overdue complaints, not for ${place === "rectify" ? "a rectification deadline" : `a ${place}`}`, {
        help: "remove it; measures are reported with `report to authority`",
        note,
      });
      continue;
    }
    if (place === "complaints" && a.kind !== "EscalateAction" && a.kind !== "RecordAction" && a.kind !== "ReportAction") {
      ctx.sink.error(CODES.badTarget, a.span, `\`${info.name}\` cannot be used for overdue complaints: they escalate, record and report`, {
        help: "apply measures through `measure` declarations; write `otherwise escalate, record, report to authority`",
        note,
      });
      continue;
    }
    const target = targetOf(a);
    if (target) checkTarget(ctx, a, target, place, note);
    for (const d of durationsOf(a)) positiveDuration(ctx, d, `\`${info.name}\``, note);
    if (a.kind === "LowerCreditAction" && a.by.value <= 0) {
      ctx.sink.error(CODES.notPositive, a.by.span, `lowering credit by ${a.by.value} levels has no effect`, { help: "lower it by at least 1", note });
    }
    if (a.kind === "WarnAction") checkActions(ctx, a.otherwise, "rectify", note);
  }
}

function checkTarget(ctx: Ctx, a: A.Action, target: A.Target, place: Place, note: string): void {
  const info = ACTION_INFO[a.kind];
  if (!(TARGETS as readonly string[]).includes(target.name)) {
    ctx.sink.error(CODES.unknownTarget, target.span, `unknown target \`${target.name}\``, {
      help: didYouMean(target.name, TARGETS) ?? `actions apply to ${orList(TARGETS)}`,
      note,
    });
    return;
  }
  if (place === "responsibility" && target.name !== "creator" && target.name !== "managers") {
    ctx.sink.error(CODES.badTarget, target.span, `\`${info.name} ${target.name}\` cannot be a responsibility measure: it holds the group's creator and managers to account`, {
      help: "target `creator` or `managers` (A11.responsibility)",
      note,
    });
    return;
  }
  if (!info.targets.includes(target.name)) {
    ctx.sink.error(CODES.badTarget, target.span, `\`${info.name}\` applies to ${orList(info.targets)}, not to \`${target.name}\``, {
      help:
        a.kind === "CloseGroupAction"
          ? "only a group can be closed: target `group`, and use `blacklist` or `cancel creation` for users"
          : a.kind === "SuspendPostingAction"
            ? "posting is suspended for a whole group: target `group`, and use `blacklist` for a user"
            : `a group has no credit or management rights of its own: target ${orList(info.targets)}`,
      note,
    });
  }
}

/** `record` and `report to authority` in a list of actions (A11.record-report). */
function checkRecordReport(ctx: Ctx, actions: readonly A.Action[], span: A.Node["span"], what: string, note: string): void {
  if (!actions.some((a) => a.kind === "RecordAction")) {
    ctx.sink.error(CODES.noRecord, span, `${what} does not \`record\``, {
      help: "add `record`: every Article 11 measure is kept in the record",
      reqs: ["A11.record-report"],
      note,
    });
  }
  const reports = actions.filter((a): a is A.ReportAction => a.kind === "ReportAction");
  if (!reports.some((r) => r.to.name === "authority")) {
    const elsewhere = reports.map((r) => `\`${r.to.name}\``);
    ctx.sink.error(CODES.noReport, span, elsewhere.length ? `${what} reports to ${elsewhere.join(", ")} but not to the authority` : `${what} does not \`report to authority\``, {
      help: "add `report to authority`: every Article 11 measure is reported to the competent authority",
      reqs: ["A11.record-report"],
      note,
    });
  }
}

function checkTrigger(ctx: Ctx, m: A.MeasureDecl, t: A.Trigger, note: string): void {
  const n = t.count?.value ?? 1;
  if (t.count && n <= 0) {
    ctx.sink.error(CODES.notPositive, t.count.span, `\`on ${n} flags\` would trigger without any flag`, { help: "count at least one flag: `on flag …`", note });
  }
  if (n > 1 && !t.within) {
    ctx.sink.error(CODES.countWithoutWindow, t.span, `measure \`${m.name.name}\` counts ${n} flags but gives no window to count them in`, {
      help: `add a window, such as \`on ${n} flags … within 30 days\``,
      note,
    });
  }
  positiveDuration(ctx, t.within, "a window", note);
}

export function checkMeasures(ctx: Ctx): void {
  for (const m of ctx.version.measureNodes) {
    const note = noteFor(ctx, m);
    if (!m.trigger) {
      ctx.sink.error(CODES.missingClause, m.name.span, `measure \`${m.name.name}\` has no trigger`, {
        help: "add one, such as `on flag serious` or `on 3 flags >= minor in group within 30 days`",
        note,
      });
    } else checkTrigger(ctx, m, m.trigger, note);
    if (m.actions.length === 0) {
      ctx.sink.error(CODES.missingClause, m.name.span, `measure \`${m.name.name}\` has no actions`, {
        help: "add `then …, record, report to authority`",
        reqs: ["A11.record-report"],
        note,
      });
      continue;
    }
    checkActions(ctx, m.actions, "measure", note);
    checkRecordReport(ctx, m.actions, m.actions[0]!.span, `measure \`${m.name.name}\``, note);
  }

  const resp = sectionOf(ctx.version, "ResponsibilitySection");
  if (resp) {
    const note = noteFor(ctx, resp);
    if (!resp.window) {
      ctx.sink.error(CODES.missingClause, resp.span, "the `responsibility` section does not say how long managers have to handle a flag", {
        help: "add `handle flags within 24 hours` (or the platform's window)",
        reqs: ["A11.responsibility"],
        note,
      });
    } else positiveDuration(ctx, resp.window, "a handling window", note);
    if (resp.otherwise.length === 0) {
      ctx.sink.error(CODES.missingClause, resp.span, "the `responsibility` section says nothing about what happens when a flag is not handled", {
        help: "add `otherwise suspend management of managers for 7 days, record, report to authority`",
        reqs: ["A11.responsibility"],
        note,
      });
    } else {
      checkActions(ctx, resp.otherwise, "responsibility", note);
      checkRecordReport(ctx, resp.otherwise, resp.otherwise[0]!.span, "the `responsibility` measure", note);
    }
  }

  const complaints = sectionOf(ctx.version, "ComplaintsSection");
  if (complaints) {
    const note = noteFor(ctx, complaints);
    if (!complaints.resolveWithin) {
      ctx.sink.error(CODES.missingClause, complaints.span, "the `complaints` section sets no deadline", {
        help: "add `resolve within 48 hours` (or the platform's deadline)",
        reqs: ["A12.complaints"],
        note,
      });
    } else positiveDuration(ctx, complaints.resolveWithin, "a deadline", note);
    if (complaints.otherwise.length === 0) {
      ctx.sink.error(CODES.missingClause, complaints.span, "the `complaints` section says nothing about overdue complaints", {
        help: "add `otherwise escalate, record, report to authority`",
        reqs: ["A12.complaints"],
        note,
      });
    } else {
      checkActions(ctx, complaints.otherwise, "complaints", note);
      if (!complaints.otherwise.some((a) => a.kind === "EscalateAction")) {
        ctx.sink.error(CODES.complaintsNoEscalate, complaints.otherwise[0]!.span, "overdue complaints are not escalated", {
          help: "add `escalate` to the `otherwise` of `complaints`",
          reqs: ["A12.complaints"],
          note,
        });
      }
      checkRecordReport(ctx, complaints.otherwise, complaints.otherwise[0]!.span, "the overdue-complaint measure", note);
    }
  }
}
