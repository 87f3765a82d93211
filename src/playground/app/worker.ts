/**
 * verify in a Web Worker, so the page stays responsive and shows progress: the policy text comes
 * in, progress messages and the report go out. It compiles leniently, as `qungui verify` does, so
 * a policy with a tier gap or an unreported measure still gets its counterexample.
 */
import { compilePolicyText } from "../../compile.js";
import { hasErrors } from "../../source/diagnostic.js";
import { verify } from "../../verify/run.js";
import { compiledEngine } from "../../verify/session.js";

export interface VerifyRequest {
  policy: string;
  file: string;
  seed: number;
  runs: number;
}

self.onmessage = (e: MessageEvent<VerifyRequest>) => {
  const { policy, file, seed, runs } = e.data;
  const compiled = compilePolicyText(policy, file, { lenient: true, selfCheck: false });
  if (!compiled.ir || compiled.diagnostics.some((d) => d.severity === "error" && !(d.reqs && d.reqs.length > 0)) || (!compiled.ir && hasErrors(compiled.diagnostics))) {
    postMessage({ kind: "error", message: "the policy does not compile: fix the errors in the editor first" });
    return;
  }
  let last = 0;
  const report = verify(compiled.ir, compiledEngine, {
    seed,
    runs,
    now: () => performance.now(),
    onProgress: (done, total, phase) => {
      const t = performance.now();
      if (t - last > 50 || done === total) {
        last = t;
        postMessage({ kind: "progress", done, total, phase });
      }
    },
  });
  postMessage({ kind: "report", report });
};
