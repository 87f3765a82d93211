/**
 * The JSON Schemas under schema/ are current: exactly what `npm run schemas` writes from
 * src/vocab/schemas.ts and src/ir/schema.ts, each a valid draft 2020-12 schema, and each linked
 * from the docs (the contract's from docs/events.md, the IR's from docs/architecture.md).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, test } from "vitest";
import { schemaFiles } from "../../../scripts/schemas.js";
import { compilePolicyText } from "../../../src/compile.js";
import { IR_VERSION } from "../../../src/ir/types.js";

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [relative("schema", p).split("\\").join("/")];
  });
}

const irFile = `ir-v${IR_VERSION}.json`;

describe("schema/", () => {
  const expected = schemaFiles();

  test("holds exactly the generated files, each up to date (run `npm run schemas` if not)", () => {
    expect(filesUnder("schema").sort()).toEqual(Object.keys(expected).sort());
    for (const [path, text] of Object.entries(expected)) expect(readFileSync(join("schema", path), "utf8"), path).toBe(text);
  });

  test("every schema compiles, and examples of the contract validate", () => {
    const ajv = new Ajv2020({ strict: false, allowUnionTypes: true });
    const compiled = Object.fromEntries(Object.entries(expected).map(([p, t]) => [p, ajv.compile(JSON.parse(t) as object)]));
    const event = { id: "e1", type: "group.join", at: "2017-10-09T10:00:00+08:00", user: "u2", group: "g1", approvedBy: "u1" };
    expect(compiled["event-v1.json"]!(event)).toBe(true);
    expect(compiled["events/group.join.json"]!(event)).toBe(true);
    expect(compiled["event-v1.json"]!({ ...event, at: "2017-10-09 10:00" })).toBe(false);
    const decision = {
      v: 1,
      event: "e42",
      at: "2017-10-09T10:00:00+08:00",
      type: "message.post",
      outcome: "deny",
      subject: { user: "u7", group: "g1", role: "member" },
      rule: "real-name/post",
      reason: "user u7 has no verified real identity",
      cites: [{ article: 6, req: "A6.real-name" }],
      effects: [],
      policy: "1.0",
      policyName: "cac-2017",
      policyId: "3f5a0c1d9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f",
    };
    expect(compiled["decision-v1.json"]!(decision)).toBe(true);
    // The policy's identity is part of every decision (contract v1, additive).
    const { policyId: _id, ...withoutId } = decision;
    expect(compiled["decision-v1.json"]!(withoutId)).toBe(false);
    expect(compiled["decision-v1.json"]!({ ...decision, policyId: "1.0" })).toBe(false);
    expect(compiled["dead-letter-v1.json"]!({ line: 3, reason: "invalid JSON: unexpected end", raw: "{" })).toBe(true);
  });

  test("the IR schema accepts the reference policy's IR and refuses a field it does not define", () => {
    const validate = new Ajv2020({ strict: true, allowUnionTypes: true }).compile(JSON.parse(expected[irFile]!) as object);
    const ir = compilePolicyText(readFileSync("policies/cac-2017.qg", "utf8"), "policies/cac-2017.qg").ir!;
    expect(validate(JSON.parse(JSON.stringify(ir)))).toBe(true);
    expect(validate({ ...ir, versions: [{ ...ir.versions[0]!, guards: [{ ...ir.versions[0]!.guards[0]!, severity: "high" }] }] })).toBe(false);
  });

  test("the docs link every schema", () => {
    const events = readFileSync("docs/events.md", "utf8");
    for (const path of Object.keys(expected).filter((p) => p !== irFile)) expect(events, path).toContain(`](../schema/${path})`);
    expect(readFileSync("docs/architecture.md", "utf8")).toContain(`](../schema/${irFile})`);
  });
});
