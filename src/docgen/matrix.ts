/**
 * The coverage matrix: for every requirement id of the regulation, what in the policy implements
 * it (rules, measures, timers, sections), which policy tests exercise it, and what `verify` found.
 * A gap is anything missing on that path: no rule, no test, a rule no test exercises, a failing
 * test, a failed verification. The reviewer document opens with the matrix's summary.
 *
 * Pure: the tests and the verification are run by the caller (src/cli/docs.ts) and handed in.
 */
import type { Cite, PolicyIR, RuleIR, RuleOrigin, SpanIR, VersionIR, ActionIR } from "../ir/types.js";
import { REQUIREMENTS, type Requirement } from "../law/articles.js";
import { OBLIGATIONS } from "../law/organisational.js";
import type { Diagnostic } from "../source/diagnostic.js";
import type { Counterexample, VerifyReport } from "../verify/run.js";
import { actions, duration, durationMs, groupServices, measureSentence, ruleSentence, services, stepped } from "./describe.js";

/** What the policy tests showed, per rule name and per requirement id (see ./tests.ts). */
export interface TestEvidence {
  /** The test file. */
  file: string;
  passed: number;
  failed: number;
  /** Problems of the test file (it did not run). */
  problems: string[];
  /** Rule, measure or timer rule name → the tests in which it decided (sorted). */
  byName: Record<string, string[]>;
  /** Requirement id → the tests in which a decision cited it (sorted). */
  byReq: Record<string, string[]>;
  /** Names of the tests that failed. */
  failedTests: string[];
}

/** What kind of thing implements a requirement. */
export type ImplKind = "rule" | "measure" | "timer" | "section" | "engine" | "document";

/** One thing that implements a requirement. */
export interface ImplItem {
  /** Rule or measure name, timer rule name, section kind, or a name for an engine feature. */
  name: string;
  kind: ImplKind;
  origin?: RuleOrigin;
  /** The events a rule is on. */
  on?: string[];
  /** Plain English (./describe.ts). */
  text: string;
  /** The reason template of a rule. */
  because?: string;
  /** IR node id and its source span, when the policy text has one. */
  node?: string;
  span?: SpanIR;
  /** Requirement ids the item cites. */
  cites: string[];
  /** Policy versions in which the item exists. */
  versions: string[];
  /** Tests that exercised it; null when it cannot be exercised by a decision or tests were not run. */
  tests: string[] | null;
}

/**
 * - `yes`: done; `no`: missing; `partial`: tested, but some implementing rule is not exercised;
 * - `fail`: a test citing it fails, or verify fails it; `n/a`: nothing to do;
 * - `not-run`: tests or verify were not run.
 */
export type Mark = "yes" | "no" | "partial" | "fail" | "n/a" | "not-run";

/** What verify found for one requirement. */
export interface VerifyCell {
  status: "pass" | "fail" | "not-applicable";
  runs: number;
  detail?: string;
  counterexample?: Counterexample;
}

/** One requirement: what implements it, what tests and verify showed, and its gaps. */
export interface MatrixRow {
  req: Requirement;
  items: ImplItem[];
  implemented: Mark;
  tested: Mark;
  verified: Mark;
  /** Tests whose decisions cite the requirement. */
  tests: string[];
  failingTests: string[];
  verify?: VerifyCell;
  /** Each gap as a sentence; empty when the row is complete. */
  gaps: string[];
  /** Why the requirement has nothing to execute, or how a document requirement is met. */
  note?: string;
}

/** The verdict of the matrix, for the first screen. */
export interface MatrixSummary {
  /** Requirements that can be implemented by rules (not declaratory, not documentation). */
  applicable: number;
  implemented: number;
  tested: number;
  /** Passed verification, or verify found nothing to check. */
  verified: number;
  verifiedNotApplicable: string[];
  testsRun: boolean;
  verifyRun: boolean;
  /** Every applicable requirement implemented, tested and verified. */
  complete: boolean;
  /** One sentence for the first screen. */
  headline: string;
  /** Requirement ids with gaps. */
  gapReqs: string[];
  /** Organisational obligations (src/law/organisational.ts): outside the policy, not covered by the engine. */
  organisational: number;
}

