/**
 * The action table (src/vocab/actions.ts) is the one list of measure actions: what derives from
 * it says the same as the table, and the engine refuses a target the table does not allow.
 */
import { describe, expect, it } from "vitest";
import { compileProgram } from "../../../src/engine/index.js";
import { compilePolicyText } from "../../../src/compile.js";
import { ACTION_KINDS, ACTIONS, actionOfAst, isSanction, SANCTION_KINDS, targetFits } from "../../../src/vocab/actions.js";
import { DECISION_SCHEMA } from "../../../src/vocab/schemas.js";
import { readFileSync } from "node:fs";

describe("the action table", () => {
  it("A11.record-report: the sanctions are the measures a decision can carry, in the schema's order", () => {
    expect(SANCTION_KINDS).toEqual(["warn", "suspend-posting", "close-group", "lower-credit", "suspend-management", "cancel-creation", "blacklist"]);
    expect(JSON.stringify(DECISION_SCHEMA)).toContain(JSON.stringify({ enum: SANCTION_KINDS }));
    for (const k of ["record", "report", "escalate"]) expect(isSanction(k)).toBe(false);
    expect(isSanction("suspend")).toBe(false);
  });

  it("maps every AST action node to its IR kind", () => {
    for (const k of ACTION_KINDS) expect(actionOfAst(ACTIONS[k].ast)).toBe(k);
    expect(new Set(ACTION_KINDS.map((k) => ACTIONS[k].ast)).size).toBe(ACTION_KINDS.length);
  });

  it("says which targets each action takes", () => {
    expect(targetFits("close-group", "group")).toBe(true);
    expect(targetFits("close-group", "user")).toBe(false);
    expect(targetFits("lower-credit", "creator")).toBe(true);
    expect(targetFits("lower-credit", "group")).toBe(false);
    expect(targetFits("blacklist", "managers")).toBe(true);
    expect(targetFits("record", "group")).toBe(false);
  });

  it("A11.user-measures: the engine refuses IR whose action has a target the table does not allow", () => {
    const ir = compilePolicyText(readFileSync("policies/cac-2017.qg", "utf8"), "policies/cac-2017.qg").ir!;
    const bad = structuredClone(ir);
    const measure = bad.versions[0]!.measures.find((m) => m.actions.some((a) => a.kind === "lower-credit"))!;
    const action = measure.actions.find((a) => a.kind === "lower-credit")! as { target: string };
    action.target = "group";
    expect(() => compileProgram(bad)).toThrow(/lower-credit applies to users, not a group/);
    expect(() => compileProgram(ir)).not.toThrow();
  });
});
