/**
 * Verify reports: a line per requirement for people, JSON for tools, SARIF 2.1.0 for CI code
 * scanning (each failed requirement a result at the span of the rule that decided wrongly).
 */
import pc from "picocolors";
import { REQUIREMENTS } from "../law/articles.js";
import type { RequirementResult, VerifyReport } from "./run.js";

const STATUS_TEXT = { pass: "PASS", fail: "FAIL", "not-applicable": "N/A " } as const;

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The human report. */
export function renderText(report: VerifyReport, file: string, color: boolean): string {
  const c = pc.createColors(color);
  const paint = { pass: c.green, fail: c.red, "not-applicable": c.dim } as const;
  const lines = [`verify ${file} (policy ${report.policy})  seed ${report.seed}  runs ${report.runs} per stream requirement`, ""];
  const width = Math.max(...report.results.map((r) => r.req.length));
  for (const r of report.results) {
    const art = r.article ? `Art. ${r.article}` : "";
    const runs = r.runs ? `${r.runs} runs` : r.kind.includes("static") ? "static" : "";
    lines.push(`${paint[r.status](STATUS_TEXT[r.status])}  ${r.req.padEnd(width)}  ${art.padEnd(7)}  ${runs.padEnd(10)}  ${seconds(r.ms).padStart(7)}  ${exercisedText(r)}`.trimEnd());
    if (r.status === "not-applicable" && r.detail) lines.push(`      ${c.dim(r.detail)}`);
    if (r.proof) lines.push(`      ${c.dim(r.proof.detail)}`);
    if (r.status === "fail") lines.push(...failureLines(r, c));
  }
  const counts = { pass: 0, fail: 0, "not-applicable": 0 };
  for (const r of report.results) counts[r.status]++;
  lines.push("", `${counts.pass} passed, ${counts.fail} failed, ${counts["not-applicable"]} not applicable`);
  return lines.join("\n") + "\n";
}

/**
 * How often the streams exercised the requirement's properties: `exercised 412` for one property,
 * `exercised 329 + 87` for several (in the order of docs/verify.md); an inapplicable one shows as `n/a`.
 */
export function exercisedText(r: RequirementResult): string {
  if (!r.properties?.length) return "";
  return `exercised ${r.properties.map((p) => (p.inapplicable ? "n/a" : String(p.exercised))).join(" + ")}`;
}

function failureLines(r: RequirementResult, c: ReturnType<typeof pc.createColors>): string[] {
  const out: string[] = [];
  for (const p of r.properties ?? []) out.push(`      ${c.dim(`${p.kind.padEnd(11)} ${p.id}: ${p.inapplicable ? `not applicable (${p.inapplicable})` : p.exercised === 0 ? "NOT EXERCISED" : `exercised ${p.exercised}`}`)}`);
  for (const f of r.findings ?? []) out.push(`      ${f.message}${f.span ? c.dim(` (${f.span.file}:${f.span.line}:${f.span.column})`) : ""}`);
  if (!r.findings?.length && r.detail && !r.counterexample) out.push(`      ${r.detail}`);
  const ce = r.counterexample;
  if (ce) {
    out.push(`      ${ce.violation.message}`);
    if (ce.violation.decision) out.push(`      decision: ${c.bold(ce.violation.decision.rule)} → ${ce.violation.decision.outcome}: ${ce.violation.decision.reason}`);
    if (ce.span) out.push(`      rule at ${ce.span.file}:${ce.span.line}:${ce.span.column}`);
    out.push(`      counterexample (${ce.events.length} event${ce.events.length === 1 ? "" : "s"}):`);
    for (const e of ce.events) out.push(`        ${JSON.stringify(redacted(e))}`);
  }
  return out;
}

/**
 * A counterexample event as shown: the identity of `user.verified` is replaced, as everywhere else
 * (A6.pii). The values are synthetic, but a report must not teach anyone to print them; the stream
 * replays the same with any identity object.
 */
export function redacted<T extends object>(event: T): T {
  return "identity" in event ? { ...event, identity: { redacted: true } } : event;
}

/** The machine-readable report (`--format json`). */
export function renderJson(report: VerifyReport, file: string): string {
  const results = report.results.map((r) => (r.counterexample ? { ...r, counterexample: { ...r.counterexample, events: r.counterexample.events.map(redacted) } } : r));
  return JSON.stringify({ file, ...report, results }, null, 2) + "\n";
}

/** SARIF 2.1.0 (`--format sarif`). */
export function renderSarif(report: VerifyReport, file: string): string {
  const rules = REQUIREMENTS.filter((r) => !r.declaratory).map((r) => ({
    id: r.id,
    name: r.id.replace(/[^A-Za-z0-9]/g, ""),
    shortDescription: { text: r.summary },
    properties: { article: r.article, kind: r.kind },
  }));
  const results = report.results
    .filter((r) => r.status === "fail")
    .map((r) => {
      const span = r.counterexample?.span ?? r.findings?.find((f) => f.span)?.span;
      const message = r.counterexample ? `${r.counterexample.violation.message} (counterexample of ${r.counterexample.events.length} events)` : (r.detail ?? "requirement fails");
      return {
        ruleId: r.req,
        level: "error",
        message: { text: message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: span?.file ?? file },
              ...(span ? { region: { startLine: span.line, startColumn: span.column, endLine: span.endLine, endColumn: span.endColumn } } : {}),
            },
          },
        ],
        properties: {
          ...(r.counterexample ? { counterexample: r.counterexample.events.map(redacted) } : {}),
          ...(r.properties ? { exercised: Object.fromEntries(r.properties.map((p) => [p.id, p.exercised])) } : {}),
        },
      };
    });
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "qungui verify", informationUri: "https://github.com/qungui/qungui", rules } },
        results,
        // Non-vacuity for every requirement, failed or not: how many situations exercised each property.
        properties: {
          exercised: Object.fromEntries(report.results.filter((r) => r.properties).map((r) => [r.req, Object.fromEntries(r.properties!.map((p) => [p.id, p.inapplicable ? null : p.exercised]))])),
        },
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + "\n";
}
