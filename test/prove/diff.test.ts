/**
 * `qungui diff`: the reference policy against itself is equivalent; against a changed copy it
 * names exactly the rules whose conditions changed, each situation decided differently comes with
 * a witness the engine decides that way, and a recorded stream shows the impact.
 */
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { compilePolicyText } from "../../src/compile.js";
import type { ExprIR, PolicyIR, VersionIR } from "../../src/ir/types.js";
import { replayDiff } from "../../src/diff/replay.js";
import { semanticDiff } from "../../src/diff/semantic.js";
import { readFileSync } from "node:fs";
import { buildStream, replay } from "../../src/prove/witness.js";
import { load, REFERENCE } from "./helpers.js";

const last = (ir: PolicyIR) => ({ ir, version: ir.versions[ir.versions.length - 1]! });

/** What changed by name, syntactically: the rules a diff must name (for each event type). */
function changedByText(a: VersionIR, b: VersionIR): string[] {
  const strip = (e: ExprIR) => JSON.parse(JSON.stringify(e, (k, v) => (k === "id" ? undefined : v)));
  const out = new Set<string>();
  for (const type of new Set([...a.rules, ...b.rules].flatMap((r) => r.on))) {
    const names = new Set([...a.rules, ...b.rules].filter((r) => r.on.includes(type)).map((r) => r.name));
    for (const name of names) {
      const x = a.rules.filter((r) => r.on.includes(type) && r.name === name).map((r) => [r.effect, strip(r.when)]);
      const y = b.rules.filter((r) => r.on.includes(type) && r.name === name).map((r) => [r.effect, strip(r.when)]);
      if (!isDeepStrictEqual(x, y)) out.add(`${type} ${name}`);
    }
  }
  return [...out].sort();
}

function mutate(ir: PolicyIR, edit: (v: VersionIR) => void): PolicyIR {
  const copy = structuredClone(ir);
  edit(copy.versions[0]!);
  return { ...copy, name: `${ir.name}-changed` };
}

async function cli(...args: string[]) {
  let out = "";
  let err = "";
  const code = await main(["node", "qungui", "diff", ...args], { out: (t) => (out += t), err: (t) => (err += t), color: false });
  return { code, out, err };
}

describe("diff", () => {
  const reference = load(REFERENCE);

  it("finds the reference policy equivalent to itself", async () => {
    const d = await semanticDiff(last(reference), last(load(REFERENCE)));
    expect(d.equivalent).toBe(true);
    expect(d.transitions).toEqual([]);
    expect(d.rules).toEqual([]);
    const r = await cli(REFERENCE, REFERENCE);
    expect(r.code).toBe(0);
    expect(r.out).toContain("equivalent");
  }, 60_000);

  const mutants: [string, (v: VersionIR) => void][] = [
    ["a lower member cap", (v) => {
      const r = v.rules.find((x) => x.name === "limits/member-cap")!;
      (r.when as Extract<ExprIR, { kind: "cmp" }>).right = { kind: "lit", type: "count", value: 1500 };
    }],
    ["no approval for medium groups", (v) => {
      v.rules = v.rules.filter((x) => x.name !== "tiers/medium/join-approval");
    }],
    ["news groups need credit B", (v) => {
      const r = v.rules.find((x) => x.name === "news-needs-credit")!;
      const and = r.when as Extract<ExprIR, { kind: "and" }>;
      (and.args[1] as Extract<ExprIR, { kind: "cmp" }>).right = { kind: "lit", type: "level", value: "B" };
    }],
  ];
  for (const [what, edit] of mutants) {
    it(`names exactly the changed rules of the reference with ${what}, with witnesses the engine agrees with`, async () => {
      const changed = mutate(reference, edit);
      const d = await semanticDiff(last(reference), last(changed));
      expect(d.equivalent).toBe(false);
      expect(d.rules.map((r) => `${r.event} ${r.rule}`).sort()).toEqual(changedByText(reference.versions[0]!, changed.versions[0]!));
      const names = new Set(d.rules.map((r) => r.rule));
      let replayed = 0;
      for (const t of d.transitions) {
        expect(names.has(t.from.rule) || names.has(t.to.rule), `${t.from.rule} → ${t.to.rule}`).toBe(true);
        // The witness, built into a stream, is decided the old way by the old policy and the new way by the new one.
        const events = buildStream(reference, 0, { event: t.event, facts: t.facts, allowed: t.from.allowed, rule: t.from.rule });
        if (!Array.isArray(events)) continue;
        expect([replay(reference, events).last?.rule, replay(changed, events).last?.rule]).toEqual([t.from.rule, t.to.rule]);
        replayed++;
      }
      expect(replayed).toBeGreaterThan(0);
    }, 60_000);
  }

  it("compares two versions of one policy with --from and --to", async () => {
    const text = readFileSync(REFERENCE, "utf8") + `\namendment "1.1" {\n  effective 2019-01-01 in Asia/Shanghai\n  serves A15.effective\n  limits {\n    serves A8.member-cap, A8.user-caps\n    members per group 1500\n  }\n  remove rule news-needs-credit\n}\n`;
    const { ir } = compilePolicyText(text, "amended.qg");
    const d = await semanticDiff({ ir: ir!, version: ir!.versions[0]! }, { ir: ir!, version: ir!.versions[1]! });
    expect(d.rules.map((r) => `${r.event} ${r.rule}`).sort()).toEqual(changedByText(ir!.versions[0]!, ir!.versions[1]!));
    expect(d.rules.some((r) => r.rule === "news-needs-credit" && r.change === "removed")).toBe(true);
  }, 60_000);

  it("replays a recorded stream under both and groups the differing decisions by rule and requirement", () => {
    const campus = load("examples/tutorial/campus.qg");
    const strict = mutate(campus, (v) => {
      for (const r of v.rules) if (r.name === "real-name/post") r.when = { kind: "lit", type: "bool", value: true };
    });
    const events = readFileSync("examples/tutorial/events.jsonl", "utf8");
    const same = replayDiff(campus, campus, events);
    expect(same.differing).toBe(0);
    const r = replayDiff(campus, strict, events);
    expect(r.differing).toBeGreaterThan(0);
    expect(r.byRule.every((g) => g.type === "message.post" && g.to.rule === "real-name/post" && g.to.outcome === "deny")).toBe(true);
    expect(r.byRule.reduce((n, g) => n + g.count, 0)).toBe(r.differing);
    expect(r.byRequirement["A6.real-name"]).toBeGreaterThan(0);
  });
});
