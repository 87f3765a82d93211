/**
 * Running policy tests: each test starts from an empty engine state, feeds its steps to the
 * compiled policy one by one (`Program.evaluate`, exactly what services get), and compares the
 * decisions, the timer decisions and the state view with the expectations. Coverage is collected
 * from every decision of every test, per policy. Nothing here throws: a broken file, policy or
 * internal error becomes a problem or a failed test with a message.
 */
import { compilePolicyText } from "../compile.js";
import { emptyState, runnableProgram, type DeadLetter, type Decision, type EngineState, type Program } from "../engine/index.js";
import { loadIRText } from "../ir/load.js";
import type { PolicyIR } from "../ir/types.js";
import { renderDiagnostics } from "../source/render.js";
import { addDuration, formatInstant, parseRfc3339 } from "../source/time.js";
import { collect, coverageReport, newCollector, type CoverageCollector, type CoverageReport } from "./coverage.js";
import { parseTestFile, type DecisionExpect, type StateExpect, type Step, type TestCase, type TestFile, type TimeText } from "./format.js";
import { instantOf, matchDecision, matchStateField, type Mismatch } from "./match.js";
import { StateViewer } from "./state-view.js";
import type { Pos, Problem } from "./yaml.js";

/** How the runner reaches files (the CLI passes the file system; tests may pass a map). */
export interface TestHost {
  /** The text of a file; throws (any error) when it cannot be read. */
  readFile(path: string): string;
  /** The path of `policy` as written in the test file `testFile`. */
  resolve(testFile: string, policy: string): string;
}

export type FailureKind = "decision" | "dead-letter" | "timers" | "state" | "time" | "error";

export interface StepFailure {
  kind: FailureKind;
  /** 1-based index among the test's steps (after `use` and `repeat` are expanded); 0 for the test's final state. */
  step: number;
  pos: Pos;
  label: string;
  event: string | null;
  at: string | null;
  message: string;
  mismatches: Mismatch[];
  /** The decision(s) or dead letter the expectation was compared with. */
  actual?: Decision | Decision[] | DeadLetter | null;
}

export interface TestResult {
  name: string;
  pos: Pos;
  passed: boolean;
  steps: number;
  failures: StepFailure[];
}

export interface FileResult {
  file: string;
  /** The resolved policy path, when the file names one. */
  policy: string | null;
  problems: Problem[];
  tests: TestResult[];
}

export interface SuiteResult {
  files: FileResult[];
  coverage: CoverageReport[];
  passed: number;
  failed: number;
  /** Files with problems (unreadable, malformed, policy does not compile). */
  broken: number;
  ok: boolean;
}

const MAX_FAILURES = 5;

interface LoadedPolicy {
  ir: PolicyIR;
  program: Program;
  viewer: StateViewer;
  /** Names a decision's `rule` can take from the policy: its rules, measures and their rectification timers. */
  ruleNames: ReadonlySet<string>;
}

function ruleNamesOf(ir: PolicyIR): Set<string> {
  const out = new Set<string>();
  for (const v of ir.versions) {
    for (const r of v.rules) out.add(r.name);
    for (const m of v.measures) for (const n of [m.name, `${m.name}/rectify`, `${m.name}/rectified`]) out.add(n);
  }
  return out;
}

export class PolicyTestRunner {
  private readonly policies = new Map<string, LoadedPolicy | { problem: string }>();
  private readonly coverage = new Map<string, { ir: PolicyIR; c: CoverageCollector }>();

  constructor(private readonly host: TestHost) {}

  private loadPolicy(path: string): LoadedPolicy | { problem: string } {
    const cached = this.policies.get(path);
    if (cached) return cached;
    let result: LoadedPolicy | { problem: string };
    try {
      const text = this.host.readFile(path);
      const loaded = path.endsWith(".json") ? { ...loadIRText(text), source: undefined } : compilePolicyText(text, path);
      const { program, diagnostics } = runnableProgram(loaded.ir, loaded.diagnostics, path);
      if (!loaded.ir || !program) {
        result = { problem: `the policy ${path} does not compile:\n${renderDiagnostics(diagnostics.filter((d) => d.severity === "error"), loaded.source)}` };
      } else {
        result = { ir: loaded.ir, program, viewer: new StateViewer(loaded.ir), ruleNames: ruleNamesOf(loaded.ir) };
      }
    } catch (e) {
      result = { problem: `cannot load the policy ${path}: ${(e as Error).message}` };
    }
    this.policies.set(path, result);
    return result;
  }

