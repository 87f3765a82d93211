/**
 * The integrity guards as IR data (src/ir/guards.ts, docs/architecture.md "The integrity guards
 * are IR too"): emitted into every version, the same in every policy, refused when they differ,
 * added to IR version 1; and the engine decides by the guards of its IR.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { compilePolicyText } from "../../../src/compile.js";
import { compileProgram, emptyState, ProgramError } from "../../../src/engine/index.js";
import { integrityGuards } from "../../../src/ir/guards.js";
import { policyId } from "../../../src/ir/identity.js";
import { loadIR } from "../../../src/ir/load.js";
import { IR_VERSION, type PolicyIR } from "../../../src/ir/types.js";

const compiled = (): PolicyIR => JSON.parse(JSON.stringify(compilePolicyText(readFileSync("policies/cac-2017.qg", "utf8"), "policies/cac-2017.qg").ir)) as PolicyIR;

/** The IR as version 1 wrote it: the same document without `guards`. */
function asVersion1(ir: PolicyIR): unknown {
  return { ...ir, irVersion: 1, versions: ir.versions.map(({ guards: _guards, ...v }) => v) };
}

const codes = (r: ReturnType<typeof loadIR>) => r.diagnostics.map((d) => `${d.code} ${d.message}`);

describe("integrity guards in the IR", () => {
  test("every emitted version carries them, one guard per (name, event types), unknown groups before membership", () => {
    const ir = compiled();
    expect(ir.irVersion).toBe(2);
    for (const v of ir.versions) expect(v.guards).toEqual(integrityGuards());
    const onJoin = ir.versions[0]!.guards.filter((g) => g.on.includes("group.join")).map((g) => g.name);
    expect(onJoin).toEqual(["integrity/unknown-group", "integrity/already-member"]);
    expect(ir.versions[0]!.guards.filter((g) => g.on.includes("records.purge"))).toEqual([]);
  });

  test("IR version 1 loads with the guards added: the document compiling the policy gives, with its id", () => {
    const ir = compiled();
    const r = loadIR(asVersion1(ir));
    expect(codes(r)).toEqual([]);
    expect(r.ir!.irVersion).toBe(IR_VERSION);
    expect(JSON.stringify(r.ir)).toBe(JSON.stringify(ir));
    expect(policyId(r.ir!)).toBe(policyId(ir));
  });

  test("guards other than the integrity guards are refused, by the loader and by compileProgram", () => {
    const dropped = compiled();
    dropped.versions[0]!.guards = dropped.versions[0]!.guards.filter((g) => g.name !== "integrity/unknown-group");
    expect(codes(loadIR(dropped))).toEqual(["QG072 /versions/0/guards: not the integrity guards of IR version 2"]);
    expect(() => compileProgram(dropped)).toThrow(ProgramError);

    const reworded = compiled();
    reworded.versions[0]!.guards[0]!.because = ["any reason"];
    expect(codes(loadIR(reworded))).toEqual(["QG072 /versions/0/guards: not the integrity guards of IR version 2"]);

    const missing = compiled() as unknown as { versions: Record<string, unknown>[] };
    delete missing.versions[0]!["guards"];
    expect(codes(loadIR(missing))[0]).toMatch(/^QG070 \/versions\/0: must have required property 'guards'/);
  });

  test("the order of a guard's keys does not matter, the order of the guards does", () => {
    const ir = compiled();
    const v = ir.versions[0]!;
    v.guards = v.guards.map(({ kind, name, on, when, because, cites }) => ({ cites, because, when, on, name, kind }));
    expect(codes(loadIR(ir))).toEqual([]);
    v.guards.reverse();
    expect(codes(loadIR(ir))).toHaveLength(1);
  });

  test("a later IR version is refused (QG071)", () => {
    expect(codes(loadIR({ ...compiled(), irVersion: IR_VERSION + 1 }))).toEqual([`QG071 /irVersion: IR version ${IR_VERSION + 1} is not supported`]);
  });

  test("the engine decides by the IR's guards: with the policy's rules reduced to its permits, each refuses as it says", () => {
    const ir = compiled();
    for (const v of ir.versions) v.rules = v.rules.filter((r) => r.origin === "permit");
    const program = compileProgram(loadIR(ir).ir!);
    const state = emptyState();
    const at = "2018-01-10T10:00:00+08:00";
    let n = 0;
    const decide = (e: Record<string, unknown>) => program.evaluate({ id: `e${++n}`, at, ...e }, state).decisions.at(-1)!;
    expect(decide({ type: "group.create", user: "u1", group: "g1", category: "general" }).outcome).toBe("allow");
    const byGuard = (e: Record<string, unknown>) => {
      const d = decide(e);
      return [d.outcome, d.rule, d.reason, d.cites.map((c) => c.req).join()];
    };
    expect(byGuard({ type: "group.create", user: "u2", group: "g1", category: "general" })).toEqual(["deny", "integrity/group-id-used", "group id g1 is already in use", "A8.group-id"]);
    expect(byGuard({ type: "message.post", user: "u1", group: "g9", message: "m1" })).toEqual(["deny", "integrity/unknown-group", "group g9 does not exist", "A2.roles"]);
    expect(byGuard({ type: "group.join", user: "u1", group: "g1" })).toEqual(["deny", "integrity/already-member", "user u1 is already a member of group g1", "A2.roles"]);
    expect(byGuard({ type: "group.role", actor: "u1", group: "g1", user: "u7", role: "manager" })).toEqual(["deny", "integrity/not-member", "user u7 is not a member of group g1", "A2.roles"]);
    expect(byGuard({ type: "group.role", actor: "u1", group: "g1", user: "u1", role: "member" })).toEqual(["deny", "integrity/creator-role", "the creator of group g1 keeps the creator role", "A2.roles"]);
    expect(byGuard({ type: "group.manage", actor: "u1", group: "g1", action: "mute", target: "u7" })).toEqual(["deny", "integrity/not-member", "user u7 is not a member of group g1", "A2.roles"]);
    expect(byGuard({ type: "group.manage", actor: "u1", group: "g1", action: "remove-member", target: "u1" })).toEqual([
      "deny",
      "integrity/creator-protected",
      "nobody removes the creator of group g1",
      "A9.management-rights",
    ]);
    // A message is not a member: deleting one passes the member guards.
    expect(decide({ type: "group.manage", actor: "u1", group: "g1", action: "delete-message", target: "m1" }).outcome).toBe("allow");
    expect(state.groups["g1"]!.creator).toBe("u1");
  });
});
