/**
 * Shared fixtures of the service tests: the reference policy compiled once, and seeded streams
 * from the workload generator.
 */
import { readFileSync } from "node:fs";
import { compilePolicyText } from "../../src/compile.js";
import { compileProgram, type Program } from "../../src/engine/index.js";
import type { PolicyIR } from "../../src/ir/types.js";
import { zonedInstant } from "../../src/source/time.js";
import { generateLines } from "../../src/workload/generate.js";

export const POLICY_PATH = "policies/cac-2017.qg";

let cached: PolicyIR | undefined;

export function referenceIR(): PolicyIR {
  if (cached === undefined) {
    const { ir, diagnostics } = compilePolicyText(readFileSync(POLICY_PATH, "utf8"), POLICY_PATH);
    if (ir === null) throw new Error(`reference policy does not compile: ${diagnostics.map((d) => d.message).join("; ")}`);
    cached = ir;
  }
  return cached;
}

export function referenceProgram(): Program {
  return compileProgram(referenceIR());
}

/** A seeded stream starting before the effective date (so ungoverned events show up too). */
export function streamLines(events: number, seed = 7, meanGapMs = 20 * 60_000): string[] {
  return [
    ...generateLines(referenceIR(), {
      seed,
      events,
      users: Math.max(40, Math.floor(events / 20)),
      startMs: zonedInstant("2017-10-05T09:00", "Asia/Shanghai")!,
      meanGapMs,
      malformedPerMille: 5,
      zone: "Asia/Shanghai",
    }),
  ];
}

/** A fixed wall clock that ticks one second per call (records get distinct, known stamps). */
export function tickingClock(startMs = Date.UTC(2030, 0, 1)): () => number {
  let t = startMs;
  return () => (t += 1000);
}
