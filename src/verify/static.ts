/**
 * The static requirements of src/law/articles.ts, checked on the IR alone. They read the IR (not the AST),
 * so they judge any policy, including hand-written IR or one compiled elsewhere, and they re-check
 * what the compiler's checker already enforces: verify trusts nothing upstream.
 *
 * Each check returns findings; an empty list means the requirement holds on every version.
 */
import { REGULATION_EFFECTIVE_MS } from "../law/articles.js";
import type { ActionIR, ExprIR, MeasureIR, PolicyIR, RuleIR, SpanIR, TierTableIR, VersionIR } from "../ir/types.js";
import { addDuration, parseRfc3339 } from "../source/time.js";
import type { Service } from "../vocab/events.js";
import { bandProblems } from "../vocab/tiers.js";
import { isSanction } from "../vocab/actions.js";

export interface StaticFinding {
  req: string;
  /** One sentence, naming the version and the thing that is wrong. */
  message: string;
  /** The IR node at fault, for its source span. */
  node: string | null;
}

export interface StaticCheck {
  req: string;
  /** What is checked, for reports and docs/verify.md. */
  description: string;
  /** Not applicable when the policy has nothing this requirement speaks about. */
  applies(ir: PolicyIR): boolean;
  run(ir: PolicyIR): StaticFinding[];
}

const label = (v: VersionIR) => `version ${v.version}`;

/** Per category the tier table that governs it; the default table covers the rest. */
function tablesByCategory(v: VersionIR): { category: string; table: TierTableIR | undefined }[] {
  const fallback = v.tiers.find((t) => t.categories === null);
  return v.categories.map((c) => ({ category: c.name, table: v.tiers.find((t) => t.categories?.includes(c.name)) ?? fallback }));
}

/** The member cap a table serves: the platform cap, or the top band when there is none. */
function capOf(v: VersionIR, table: TierTableIR): number {
  return v.limits.membersPerGroup ?? Math.max(0, ...table.tiers.map((t) => t.maxMembers));
}


const tiers: StaticCheck = {
  req: "A7.tiers",
  description: "per category, the tier bands cover every member count from 1 to the cap, without gaps or overlaps",
  applies: () => true,
  run(ir) {
    const out: StaticFinding[] = [];
    for (const v of ir.versions) {
      if (v.categories.length === 0) out.push({ req: "A7.tiers", message: `${label(v)} declares no group categories`, node: v.id });
      for (const { category, table } of tablesByCategory(v)) {
        if (!table || table.tiers.length === 0) {
          out.push({ req: "A7.tiers", message: `${label(v)}: category ${category} has no tiers`, node: v.id });
          continue;
        }
        const { gaps, overlaps } = bandProblems(table, capOf(v, table));
        for (const [a, b] of gaps) out.push({ req: "A7.tiers", message: `${label(v)}: no tier for ${a}..${b} members in category ${category}`, node: table.id });
        for (const [a, b, x, y] of overlaps) {
          out.push({ req: "A7.tiers", message: `${label(v)}: members ${a}..${b} of category ${category} are in both ${x} and ${y}`, node: table.id });
        }
      }
    }
    return out;
  },
};

/** Walks an expression in negation normal form, reporting each credit comparison with its polarity. */
function creditPolarities(e: ExprIR, positive: boolean, visit: (cmp: ExprIR & { kind: "cmp" | "in" }, positive: boolean) => void): void {
  switch (e.kind) {
    case "not":
      return creditPolarities(e.arg, !positive, visit);
    case "and":
    case "or":
      return e.args.forEach((a) => creditPolarities(a, positive, visit));
    case "if":
      creditPolarities(e.cond, positive, visit);
      creditPolarities(e.cond, !positive, visit);
      creditPolarities(e.then, positive, visit);
      return creditPolarities(e.else, positive, visit);
    case "cmp":
    case "in":
      if (mentionsCredit(e)) visit(e, positive);
      return;
    default:
      return;
  }
}

function mentionsCredit(e: ExprIR): boolean {
  switch (e.kind) {
    case "path":
      return e.path.endsWith(".credit");
    case "cmp":
    case "arith":
      return mentionsCredit(e.left) || mentionsCredit(e.right);
    case "in":
    case "between":
      return mentionsCredit(e.left);
    case "if":
      return mentionsCredit(e.cond) || mentionsCredit(e.then) || mentionsCredit(e.else);
    default:
      return false;
  }
}