/** The coverage matrix: one row per requirement id, and the summary. */
export interface Matrix {
  rows: MatrixRow[];
  summary: MatrixSummary;
}

/** What the matrix is built from besides the IR (each optional). */
export interface MatrixInputs {
  tests?: TestEvidence | null;
  verify?: VerifyReport | null;
  /**
   * The compiler's diagnostics of a policy compiled leniently: each error is a gap of the
   * requirements it names (`reqs`), and any error keeps the matrix from being complete.
   */
  diagnostics?: readonly Diagnostic[] | null;
}

/** A compiler error as a gap sentence: code, line and message. */
function compilerGap(d: Diagnostic): string {
  return `compiler error ${d.code} (line ${d.span.start.line}): ${d.message}`;
}

const DOC_NOTES: Record<string, string> = {
  "A5.published-rules": "Met by this document: the section “Published rules” lists every rule that decides, the policy's and the engine's, with the article and requirement it serves.",
  "A7.filing": "Met by the filing document (`qungui docs --filing`): the 分级分类管理制度 in Chinese, with the tier scheme and its assignment rule per category, creator qualifications, the credit system, caps, measures, complaints and retention, printable on A4.",
};

const ENGINE_ITEMS: Record<string, { name: string; text: string }> = {
  "A6.pii": {
    name: "engine/identity-redaction",
    text: "The engine drops the identity of user.verified at intake: it is never stored, logged, echoed in a decision or dead letter, or shown in a document (docs/engine.md, “Intake”).",
  },
  "A13.inspection": {
    name: "records/export",
    text: "Every decision is a record; `qungui records export` exports them by time range, group or user, complete and in order (the decision trail of `qungui docs --decisions` renders them).",
  },
};

/**
 * Requirements that a policy test cannot show: what shows them is named here, and the Tested
 * column says n/a with this note rather than counting tests that merely cite the id. A13.inspection
 * is shown by exporting records, which policy tests cannot do (the purge tests that cite it show
 * retention); qungui's export is tested by its own suite.
 */
const NOT_POLICY_TESTABLE: Record<string, string> = {
  "A13.inspection":
    "No policy test can export records, so none counts as testing inspection (the purge tests that cite A13.inspection show retention). The export itself (`qungui records export` by time range, group or user, complete and in order) is tested by qungui's own suite, test/integration/records.test.ts.",
};

const citeIds = (cs: readonly Cite[]): string[] => cs.map((c) => c.req);

/** A section of a version in one line, for the matrix (the reviewer document renders it as a table). */
export function sectionLine(v: VersionIR, kind: string): string {
  switch (kind) {
    case "header":
      return `Effective ${v.effective} (${v.zone}); events may arrive up to ${durationMs(v.toleranceMs)} out of order.`;
    case "agreement":
      return v.agreement ? `Service agreement${v.agreement.currentVersion ? ` version ${v.agreement.currentVersion}` : ""} must be accepted to ${services(v.agreement.requiredFor)}${v.agreement.reaccept ? "; a new version must be accepted again" : ""}.` : "";
    case "identity":
      return v.identity ? `A verified real identity is required to ${services(v.identity.requiredFor)}.` : "";
    case "credit":
      return `Credit levels ${v.credit.levels.join(" < ")}; new users start at ${v.credit.default}.`;
    case "tiers":
      return `Tiers: ${v.tiers.map((t) => `${t.categories ? `for ${t.categories.join(", ")}: ` : ""}${t.tiers.map((x) => `${x.name} ${x.minMembers}–${x.maxMembers}`).join(", ")}`).join("; ")}.`;
    case "limits": {
      const l = v.limits;
      const parts: string[] = [];
      if (l.membersPerGroup !== null) parts.push(`at most ${l.membersPerGroup} members per group`);
      if (l.groupsCreated) parts.push(`groups created per user: ${stepped(l.groupsCreated)}`);
      if (l.groupsJoined) parts.push(`groups joined per user: ${stepped(l.groupsJoined)}`);
      if (l.infoPage) parts.push(`info page from ${l.infoPage.from} members${l.infoPage.enforced ? " (joins held until it exists)" : ""}`);
      return parts.length ? `${parts.join("; ")}.` : "No limits.";
    }
    case "prohibited":
      return `Prohibited content: ${v.prohibited.categories.map((c) => `${c.name} (${c.severity})`).join(", ")}.`;
    case "responsibility":
      return v.responsibility ? `Creators and managers must handle flagged content within ${duration(v.responsibility.window)}; otherwise ${actions(v.responsibility.otherwise, "responsibility")}.` : "";
    case "complaints":
      return v.complaints ? `Complaints are resolved within ${duration(v.complaints.resolveWithin)}; otherwise ${actions(v.complaints.otherwise, "complaint")}.` : "";
    case "retention":
      return v.retention ? `Logs and records are kept for ${duration(v.retention.keepLogs)}; younger records cannot be purged.` : "";
    case "management":
      return `Creators and managers may remove members, delete messages and mute members (a mute lasts ${duration(v.management.muteFor)}).`;
    case "blacklist":
      return v.blacklist ? `Blacklisted users may not ${services(v.blacklist.users)}; blacklisted groups may not ${groupServices(v.blacklist.groups)}.` : "";
    case "categories":
      return `Group categories: ${v.categories.map((c) => c.name).join(", ")}.`;
    default:
      return kind;
  }
}

