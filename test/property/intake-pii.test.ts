/**
 * A6.pii, whatever the framing: `user.verified` events whose identity values are generated, framed
 * the ways real producers and accidents frame them — pretty-printed over many lines, a raw newline
 * inside a value, truncated at any byte, quotes dropped, the identity nested deeper or on a line of
 * its own — and run through the engine. No identity substring of four or more characters may reach
 * a decision or a dead letter (raw and reason alike), and every non-blank line is still accounted
 * for. The CLI's own channels (stdout, stderr, the dead-letter file, a SQLite store's bytes) are
 * checked on the reproduction in test/integration/pii-cli.test.ts.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compilePolicy } from "../../src/index.js";
import { emptyState, runStream, splitLines } from "../../src/engine/index.js";

const ROOT = join(import.meta.dirname, "..", "..");
const compiled = compilePolicy(readFileSync(join(ROOT, "policies", "cac-2017.qg"), "utf8"), "cac-2017.qg");
if (compiled.program === null) throw new Error("the reference policy does not compile");
const program = compiled.program;

const cjk = fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCharCode(c));
const name = fc.array(cjk, { minLength: 2, maxLength: 5 }).map((a) => a.join(""));
// Romanised names from letters English rarely puts together, so that a match in the output is a
// leak and not a word of a reason ("name", "type") that a name happens to contain.
const latinName = fc.stringMatching(/^[QXZ][qxzjkv]{3,8} [QXZ][qxzjkv]{3,8}$/);
const idNumber = fc.stringMatching(/^[1-6][0-9]{16}[0-9X]$/);
const identity = fc.record({ name: fc.oneof(name, latinName), idNumber, phone: fc.stringMatching(/^1[3-9][0-9]{9}$/) });

/** Every substring of four characters of the identity's values: none may be printed anywhere. */
function secrets(id: { name: string; idNumber: string; phone: string }): string[] {
  const out: string[] = [];
  for (const v of Object.values(id)) {
    const chars = Array.from(v);
    for (let i = 0; i + 4 <= chars.length; i++) out.push(chars.slice(i, i + 4).join(""));
  }
  return out;
}

type Framing = (event: Record<string, unknown>, cut: number) => string;
const FRAMINGS: Record<string, Framing> = {
  pretty: (e) => JSON.stringify(e, null, 1),
  prettyTabs: (e) => JSON.stringify(e, null, "\t"),
  rawNewlineInValue: (e) => {
    const id = e["identity"] as Record<string, string>;
    const name = Array.from(id["name"]!);
    const split = name.slice(0, 1).join("") + "\n" + name.slice(1).join("");
    return JSON.stringify(e).replace(JSON.stringify(id["name"]), `"${split}"`);
  },
  truncated: (e, cut) => {
    const s = JSON.stringify(e);
    return s.slice(0, Math.max(1, cut % s.length));
  },
  truncatedPretty: (e, cut) => {
    const s = JSON.stringify(e, null, 2);
    return s.slice(0, Math.max(1, cut % s.length));
  },
  quotesDropped: (e) => JSON.stringify(e).replace(/"([^"]*[\u4e00-\u9fa5A-Za-z][^"]*)"(?=[,}])/g, "$1"),
  nested: (e) => JSON.stringify({ ...e, identity: undefined, extra: { deeper: [{ identity: e["identity"] }] } }),
  identityAlone: (e) => JSON.stringify(e["identity"]),
  valuesAlone: (e) => Object.values(e["identity"] as Record<string, string>).map((v) => JSON.stringify(v)).join("\n"),
  unquotedValues: (e) => {
    const id = e["identity"] as Record<string, string>;
    return `{"id":"${String(e["id"])}","type":"user.verified","at":"${String(e["at"])}","user":"u1","identity":{"name":${id["name"]},"idNumber":${id["idNumber"]}}}`;
  },
  unknownType: (e) => JSON.stringify({ ...e, type: (e["identity"] as Record<string, string>)["name"] }),
  misnamedKey: (e) => JSON.stringify({ ...e, identity: undefined, identiy: e["identity"] }),
};

describe("A6.pii: no identity reaches a decision or a dead letter, whatever the framing", () => {
  test.each(Object.keys(FRAMINGS))("%s", (framing) => {
    fc.assert(
      fc.property(identity, fc.nat(), fc.boolean(), (id, cut, withPreamble) => {
        const event = { id: "v1", type: "user.verified", at: "2017-10-09T01:00:00+08:00", user: "u1", identity: id };
        const preamble = withPreamble ? '{"id":"r1","type":"user.registered","at":"2017-10-09T00:00:00+08:00","user":"u1"}\n' : "";
        const text = preamble + FRAMINGS[framing]!(event, cut) + "\n";
        const printed: string[] = [];
        const counts = runStream(program, splitLines(text), emptyState(), {
          decision: (json) => printed.push(json),
          deadLetter: (json) => printed.push(json),
        });
        // What the engine writes whatever the input (the policy's hash, the instants it decides at)
        // is taken out first: a digit run of an ID number may occur in them by chance.
        const all = printed
          .join("\n")
          .replace(/"policyId":"[0-9a-f]{64}"|"policyName":"cac-2017"/g, "")
          .replace(/\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))?/g, "");
        for (const s of secrets(id)) expect(all).not.toContain(s);
        // Accounting: every non-blank line gave one primary decision or one dead letter.
        const nonBlank = splitLines(text).filter((l) => !/^[ \t\r]*$/.test(l)).length;
        expect(counts.inputs).toBe(nonBlank);
        expect(counts.primaryDecisions + counts.deadLetters).toBe(nonBlank);
      }),
      { numRuns: 60 },
    );
  });
});