/**
 * A deny that holds for *more* credit breaks monotonicity: `credit >= B` in a deny (positively)
 * takes a service away from users as they rise. Credit-stepped limits compare credit inside the
 * cap expression, where higher credit must mean a cap at least as high; those are checked on the
 * limits data instead.
 */
function denyRaisesWithCredit(rule: RuleIR): string | undefined {
  let problem: string | undefined;
  creditPolarities(rule.when, true, (c, positive) => {
    if (c.kind === "in") {
      problem ??= "tests credit for membership in a set of levels, which is not monotone";
      return;
    }
    const creditOnLeft = c.left.kind === "path" && c.left.path.endsWith(".credit");
    const creditOnRight = c.right.kind === "path" && c.right.path.endsWith(".credit");
    if (!creditOnLeft && !creditOnRight) return; // e.g. a cap expression: checked on the limits data
    let op = c.op;
    if (creditOnRight) op = ({ "<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!=" } as const)[op];
    const deniesHigher = positive ? op === ">" || op === ">=" : op === "<" || op === "<=";
    if (op === "==" || op === "!=") problem ??= `compares credit with ${op}, which is not monotone`;
    else if (deniesHigher) problem ??= "denies more as credit rises";
  });
  return problem;
}

const credit: StaticCheck = {
  req: "A7.credit",
  description: "services are monotone in credit: no deny rule bites harder as credit rises, credit-stepped caps never fall, tier qualifications never weaken up the tiers",
  applies: () => true,
  run(ir) {
    const out: StaticFinding[] = [];
    for (const v of ir.versions) {
      const rank = (l: string) => v.credit.levels.indexOf(l);
      for (const r of v.rules) {
        if (r.effect !== "deny") continue;
        const problem = denyRaisesWithCredit(r);
        if (problem) out.push({ req: "A7.credit", message: `${label(v)}: rule ${r.name} ${problem}`, node: r.id });
      }
      for (const key of ["groupsCreated", "groupsJoined"] as const) {
        const s = v.limits[key];
        if (!s) continue;
        let previous = s.base;
        let previousRank = -1;
        for (const step of [...s.steps].sort((a, b) => rank(a.atLeast) - rank(b.atLeast))) {
          if (step.value < previous) {
            out.push({ req: "A7.credit", message: `${label(v)}: ${key} falls to ${step.value} at credit ${step.atLeast} from ${previous} below it`, node: v.limits.id });
          }
          if (rank(step.atLeast) === previousRank) out.push({ req: "A7.credit", message: `${label(v)}: ${key} has two steps at ${step.atLeast}`, node: v.limits.id });
          previous = step.value;
          previousRank = rank(step.atLeast);
        }
      }
      for (const table of v.tiers) {
        let needed = -1;
        for (const t of [...table.tiers].sort((a, b) => a.minMembers - b.minMembers)) {
          const r = t.creator.minCredit === null ? -1 : rank(t.creator.minCredit);
          if (r < needed) out.push({ req: "A7.credit", message: `${label(v)}: tier ${t.name} asks less credit of its creator than a smaller tier`, node: t.id });
          needed = Math.max(needed, r);
        }
      }
    }
    return out;
  },
};

function actionKinds(actions: readonly ActionIR[]): Set<string> {
  return new Set(actions.map((a) => a.kind));
}

/** Every list of actions that applies a sanction must also record and report, nested lists included. */
function unreported(actions: readonly ActionIR[], where: string): string[] {
  const kinds = actionKinds(actions);
  const out: string[] = [];
  const sanctions = actions.some((a) => isSanction(a.kind));
  if (sanctions && !kinds.has("record")) out.push(`${where} applies a measure without a record`);
  if (sanctions && !kinds.has("report")) out.push(`${where} applies a measure without a report to the authority`);
  for (const a of actions) if (a.kind === "warn" && a.otherwise.length) out.push(...unreported([...a.otherwise, ...actions.filter((x) => x.kind === "record" || x.kind === "report")], `${where} (its rectification fallback)`));
  return out;
}