/** The sections of a version with their node id and cites (sections without cites are left out). */
export function sectionsOf(v: VersionIR): { kind: string; node: string | null; cites: string[] }[] {
  const out: { kind: string; node: string | null; cites: string[] }[] = [{ kind: "header", node: v.id, cites: citeIds(v.cites) }];
  const add = (kind: string, s: { id: string | null; cites: Cite[] } | null) => {
    if (s) out.push({ kind, node: s.id, cites: citeIds(s.cites) });
  };
  add("agreement", v.agreement);
  add("identity", v.identity);
  add("credit", v.credit);
  if (v.tiers.length) out.push({ kind: "tiers", node: v.tiers[0]!.id, cites: [...new Set(v.tiers.flatMap((t) => citeIds(t.cites)))] });
  add("limits", v.limits);
  add("prohibited", v.prohibited);
  add("responsibility", v.responsibility);
  add("complaints", v.complaints);
  add("retention", v.retention);
  add("management", v.management);
  add("blacklist", v.blacklist);
  return out.filter((s) => s.cites.length > 0 || s.kind === "header");
}

/** Timer rules a version implies, with the requirements they serve (names as docs/testing.md lists them). */
export function timersOf(v: VersionIR): { name: string; text: string; cites: string[]; node: string | null }[] {
  const out = new Map<string, { name: string; text: string; cites: Set<string>; node: string | null }>();
  const add = (name: string, text: string, cites: string[], node: string | null) => {
    const t = out.get(name) ?? { name, text, cites: new Set<string>(), node };
    for (const c of cites) t.cites.add(c);
    out.set(name, t);
  };
  if (v.complaints) add("complaints/overdue", `When a complaint is not resolved within ${duration(v.complaints.resolveWithin)}: ${actions(v.complaints.otherwise, "complaint")} (once, by timer).`, citeIds(v.complaints.cites), v.complaints.id);
  if (v.responsibility) add("responsibility/unhandled", `When flagged content is not handled by the creator or an active manager within ${duration(v.responsibility.window)}: ${actions(v.responsibility.otherwise, "responsibility")} (by timer).`, citeIds(v.responsibility.cites), v.responsibility.id);
  const sources: { name: string; actions: readonly ActionIR[]; cites: string[]; node: string }[] = [
    ...v.measures.map((m) => ({ name: m.name, actions: m.actions, cites: citeIds(m.cites), node: m.id })),
    ...(v.responsibility ? [{ name: "responsibility", actions: v.responsibility.otherwise, cites: citeIds(v.responsibility.cites), node: v.responsibility.id }] : []),
    ...(v.complaints ? [{ name: "complaints", actions: v.complaints.otherwise, cites: citeIds(v.complaints.cites), node: v.complaints.id }] : []),
  ];
  const keep = (cites: string[], wanted: string) => (cites.includes(wanted) ? [wanted] : cites.filter((c) => c.startsWith("A11.")));
  const walk = (as: readonly ActionIR[], s: (typeof sources)[number]) => {
    for (const a of as) {
      if (a.kind === "suspend-posting") add("measures/posting-resumes", "When a posting suspension ends, the group may post again (by timer).", keep(s.cites, "A11.group-measures"), null);
      if (a.kind === "suspend-management") add("measures/management-restored", "When a management suspension ends, the user's management rights return (by timer).", keep(s.cites, "A11.user-measures"), null);
      if (a.kind === "blacklist" && a.duration !== null) add("measures/blacklist-lifted", "When a timed blacklisting ends, it is lifted (by timer).", keep(s.cites, "A11.blacklist"), null);
      if (a.kind === "warn" && a.rectifyWithin !== null) {
        add(`${s.name}/rectify`, `When the warned ${a.target} is flagged again within ${duration(a.rectifyWithin)} of the warning: ${actions(a.otherwise)} (by timer).`, s.cites, s.node);
        add(`${s.name}/rectified`, `When the warned ${a.target} is not flagged again within ${duration(a.rectifyWithin)}: the warning is closed (by timer).`, s.cites, s.node);
        walk(a.otherwise, s);
      }
    }
  };
  for (const s of sources) walk(s.actions, s);
  return [...out.values()].map((t) => ({ name: t.name, text: t.text, cites: [...t.cites], node: t.node }));
}

