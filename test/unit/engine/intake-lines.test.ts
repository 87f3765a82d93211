/**
 * Intake's line and time rules (docs/events.md, "Lines" and "Timestamps"): what is blank, what a
 * reason may say about text that is not JSON, the range of instants, and the wall clock.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { compileProgram, emptyState, inputLine, runStream, splitLines } from "../../../src/engine/index.js";
import { firstJsonError, jsonSyntaxReason } from "../../../src/engine/json-syntax.js";
import { fixturePolicy } from "./fixtures.js";

const ev = (id: string, at: string) => JSON.stringify({ id, type: "user.registered", at, user: "u1" });

describe("blank lines", () => {
  test("only empty lines and ASCII spaces, tabs and CRs are blank", () => {
    for (const blank of ["", " ", "\t", " \t \r", "\r"]) expect(inputLine(blank)).toBeNull();
    for (const ch of ["\u00a0", "\u3000", "\ufeff", "\u2028", "\u2029", "\f", "\v", "\u200b", "\u0085"]) expect(inputLine(ch)).not.toBeNull();
  });

  test("accounting holds over generated Unicode whitespace: such lines are dead letters, never dropped", () => {
    const program = compileProgram(fixturePolicy());
    const ws = fc.constantFrom(" ", "\t", "\r", "\u00a0", "\u3000", "\ufeff", "\u2028", "\u2029", "\f", "\v", "\u1680", "\u2007", "\u202f", "\u205f");
    fc.assert(
      fc.property(fc.array(fc.array(ws, { maxLength: 4 }).map((a) => a.join("")), { minLength: 1, maxLength: 12 }), (lines) => {
        const counts = runStream(program, lines, emptyState());
        const blank = lines.filter((l) => /^[ \t\r]*$/.test(l)).length;
        expect(counts.blankLines).toBe(blank);
        expect(counts.inputs).toBe(lines.length - blank);
        expect(counts.deadLetters).toBe(lines.length - blank);
      }),
      { numRuns: 200 },
    );
  });

  test("a byte-order mark opening the stream is stripped; anywhere else it makes a line an input", () => {
    const lines = splitLines(`\ufeff${ev("a", "2017-10-09T00:00:00+08:00")}\n\ufeff\n`);
    const program = compileProgram(fixturePolicy());
    const counts = runStream(program, lines, emptyState());
    expect(counts.primaryDecisions).toBe(1);
    expect(counts.deadLetters).toBe(1);
  });
});

describe("reasons for text that is not JSON", () => {
  test("a position and the expected token", () => {
    expect(jsonSyntaxReason('{"a":1,}')).toBe("invalid JSON at column 8: expected a property name in double quotes");
    expect(jsonSyntaxReason('{"name":诸葛孔明}')).toBe("invalid JSON at column 9: expected a value (an object, array, string, number, true, false or null)");
    expect(jsonSyntaxReason('{"a":"x')).toBe(`invalid JSON at column 8: expected a closing '"' (end of line reached inside a string)`);
    expect(jsonSyntaxReason("[1 2]")).toBe("invalid JSON at column 4: expected ',' or ']'");
    expect(jsonSyntaxReason('{"a":1} x')).toBe("invalid JSON at column 9: expected the end of the line after a complete value");
  });

  test("agrees with JSON.parse on what is JSON, and never quotes the input", () => {
    const piece = fc.constantFrom("{", "}", "[", "]", ",", ":", '"', "\\", "1", "-", ".", "e", "true", "nul", " ", "张三", "Zqxv", "\\u00", "\n");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }).map((a) => a.join("")), (text) => {
        let parses = true;
        try {
          JSON.parse(text);
        } catch {
          parses = false;
        }
        expect(firstJsonError(text) === undefined).toBe(parses);
        if (!parses) {
          const reason = jsonSyntaxReason(text);
          expect(reason).not.toContain("张三");
          expect(reason).not.toContain("Zqxv");
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe("the range of instants and the wall clock", () => {
  const program = compileProgram(fixturePolicy());
  const reason = (p: typeof program, line: string) => p.evaluateLine(line, 1, emptyState()).deadLetter?.reason;

  test("an instant outside 1970 … 2199 is a dead letter, so no timestamp written leaves the schema", () => {
    expect(reason(program, ev("a", "9999-12-31T23:59:59+14:00"))).toBe('field "at" must be an instant from 1970-01-01 to 2199-12-31 (UTC)');
    expect(reason(program, ev("b", "1900-01-01T00:00:00+08:00"))).toBe('field "at" must be an instant from 1970-01-01 to 2199-12-31 (UTC)');
    expect(reason(program, ev("c", "2199-12-31T23:59:59Z"))).toBeUndefined();
  });

  test("with a wall clock, an event later than it by more than the tolerance is a dead letter and leaves the clock alone", () => {
    const now = Date.parse("2017-10-09T00:00:00+08:00");
    const p = compileProgram(fixturePolicy(), { wallClock: () => now });
    const state = emptyState();
    const far = p.evaluateLine(ev("f", "2030-01-01T00:00:00+08:00"), 1, state);
    expect(far.deadLetter?.reason).toBe("event is later than the wall clock by more than the tolerance");
    expect(state.clock).toBeNull();
    expect(p.evaluateLine(ev("g", "2017-10-09T00:00:00+08:00"), 2, state).deadLetter).toBeUndefined();
    // Without a wall clock (a library caller replaying history) the far event is accepted.
    expect(program.evaluateLine(ev("f", "2030-01-01T00:00:00+08:00"), 1, emptyState()).deadLetter).toBeUndefined();
  });
});
