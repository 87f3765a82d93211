/**
 * The compiler's self-check (src/compile.ts) and the two-pass schema validation behind it and
 * behind loading IR (src/ir/load.ts): a first pass that only says yes or no, then every error of
 * a rejected document, exactly as a validator with `allErrors` reports them.
 */
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as emit from "../../../src/ir/emit.js";
import { compilePolicyText, selfCheckByDefault } from "../../../src/compile.js";
import { IR_CODES } from "../../../src/ir/codes.js";
import { irSchemaErrors } from "../../../src/ir/load.js";
import { IR_SCHEMA } from "../../../src/ir/schema.js";

const reference = readFileSync("policies/cac-2017.qg", "utf8");
const emitted = () => structuredClone(compilePolicyText(reference, "cac-2017.qg").ir!) as unknown as Record<string, any>;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("IR schema validation", () => {
  const everyError = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(IR_SCHEMA);

  it("accepts the emitted IR of the reference policy", () => {
    expect(irSchemaErrors(emitted())).toEqual([]);
  });

  it("reports every error of an invalid document, as a validator with allErrors does", () => {
    const broken: unknown[] = [JSON.parse(IR_CODES.find((c) => c.code === "QG070")!.bad)];
    const variants: ((ir: Record<string, any>) => void)[] = [
      (ir) => delete ir.versions[0].rules[0].when,
      (ir) => (ir.versions[0].rules[3].when.kind = "implies"),
      (ir) => (ir.versions[0].measures[0].actions[0].target = "everyone"),
      (ir) => (ir.versions[0].rules[5].extra = true),
      (ir) => (ir.spans["not an id"] = ir.spans[Object.keys(ir.spans)[0]!]),
      (ir) => (ir.versions = []),
    ];
    for (const change of variants) {
      const ir = emitted();
      change(ir);
      broken.push(ir);
    }
    for (const doc of broken) {
      expect(everyError(doc)).toBe(false);
      expect(irSchemaErrors(doc)).toEqual(everyError.errors);
    }
  });
});

describe("the self-check", () => {
  it("is on in the tests (vitest.config.ts sets QUNGUI_SELF_CHECK=1)", () => {
    expect(selfCheckByDefault()).toBe(true);
  });

  it("reports IR the emitter got wrong as QG079, and only when it is on", () => {
    const real = emit.emitIR;
    vi.spyOn(emit, "emitIR").mockImplementation((...args) => {
      const ir = real(...args);
      return { ...ir, versions: [] };
    });
    const checked = compilePolicyText(reference, "cac-2017.qg", { selfCheck: true });
    expect(checked.ir).toBeNull();
    expect(checked.diagnostics.map((d) => d.code)).toContain("QG079");
    expect(checked.diagnostics.find((d) => d.code === "QG079")!.message).toMatch(/^internal error: emitted IR fails its schema: \/versions must NOT have fewer than 1 items/);
    const unchecked = compilePolicyText(reference, "cac-2017.qg", { selfCheck: false });
    expect(unchecked.ir).not.toBeNull();
    expect(unchecked.diagnostics.map((d) => d.code)).not.toContain("QG079");
  });
});
