/**
 * The encoding cannot drift from the engine: over random streams (verify's generator, aimed at
 * each policy), at every governed decided event the SMT encoding, given the atomic facts of the
 * engine's real state (read with the engine's accessors), must satisfy its own assumptions and
 * predict exactly the compiled program's decision: allow or deny, and the deciding rule.
 */
import fc from "fast-check";
import type { Bool, Expr } from "z3-solver";
import { describe, expect, it } from "vitest";
import { compileProgram, emptyState, restoreState, snapshotState } from "../../src/engine/index.js";
import { intakeValue } from "../../src/engine/intake.js";
import { compileVersionData } from "../../src/engine/version.js";
import type { PolicyIR } from "../../src/ir/types.js";
import { concreteAtoms } from "../../src/prove/concrete.js";
import { domainOf } from "../../src/prove/domain.js";
import { decision } from "../../src/prove/encode.js";
import { Facts, reachOf, SELF } from "../../src/prove/facts.js";
import { z3 } from "../../src/prove/solver.js";
import { expand, streamArbitrary, universeOf } from "../../src/verify/generate.js";
import type { GenEvent } from "../../src/verify/oracle.js";
import { DECIDED_EVENTS, type DecidedEvent } from "../../src/vocab/events.js";
import { EXAMPLES, load, MUTANTS, REFERENCE } from "./helpers.js";

/**
 * The generator's role changes and management actions name other users; every other one is sent
 * here by its actor on themselves (intake accepts that), so the encoding's actor = target case is
 * checked against the engine too.
 */
function selfTargeted(events: GenEvent[]): GenEvent[] {
  let k = 0;
  return events.map((e) => {
    const field = e.type === "group.role" ? "user" : e.type === "group.manage" && e["action"] !== "delete-message" ? "target" : null;
    if (field === null || k++ % 2 === 1) return e;
    return { ...e, [field]: e["actor"] };
  });
}

async function drift(ir: PolicyIR, seed: number, runs: number): Promise<{ checked: number; self: number; mismatches: string[] }> {
  const z = await z3();
  const dom = domainOf([ir]);
  const reach = reachOf(ir.versions);
  const program = compileProgram(ir);
  // Ground terms evaluate synchronously in any model; an empty one will do.
  const trivial = new z.Solver();
  await trivial.check();
  const empty = trivial.model();
  const encoded = new Map<string, { f: Facts; d: ReturnType<typeof decision>; s: Bool }>();
  const encodingOf = (vi: number, type: DecidedEvent) => {
    const key = `${vi}/${type}`;
    let e = encoded.get(key);
    if (!e) {
      const f = new Facts(z, dom, ir.versions[vi]!, vi, ir.versions[vi + 1], type, reach);
      const d = decision(f);
      encoded.set(key, (e = { f, d, s: z.And(...f.assumptions) }));
    }
    return e;
  };
  const u = universeOf(ir);
  const streams = fc.sample(streamArbitrary(u, 24), { seed, numRuns: runs });
  const mismatches: string[] = [];
  let checked = 0;
  let self = 0;
  let solveMs = 0;
  for (const stream of streams) {
    const state = emptyState();
    const events = selfTargeted(expand(stream, u));
    // A `fill` step is hundreds of joins alike: check a spread of at most 40 decided events per stream.
    const stride = Math.max(1, Math.floor(events.length / 60));
    for (const [index, event] of events.entries()) {
      const before = state.clock;
      const intake = intakeValue(event, null, program.intake(state));
      const type = event.type as DecidedEvent;
      const vi = program.versions.findLastIndex((v) => v.effectiveMs <= (intake.event?.atMs ?? -Infinity));
      if (intake.event && vi >= 0 && DECIDED_EVENTS.includes(type) && (index % stride === 0 || index === events.length - 1)) {
        const now = before === null || intake.event.atMs > before ? intake.event.atMs : before;
        // The facts as the engine will judge them: after the timers due at `now` have fired.
        const fired = restoreState(snapshotState(state));
        program.advance(now, fired);
        const { f, d, s } = encodingOf(vi, type);
        const atoms = concreteAtoms(f, dom, compileVersionData(ir.versions[vi]!, vi), fired, intake.event, now);
        // Ground the encoding at the engine's facts and let Z3 simplify it to values.
        const pairs: [Expr, Expr][] = [];
        for (const a of f.atoms.values()) {
          const value = atoms.get(a.name);
          if (value === undefined) throw new Error(`no concrete value for ${a.name}`);
          pairs.push([a.e, a.sort === "bool" ? z.Bool.val(value as boolean) : z.Int.val(value as number)]);
        }
        const t0 = performance.now();
        const assumed = String(empty.eval(z.substitute(s, ...pairs), true));
        const allow = String(empty.eval(z.substitute(d.allow, ...pairs), true));
        const rule = String(empty.eval(z.substitute(d.rule, ...pairs), true));
        solveMs += performance.now() - t0;
        const result = program.evaluate(event, state);
        const actual = result.decisions[result.decisions.length - 1]!;
        if (assumed !== "true") mismatches.push(`${event.id} ${type}: the engine's state breaks the encoding's assumptions (${JSON.stringify(Object.fromEntries(atoms))})`);
        else {
          const predicted = `${allow === "true" ? "allow" : "deny"} ${dom.ruleName(Number(rule))}`;
          if (predicted !== `${actual.outcome} ${actual.rule}`) mismatches.push(`${event.id} ${type}: encoding ${predicted}, engine ${actual.outcome} ${actual.rule}`);
        }
        checked++;
        if (atoms.get(SELF) === true) self++;
        continue;
      }
      program.evaluate(event, state);
    }
  }
  if (process.env.DRIFT_DEBUG) console.log(`checked ${checked}, solver ${Math.round(solveMs)} ms`);
  return { checked, self, mismatches };
}

describe("the SMT encoding decides as the compiled program does", () => {
  const policies = [REFERENCE, ...EXAMPLES, `${MUTANTS}/08-credit-not-monotone.qg`, `${MUTANTS}/11-member-cap-unenforced.json`, `${MUTANTS}/19-cancelled-creator-creates.json`];
  for (const [i, file] of policies.entries()) {
    it(`on random states and events of ${file}`, async () => {
      const { checked, self, mismatches } = await drift(load(file), 100 + i, Number(process.env.DRIFT_RUNS ?? 15));
      expect(mismatches.slice(0, 5)).toEqual([]);
      expect(checked).toBeGreaterThan(50);
      expect(self).toBeGreaterThan(0);
    }, 120_000);
  }
});
