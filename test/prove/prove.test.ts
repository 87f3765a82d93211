/**
 * `verify`'s proofs: the reference and example policies prove every per-event requirement the
 * encoding states; each mutant that breaks one is refuted, and its witness, built into a stream
 * from the empty state, is confirmed by replaying it through the compiled engine and the oracle.
 */
import { describe, expect, it } from "vitest";
import type { ExprIR, PolicyIR } from "../../src/ir/types.js";
import { prove, PROVED_REQUIREMENTS } from "../../src/prove/prove.js";
import { replay } from "../../src/prove/witness.js";
import { EXAMPLES, load, manifest, MUTANTS, REFERENCE } from "./helpers.js";

describe("prove: the reference and example policies", () => {
  for (const file of [REFERENCE, ...EXAMPLES]) {
    it(`${file} proves every per-event requirement`, async () => {
      const report = await prove(load(file));
      const notProved = report.results.filter((r) => PROVED_REQUIREMENTS.includes(r.req) && r.status !== "proved").map((r) => `${r.req}: ${r.detail}`);
      expect(notProved).toEqual([]);
      for (const req of PROVED_REQUIREMENTS) expect(report.results.find((r) => r.req === req)?.status).toBe("proved");
    }, 60_000);
  }
});

/**
 * Every mutant that breaks a requirement the proofs answer by an event (the others break timers,
 * effects or structure; those marked `stream: false` leave out a clause or a measure, which verify's
 * static checks and the checker find, and under which every single decision still holds).
 */
const REFUTED = manifest.filter((m) => PROVED_REQUIREMENTS.includes(m.req) && m.stream !== false).map((m) => m.file);

describe("prove: mutants that break a per-event requirement", () => {
  for (const m of manifest.filter((x) => REFUTED.includes(x.file))) {
    it(`${m.file} (${m.what}) is refuted for ${m.req} with a confirmed replay`, async () => {
      const ir = load(`${MUTANTS}/${m.file}`);
      const report = await prove(ir, { only: [m.req] });
      const r = report.results.find((x) => x.req === m.req)!;
      expect(r.status, r.detail).toBe("refuted");
      if (!r.witness) {
        // Refuted without a stream: the liveness side (no state and no event make the required
        // thing possible, e.g. a policy that never blacklists), which has no single breaching event.
        expect(r.detail).toMatch(/no state/);
        return;
      }
      const w = r.witness;
      expect(w.replay.status).toBe("confirmed");
      // The stream is real: replayed again here, the engine decides its last event as the witness says.
      const again = replay(ir, w.replay.events);
      expect(again.refused).toBeUndefined();
      if (m.req === "A7.credit") {
        expect(again.last?.outcome).toBe("allow");
        expect(replay(ir, w.replay.raisedEvents!).last?.outcome).toBe("deny");
      } else {
        expect(again.violations.map((v) => v.req)).toContain(m.req);
      }
    }, 60_000);
  }
});

/** The lowering before tier growth was checked by band: activity-promoted groups grew unchecked. */
function withoutBandGrowth(ir: PolicyIR): PolicyIR {
  const copy = structuredClone(ir);
  for (const v of copy.versions) {
    for (const r of v.rules) {
      if (!r.name.endsWith("/grow") || r.when.kind !== "and") continue;
      const grows = r.when.args[0] as Extract<ExprIR, { kind: "or" }>;
      r.when = { kind: "and", args: [grows.args[0]!, r.when.args[1]!] };
    }
  }
  return copy;
}

describe("prove: a gap random streams miss", () => {
  it("finds a creator growing an activity-promoted group into a band they are not qualified for", async () => {
    const ir = withoutBandGrowth(load(REFERENCE));
    const report = await prove(ir, { only: ["A8.creator-qualification"] });
    const r = report.results[0]!;
    expect(r.status).toBe("refuted");
    expect(r.witness!.event).toBe("group.join");
    expect(r.witness!.replay.status).toBe("confirmed");
    expect(r.witness!.situation.facts["group.activity"]).toBeGreaterThan(0);
  }, 60_000);
});
