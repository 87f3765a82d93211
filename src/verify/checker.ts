/**
 * The checker's verdicts as verify takes them: every error that names requirement ids. Warnings do
 * not fail a requirement (they never block compilation either); errors without ids are not about
 * the regulation and stop a strict compilation instead.
 */
import type { Diagnostic } from "../source/diagnostic.js";
import type { CheckerFinding } from "./run.js";

export function checkerFindings(diagnostics: readonly Diagnostic[]): CheckerFinding[] {
  return diagnostics
    .filter((d) => d.severity === "error" && d.reqs && d.reqs.length > 0)
    .map((d) => ({
      code: d.code,
      message: d.message,
      reqs: d.reqs!,
      // IR documents have synthetic spans at 1:1; they still name the file.
      span: { file: d.span.file, line: d.span.start.line, column: d.span.start.column, endLine: d.span.end.line, endColumn: d.span.end.column },
    }));
}
