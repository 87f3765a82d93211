import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { compileProgram, emptyState, restoreState, runStream, snapshotState } from "../../src/engine/index.js";
import { fixturePolicy } from "../unit/engine/fixtures.js";
import { eventStream } from "./engine-arbitraries.js";

const program = compileProgram(fixturePolicy());

function run(lines: string[], state = emptyState(), firstLine = 1): string[] {
  const out: string[] = [];
  runStream(program, lines, state, { decision: (j) => out.push(j), deadLetter: (j) => out.push(`DL ${j}`) }, { firstLine });
  return out;
}

describe("engine state and determinism", () => {
  test("state JSON round trip mid-stream gives identical subsequent decisions", () => {
    fc.assert(
      fc.property(eventStream(), fc.nat(), (lines, cut) => {
        const k = cut % (lines.length + 1);
        const whole = run(lines);
        const st = emptyState();
        const first = run(lines.slice(0, k), st);
        const restored = restoreState(JSON.parse(JSON.stringify(st)));
        expect(snapshotState(restored)).toBe(snapshotState(st));
        const rest = run(lines.slice(k), restored, k + 1);
        expect([...first, ...rest]).toEqual(whole);
      }),
      { numRuns: 150 },
    );
  });

  test("same input gives byte-identical output, with a fresh program too", () => {
    const other = compileProgram(fixturePolicy());
    fc.assert(
      fc.property(eventStream(), (lines) => {
        const a = run(lines);
        const out: string[] = [];
        const st = emptyState();
        runStream(other, lines, st, { decision: (j) => out.push(j), deadLetter: (j) => out.push(`DL ${j}`) });
        expect(out).toEqual(a);
        expect(run(lines).join("\n")).toBe(a.join("\n"));
      }),
      { numRuns: 100 },
    );
  });
});