  /** Runs one test file given its text. */
  runText(file: string, text: string): FileResult {
    const parsed = parseTestFile(text, file);
    const result: FileResult = { file, policy: null, problems: [...parsed.problems], tests: [] };
    const tf = parsed.file;
    if (!tf || tf.policy === null) return result;
    const policyPath = this.host.resolve(file, tf.policy);
    result.policy = policyPath;
    const policy = this.loadPolicy(policyPath);
    if ("problem" in policy) {
      result.problems.push({ pos: tf.policyPos, message: policy.problem });
      return result;
    }
    if (result.problems.length > 0) return result;
    let cov = this.coverage.get(policyPath);
    if (!cov) this.coverage.set(policyPath, (cov = { ir: policy.ir, c: newCollector() }));
    for (const t of tf.tests) result.tests.push(this.runTest(tf, t, policy, cov.c));
    return result;
  }

  /** Runs one test file from the host. */
  runFile(file: string): FileResult {
    let text: string;
    try {
      text = this.host.readFile(file);
    } catch (e) {
      return { file, policy: null, problems: [{ pos: { file, line: 1, col: 1 }, message: `cannot read the test file: ${(e as Error).message}` }], tests: [] };
    }
    return this.runText(file, text);
  }

  /** Coverage per policy over everything run so far. */
  coverageReports(): CoverageReport[] {
    return [...this.coverage].map(([path, { ir, c }]) => coverageReport(path, ir, c));
  }

  private runTest(tf: TestFile, t: TestCase, p: LoadedPolicy, cov: CoverageCollector): TestResult {
    const failures: StepFailure[] = [];
    const res: TestResult = { name: t.name, pos: t.pos, passed: false, steps: t.steps.length, failures };
    try {
      new TestRun(tf, t, p, cov, failures).run();
    } catch (e) {
      failures.push({ kind: "error", step: 0, pos: t.pos, label: "", event: null, at: null, message: `internal error: ${(e as Error).message}`, mismatches: [] });
    }
    res.passed = failures.length === 0;
    return res;
  }
}

class TestRun {
  private readonly st: EngineState = emptyState();
  private readonly used = new Set<string>();
  private nextAuto = 1;
  private prevMs: number | null = null;
  private failureCount = 0;

  constructor(
    private readonly tf: TestFile,
    private readonly t: TestCase,
    private readonly p: LoadedPolicy,
    private readonly cov: CoverageCollector,
    private readonly failures: StepFailure[],
  ) {
    for (const s of t.steps) if (s.id !== null) this.used.add(s.id);
  }

  private zoneAt(ms: number | null): string {
    const vs = this.p.program.versions;
    let z = vs[0]!.zone;
    if (ms !== null) for (const v of vs) if (v.effectiveMs <= ms) z = v.zone;
    return z;
  }

  private fail(f: StepFailure): void {
    this.failureCount++;
    if (this.failures.length < MAX_FAILURES) this.failures.push(f);
  }

  private autoId(): string {
    for (;;) {
      const id = `e${this.nextAuto++}`;
      if (!this.used.has(id)) {
        this.used.add(id);
        return id;
      }
    }
  }

  /** Resolves a written time: RFC 3339 with offset is kept as written; a local time gets the policy zone's offset. */
  private time(tt: TimeText, zoneFrom: number | null): { ms: number; text: string } | string {
    const exact = parseRfc3339(tt.text);
    if (exact !== undefined) return { ms: exact, text: tt.text };
    const zone = this.zoneAt(zoneFrom);
    const ms = instantOf(tt.text, zone);
    if (ms === undefined) return `\`${tt.text}\` is not a time: write RFC 3339 with an offset (2017-10-08T09:00:00+08:00) or a local time in the policy's zone (2017-10-08T09:00)`;
    return { ms, text: formatInstant(ms, zone) };
  }

