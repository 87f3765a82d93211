/**
 * Broken policies: each file under test/golden/broken/ is a realistic policy with one realistic
 * mistake (its first line says which). The diagnostics it gets are kept beside it in
 * NN-name.expected.json; refresh with `npx vitest run test/golden/broken.test.ts -u` and read the
 * diff: the expected output must be what a person would expect, not just what the code prints.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHECK_CODES } from "../../src/check/codes.js";
import { check } from "../../src/check/index.js";
import type { Diagnostic } from "../../src/source/diagnostic.js";
import { Source } from "../../src/source/span.js";
import { parse } from "../../src/syntax/index.js";

const DIR = join(import.meta.dirname, "broken");
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith(".qg"))
  .sort();

function diagnose(file: string): { syntax: Diagnostic[]; checked: Diagnostic[] } {
  const parsed = parse(new Source(file, readFileSync(join(DIR, file), "utf8")));
  return { syntax: parsed.diagnostics, checked: parsed.ast ? check(parsed.ast) : [] };
}

function render(ds: readonly Diagnostic[]): string {
  const rows = ds.map((d) => ({ code: d.code, severity: d.severity, at: `${d.span.start.line}:${d.span.start.column}`, message: d.message }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}

describe("broken policies", () => {
  it("has at least 30 of them, numbered", () => {
    expect(FILES.length).toBeGreaterThanOrEqual(30);
    for (const f of FILES) expect(f).toMatch(/^\d\d-[a-z0-9-]+\.qg$/);
  });

  for (const file of FILES) {
    it(file, async () => {
      const { syntax, checked } = diagnose(file);
      // These files test the checker: they must parse cleanly.
      expect(render(syntax)).toBe("[]\n");
      expect(checked.length).toBeGreaterThan(0);
      await expect(render(checked)).toMatchFileSnapshot(join(DIR, file.replace(/\.qg$/, ".expected.json")));
    });
  }

  it("together produce every checker code", () => {
    const seen = new Set(FILES.flatMap((f) => diagnose(f).checked.map((d) => d.code)));
    // QG069 (an internal error) is the one code no policy should produce.
    const missing = CHECK_CODES.filter((c) => c.bad !== "").map((c) => c.code).filter((c) => !seen.has(c));
    expect(missing).toEqual([]);
  });
});
