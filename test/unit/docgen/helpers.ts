/** Shared fixtures of the docgen tests: compiled policies, test evidence, a synthetic verify report. */
import { readFileSync } from "node:fs";
import { fileHost } from "../../../src/cli/test.js";
import { compilePolicyText } from "../../../src/compile.js";
import { collectTestEvidence, type TestEvidence } from "../../../src/docgen/index.js";
import type { PolicyIR } from "../../../src/ir/types.js";
import { REQUIREMENTS } from "../../../src/law/articles.js";
import type { VerifyReport } from "../../../src/verify/run.js";

export const REFERENCE = "policies/cac-2017.qg";
export const SMALL = "test/golden/docs/small.qg";
export const SMALL_TESTS = "test/golden/docs/small.test.yaml";

const cache = new Map<string, { ir: PolicyIR; text: string }>();

/** Compiles a policy file (leniently, as `qungui docs` does); throws when it yields no IR. */
export function compiled(path: string): { ir: PolicyIR; text: string } {
  const hit = cache.get(path);
  if (hit) return hit;
  const text = readFileSync(path, "utf8");
  const r = compilePolicyText(text, path, { lenient: true });
  if (!r.ir) throw new Error(`${path} does not compile`);
  const out = { ir: r.ir, text };
  cache.set(path, out);
  return out;
}

export function compileText(text: string, file = "inline.qg"): PolicyIR {
  const r = compilePolicyText(text, file, { lenient: true });
  if (!r.ir) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  return r.ir;
}

export function smallEvidence(): TestEvidence {
  return collectTestEvidence(SMALL_TESTS, fileHost, SMALL);
}

/**
 * A verify report as `verify` would write it, without running it: A12.complaints fails with a
 * counterexample whose user.verified carries an identity (which no document may show), A8.user-caps
 * is not applicable, every other stream or static requirement passes.
 */
export function syntheticReport(ir: PolicyIR): VerifyReport {
  const results: VerifyReport["results"] = REQUIREMENTS.map((r) => {
    const base = { req: r.id, article: r.article, kind: r.kind, runs: 100, ms: 1 };
    if (r.declaratory) return { ...base, status: "not-applicable" as const, runs: 0, detail: "declaratory: nothing to execute" };
    if (r.kind === "doc") return { ...base, status: "not-applicable" as const, runs: 0, detail: "documentation requirement: shown by `qungui docs`" };
    if (r.id === "A8.user-caps") return { ...base, status: "not-applicable" as const, detail: "the policy sets no per-user caps" };
    if (r.id === "A12.complaints")
      return {
        ...base,
        status: "fail" as const,
        detail: "complaint c1 was not escalated at its deadline",
        counterexample: {
          events: [
            { id: "e1", type: "user.verified", at: "2017-10-09T09:00:00+08:00", user: "u1", identity: { name: "张三", idNumber: "110101199001011234" } },
            { id: "e2", type: "complaint.filed", at: "2017-10-09T09:01:00+08:00", complaint: "c1", by: "u1" },
            { id: "e3", type: "clock", at: "2017-10-10T09:02:00+08:00" },
          ],
          violation: { req: "A12.complaints", message: "complaint c1 was not escalated at its deadline", index: 2 },
          span: ir.spans[ir.versions[0]!.complaints!.id]!,
        },
      };
    return { ...base, status: "pass" as const };
  });
  return { policy: ir.name, seed: 42, runs: 100, results, ok: false };
}