function ruleKey(r: RuleIR): string {
  return `${r.name}|${r.on.join(",")}`;
}

/** Every item of the policy that implements something, across versions, keyed and merged. */
export function implementationItems(ir: PolicyIR, tests: TestEvidence | null | undefined): ImplItem[] {
  const items = new Map<string, ImplItem>();
  const put = (key: string, version: string, make: () => ImplItem) => {
    const it = items.get(key);
    if (it) {
      if (!it.versions.includes(version)) it.versions.push(version);
    } else {
      const fresh = make();
      fresh.versions = [version];
      items.set(key, fresh);
    }
  };
  const testsOf = (name: string): string[] | null => (tests ? (tests.byName[name] ?? []) : null);
  for (const v of ir.versions) {
    for (const r of v.rules) {
      if (r.origin === "permit") continue;
      put(`rule:${ruleKey(r)}`, v.version, () => ({
        name: r.name,
        kind: "rule",
        origin: r.origin,
        on: [...r.on],
        text: ruleSentence(r),
        because: r.because.map((p) => (typeof p === "string" ? p : `{${p.path}}`)).join(""),
        node: r.id,
        ...(ir.spans[r.id] ? { span: ir.spans[r.id] } : {}),
        cites: citeIds(r.cites),
        versions: [],
        tests: testsOf(r.name),
      }));
    }
    for (const m of v.measures) {
      put(`measure:${m.name}`, v.version, () => ({
        name: m.name,
        kind: "measure",
        text: measureSentence(m),
        node: m.id,
        ...(ir.spans[m.id] ? { span: ir.spans[m.id] } : {}),
        cites: citeIds(m.cites),
        versions: [],
        tests: testsOf(m.name),
      }));
    }
    for (const t of timersOf(v)) {
      put(`timer:${t.name}`, v.version, () => ({
        name: t.name,
        kind: "timer",
        text: t.text,
        ...(t.node ? { node: t.node } : {}),
        ...(t.node && ir.spans[t.node] ? { span: ir.spans[t.node] } : {}),
        cites: t.cites,
        versions: [],
        tests: testsOf(t.name),
      }));
    }
    for (const s of sectionsOf(v)) {
      put(`section:${s.kind}`, v.version, () => ({
        name: s.kind === "header" ? "policy header" : `${s.kind} section`,
        kind: "section",
        text: sectionLine(v, s.kind),
        ...(s.node ? { node: s.node } : {}),
        ...(s.node && ir.spans[s.node] ? { span: ir.spans[s.node] } : {}),
        cites: s.cites,
        versions: [],
        tests: null,
      }));
    }
  }
  return [...items.values()];
}

