/**
 * The json-rules-engine export: its shape, the combining rule, and every expression form checked
 * against the evaluator (windows, ranges, lists, `if`, calendar durations, arithmetic on times,
 * and the derived-fact fallback for what json-rules-engine cannot express).
 */
import { readFileSync } from "node:fs";
import { Engine, type RuleProperties } from "json-rules-engine";
import { describe, expect, test } from "vitest";
import { compilePolicyText } from "../../../src/compile.js";
import type { ExprIR, PolicyIR, RuleIR } from "../../../src/ir/types.js";
import { emptyState } from "../../../src/engine/index.js";
import { combine, exportJsonRulesEngine, factsForEvent, rulesForEvent, type JreCondition } from "../../../src/export/json-rules-engine.js";
import { zonedInstant } from "../../../src/source/time.js";
import { generateLines, generatePopulation } from "../../../src/workload/generate.js";
import { engineStateOf } from "../../bench/state.js";
import { differential } from "./harness.js";

const POLICY = "policies/cac-2017.qg";

function compile(text: string): PolicyIR {
  const r = compilePolicyText(text, POLICY);
  if (r.ir === null) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n"));
  return r.ir;
}

const reference = (): PolicyIR => compile(readFileSync(POLICY, "utf8"));

/** Extra rules using every expression form the language has. */
const EXTRA = `
rule x-window {
  serves A11.group-measures
  on message.post
  deny when user.flags within 30 days >= 1 or group.flags within 7 days >= 2
  because "{user} and {group} were flagged too often"
}

rule x-between {
  serves A8.member-cap
  on group.join
  deny when group.members in 40..45 and not (user.credit in [A, B])
  because "between"
}

rule x-if {
  serves A8.member-cap
  on group.join
  deny when group.members-after > (if creator.credit >= B then 58 else 50) and user.account-age < 1 day
  because "if"
}

rule x-age {
  serves A7.credit
  on message.post
  deny when user.account-age >= 2 months and group.category == hobby and user.credit <= C
  because "age"
}

rule x-arith {
  serves A13.retention
  on records.purge
  deny when event.before < now - 400 days + 2 hours and event.at > 2017-12-01 +08:00
  because "arith"
}

rule x-not-in {
  serves A7.tiers
  on message.post
  deny when group.tier not in [small, news-small, large] and group.activity >= 1
  because "not in"
}

rule x-allow {
  serves A9.management-rights
  on group.manage
  allow when event.action == delete-message
  because "allow"
}
`;

function walk(c: JreCondition, f: (leaf: Extract<JreCondition, { fact: string }>) => void): void {
  if ("all" in c) c.all.forEach((x) => walk(x, f));
  else if ("any" in c) c.any.forEach((x) => walk(x, f));
  else if ("not" in c) walk(c.not, f);
  else f(c);
}