const recordReport: StaticCheck = {
  req: "A11.record-report",
  description: "every measure, the responsibility fallback and the complaint escalation record and report to the authority",
  applies: (ir) => ir.versions.some((v) => v.measures.length > 0 || v.responsibility !== null),
  run(ir) {
    const out: StaticFinding[] = [];
    for (const v of ir.versions) {
      for (const m of v.measures) for (const msg of unreported(m.actions, `measure ${m.name}`)) out.push({ req: "A11.record-report", message: `${label(v)}: ${msg}`, node: m.id });
      if (v.responsibility) {
        for (const msg of unreported(v.responsibility.otherwise, "the responsibility fallback")) out.push({ req: "A11.record-report", message: `${label(v)}: ${msg}`, node: v.responsibility.id });
      }
    }
    return out;
  },
};

/** The shortest time `keepLogs` can be, compared with six calendar months, from the worst start day. */
export function retentionShortfall(v: VersionIR): string | undefined {
  if (!v.retention) return "keeps no logs: there is no retention section";
  const keep = v.retention.keepLogs;
  // Six calendar months are longest (184 days) from a start such as 31 August; try every day of a
  // leap and a common year so that month lengths and February are all covered.
  const start = Date.UTC(2019, 0, 1);
  for (let day = 0; day < 731; day++) {
    const t = start + day * 86_400_000;
    if (addDuration(t, keep, v.zone) < addDuration(t, { amount: 6, unit: "month" }, v.zone)) {
      return `keeps logs ${keep.amount} ${keep.unit}${keep.amount === 1 ? "" : "s"}, less than six calendar months from some start days`;
    }
  }
  return undefined;
}

const retention: StaticCheck = {
  req: "A13.retention",
  description: "logs are kept at least six calendar months, whatever the start day",
  applies: () => true,
  run(ir) {
    return ir.versions.flatMap((v) => {
      const problem = retentionShortfall(v);
      return problem ? [{ req: "A13.retention", message: `${label(v)} ${problem}`, node: v.retention?.id ?? v.id }] : [];
    });
  },
};

const effective: StaticCheck = {
  req: "A15.effective",
  description: "no version takes effect before 2017-10-08 00:00 China Standard Time, and versions are in date order",
  applies: () => true,
  run(ir) {
    const out: StaticFinding[] = [];
    let previous = -Infinity;
    for (const v of ir.versions) {
      const ms = parseRfc3339(v.effective);
      if (ms === undefined) out.push({ req: "A15.effective", message: `${label(v)} has no valid effective instant`, node: v.id });
      else if (ms < REGULATION_EFFECTIVE_MS) out.push({ req: "A15.effective", message: `${label(v)} takes effect at ${v.effective}, before the regulation (2017-10-08T00:00:00+08:00)`, node: v.id });
      else if (ms <= previous) out.push({ req: "A15.effective", message: `${label(v)} takes effect no later than the version before it`, node: v.id });
      if (ms !== undefined) previous = ms;
    }
    return out;
  },
};

function coverage(req: string, needed: readonly Service[], pick: (v: VersionIR) => readonly Service[] | undefined, what: string): StaticCheck {
  return {
    req,
    description: `${what} is required for ${needed.join(", ")}`,
    applies: () => true,
    run(ir) {
      return ir.versions.flatMap((v) => {
        const have = pick(v) ?? [];
        const missing = needed.filter((s) => !have.includes(s));
        return missing.length ? [{ req, message: `${label(v)}: ${what} is not required for ${missing.join(", ")}`, node: v.id }] : [];
      });
    },
  };
}

/** Article 5 names group services (create, join, post, manage); Article 6 names information release. */
const agreementCoverage = coverage("A5.agreement", ["create", "join", "post", "manage"], (v) => v.agreement?.requiredFor, "acceptance of the service agreement");
const identityCoverage = coverage("A6.real-name", ["post", "create", "set-info"], (v) => v.identity?.requiredFor, "a verified real identity");

