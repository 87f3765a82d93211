/**
 * Errors that carry requirement ids are "requirement errors": `compilePolicyText(…, {lenient})`
 * lets them through to the emitter so `verify` can run the policy and show the breach. So every
 * finding that carries `reqs` must describe a policy the emitter can still turn into valid IR;
 * structural mistakes (unknown paths, inverted bands) carry none.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHECK_CODES } from "../../../src/check/codes.js";
import { compilePolicyText } from "../../../src/compile.js";

const BROKEN = join(import.meta.dirname, "../../golden/broken");
const cases: [string, string][] = [
  ...CHECK_CODES.filter((c) => c.bad !== "").map((c): [string, string] => [`${c.code}-bad.qg`, c.bad]),
  ...readdirSync(BROKEN)
    .filter((f) => f.endsWith(".qg"))
    .map((f): [string, string] => [f, readFileSync(join(BROKEN, f), "utf8")]),
];

describe("requirement errors leave a policy the emitter can compile leniently", () => {
  for (const [name, text] of cases) {
    it(name, () => {
      const result = compilePolicyText(text, name, { lenient: true });
      const errors = result.diagnostics.filter((d) => d.severity === "error");
      const onlyRequirementErrors = errors.every((d) => d.reqs && d.reqs.length > 0);
      if (!onlyRequirementErrors) {
        expect(result.ir).toBeNull();
        return;
      }
      expect(result.diagnostics.filter((d) => d.code >= "QG070").map((d) => d.message)).toEqual([]);
      expect(result.ir).not.toBeNull();
    });
  }
});
