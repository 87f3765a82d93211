/**
 * Differential test of the json-rules-engine export: 100,000 seeded events through our evaluator
 * and through json-rules-engine 7 running the export, with the facts read from our state tracker
 * just before each event is judged. Every decided event must get the same outcome and the same
 * deciding rule from both; a mismatch is printed with its event and facts.
 *
 * json-rules-engine is slow (a few hundred microseconds an event), so this is the slowest test of
 * the suite: 13–45 s on the two-core machine of docs/performance.md, depending on its load.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { compilePolicyText } from "../../../src/compile.js";
import { emptyState } from "../../../src/engine/index.js";
import { zonedInstant } from "../../../src/source/time.js";
import { generateLines, generatePopulation } from "../../../src/workload/generate.js";
import { engineStateOf } from "../../bench/state.js";
import { differential } from "./harness.js";

const POLICY = "policies/cac-2017.qg";
const EVENTS = 100_000;

describe("json-rules-engine export: differential test against the evaluator", () => {
  test("100,000 seeded events: identical outcome and deciding rule on every decided event", async () => {
    const compiled = compilePolicyText(readFileSync(POLICY, "utf8"), POLICY);
    expect(compiled.ir, compiled.diagnostics.map((d) => d.message).join("\n")).not.toBeNull();
    const ir = compiled.ir!;

    // Two streams: one from an empty platform, starting a week before the policy takes effect
    // (ungoverned events first, then everything built up by events); one over an existing platform
    // with groups in every tier (growth, approvals, caps).
    const zone = "Asia/Shanghai";
    const fresh = { seed: 8, events: EVENTS / 2, users: 4_000, startMs: zonedInstant("2017-10-01T09:00", zone)!, meanGapMs: 60_000, malformedPerMille: 2, zone };
    const population = generatePopulation(ir, { seed: 9, users: 6_000, groups: 600, atMs: zonedInstant("2018-01-01T00:00", zone)! });
    const existing = { ...fresh, seed: 10, users: 6_300, startMs: zonedInstant("2018-01-01T09:00", zone)!, meanGapMs: 20_000, population };

    const r = await differential(ir, [
      { lines: generateLines(ir, fresh), state: emptyState() },
      { lines: generateLines(ir, existing), state: engineStateOf(population) },
    ]);
    console.log(
      `differential: ${r.events} events, ${r.decided} decided, ${r.mismatches.length} mismatches, ${r.rules.size} distinct deciding rules; ` +
        `evaluator + facts ${(r.evaluatorMs / 1000).toFixed(1)} s, json-rules-engine ${(r.jreMs / 1000).toFixed(1)} s`,
    );
    if (r.mismatches.length > 0) console.error(`${r.mismatches.length} mismatches of ${r.decided}:\n${r.mismatches.slice(0, 20).join("\n")}`);
    expect(r.mismatches.length).toBe(0);
    expect(r.events).toBe(EVENTS);
    // The streams exercise most of the policy: both outcomes, and denies from every section.
    expect(r.decided).toBeGreaterThan(EVENTS / 2);
    expect(r.rules.size).toBeGreaterThanOrEqual(30);
    for (const rule of ["permit/message.post", "real-name/post", "agreement/join", "retention/purge", "tiers/medium/join-approval", "news-needs-credit", "measures/posting-suspended"]) {
      expect(r.rules.get(rule) ?? 0, rule).toBeGreaterThan(0);
    }
  }, 180_000);
});
