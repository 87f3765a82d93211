/**
 * Diagnostics are values, never exceptions: every compiler stage returns its output together with
 * a list of these. Codes are stable (`QG0xx`) and documented in docs/diagnostics.md.
 */
import type { Span } from "./span.js";

/** Any `error` means the policy does not compile (`compilePolicy` returns no program); a `warning` never blocks. */
export type Severity = "error" | "warning";

/** A secondary location that helps explain a diagnostic (e.g. "first defined here"). */
export interface Label {
  span: Span;
  message: string;
}

/**
 * A problem the compiler found in a policy (or in an IR document), as a value: compilation never
 * throws on a bad policy, it returns these. Codes are stable and documented, with a failing and a
 * fixed example each, in docs/diagnostics.md; render a list for people with
 * {@link renderDiagnostics} or for tools with {@link diagnosticsToJson}.
 */
export interface Diagnostic {
  /** Stable code, e.g. `QG012`. */
  code: string;
  severity: Severity;
  /** One line, lowercase start, no trailing period (Cedar style). */
  message: string;
  /** Where the problem is; a synthetic span at line 1, column 1 when it has no source position (IR documents, internal errors). */
  span: Span;
  /** Other locations that explain it (e.g. "first defined here"); often empty. */
  labels: Label[];
  /** How to fix it, when we can say. */
  help?: string;
  /** Requirement ids (src/law/articles.ts) that this diagnostic enforces, if any. */
  reqs?: string[];
}

export function diagnostic(
  code: string,
  severity: Severity,
  span: Span,
  message: string,
  extra: { help?: string; labels?: Label[]; reqs?: string[] } = {},
): Diagnostic {
  const d: Diagnostic = { code, severity, message, span, labels: extra.labels ?? [] };
  if (extra.help !== undefined) d.help = extra.help;
  if (extra.reqs !== undefined && extra.reqs.length > 0) d.reqs = extra.reqs;
  return d;
}

export const error = (code: string, span: Span, message: string, extra?: Parameters<typeof diagnostic>[4]) =>
  diagnostic(code, "error", span, message, extra);
export const warning = (code: string, span: Span, message: string, extra?: Parameters<typeof diagnostic>[4]) =>
  diagnostic(code, "warning", span, message, extra);

/** Sorted by file, then position, then code, so output is stable whatever order stages found them in. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) =>
      a.span.file.localeCompare(b.span.file) ||
      a.span.start.offset - b.span.start.offset ||
      a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  );
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === "error");
}

/**
 * What docs/diagnostics.md says about a code; each stage keeps a catalogue of its own codes
 * (src/syntax/codes.ts, src/check/codes.ts, src/ir/codes.ts), gathered in src/diagnostics-catalog.ts.
 * `bad` must produce the code and `fixed` must not: test/unit/diagnostics-catalog.test.ts runs both.
 */
export interface CodeInfo {
  code: string;
  severity: Severity;
  title: string;
  /** Why the rule exists, one or two sentences. */
  explanation: string;
  /** A complete `.qg` file (or, for IR codes, an IR JSON text) that produces the code. */
  bad: string;
  /** The same, fixed. */
  fixed: string;
  reqs?: string[];
}
