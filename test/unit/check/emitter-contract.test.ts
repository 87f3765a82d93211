/**
 * What the IR emitter relies on from the checker: expression types, and telling enumeration
 * literals from paths. Uses the real compile pipeline.
 */
import { describe, expect, it } from "vitest";
import { compilePolicyText } from "../../../src/compile.js";
import { policy } from "./helpers.js";

const rule = (when: string, on = "group.manage") =>
  policy(`${"credit { serves A7.credit  levels D < C < B < A  default C }"}
rule r {
  serves A9.management-rights
  on ${on}
  deny when ${when}
  because "x"
}`);

function whenOf(text: string): unknown {
  const result = compilePolicyText(text, "t.qg");
  expect(result.diagnostics.map((d) => d.message)).toEqual([]);
  return result.ir!.versions[0]!.rules.find((r) => r.name === "r")!.when;
}

describe("the emitter reads the checker's types", () => {
  it("emits bare names as enumeration literals of the type the checker resolved", () => {
    expect(whenOf(rule("event.action == mute and actor.credit < B"))).toMatchObject({
      kind: "and",
      args: [
        { kind: "cmp", right: { kind: "lit", type: "action", value: "mute" } },
        { kind: "cmp", right: { kind: "lit", type: "level", value: "B" } },
      ],
    });
  });

  // `creator` is both a path root and a role: the emitter asks the checker's typing
  // (`isEnumLiteral`) which one `target.role == creator` means.
  it("emits `creator` compared with a role as the role literal", () => {
    expect(whenOf(rule("target.role == creator"))).toMatchObject({ kind: "cmp", right: { kind: "lit", type: "role", value: "creator" } });
  });
});