function verifyCell(report: VerifyReport | null | undefined, req: string): VerifyCell | undefined {
  const r = report?.results.find((x) => x.req === req);
  if (!r) return undefined;
  return { status: r.status, runs: r.runs, ...(r.detail ? { detail: r.detail } : {}), ...(r.counterexample ? { counterexample: r.counterexample } : {}) };
}

/**
 * The tests that show a requirement: those in which one of its rules, measures or timers decided,
 * and those named after it (`A8.member-cap: …`, docs/testing.md). Citations by `permit/…` rules do
 * not count (a permit cites every requirement its event's deny rules enforce), except for a
 * requirement that no rule can exercise (only sections or the engine implement it).
 */
function testsAbout(tests: TestEvidence, req: string, items: readonly ImplItem[]): string[] {
  const out = new Set<string>();
  const testable = items.filter((i) => i.tests !== null);
  for (const i of testable) for (const t of i.tests!) out.add(t);
  const named = (t: string) => t.startsWith(`${req}:`) || t.startsWith(`${req} `);
  const citing = tests.byReq[req] ?? [];
  for (const t of citing) if (named(t)) out.add(t);
  for (const names of Object.values(tests.byName)) for (const t of names) if (named(t)) out.add(t);
  // Nothing to exercise and no test named after it: any test whose decisions cite it.
  if (testable.length === 0 && out.size === 0) for (const t of citing) out.add(t);
  return [...out].sort();
}

function failingAbout(tests: TestEvidence, req: string, cited: readonly string[]): string[] {
  return tests.failedTests.filter((t) => cited.includes(t) || t.startsWith(`${req}:`) || t.startsWith(`${req} `)).sort();
}

/** The matrix of a policy, given what the tests and verify found (either may be absent). */
export function buildMatrix(ir: PolicyIR, inputs: MatrixInputs = {}): Matrix {
  const tests = inputs.tests && inputs.tests.problems.length === 0 ? inputs.tests : null;
  const brokenTests = inputs.tests && inputs.tests.problems.length > 0 ? inputs.tests : null;
  const report = inputs.verify ?? null;
  const all = implementationItems(ir, tests);
  const errors = (inputs.diagnostics ?? []).filter((d) => d.severity === "error");
  const rows: MatrixRow[] = REQUIREMENTS.map((req) => {
    const row = rowOf(req);
    const concern = errors.filter((d) => d.reqs?.includes(req.id));
    // A filing is never written for a policy that does not compile (src/cli/docs.ts).
    const filingRefused = req.id === "A7.filing" && errors.length > 0 ? [`the filing document is refused while the policy has ${errors.length} compiler error${errors.length === 1 ? "" : "s"}`] : [];
    if (concern.length || filingRefused.length) {
      row.implemented = "fail";
      row.gaps.unshift(...concern.map(compilerGap), ...filingRefused);
    }
    return row;
  });
  return { rows, summary: summarise(rows, Boolean(tests || brokenTests), Boolean(report), errors.length) };

  function rowOf(req: Requirement): MatrixRow {
    const row: MatrixRow = { req, items: [], implemented: "n/a", tested: "n/a", verified: "n/a", tests: [], failingTests: [], gaps: [] };
    if (req.declaratory) {
      row.note = `Declaratory: ${req.summary.replace(/^Declaratory: /, "")}`;
      return row;
    }
    if (req.kind === "doc") {
      row.implemented = "yes";
      row.note = DOC_NOTES[req.id] ?? "Met by the generated documents.";
      row.items.push({ name: req.id === "A7.filing" ? "filing document" : "reviewer document", kind: "document", text: row.note, cites: [req.id], versions: ir.versions.map((v) => v.version), tests: null });
      return row;
    }
    row.items = all.filter((i) => i.cites.includes(req.id));
    const engine = ENGINE_ITEMS[req.id];
    if (engine) row.items.push({ name: engine.name, kind: "engine", text: engine.text, cites: [req.id], versions: ir.versions.map((v) => v.version), tests: null });
    row.implemented = row.items.length > 0 ? "yes" : "no";
    if (row.implemented === "no") row.gaps.push(`nothing in the policy serves ${req.id}`);

    if (brokenTests) {
      row.tested = "fail";
      row.gaps.push(`the test file ${brokenTests.file} has errors and did not run`);
    } else if (!tests) {
      // No test file at all: the status says so once, rather than as a gap of every row.
      row.tested = "not-run";
    } else if (NOT_POLICY_TESTABLE[req.id]) {
      row.tested = "n/a";
      row.note = NOT_POLICY_TESTABLE[req.id];
    } else {
      row.tests = testsAbout(tests, req.id, row.items);
      row.failingTests = failingAbout(tests, req.id, row.tests);
      const unexercised = [...new Set(row.items.filter((i) => i.tests !== null && i.tests.length === 0).map((i) => i.name))];
      if (row.failingTests.length) {
        row.tested = "fail";
        row.gaps.push(`failing test${row.failingTests.length === 1 ? "" : "s"}: ${row.failingTests.join("; ")}`);
      } else if (row.tests.length === 0) {
        row.tested = "no";
        row.gaps.push(`no test exercises ${req.id}`);
      } else if (unexercised.length) {
        row.tested = "partial";
      } else {
        row.tested = "yes";
      }
      if (unexercised.length) row.gaps.push(`never decided in a test: ${unexercised.join(", ")}`);
    }

    const cell = verifyCell(report, req.id);
    if (!report) {
      row.verified = "not-run";
    } else if (!cell) {
      row.verified = "not-run";
      row.gaps.push("not verified (left out of the verify run)");
    } else {
      row.verify = cell;
      row.verified = cell.status === "pass" ? "yes" : cell.status === "fail" ? "fail" : "n/a";
      if (cell.status === "fail") row.gaps.push(`verify fails: ${cell.detail ?? "see the counterexample"}`);
    }
    return row;
  }
}