  run(): void {
    const t = this.t;
    if (t.start === null) return;
    const start = this.time(t.start, null);
    if (typeof start === "string") {
      this.fail({ kind: "time", step: 0, pos: t.start.pos, label: "start", event: null, at: null, message: start, mismatches: [] });
      return;
    }
    for (let i = 0; i < t.steps.length; i++) {
      const step = t.steps[i]!;
      const at = this.stepTime(step, this.prevMs ?? start.ms, this.prevMs === null, start);
      if (typeof at === "string") {
        this.fail({ kind: "time", step: i + 1, pos: step.pos, label: step.label, event: null, at: null, message: at, mismatches: [] });
        return;
      }
      this.runStep(step, i + 1, at);
    }
    if (t.state) this.checkState(t.state, 0, t.pos, "final state", null, null);
    if (this.failureCount > this.failures.length) {
      const last = this.failures[this.failures.length - 1]!;
      last.message += `${last.message ? "\n" : ""}… and ${this.failureCount - this.failures.length} more failing expectation(s) in this test`;
    }
  }

  private stepTime(step: Step, prev: number, first: boolean, start: { ms: number; text: string }): { ms: number; text: string } | string | null {
    if (step.kind === "raw") return null;
    const w = step.when;
    switch (w.kind) {
      case "next":
        if (first) return start;
        return this.fmt(prev + 60_000);
      case "at":
        return this.time(w.time, prev);
      case "after": {
        let ms = prev;
        for (const d of w.duration) ms = d.unit === "second" ? ms + d.amount * 1000 : addDuration(ms, { amount: d.amount, unit: d.unit }, this.zoneAt(prev));
        return this.fmt(ms);
      }
    }
  }

  private fmt(ms: number): { ms: number; text: string } {
    return { ms, text: formatInstant(ms, this.zoneAt(ms)) };
  }

  private runStep(step: Step, index: number, at: { ms: number; text: string } | null): void {
    const program = this.p.program;
    let result;
    let eventId: string | null = null;
    let atText: string | null = null;
    if (step.kind === "raw") {
      result = program.evaluateLine(step.raw!, index, this.st);
      try {
        const o = JSON.parse(step.raw!) as { id?: unknown; at?: unknown };
        if (typeof o.id === "string") eventId = o.id;
        if (typeof o.at === "string") {
          atText = o.at;
          const ms = parseRfc3339(o.at);
          if (ms !== undefined && !result.deadLetter) this.prevMs = ms;
        }
      } catch {
        // An unparseable raw line is a dead letter; the clock of the test does not move.
      }
    } else {
      eventId = step.id ?? this.autoId();
      atText = at!.text;
      this.prevMs = at!.ms;
      const ev = { id: eventId, type: step.type, at: atText, ...step.fields };
      result = program.evaluate(ev, this.st);
    }
    for (const d of result.decisions) collect(this.cov, d, this.t.name);
    const dead = result.deadLetter;
    const primary = dead ? null : (result.decisions[result.decisions.length - 1] ?? null);
    const timers = dead ? result.decisions : result.decisions.slice(0, -1);
    const base = { step: index, pos: step.pos, label: step.label, event: eventId, at: atText };
    const zone = this.zoneAt(this.prevMs);
    const x = step.expect;
    if (dead) {
      if (x?.deadLetter === undefined) {
        this.fail({ ...base, kind: "dead-letter", message: `the event was rejected: ${dead.reason}`, mismatches: [], actual: dead });
      } else if (!dead.reason.includes(x.deadLetter)) {
        this.fail({ ...base, kind: "dead-letter", message: "the event was rejected for another reason", mismatches: [{ field: "dead-letter", expected: `…${x.deadLetter}…`, actual: dead.reason }], actual: dead });
      } else if (x.excludes !== undefined) {
        const text = JSON.stringify(dead);
        const found = x.excludes.filter((t) => text.includes(t));
        if (found.length) this.fail({ ...base, kind: "dead-letter", message: "", mismatches: found.map((t) => ({ field: "excludes", expected: `no ${JSON.stringify(t)} anywhere`, actual: "found in the dead letter" })), actual: dead });
      }
    } else if (x?.deadLetter !== undefined) {
      this.fail({ ...base, kind: "dead-letter", message: "the event was expected to be rejected, but it was decided", mismatches: [{ field: "dead-letter", expected: `…${x.deadLetter}…`, actual: "(decided)" }], actual: primary });
    } else if (x && primary) {
      const ms = matchDecision(x, primary, zone, this.p.ruleNames);
      if (ms.length) this.fail({ ...base, kind: "decision", message: "", mismatches: ms, actual: primary });
    }
    if (step.timers !== null) this.checkTimers(step.timers, timers, base, zone);
    if (step.state) this.checkState(step.state, index, step.pos, step.label, eventId, atText);
  }

