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