const memberCap: StaticCheck = {
  req: "A8.member-cap",
  description: "every group has a finite member cap",
  applies: () => true,
  run(ir) {
    return ir.versions.flatMap((v) =>
      v.limits.membersPerGroup === null && v.tiers.length === 0 ? [{ req: "A8.member-cap", message: `${label(v)} sets no member cap and no tiers`, node: v.id }] : [],
    );
  },
};

/** Article 8 asks for caps on the groups a user creates and joins; a version without them caps nothing. */
const userCaps: StaticCheck = {
  req: "A8.user-caps",
  description: "every version caps both the groups a user creates and the groups a user joins",
  applies: () => true,
  run(ir) {
    return ir.versions.flatMap((v) => {
      const missing = [v.limits.groupsCreated ? null : "groups created per user", v.limits.groupsJoined ? null : "groups joined per user"].filter((x): x is string => x !== null);
      return missing.length ? [{ req: "A8.user-caps", message: `${label(v)} sets no ${missing.join(" and no ")} cap: Article 8 requires caps on the groups each user creates and joins`, node: v.limits.id ?? v.id }] : [];
    });
  },
};

/** Article 8 asks for an info page from some size on; a threshold no group can reach asks for nothing. */
const infoPage: StaticCheck = {
  req: "A8.info-page",
  description: "every version sets an info-page threshold that groups of some category can reach under the member caps",
  applies: () => true,
  run(ir) {
    return ir.versions.flatMap((v): StaticFinding[] => {
      const page = v.limits.infoPage;
      if (!page) return [{ req: "A8.info-page", message: `${label(v)} sets no info-page threshold: Article 8 requires an info page for groups from some size on`, node: v.limits.id ?? v.id }];
      const caps = tablesByCategory(v).map(({ table }) => (table ? Math.min(v.limits.membersPerGroup ?? Infinity, Math.max(0, ...table.tiers.map((t) => t.maxMembers))) : (v.limits.membersPerGroup ?? 0)));
      const largest = Math.max(0, ...caps);
      return largest >= page.from ? [] : [{ req: "A8.info-page", message: `${label(v)}: the info-page threshold of ${page.from} members is above every member cap (the largest is ${largest}), so no group ever needs an info page`, node: v.limits.id ?? v.id }];
    });
  },
};

function triggerMatches(v: VersionIR, t: MeasureIR["trigger"], category: string, severity: string): boolean {
  if (t.categories.length > 0 && !t.categories.includes(category)) return false;
  if (t.severity === null) return true;
  const rank = (x: string) => v.prohibited.severities.indexOf(x);
  return t.severityOp === "==" ? severity === t.severity : rank(severity) >= rank(t.severity);
}

/**
 * Article 10 content starts the Article 11 measures: every prohibited category, at every severity a
 * flag can carry (its own, or the one the flag names), is matched by a measure a single flag triggers.
 */
const prohibitedCoverage: StaticCheck = {
  req: "A10.prohibited-content",
  description: "every version declares prohibited content, and every category at every severity a flag can carry is matched by a measure that a single flag triggers",
  applies: () => true,
  run(ir) {
    const out: StaticFinding[] = [];
    for (const v of ir.versions) {
      if (v.prohibited.categories.length === 0) {
        out.push({ req: "A10.prohibited-content", message: `${label(v)} declares no prohibited content: nothing flagged would ever be removed or sanctioned`, node: v.prohibited.id ?? v.id });
        continue;
      }
      const single = v.measures.filter((m) => m.trigger.count === 1);
      for (const c of v.prohibited.categories) {
        const uncovered = v.prohibited.severities.filter((sev) => !single.some((m) => triggerMatches(v, m.trigger, c.name, sev)));
        if (uncovered.length) {
          out.push({ req: "A10.prohibited-content", message: `${label(v)}: a flag of ${c.name} at severity ${uncovered.join(" or ")} starts no measure (no single-flag measure matches it)`, node: v.prohibited.id ?? v.id });
        }
      }
    }
    return out;
  },
};

const USER_MEASURE_ACTIONS = new Set(["lower-credit", "suspend-management", "cancel-creation", "blacklist"]);

/** Every action of a list, the rectification fallbacks of warnings included. */
function allActions(actions: readonly ActionIR[]): ActionIR[] {
  return actions.flatMap((a) => (a.kind === "warn" ? [a, ...allActions(a.otherwise)] : [a]));
}

