/**
 * Writes the non-compliant variants of the (scaled) reference policy that `qungui verify` must
 * catch: test/verify/mutants/NN-name.qg for what the language can state, and NN-name.json (IR)
 * for bugs the compiler would never emit (a lowered rule missing), as a hand-edited or foreign IR
 * would have them. test/verify/mutants.test.ts checks that verify fails each with its requirement
 * id. Run: `npx tsx scripts/make-mutants.ts`.
 *
 * Some requirements no policy can break on this engine (group ids are unique by an integrity guard,
 * roles and message removal are the engine's own): the test covers those with engine mutants.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { compilePolicyText } from "../src/compile.js";
import type { ExprIR } from "../src/ir/types.js";
import type { DecidedEvent } from "../src/vocab/events.js";

const dir = "test/verify/mutants";
const base = readFileSync(`${dir}/base.qg`, "utf8");

interface TextMutant {
  name: string;
  req: string;
  what: string;
  replace: [string, string][];
}
interface IrMutant {
  name: string;
  req: string;
  what: string;
  /** Lowered rules to drop, by exact name or by a pattern. */
  removeRules: (string | RegExp)[];
  /** Text changes to base.qg before compiling (to keep the counterexample within ten events). */
  replace?: [string, string][];
  /** Lowered rules that, on one event type, hold only where `onlyWhen` also holds (the rule is split by event type). */
  narrowRules?: { rule: string; on: DecidedEvent; onlyWhen: ExprIR }[];
  proofOnly?: boolean;
}

const TEXT_MUTANTS: TextMutant[] = [
  { name: "01-unverified-post", req: "A6.real-name", what: "lets users without a verified identity post", replace: [["verified required for post, create, set-info", "verified required for create, set-info"]] },
  { name: "02-tier-gap", req: "A7.tiers", what: "leaves a gap at 3 members between the small and medium tiers", replace: [["    members 3..5\n", "    members 4..5\n"]] },
  {
    name: "03-measure-without-report",
    req: "A11.record-report",
    what: "suspends posting and lowers credit without reporting to the authority",
    // Both measures that a single serious flag triggers lose their report: with either left, the decision is still reported.
    replace: [
      ["then suspend posting of group for 7 days, record, report to authority", "then suspend posting of group for 7 days, record"],
      ["then lower credit of user by 1, record, report to authority", "then lower credit of user by 1, record"],
    ],
  },
  { name: "04-retention-90-days", req: "A13.retention", what: "keeps logs for 90 days", replace: [["keep logs 6 months", "keep logs 90 days"]] },
  { name: "05-complaints-never-escalated", req: "A12.complaints", what: "never escalates an overdue complaint", replace: [["otherwise escalate, record, report to authority", "otherwise record, report to authority"]] },
  { name: "06-effective-too-early", req: "A15.effective", what: "takes effect a week before the regulation", replace: [["effective 2017-10-08 in Asia/Shanghai", "effective 2017-10-01 in Asia/Shanghai"]] },
  { name: "07-join-without-agreement", req: "A5.agreement", what: "lets users join without accepting the agreement", replace: [["required for create, join, post, manage, set-info", "required for create, post, manage, set-info"]] },
  {
    name: "08-credit-not-monotone",
    req: "A7.credit",
    what: "takes posting away from users with the highest credit",
    replace: [
      [
        "// 第七条: services by credit level.",
        'rule top-credit-quiet {\n  serves A7.credit\n  on message.post\n  deny when user.credit >= A\n  because "users at the top credit level may not post"\n}\n\n// 第七条: services by credit level.',
      ],
    ],
  },
  {
    name: "09-no-responsibility",
    req: "A11.responsibility",
    what: "never holds creators or managers to account for unhandled flags",
    replace: [
      [
        "responsibility {\n  serves A11.responsibility\n  // Platform's choice: a day to act on flagged content.\n  handle flags within 24 hours\n  otherwise suspend management of managers for 7 days, lower credit of creator by 1, record, report to authority\n}\n",
        "",
      ],
    ],
  },
];

