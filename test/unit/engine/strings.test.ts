import { readFileSync } from "node:fs";
import fc from "fast-check";
import { expect, test } from "vitest";
import { compilePolicyText } from "../../../src/compile.js";
import { compileProgram } from "../../../src/engine/index.js";
import { narrow, withOneByteStrings } from "../../../src/engine/strings.js";

test("narrow keeps every string's characters", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary" }), (s) => {
      expect(narrow(s)).toBe(s);
    }),
    { numRuns: 500 },
  );
});

test("the program's IR equals the one it was given, which is left unchanged", () => {
  const ir = compilePolicyText(readFileSync("policies/cac-2017.qg", "utf8"), "policies/cac-2017.qg").ir!;
  const before = JSON.stringify(ir);
  const program = compileProgram(ir);
  expect(JSON.stringify(program.ir)).toBe(before);
  expect(JSON.stringify(ir)).toBe(before);
  expect(withOneByteStrings(ir)).toEqual(ir);
});

test("withOneByteStrings keeps every decision string, whatever characters it holds", () => {
  // The strings are narrowed together, joined by U+0000 and split again: strings that hold U+0000
  // themselves, or a character beyond Latin-1, must come through as they were.
  const ir = compilePolicyText(readFileSync("policies/cac-2017.qg", "utf8"), "policies/cac-2017.qg").ir!;
  const text = fc.string({ unit: "binary", maxLength: 12 });
  fc.assert(
    fc.property(fc.array(fc.tuple(text, text, text), { minLength: 1, maxLength: 8 }), text, (parts, version) => {
      const v = ir.versions[0]!;
      const rules = parts.map(([name, because, req], i) => ({ ...v.rules[i % v.rules.length]!, name, because: [because, { path: "group" }, because], cites: [{ article: 8, req }] }));
      const given = { ...ir, versions: [{ ...v, version, rules }] };
      const before = JSON.stringify(given);
      expect(withOneByteStrings(given)).toEqual(given);
      expect(JSON.stringify(given)).toBe(before);
    }),
    { numRuns: 300 },
  );
});
