/**
 * Proof results into verify's report (the one hook between src/prove and src/verify): each
 * requirement the solver answered gets its `proof` cell; a refutation confirmed by replay fails the
 * requirement with the replayed stream as its counterexample, so text, JSON and SARIF show it the
 * way they show a counterexample found by random streams.
 */
import type { PolicyIR } from "../ir/types.js";
import type { ProofCell, VerifyReport } from "../verify/run.js";
import { redacted } from "../verify/report.js";
import type { ProofReport, ProofResult } from "./prove.js";

function cellOf(p: ProofResult): ProofCell {
  const w = p.witness;
  return {
    status: p.status,
    detail: p.detail,
    ...(w
      ? {
          witness: {
            version: w.version,
            event: w.event,
            facts: w.situation.facts,
            decision: `${w.situation.allowed ? "allow" : "deny"} by ${w.situation.rule}`,
            ...(w.raised ? { raisedFacts: w.raised.facts, raisedDecision: `${w.raised.allowed ? "allow" : "deny"} by ${w.raised.rule}` } : {}),
            replay: w.replay.status,
            replayMessage: w.replay.message,
            events: w.replay.events.map(redacted),
            ...(w.replay.raisedEvents ? { raisedEvents: w.replay.raisedEvents.map(redacted) } : {}),
          },
        }
      : {}),
  };
}

export function withProofs(ir: PolicyIR, report: VerifyReport, proofs: ProofReport): VerifyReport {
  const byReq = new Map(proofs.results.map((p) => [p.req, p] as const));
  const results = report.results.map((r) => {
    const p = byReq.get(r.req);
    if (!p || r.status === "not-applicable" && p.status !== "refuted") return p ? { ...r, proof: cellOf(p) } : r;
    const out = { ...r, proof: cellOf(p), ms: r.ms + p.ms };
    const w = p.witness;
    if (p.status === "refuted") {
      out.status = "fail";
      out.detail ??= p.detail;
      if (!out.counterexample && w && w.replay.events.length > 0) {
        const events = w.replay.raisedEvents ?? w.replay.events;
        const rule = ir.versions.find((v) => v.version === w.version)?.rules.find((x) => x.name === (w.raised ?? w.situation).rule);
        const span = rule ? ir.spans[rule.id] : undefined;
        out.counterexample = { events, violation: { req: r.req, message: w.replay.message, index: events.length - 1 }, ...(span ? { span } : {}) };
      }
    }
    return out;
  });
  return { ...report, results, ok: results.every((r) => r.status !== "fail") };
}
