/**
 * Every IR loading code (QG070–QG079) as documented: its `bad` example produces it and its `fixed`
 * example loads cleanly. QG079 is the compiler's self-check of its own output; no input can show it
 * without a bug in qungui, so it has no example.
 */
import { describe, expect, it } from "vitest";
import { IR_CODES } from "../../../src/ir/codes.js";
import { loadIRText } from "../../../src/ir/load.js";

describe("IR codes", () => {
  for (const info of IR_CODES) {
    if (info.bad === "") {
      it.skip(`${info.code}: ${info.title} (internal error: no input shows it)`, () => {});
      continue;
    }
    it(`${info.code}: ${info.title}`, () => {
      const bad = loadIRText(info.bad);
      expect(bad.ir).toBeNull();
      expect(bad.diagnostics.map((d) => d.code)).toContain(info.code);
      expect(bad.diagnostics.every((d) => d.message.startsWith("/"))).toBe(true);
      const fixed = loadIRText(info.fixed);
      expect(fixed.diagnostics).toEqual([]);
      expect(fixed.ir).not.toBeNull();
    });
  }

  it("QG070: an unknown field is named with its JSON pointer", () => {
    const bad = loadIRText(IR_CODES.find((c) => c.code === "QG070")!.bad);
    expect(bad.diagnostics[0]!.message).toBe("/versions/0/rules/0: unknown field `severity`");
  });
});