function summarise(rows: MatrixRow[], testsRun: boolean, verifyRun: boolean, compilerErrors: number): MatrixSummary {
  const applicable = rows.filter((r) => !r.req.declaratory && r.req.kind !== "doc");
  const implemented = applicable.filter((r) => r.implemented === "yes").length;
  // n/a: a requirement no policy test can show (NOT_POLICY_TESTABLE), shown elsewhere and said so.
  const tested = applicable.filter((r) => r.tested === "yes" || r.tested === "n/a").length;
  const verified = applicable.filter((r) => r.verified === "yes" || r.verified === "n/a").length;
  const verifiedNotApplicable = applicable.filter((r) => r.verified === "n/a").map((r) => r.req.id);
  const gapReqs = applicable.filter((r) => r.gaps.length > 0).map((r) => r.req.id);
  const complete = compilerErrors === 0 && testsRun && verifyRun && implemented === applicable.length && tested === applicable.length && verified === applicable.length;
  const n = applicable.length;
  const articles = [...new Set(OBLIGATIONS.map((o) => o.article))];
  const outside = ` ${OBLIGATIONS.length} organisational obligations (Articles ${articles.slice(0, -1).join(", ")} and ${articles[articles.length - 1]}) are outside the policy and not covered by the engine: see the checklist of each article.`;
  const headline = (complete
    ? `Every one of the ${n} requirements that rules can implement is implemented, tested and verified.`
    : `Not every requirement is implemented, tested and verified: ${implemented} of ${n} implemented, ${testsRun ? `${tested} of ${n} fully tested` : "no policy tests"}, ${verifyRun ? `${verified} of ${n} verified` : "not verified (run with --verify)"}${compilerErrors ? `; the policy has ${compilerErrors} compiler error${compilerErrors === 1 ? "" : "s"}` : ""}.`) + outside;
  return { applicable: n, implemented, tested, verified, verifiedNotApplicable, testsRun, verifyRun, complete, headline, gapReqs, organisational: OBLIGATIONS.length };
}
