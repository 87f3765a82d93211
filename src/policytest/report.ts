/**
 * Rendering test results: text for people (pass/fail per test, a diff of expected and actual for
 * every failure, coverage per policy) and JSON for tools.
 */
import pc from "picocolors";
import { serializeDecision, type Decision } from "../engine/decision.js";
import type { DeadLetter } from "../engine/intake.js";
import type { CoverageReport } from "./coverage.js";
import type { StepFailure, SuiteResult } from "./runner.js";
import { formatPos } from "./yaml.js";

type Paint = (s: string) => string;

interface Colors {
  ok: Paint;
  bad: Paint;
  dim: Paint;
  bold: Paint;
  warn: Paint;
}

function colors(on: boolean): Colors {
  const c = pc.createColors(on);
  return { ok: c.green, bad: c.red, dim: c.dim, bold: c.bold, warn: c.yellow };
}

function actualText(a: StepFailure["actual"]): string[] {
  if (a === undefined || a === null) return [];
  if (Array.isArray(a)) return a.map((d) => serializeDecision(d));
  if ("v" in a) return [serializeDecision(a as Decision)];
  return [JSON.stringify(a as DeadLetter)];
}

function renderFailure(f: StepFailure, c: Colors): string[] {
  const out: string[] = [];
  const where = f.step === 0 ? `${formatPos(f.pos)}: ${f.label}` : `step ${f.step} (${formatPos(f.pos)}): ${f.label}${f.event ? ` ${f.event}` : ""}${f.at ? ` at ${f.at}` : ""}`;
  out.push(`      ${where}`);
  for (const line of f.message ? f.message.split("\n") : []) out.push(`        ${line}`);
  for (const m of f.mismatches) {
    out.push(c.bad(`        - ${m.field}: ${m.expected}`));
    out.push(c.ok(`        + ${m.field}: ${m.actual}`));
  }
  const actual = actualText(f.actual);
  if (actual.length) {
    out.push(c.dim(`        actual${actual.length > 1 ? ` (${actual.length})` : ""}:`));
    for (const a of actual) out.push(c.dim(`          ${a}`));
  }
  return out;
}

export function renderCoverage(r: CoverageReport, c: Colors = colors(false)): string[] {
  const out: string[] = [];
  const pct = (p: number): string => (p >= 100 ? c.ok(`${p}%`) : c.warn(`${p}%`));
  out.push(c.bold(`coverage of ${r.policy}`));
  out.push(`  rules:        ${r.rules.covered}/${r.rules.total} exercised (${pct(r.rules.percent)})`);
  if (r.rules.uncovered.length) {
    out.push(`    not exercised:`);
    for (const i of r.rules.uncovered) out.push(`      ${i.name}${i.kind === "rule" ? "" : c.dim(` (${i.kind})`)}`);
  }
  out.push(`  requirements: ${r.requirements.covered}/${r.requirements.total} cited (${pct(r.requirements.percent)})`);
  if (r.requirements.uncovered.length) out.push(`    not cited by any decision: ${r.requirements.uncovered.join(", ")}`);
  out.push(c.dim(`    not applicable (declaratory or doc-only): ${r.requirements.notApplicable.join(", ")}`));
  return out;
}

export function renderText(result: SuiteResult, opts: { color: boolean; coverageMin?: number }): string {
  const c = colors(opts.color);
  const out: string[] = [];
  for (const f of result.files) {
    out.push(c.bold(f.file) + (f.policy ? c.dim(`  (policy ${f.policy})`) : ""));
    for (const p of f.problems) {
      const [first, ...rest] = p.message.split("\n");
      out.push(c.bad(`  error: ${formatPos(p.pos)}: ${first}`));
      for (const line of rest) out.push(`    ${line}`);
    }
    for (const t of f.tests) {
      out.push(t.passed ? `  ${c.ok("✓")} ${t.name}` : `  ${c.bad("✗")} ${t.name} ${c.dim(`(${formatPos(t.pos)})`)}`);
      for (const fl of t.failures) out.push(...renderFailure(fl, c));
    }
    out.push("");
  }
  for (const r of result.coverage) {
    out.push(...renderCoverage(r, c));
    out.push("");
  }
  const parts = [c.ok(`${result.passed} passed`)];
  if (result.failed) parts.push(c.bad(`${result.failed} failed`));
  if (result.broken) parts.push(c.bad(`${result.broken} file(s) with errors`));
  out.push(`${parts.join(", ")} (${result.files.length} file(s))`);
  if (opts.coverageMin !== undefined) {
    for (const r of result.coverage) {
      for (const [what, pct] of [
        ["rule", r.rules.percent],
        ["requirement", r.requirements.percent],
      ] as const) {
        if (pct < opts.coverageMin) out.push(c.bad(`${what} coverage of ${r.policy} is ${pct}%, below --coverage-min ${opts.coverageMin}%`));
      }
    }
  }
  return out.join("\n") + "\n";
}

export function renderJson(result: SuiteResult, coverageMin?: number): string {
  const extra = coverageMin === undefined ? {} : { coverageMin, coverageMet: coverageMet(result, coverageMin) };
  return JSON.stringify({ ...result, ...extra }, null, 2) + "\n";
}

/** True when every policy's rule and requirement coverage is at least `min` percent. */
export function coverageMet(result: SuiteResult, min: number): boolean {
  return result.coverage.every((r) => r.rules.percent >= min && r.requirements.percent >= min);
}