const IR_MUTANTS: IrMutant[] = [
  { name: "10-join-approval-skipped", req: "A8.join-verification", what: "drops the approval check on joins", removeRules: [/\/join-approval$/] },
  {
    name: "11-member-cap-unenforced",
    req: "A8.member-cap",
    what: "drops every check on group size: the cap, the no-tier check and the tier-growth checks (cap lowered to 2 so the breach takes few events)",
    removeRules: ["limits/member-cap", "tiers/no-tier", /\/grow$/, /\/join-approval$/],
    replace: [["members per group 8", "members per group 2"]],
  },
  { name: "12-user-caps-unenforced", req: "A8.user-caps", what: "drops the per-user caps", removeRules: ["limits/groups-created", "limits/groups-joined"] },
  { name: "14-info-page-unenforced", req: "A8.info-page", what: "drops the info-page hold on joins it declares", removeRules: ["limits/info-page"] },
  { name: "15-creator-unqualified", req: "A8.creator-qualification", what: "drops the creator qualification checks", removeRules: [/^tiers\/.*\/(create|grow)$/] },
  // The next four also take out a measure that would mask the breach (a blacklisted creator can do
  // nothing at all, so a missing closed-group check could never show): each mutant breaks one thing.
  {
    name: "16-suspended-managers-act",
    req: "A9.management-rights",
    what: "lets managers act while their rights are suspended",
    removeRules: ["management/suspended"],
    replace: [["suspend management of user for 30 days, blacklist user for 180 days,", "suspend management of user for 30 days,"]],
  },
  {
    name: "17-closed-group-open",
    req: "A11.group-measures",
    what: "keeps serving closed groups",
    removeRules: ["measures/group-closed"],
    replace: [["then close group, blacklist group, blacklist creator for 1 year,", "then close group,"]],
  },
  {
    name: "18-blacklist-ignored",
    req: "A11.blacklist",
    what: "ignores the blacklist",
    removeRules: [/^blacklist\//],
    replace: [["then close group, blacklist group, blacklist creator for 1 year,", "then blacklist group, blacklist creator for 1 year,"]],
  },
  {
    name: "19-cancelled-creator-creates",
    req: "A11.user-measures",
    what: "ignores a cancelled creation qualification",
    removeRules: ["creation/cancelled", "limits/groups-created"],
    // One serious flag cancels creation here, so the breach takes few events to show.
    replace: [
      ["cancel creation of user, suspend management of user for 30 days, blacklist user for 180 days,", "cancel creation of user, suspend management of user for 30 days,"],
      ["on 2 flags serious by user within 90 days", "on flag serious"],
    ],
  },
  {
    // In a group of two the only member besides the creator can re-role nobody but themselves (the
    // creator is protected): the breach exists only where the actor is the target.
    name: "30-member-re-roles-self",
    req: "A9.management-rights",
    what: "lets members change roles in a group of two (non-members never), where the one member can only re-role themselves",
    removeRules: [],
    proofOnly: true,
    narrowRules: [
      {
        rule: "management/not-a-manager",
        on: "group.role",
        onlyWhen: {
          kind: "or",
          args: [
            { kind: "cmp", op: ">=", left: { kind: "path", path: "group.members", type: "count" }, right: { kind: "lit", type: "count", value: 3 } },
            { kind: "cmp", op: "==", left: { kind: "path", path: "actor.role", type: "role" }, right: { kind: "lit", type: "role", value: "none" } },
          ],
        },
      },
    ],
  },
];

/**
 * Issue 14: realistic mistakes in copies of the reference policy itself (policies/cac-2017.qg), one
 * or a few lines each, grouped by the class of hole in verify they once slipped through: 1 a checker
 * error verify ignored, 2 an obligation nothing required, 3 a property passed vacuously, 4 an
 * amendment that dropped what the regulation requires, 5 per-user caps never stated. `stream`:
 * whether a generated stream shows the breach (else verify reports it statically, at the source).
 */
interface ReferenceMutant {
  name: string;
  req: string;
  what: string;
  issueClass: 1 | 2 | 3 | 4 | 5;
  stream: boolean;
  replace: [string, string][];
}

const reference = readFileSync("policies/cac-2017.qg", "utf8");
const AMENDMENT = `\namendment "1.1" {\n  serves A15.effective\n  effective 2019-01-01 in Asia/Shanghai\n`;

const REFERENCE_MUTANTS: ReferenceMutant[] = [
  {
    name: "20-report-to-platform",
    req: "A11.record-report",
    what: "reports a serious flag's suspension to the platform instead of the authority (QG056)",
    issueClass: 1,
    stream: false,
    replace: [["then suspend posting of group for 7 days, record, report to authority", "then suspend posting of group for 7 days, record, report to platform"]],
  },
  {
    name: "21-responsibility-spares-creator",
    req: "A11.responsibility",
    what: "holds only managers responsible for unhandled flags, so a group without managers holds nobody",
    issueClass: 2,
    stream: true,
    replace: [["otherwise suspend management of managers for 7 days, lower credit of creator by 1, record, report to authority", "otherwise suspend management of managers for 7 days, record, report to authority"]],
  },
  {
    name: "22-rumor-without-measure",
    req: "A10.prohibited-content",
    what: "warns only on spam, so a rumor (minor) is removed but starts no Article 11 measure",
    issueClass: 2,
    stream: true,
    replace: [["  on flag minor\n", "  on flag of spam\n"]],
  },
  {
    name: "23-creator-cannot-manage",
    req: "A9.management-rights",
    what: "a rule comparing the role with `!= manager` that denies the creator the management of their own group",
    issueClass: 2,
    stream: true,
    replace: [
      [
        "// 第七条: services by credit level.",
        'rule managers-manage {\n  serves A9.management-rights\n  on group.manage\n  deny when user.role != manager\n  because "only managers manage group {group}"\n}\n\n// 第七条: services by credit level.',
      ],
    ],
  },
  {
    name: "24-info-page-unreachable",
    req: "A8.info-page",
    what: "asks for an info page from 5000 members, above every member cap (only a checker warning)",
    issueClass: 2,
    stream: false,
    replace: [["info page from 100 members enforced", "info page from 5000 members enforced"]],
  },
  {
    name: "25-never-blacklists",
    req: "A11.blacklist",
    what: "no measure blacklists anyone: repeated serious violations never end on the blacklist (a vacuous pass before)",
    issueClass: 3,
    stream: false,
    replace: [
      ["then close group, blacklist group, blacklist creator for 1 year, record, report to authority", "then close group, record, report to authority"],
      ["then cancel creation of user, suspend management of user for 30 days, blacklist user for 180 days, record, report to authority", "then cancel creation of user, suspend management of user for 30 days, record, report to authority"],
      ["then blacklist group for 90 days, blacklist user for 1 year, record, report to authority", "then suspend posting of group for 90 days, record, report to authority"],
    ],
  },
  {
    name: "26-no-info-page",
    req: "A8.info-page",
    what: "never asks for an info page (not applicable before, though Article 8 requires one)",
    issueClass: 3,
    stream: false,
    replace: [["  info page from 100 members enforced\n", ""]],
  },
  {
    name: "27-amendment-spares-creator",
    req: "A11.responsibility",
    what: "an amendment restates responsibility holding only managers: the breach shows on events after the amendment",
    issueClass: 4,
    stream: true,
    replace: [["rule news-needs-credit {", `${AMENDMENT.trimStart()}  responsibility {\n    serves A11.responsibility\n    otherwise suspend management of managers for 7 days, record, report to authority\n  }\n}\n\nrule news-needs-credit {`]],
  },
  {
    name: "28-amendment-info-page-unreachable",
    req: "A8.info-page",
    what: "an amendment restates limits with an info-page threshold no group reaches; the other clauses carry over",
    issueClass: 4,
    stream: false,
    replace: [["rule news-needs-credit {", `${AMENDMENT.trimStart()}  limits {\n    serves A8.info-page\n    info page from 5000 members\n  }\n}\n\nrule news-needs-credit {`]],
  },
  {
    name: "29-no-joined-cap",
    req: "A8.user-caps",
    what: "leaves out the cap on groups joined per user though limits serves A8.user-caps (QG054)",
    issueClass: 5,
    stream: false,
    replace: [["  groups joined per user 500\n", ""]],
  },
];

export interface MutantEntry {
  file: string;
  req: string;
  what: string;
  /** The issue-14 class of a mutant of the reference policy itself. */
  issueClass?: number;
  /** Whether verify must show the breach on a stream (a counterexample of at most ten events). */
  stream?: boolean;
  /** Streams per requirement in the test (the unscaled reference needs fewer to fail and costs more). */
  runs?: number;
  /** Only a proof finds the breach: it needs an event random streams never send (a user acting on themselves). */
  proofOnly?: boolean;
}

const manifest: MutantEntry[] = [];

function applyReplacements(text: string, name: string, replace: [string, string][]): string {
  for (const [from, to] of replace) {
    if (!text.includes(from)) throw new Error(`${name}: base.qg no longer contains ${JSON.stringify(from)}`);
    text = text.replace(from, to);
  }
  return text;
}


for (const m of TEXT_MUTANTS) {
  let text = applyReplacements(base, m.name, m.replace);
  text = text.replace('policy "cac-2017-scaled"', `policy "mutant-${m.name}"`);
  const file = `${m.name}.qg`;
  writeFileSync(`${dir}/${file}`, `// Mutant: ${m.what} (breaks ${m.req}).\n${text}`);
  manifest.push({ file, req: m.req, what: m.what });
}


for (const m of IR_MUTANTS) {
  const compiled = compilePolicyText(applyReplacements(base, m.name, m.replace ?? []), `${dir}/base.qg`, { lenient: true });
  if (!compiled.ir) throw new Error(`${m.name}: base.qg does not compile: ${compiled.diagnostics.map((d) => d.message).join("; ")}`);
  const ir = structuredClone(compiled.ir);
  ir.name = `mutant-${m.name}`;
  let removed = 0;
  for (const v of ir.versions) {
    const before = v.rules.length;
    v.rules = v.rules.filter((r) => !m.removeRules.some((p) => (typeof p === "string" ? r.name === p : p.test(r.name))));
    removed += before - v.rules.length;
    for (const n of m.narrowRules ?? []) {
      const at = v.rules.findIndex((r) => r.name === n.rule && r.on.includes(n.on));
      if (at < 0) throw new Error(`${m.name}: no rule ${n.rule} on ${n.on}`);
      const r = v.rules[at]!;
      const narrowed = { ...r, on: [n.on], when: { kind: "and" as const, args: [r.when, n.onlyWhen] } };
      const rest = r.on.filter((e) => e !== n.on);
      v.rules.splice(at, 1, ...(rest.length > 0 ? [{ ...r, on: rest }] : []), narrowed);
      removed++;
    }
  }
  if (removed === 0) throw new Error(`${m.name}: no rule matched ${m.removeRules.join(", ")}`);
  const file = `${m.name}.json`;
  writeFileSync(`${dir}/${file}`, JSON.stringify(ir, null, 2) + "\n");
  manifest.push({ file, req: m.req, what: m.what, ...(m.proofOnly ? { proofOnly: true } : {}) });
}

for (const m of REFERENCE_MUTANTS) {
  let text = applyReplacements(reference, m.name, m.replace);
  text = text.replace('policy "cac-2017"', `policy "mutant-${m.name}"`);
  const file = `${m.name}.qg`;
  writeFileSync(`${dir}/${file}`, `// Mutant of policies/cac-2017.qg (issue 14, class ${m.issueClass}): ${m.what} (breaks ${m.req}).\n${text}`);
  manifest.push({ file, req: m.req, what: m.what, issueClass: m.issueClass, stream: m.stream, runs: 300 });
}

writeFileSync(`${dir}/mutants.json`, JSON.stringify(manifest, null, 2) + "\n");
console.error(`${manifest.length} mutants written to ${dir}`);
