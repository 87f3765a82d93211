import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { compileProgram, emptyState, runStream, snapshotState } from "../../src/engine/index.js";
import { fixturePolicy } from "../unit/engine/fixtures.js";
import { brokenLine, eventStream } from "./engine-arbitraries.js";

const program = compileProgram(fixturePolicy());

describe("malformed input", () => {
  test("A6.pii: broken lines never throw, never leak identity, and inputs = primary decisions + dead letters", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(brokenLine, eventStream(3).map((l) => l[0]!)), { maxLength: 40 }), (lines) => {
        const st = emptyState();
        const out: string[] = [];
        const counts = runStream(program, lines, st, { decision: (j) => out.push(j), deadLetter: (j) => out.push(j) });
        expect(counts.inputs).toBe(counts.primaryDecisions + counts.deadLetters);
        expect(counts.inputs).toBe(lines.filter((l) => l.replace(/\r$/, "").trim() !== "").length);
        const all = out.join("\n") + snapshotState(st);
        expect(all).not.toContain("110101199003074514");
        for (const line of out) expect(() => JSON.parse(line)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  test("evaluate never throws on any value, and answers with exactly one primary decision or dead letter", () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withObjectString: true, withSparseArray: true, withBoxedValues: true }), (value) => {
        const r = program.evaluate(value, emptyState());
        const primaries = r.decisions.filter((d) => d.trigger === undefined).length;
        expect(primaries + (r.deadLetter ? 1 : 0)).toBe(1);
      }),
      { numRuns: 500 },
    );
  });

  test("a value with a throwing getter is a dead letter, not an exception", () => {
    const hostile = { id: "e", type: "clock", get at(): string { throw new Error("boom"); } };
    const r = program.evaluate(hostile, emptyState());
    expect(r.deadLetter?.reason).toMatch(/^(invalid event|internal error)/);
  });
});
