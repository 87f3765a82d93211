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

/** The reference policy's text without the real-name requirement for posting: visibly other decisions. */
export function amendedPolicyText(): string {
  return readFileSync(POLICY_PATH, "utf8").replace("verified required for post, create, set-info", "verified required for create, set-info");
}

/**
 * Events that leave an unverified member `anon` in group `group` (created by a verified `owner`):
 * a post of theirs is denied by `real-name/post` under the reference policy, allowed under the
 * amended one (see {@link amendedPolicyText}).
 */
export function unverifiedMemberSetup(group: string): Record<string, unknown>[] {
  return [
    { id: "s0", type: "agreement.published", at: "2018-03-01T08:59:00+08:00", version: "1" },
    { id: "s1", type: "user.registered", at: "2018-03-01T09:00:00+08:00", user: "owner" },
    { id: "s2", type: "user.verified", at: "2018-03-01T09:00:01+08:00", user: "owner", identity: { name: "测试用户" } },
    { id: "s3", type: "agreement.accepted", at: "2018-03-01T09:00:02+08:00", user: "owner", version: "1" },
    { id: "s4", type: "group.create", at: "2018-03-01T09:00:03+08:00", user: "owner", group, category: "general" },
    { id: "s5", type: "user.registered", at: "2018-03-01T09:00:04+08:00", user: "anon" },
    { id: "s6", type: "agreement.accepted", at: "2018-03-01T09:00:05+08:00", user: "anon", version: "1" },
    { id: "s7", type: "group.join", at: "2018-03-01T09:00:06+08:00", user: "anon", group },
  ];
}