  private checkTimers(expected: DecisionExpect[], actual: Decision[], base: Omit<StepFailure, "kind" | "message" | "mismatches">, zone: string): void {
    const list = (ds: readonly Decision[]): string => (ds.length ? ds.map((d) => `${d.rule} (due ${d.due ?? "?"})`).join(", ") : "none");
    if (expected.length !== actual.length) {
      this.fail({
        ...base,
        kind: "timers",
        message: `expected ${expected.length} timer decision(s) before this event, got ${actual.length}`,
        mismatches: [{ field: "timers", expected: expected.length ? expected.map((x) => x.rule ?? x.outcome ?? "?").join(", ") : "none", actual: list(actual) }],
        actual,
      });
      return;
    }
    expected.forEach((x, i) => {
      const ms = matchDecision(x, actual[i]!, zone, this.p.ruleNames);
      if (ms.length) this.fail({ ...base, kind: "timers", message: `timer decision ${i + 1} of ${actual.length}`, mismatches: ms, actual: actual[i]! });
    });
  }

  private checkState(x: StateExpect, index: number, pos: Pos, label: string, event: string | null, at: string | null): void {
    const v = this.p.viewer;
    const st = this.st;
    const zone = this.zoneAt(st.clock);
    const ms: Mismatch[] = [];
    const top = v.top(st) as unknown as Record<string, unknown>;
    for (const [k, f] of Object.entries(x.top)) {
      const m = matchStateField(k, f, top[k], zone);
      if (m) ms.push(m);
    }
    const sections = [
      ["groups", (id: string) => v.group(st, id)],
      ["users", (id: string) => v.user(st, id)],
      ["complaints", (id: string) => v.complaint(st, id)],
    ] as const;
    for (const [section, view] of sections) {
      for (const [id, { fields }] of Object.entries(x[section])) {
        const actual = view(id) as unknown as Record<string, unknown>;
        for (const [k, f] of Object.entries(fields)) {
          const m = matchStateField(`${section}.${id}.${k}`, f, actual[k], zone);
          if (m) ms.push(m);
        }
      }
    }
    if (ms.length) this.fail({ kind: "state", step: index, pos: x.pos ?? pos, label, event, at, message: index === 0 ? "state after the last step" : "state after this step", mismatches: ms });
  }
}

/** Runs test files (paths through the host) and reports results and coverage. */
export function runSuite(paths: readonly string[], host: TestHost): SuiteResult {
  const runner = new PolicyTestRunner(host);
  const files = paths.map((p) => runner.runFile(p));
  return summarise(files, runner.coverageReports());
}

export function summarise(files: FileResult[], coverage: CoverageReport[]): SuiteResult {
  let passed = 0;
  let failed = 0;
  let broken = 0;
  for (const f of files) {
    if (f.problems.length) broken++;
    for (const t of f.tests) (t.passed ? passed++ : failed++);
  }
  return { files, coverage, passed, failed, broken, ok: failed === 0 && broken === 0 };
}