describe("json-rules-engine export", () => {
  test("every IR rule and every engine guard becomes a rule, in precedence order, loadable by json-rules-engine", () => {
    const ir = reference();
    const r = exportJsonRulesEngine(ir);
    expect(r.problems).toEqual([]);
    const exp = r.export!;
    expect(exp.format).toBe("qungui/json-rules-engine");
    const v = exp.versions[0]!;
    const irRules = ir.versions[0]!.rules;
    const guards = v.rules.filter((x) => x.event.type === "guard");
    expect(v.rules.length).toBe(irRules.length + guards.length);
    expect(guards.map((g) => g.name)).toContain("integrity/unknown-group");
    // Priorities strictly decrease; denies, then guards, then allows; precedence is the position.
    v.rules.forEach((x, i) => {
      expect(x.event.params.precedence).toBe(i);
      if (i > 0) expect(x.priority).toBeLessThan(v.rules[i - 1]!.priority);
      expect(x.priority).toBeGreaterThanOrEqual(1);
    });
    const kinds = v.rules.map((x) => x.event.type).join(",");
    expect(kinds).toMatch(/^(deny,)+(guard,)+(allow,)*allow$/);
    // Each rule starts with the event type; every fact it reads is declared.
    const declared = new Set(v.facts.map((f) => f.name));
    for (const x of v.rules) {
      expect(x.conditions.all[0]).toMatchObject({ fact: "event.type", priority: 2 });
      walk(x.conditions, (leaf) => {
        expect(declared.has(leaf.fact), leaf.fact).toBe(true);
        if (leaf.value !== null && typeof leaf.value === "object" && !Array.isArray(leaf.value)) expect(declared.has(leaf.value.fact)).toBe(true);
      });
    }
    // Levels are ranks: `credit >= B` is a numeric comparison.
    expect(v.ranks.level).toEqual(["D", "C", "B", "A"]);
    const caps = v.rules.find((x) => x.name === "limits/groups-created")!;
    expect(JSON.stringify(caps.conditions)).toContain(`{"fact":"actor.credit","operator":"greaterThanInclusive","value":3}`);
    // Calendar arithmetic is a derived fact.
    const purge = v.rules.find((x) => x.name === "retention/purge")!;
    expect(purge.conditions.all[1]).toEqual({ fact: "event.before", operator: "greaterThan", value: { fact: "now - 6 months" } });
    expect(v.facts.find((f) => f.name === "now - 6 months")).toMatchObject({ kind: "derived", type: "time" });
    // Plain JSON that json-rules-engine 7 accepts.
    const json = JSON.parse(JSON.stringify(exp)) as typeof exp;
    expect(() => new Engine(json.versions[0]!.rules as unknown as RuleProperties[])).not.toThrow();
    expect(factsForEvent(v, "message.post").map((f) => f.name)).toContain("actor.verified");
    expect(rulesForEvent(v, "records.purge").map((x) => x.name)).toEqual(["retention/purge", "permit/records.purge"]);
  });

  test("combining: first deny; else a guard overrides an allow; else the first allow; nothing fired is engine/no-permit", () => {
    const ev = (type: string, rule: string, precedence: number) => ({ type, params: { rule, precedence } });
    expect(combine([ev("allow", "permit/x", 9), ev("deny", "b", 3), ev("deny", "a", 1)])).toEqual({ outcome: "deny", rule: "a" });
    expect(combine([ev("allow", "permit/x", 9), ev("guard", "integrity/g", 5)])).toEqual({ outcome: "deny", rule: "integrity/g" });
    expect(combine([ev("guard", "integrity/g", 5)])).toEqual({ outcome: "deny", rule: "engine/no-permit" });
    expect(combine([ev("allow", "permit/x", 9), ev("allow", "mine", 7)])).toEqual({ outcome: "allow", rule: "mine" });
    expect(combine([])).toEqual({ outcome: "deny", rule: "engine/no-permit" });
  });

  test("every expression form decides as the evaluator does (extra rules over 40,000 events)", async () => {
    const ir = compile(readFileSync(POLICY, "utf8") + EXTRA);
    // Forms the checker refuses but hand-written IR may use: an ordering of roles (engine: by rank).
    const v = ir.versions[0]!;
    const roleOrder: ExprIR = {
      kind: "and",
      args: [
        { kind: "cmp", op: ">=", left: { kind: "path", path: "actor.role", type: "role" }, right: { kind: "lit", type: "role", value: "manager" } },
        { kind: "cmp", op: "<", left: { kind: "lit", type: "role", value: "member" }, right: { kind: "path", path: "target.role", type: "role" } },
        { kind: "cmp", op: "==", left: { kind: "path", path: "event.action", type: "action" }, right: { kind: "lit", type: "action", value: "mute" } },
      ],
    };
    const rule: RuleIR = { kind: "rule", id: "x1", name: "x-role-order", origin: "policy", section: null, on: ["group.manage"], effect: "deny", when: roleOrder, because: ["role order"], cites: [] };
    v.rules.splice(v.rules.findIndex((r) => r.effect === "allow"), 0, rule);

    const zone = "Asia/Shanghai";
    const population = generatePopulation(ir, { seed: 3, users: 3_000, groups: 300, atMs: zonedInstant("2017-12-01T00:00", zone)! });
    const opts = { seed: 4, events: 40_000, users: 3_200, startMs: zonedInstant("2017-12-01T09:00", zone)!, meanGapMs: 60_000, malformedPerMille: 1, zone, population };
    const r = await differential(ir, [
      { lines: generateLines(ir, opts), state: engineStateOf(population) },
      { lines: generateLines(ir, { ...opts, seed: 5, events: 5_000, users: 500, population: undefined }), state: emptyState() },
    ]);
    if (r.mismatches.length > 0) console.error(r.mismatches.slice(0, 10).join("\n"));
    expect(r.mismatches).toEqual([]);
    const facts = r.export.versions[0]!.facts;
    const derived = facts.filter((f) => f.kind === "derived").map((f) => f.name);
    expect(derived).toEqual(
      expect.arrayContaining(["actor.flags within 30 days", "group.flags within 7 days", "2 months", "now - 6 months", "actor.role >= manager", "member < target.role"]),
    );
    for (const name of ["x-window", "x-between", "x-if", "x-age", "x-arith", "x-not-in", "x-allow", "x-role-order"]) {
      expect(r.rules.get(name) ?? 0, name).toBeGreaterThan(0);
    }
  }, 120_000);
});
