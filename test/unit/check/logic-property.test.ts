/**
 * The never-fires (QG067) and overlap (QG068) analyses against brute force: on conditions over two
 * counts and two booleans with small constants, a rule is reported as never firing exactly when no
 * assignment satisfies it, and an allow/deny pair is reported exactly when one assignment
 * satisfies both. Counts only need checking up to one past the largest constant.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diagnose, policy } from "./helpers.js";

type Cond =
  | { k: "cmp"; path: "group.members" | "group.managers"; op: "<" | "<=" | ">" | ">=" | "==" | "!="; c: number }
  | { k: "bool"; path: "user.verified" | "user.blacklisted" }
  | { k: "not"; a: Cond }
  | { k: "and" | "or"; a: Cond; b: Cond };

type Env = Record<string, number | boolean>;

const atom: fc.Arbitrary<Cond> = fc.oneof(
  fc.record({
    k: fc.constant("cmp" as const),
    path: fc.constantFrom("group.members" as const, "group.managers" as const),
    op: fc.constantFrom("<" as const, "<=" as const, ">" as const, ">=" as const, "==" as const, "!=" as const),
    c: fc.integer({ min: 0, max: 4 }),
  }),
  fc.record({ k: fc.constant("bool" as const), path: fc.constantFrom("user.verified" as const, "user.blacklisted" as const) }),
);

const cond: fc.Arbitrary<Cond> = fc.letrec<{ c: Cond }>((tie) => ({
  c: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    atom,
    fc.record({ k: fc.constant("not" as const), a: tie("c") }),
    fc.record({ k: fc.constantFrom("and" as const, "or" as const), a: tie("c"), b: tie("c") }),
  ),
})).c;

function text(c: Cond): string {
  switch (c.k) {
    case "cmp":
      return `${c.path} ${c.op} ${c.c}`;
    case "bool":
      return c.path;
    case "not":
      return `not (${text(c.a)})`;
    default:
      return `(${text(c.a)}) ${c.k} (${text(c.b)})`;
  }
}

function holds(c: Cond, env: Env): boolean {
  switch (c.k) {
    case "cmp": {
      const v = env[c.path] as number;
      return { "<": v < c.c, "<=": v <= c.c, ">": v > c.c, ">=": v >= c.c, "==": v === c.c, "!=": v !== c.c }[c.op];
    }
    case "bool":
      return env[c.path] as boolean;
    case "not":
      return !holds(c.a, env);
    case "and":
      return holds(c.a, env) && holds(c.b, env);
    case "or":
      return holds(c.a, env) || holds(c.b, env);
  }
}

function* envs(): Generator<Env> {
  for (let m = 0; m <= 5; m++) for (let g = 0; g <= 5; g++) for (const v of [false, true]) for (const b of [false, true]) {
    yield { "group.members": m, "group.managers": g, "user.verified": v, "user.blacklisted": b };
  }
}

function atoms(c: Cond): number {
  return c.k === "cmp" || c.k === "bool" ? 1 : c.k === "not" ? atoms(c.a) : atoms(c.a) + atoms(c.b);
}

const rule = (name: string, effect: string, c: Cond) => `rule ${name} {\n  serves A8.member-cap\n  on group.join\n  ${effect} when ${text(c)}\n  because "x"\n}\n`;

describe("QG067 and QG068 agree with brute force", () => {
  it("on small conditions over counts and booleans", () => {
    const small = cond.filter((c) => atoms(c) <= 6);
    fc.assert(
      fc.property(small, small, (a, d) => {
        const ds = diagnose(policy(`${rule("a", "allow", a)}\n${rule("d", "deny", d)}`));
        const never = new Set(ds.filter((x) => x.code === "QG067").map((x) => x.message.split("`")[1]));
        const overlap = ds.some((x) => x.code === "QG068");
        const all = [...envs()];
        const satA = all.some((e) => holds(a, e));
        const satD = all.some((e) => holds(d, e));
        expect(never.has("a")).toBe(!satA);
        expect(never.has("d")).toBe(!satD);
        expect(overlap).toBe(satA && satD && all.some((e) => holds(a, e) && holds(d, e)));
      }),
      { numRuns: 150, seed: 42 },
    );
  });
});
