/**
 * The reference policy's own tests (policies/cac-2017.test.yaml) pass and exercise every rule,
 * measure and timer of the policy and cite every requirement that is not declaratory.
 */
import { describe, expect, test } from "vitest";
import { fileHost } from "../../../src/cli/test.js";
import { runSuite } from "../../../src/policytest/runner.js";
import { REQUIREMENTS } from "../../../src/law/articles.js";

describe("reference policy tests", () => {
  const result = runSuite(["policies/cac-2017.test.yaml"], fileHost);
  const coverage = result.coverage[0]!;

  test("every test passes", () => {
    const failed = result.files.flatMap((f) => [...f.problems.map((p) => p.message), ...f.tests.filter((t) => !t.passed).map((t) => t.name)]);
    expect(failed).toEqual([]);
    expect(result.passed).toBeGreaterThan(50);
  });

  test("100% of the rules, measures and timer rules are exercised", () => {
    expect(coverage.rules.uncovered.map((i) => i.name)).toEqual([]);
    expect(coverage.rules.percent).toBe(100);
  });

  test("every non-declaratory requirement id is cited by some decision", () => {
    expect(coverage.requirements.uncovered).toEqual([]);
    expect(coverage.requirements.notApplicable).toEqual(REQUIREMENTS.filter((r) => r.kind === "doc").map((r) => r.id));
    expect(coverage.requirements.percent).toBe(100);
  });
});
