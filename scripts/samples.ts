/**
 * Regenerates samples/events.jsonl: a seeded stream of a few thousand events over five months
 * against the reference policy, starting a little before 2017-10-08 so that the first events are
 * ungoverned. `npm run samples` rewrites it; the same seed always gives the same file.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { compilePolicyText } from "../src/compile.js";
import { zonedInstant } from "../src/source/time.js";
import { generateLines } from "../src/workload/generate.js";

const policyPath = "policies/cac-2017.qg";
const { ir, diagnostics } = compilePolicyText(readFileSync(policyPath, "utf8"), policyPath);
if (!ir) {
  console.error(diagnostics.map((d) => `${d.code} ${d.message}`).join("\n"));
  process.exit(1);
}
const lines = [
  ...generateLines(ir, {
    seed: 20171008,
    events: 4000,
    users: 600,
    startMs: zonedInstant("2017-10-01T09:00", "Asia/Shanghai")!,
    meanGapMs: 55 * 60_000,
    malformedPerMille: 2,
    zone: "Asia/Shanghai",
  }),
];
writeFileSync("samples/events.jsonl", lines.join("\n") + "\n");
console.error(`samples/events.jsonl: ${lines.length} lines`);