/** Repeated serious violations can end on the blacklist: some measure blacklists on flags of the highest severity. */
const blacklistReachable: StaticCheck = {
  req: "A11.blacklist",
  description: "every version has a blacklist section that restricts some function, and some measure (or the responsibility fallback) blacklists a group or user on flags of the highest severity",
  applies: () => true,
  run(ir) {
    const out: StaticFinding[] = [];
    for (const v of ir.versions) {
      if (!v.blacklist || v.blacklist.users.length + v.blacklist.groups.length === 0) {
        out.push({ req: "A11.blacklist", message: `${label(v)} has no blacklist section restricting any function`, node: v.blacklist?.id ?? v.id });
      }
      const top = v.prohibited.severities[v.prohibited.severities.length - 1];
      const byMeasure = v.measures.some((m) => allActions(m.actions).some((a) => a.kind === "blacklist") && (top === undefined || v.prohibited.categories.some((c) => triggerMatches(v, m.trigger, c.name, top))));
      const byResponsibility = allActions(v.responsibility?.otherwise ?? []).some((a) => a.kind === "blacklist");
      if (!byMeasure && !byResponsibility) {
        out.push({ req: "A11.blacklist", message: `${label(v)}: no measure blacklists anyone, so repeated ${top ?? "serious"} violations never end on the blacklist`, node: v.id });
      }
    }
    return out;
  },
};

/** Article 11 names group measures (warning, suspended posting, closing) and user measures (credit, management, creation). */
const groupMeasures: StaticCheck = {
  req: "A11.group-measures",
  description: "every version has a measure that warns, suspends or closes the flagged group",
  applies: () => true,
  run(ir) {
    return ir.versions.flatMap((v) =>
      v.measures.some((m) => allActions(m.actions).some((a) => (a.kind === "warn" && a.target === "group") || a.kind === "suspend-posting" || a.kind === "close-group"))
        ? []
        : [{ req: "A11.group-measures", message: `${label(v)}: no measure warns, suspends or closes a group`, node: v.id }],
    );
  },
};

const userMeasures: StaticCheck = {
  req: "A11.user-measures",
  description: "every version lowers credit, suspends management or cancels creation in some measure or in the responsibility fallback",
  applies: () => true,
  run(ir) {
    return ir.versions.flatMap((v) =>
      [...v.measures.flatMap((m) => allActions(m.actions)), ...allActions(v.responsibility?.otherwise ?? [])].some((a) => a.kind === "lower-credit" || a.kind === "suspend-management" || a.kind === "cancel-creation")
        ? []
        : [{ req: "A11.user-measures", message: `${label(v)}: no measure lowers credit, suspends management or cancels creation`, node: v.id }],
    );
  },
};

/** A group may have no managers: then only a measure on the creator holds anyone responsible for an unhandled flag. */
const responsibilityHoldsCreator: StaticCheck = {
  req: "A11.responsibility",
  description: "the responsibility fallback puts a user measure (lower credit, suspend management, cancel creation, blacklist) on the creator",
  applies: (ir) => ir.versions.some((v) => v.responsibility !== null),
  run(ir) {
    return ir.versions.flatMap((v) =>
      !v.responsibility || allActions(v.responsibility.otherwise).some((a) => USER_MEASURE_ACTIONS.has(a.kind) && "target" in a && a.target === "creator")
        ? []
        : [{ req: "A11.responsibility", message: `${label(v)}: the responsibility fallback puts no user measure on the creator, so an unhandled flag in a group without managers holds nobody responsible`, node: v.responsibility.id }],
    );
  },
};

/** Every static check, in requirement order. */
export const STATIC_CHECKS: readonly StaticCheck[] = [
  agreementCoverage,
  identityCoverage,
  tiers,
  credit,
  memberCap,
  userCaps,
  infoPage,
  prohibitedCoverage,
  groupMeasures,
  userMeasures,
  blacklistReachable,
  recordReport,
  responsibilityHoldsCreator,
  retention,
  effective,
];

/** The span of an IR node, for reports. */
export function spanOf(ir: PolicyIR, node: string | null): SpanIR | undefined {
  return node ? ir.spans[node] : undefined;
}
