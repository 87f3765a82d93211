/**
 * Where checks put their findings. Checks run per policy version (an amendment re-checks the rules
 * and sections it inherits against its own symbols), so the same finding can come up more than
 * once; the sink keeps the first and drops exact repeats.
 */
import { diagnostic, type Diagnostic, type Label, type Severity } from "../source/diagnostic.js";
import type { Span } from "../source/span.js";

export interface Extra {
  help?: string;
  labels?: Label[];
  reqs?: string[];
  /**
   * Appended to the message but not part of what makes two findings the same: ` in version 1.1`
   * when a later version re-checks an inherited node and finds what the earlier one did not.
   */
  note?: string;
}

export class Sink {
  private readonly seen = new Set<string>();
  readonly diagnostics: Diagnostic[] = [];

  add(code: string, severity: Severity, span: Span, message: string, extra: Extra = {}): void {
    const key = `${code}|${span.file}|${span.start.offset}|${span.end.offset}|${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const { note, ...rest } = extra;
    this.diagnostics.push(diagnostic(code, severity, span, note ? `${message}${note}` : message, rest));
  }

  error(code: string, span: Span, message: string, extra?: Extra): void {
    this.add(code, "error", span, message, extra);
  }

  warning(code: string, span: Span, message: string, extra?: Extra): void {
    this.add(code, "warning", span, message, extra);
  }
}
