import { describe, expect, it } from "vitest";
import { CHECK_CODES } from "../../../src/check/codes.js";
import { CODES } from "../../../src/check/ids.js";
import { check } from "../../../src/check/index.js";
import { Source } from "../../../src/source/span.js";
import { parse } from "../../../src/syntax/index.js";
import { brief } from "./helpers.js";

function run(name: string, text: string) {
  const parsed = parse(new Source(name, text));
  return { syntax: parsed.diagnostics, checked: parsed.ast ? check(parsed.ast) : [] };
}

describe("the checker's code catalogue", () => {
  it("has one entry per code, all in QG010–QG069, matching CODES", () => {
    const listed = CHECK_CODES.map((c) => c.code);
    expect(new Set(listed).size).toBe(listed.length);
    for (const c of listed) expect(Number(c.slice(2))).toBeGreaterThanOrEqual(10);
    for (const c of listed) expect(Number(c.slice(2))).toBeLessThanOrEqual(69);
    expect([...listed].sort()).toEqual([...Object.values(CODES)].sort());
    // Only the internal error has no example.
    expect(CHECK_CODES.filter((c) => c.bad === "").map((c) => c.code)).toEqual([CODES.internalError]);
  });

  it("writes titles and explanations the way messages are written", () => {
    for (const c of CHECK_CODES) {
      expect(c.title, c.code).toMatch(/^[a-z`]/);
      expect(c.title.endsWith("."), c.code).toBe(false);
      expect(c.explanation.length, c.code).toBeGreaterThan(40);
    }
  });

  for (const info of CHECK_CODES.filter((c) => c.bad !== "")) {
    it(`${info.code} (${info.title}): the bad example produces it, the fixed one is clean`, () => {
      const bad = run(`${info.code}-bad.qg`, info.bad);
      expect(bad.syntax.map(brief)).toEqual([]);
      const found = bad.checked.filter((d) => d.code === info.code);
      expect(found.length, bad.checked.map(brief).join("\n")).toBeGreaterThan(0);
      for (const d of found) expect(d.severity).toBe(info.severity);
      if (info.reqs) expect(found.some((d) => info.reqs!.every((r) => d.reqs?.includes(r))), `${info.code} cites ${info.reqs}`).toBe(true);

      const fixed = run(`${info.code}-fixed.qg`, info.fixed);
      expect([...fixed.syntax, ...fixed.checked].map(brief)).toEqual([]);
    });
  }
});
