import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { emptyState, runStream, serializeDecision, splitLines, type Decision } from "../../../src/engine/index.js";
import { harness, t } from "./fixtures.js";

const at = t("2017-10-09T10:00");
const text = [
  JSON.stringify({ id: "e1", type: "user.registered", at, user: "u1" }),
  "",
  "not json",
  JSON.stringify({ id: "e2", type: "complaint.filed", at, complaint: "c1" }) + "\r",
  "   ",
  JSON.stringify({ id: "e1", type: "clock", at }),
  JSON.stringify({ id: "e3", type: "clock", at: t("2017-10-12T10:00") }),
].join("\n") + "\n";

describe("runStream", () => {
  test("every input line gives one primary decision or one dead letter; blank lines are not inputs", () => {
    const out: string[] = [];
    const dead: string[] = [];
    const counts = runStream(harness().program, splitLines(text), emptyState(), { decision: (j) => out.push(j), deadLetter: (j) => dead.push(j) });
    expect(counts).toEqual({ inputs: 5, blankLines: 2, decisions: 4, primaryDecisions: 3, timerDecisions: 1, deadLetters: 2 });
    expect(dead).toEqual([
      `{"line":3,"reason":"invalid JSON at column 1: expected a value (an object, array, string, number, true, false or null)","raw":"[withheld: not JSON, 8 characters]"}`,
      `{"line":6,"reason":"duplicate event id \\"e1\\"","raw":${JSON.stringify(JSON.stringify({ id: "e1", type: "clock", at }))}}`,
    ]);
    expect(out.map((l) => JSON.parse(l).event)).toEqual(["e1", "e2", "e3", "e3"]);
  });

  test("serialised decisions keep the documented field order", () => {
    const out: string[] = [];
    runStream(harness().program, splitLines(text), emptyState(), { decision: (j) => out.push(j) });
    const timer = out[2]!;
    expect(Object.keys(JSON.parse(timer))).toEqual(["v", "event", "at", "type", "trigger", "due", "outcome", "subject", "rule", "reason", "cites", "effects", "policy", "policyName", "policyId"]);
    expect(Object.keys(JSON.parse(out[0]!))).toEqual(["v", "event", "at", "type", "outcome", "subject", "rule", "reason", "cites", "effects", "policy", "policyName", "policyId"]);
    for (const line of out) expect(serializeDecision(JSON.parse(line))).toBe(line);
    for (const line of out) expect(JSON.stringify(JSON.parse(line))).toBe(line);
  });
});

describe("serializeDecision", () => {
  // Its own quoting skips JSON.stringify for plain strings: any string, escapes and lone
  // surrogates included, must still come out as JSON.stringify writes it.
  const text = fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.string({ unit: fc.constantFrom("a", "群", '"', "\\", "\n", "\u2028", "\ud800", "\udc00", "😀", "\u001f", "\u007f") }));
  test("writes exactly what JSON.stringify writes for a decision in key order, whatever its strings", () => {
    fc.assert(
      fc.property(text, text, text, text, text, fc.option(text, { nil: null }), text, (event, user, group, rule, reason, policy, policyId) => {
        const d: Decision = {
          v: 1,
          event,
          at: "2017-10-09T10:00:00+08:00",
          type: "group.join",
          outcome: "deny",
          subject: { user, group, role: "none" },
          rule,
          reason,
          cites: [{ article: 6, req: "A6.real-name" }],
          effects: [],
          policy,
          policyName: reason,
          policyId,
        };
        expect(serializeDecision(d)).toBe(JSON.stringify(d));
      }),
      { numRuns: 500 },
    );
  });
});
