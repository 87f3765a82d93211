import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { compilePolicyText } from "../../../src/compile.js";
import { compileProgram, emptyState } from "../../../src/engine/index.js";
import { policyId } from "../../../src/ir/identity.js";
import { loadIRText } from "../../../src/ir/load.js";

const TEXT = readFileSync("policies/cac-2017.qg", "utf8");
const irOf = (text: string, file: string) => compilePolicyText(text, file).ir!;

describe("policyId", () => {
  test("one policy compiled from three paths has one id, and every decision carries it", () => {
    const ids = ["policies/cac-2017.qg", "/tmp/x/cac-2017.qg", "copy.qg"].map((f) => policyId(irOf(TEXT, f)));
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^[0-9a-f]{64}$/);
    const program = compileProgram(irOf(TEXT, "elsewhere.qg"));
    expect(program.id).toBe(ids[0]);
    const line = '{"id":"e1","type":"user.registered","at":"2017-10-09T09:00:00+08:00","user":"u1"}';
    const [d] = program.evaluateLine(line, 1, emptyState()).decisions;
    expect([d!.policyName, d!.policyId, d!.policy]).toEqual(["cac-2017", ids[0], "1.0"]);
  });

  test("comments and layout keep it; what the policy says changes it", () => {
    const base = policyId(irOf(TEXT, "a.qg"));
    expect(policyId(irOf(`${TEXT}\n// reviewed 2017-10-01\n`, "a.qg"))).toBe(base);
    // A line added on top moves every span, and spans are not what the policy says.
    expect(policyId(irOf(`// header\n\n${TEXT}`, "a.qg"))).toBe(base);
    const changed = TEXT.replace(/within (\d+) days/, (_m, n: string) => `within ${Number(n) + 1} days`);
    expect(changed).not.toBe(TEXT);
    expect(policyId(irOf(changed, "a.qg"))).not.toBe(base);
    const renamed = TEXT.replace('policy "cac-2017"', 'policy "cac-2017-b"');
    expect(policyId(irOf(renamed, "a.qg"))).not.toBe(base);
  });

  test("a JSON round trip of the IR (the store, compile -o) keeps the id", () => {
    const ir = irOf(TEXT, "a.qg");
    const loaded = loadIRText(JSON.stringify(ir)).ir!;
    expect(policyId(loaded)).toBe(policyId(ir));
  });
});
