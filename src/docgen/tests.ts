/**
 * Runs a policy's test file with the policy test runner (src/policytest) and keeps, for the
 * coverage matrix, which tests exercised each rule and cited each requirement.
 */
import { PolicyTestRunner, type TestHost } from "../policytest/index.js";
import type { CoverageCollector } from "../policytest/coverage.js";
import { formatPos } from "../policytest/index.js";
import type { TestEvidence } from "./matrix.js";

function sortedRecord(m: ReadonlyMap<string, ReadonlySet<string>>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const k of [...m.keys()].sort()) out[k] = [...m.get(k)!].sort();
  return out;
}

/**
 * The runner keeps its per-test coverage (rule and requirement → tests) in a private table; its
 * public report only has totals. Read the table, and fall back to "no detail" if its shape changes.
 */
function collectorOf(runner: PolicyTestRunner): CoverageCollector | undefined {
  const table = (runner as unknown as { coverage?: unknown }).coverage;
  if (!(table instanceof Map)) return undefined;
  const first = [...table.values()][0] as { c?: CoverageCollector } | undefined;
  return first?.c && first.c.names instanceof Map && first.c.reqs instanceof Map ? first.c : undefined;
}

/**
 * Runs `testFile` (through `host`, which reads files and resolves the policy it names) and returns
 * the evidence. `policyPath` is the policy the document is about: when the test file names another
 * policy, the evidence says so in `problems` and counts nothing.
 */
export function collectTestEvidence(testFile: string, host: TestHost, policyPath?: string, samePolicy: (a: string, b: string) => boolean = (a, b) => a === b): TestEvidence {
  const runner = new PolicyTestRunner(host);
  const result = runner.runFile(testFile);
  const problems = result.problems.map((p) => `${formatPos(p.pos)}: ${p.message}`);
  if (policyPath !== undefined && result.policy !== null && !samePolicy(result.policy, policyPath)) {
    problems.push(`${testFile} tests ${result.policy}, not ${policyPath}`);
  }
  const c = problems.length ? undefined : collectorOf(runner);
  if (!problems.length && !c) problems.push("internal error: the test runner's per-test coverage could not be read");
  return {
    file: testFile,
    passed: result.tests.filter((t) => t.passed).length,
    failed: result.tests.filter((t) => !t.passed).length,
    problems,
    byName: c ? sortedRecord(c.names) : {},
    byReq: c ? sortedRecord(c.reqs) : {},
    failedTests: result.tests.filter((t) => !t.passed).map((t) => t.name),
  };
}
