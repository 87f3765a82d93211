/**
 * The policy tests beside a policy (`*.test.yaml` in its directory whose `policy:` names it), run
 * for the language server's code lens and `qungui.runTests` command. The policy is read from the
 * editor's buffer when it is open, so unsaved changes are tested.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { parseTestFile, PolicyTestRunner, type FileResult } from "../policytest/index.js";

export interface TestSummary {
  file: string;
  name: string;
  passed: boolean;
  /** 1-based line of the test in its file. */
  line: number;
  failures: string[];
}

export interface TestRunResult {
  policy: string;
  files: { file: string; problems: { line: number; message: string }[]; tests: TestSummary[] }[];
  passed: number;
  failed: number;
}

const TEST_FILE = /\.test\.ya?ml$/;

/** The test files in the policy's directory that test it. */
export function testFilesOf(policyPath: string): string[] {
  const dir = dirname(policyPath);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => TEST_FILE.test(n)).sort();
  } catch {
    return [];
  }
  return names
    .map((n) => join(dir, n))
    .filter((file) => {
      try {
        const parsed = parseTestFile(readFileSync(file, "utf8"), file).file;
        return parsed?.policy != null && resolve(dir, parsed.policy) === resolve(policyPath);
      } catch {
        return false;
      }
    });
}

/** Runs the tests of `policyPath`; `openText` gives the editor's text of a file when it is open. */
export function runPolicyTests(policyPath: string, openText: (path: string) => string | undefined): TestRunResult {
  const runner = new PolicyTestRunner({
    readFile: (path) => openText(resolve(path)) ?? readFileSync(path, "utf8"),
    resolve: (testFile, policy) => join(dirname(testFile), policy),
  });
  const files = testFilesOf(policyPath).map((f) => summarise(runner.runFile(f)));
  const all = files.flatMap((f) => f.tests);
  return { policy: policyPath, files, passed: all.filter((t) => t.passed).length, failed: all.filter((t) => !t.passed).length + files.filter((f) => f.problems.length > 0).length };
}

function summarise(r: FileResult): TestRunResult["files"][number] {
  return {
    file: r.file,
    problems: r.problems.map((p) => ({ line: p.pos.line, message: p.message })),
    tests: r.tests.map((t) => ({ file: r.file, name: t.name, passed: t.passed, line: t.pos.line, failures: t.failures.map((f) => (f.label ? `${f.label}: ${f.message}` : f.message)) })),
  };
}

/** `cac-2017.test.yaml: 57 passed` — the title of a code lens after a run. */
export function resultTitle(file: string, r: TestRunResult | undefined): string {
  const f = r?.files.find((x) => x.file === file);
  if (!f) return `▶ Run tests in ${basename(file)}`;
  const failed = f.tests.filter((t) => !t.passed).length;
  if (f.problems.length > 0) return `✗ ${basename(file)}: ${f.problems[0]!.message.split("\n")[0]} (run again)`;
  return failed === 0 ? `✓ ${basename(file)}: ${f.tests.length} passed (run again)` : `✗ ${basename(file)}: ${failed} of ${f.tests.length} failed (run again)`;
}
