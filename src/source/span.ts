/**
 * Source text and positions. Every AST node and every diagnostic carries a {@link Span} so that
 * messages, decisions and reviewer documents can point at the exact policy line.
 */

/** A position in a source file. `line` and `column` are 1-based; `offset` is a 0-based UTF-16 index. */
export interface Position {
  offset: number;
  line: number;
  column: number;
}

/**
 * A half-open range `[start, end)` in a named source file; `file` is the name the text was
 * compiled under (what diagnostics print). Both ends are in the same file.
 */
export interface Span {
  file: string;
  start: Position;
  end: Position;
}

/**
 * A policy file's text with a precomputed line table for offset → line/column lookups. To show the
 * offending source lines, pass {@link renderDiagnostics} `new Source(file, text)` with the same
 * `file` name the policy was compiled under (lines are shown only for spans in that file).
 */
export class Source {
  readonly lineStarts: number[];

  constructor(
    readonly name: string,
    readonly text: string,
  ) {
    const starts = [0];
    // indexOf scans natively; a charCodeAt loop runs unoptimised the one time it runs
    // (docs/performance.md).
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
    this.lineStarts = starts;
  }

  /** The 1-based line/column for a 0-based offset (clamped to the text). */
  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { offset: o, line: lo + 1, column: o - this.lineStarts[lo]! + 1 };
  }

  /** A span from two offsets. */
  span(startOffset: number, endOffset: number): Span {
    return { file: this.name, start: this.position(startOffset), end: this.position(endOffset) };
  }

  /** The text of a 1-based line, without its newline. */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1];
    if (start === undefined) return "";
    const next = this.lineStarts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, "");
  }
}

/** A span covering both arguments (they must be from the same file). */
export function joinSpans(a: Span, b: Span): Span {
  return {
    file: a.file,
    start: a.start.offset <= b.start.offset ? a.start : b.start,
    end: a.end.offset >= b.end.offset ? a.end : b.end,
  };
}

/** `file:line:column`, as editors and terminals link it. */
export function formatSpan(span: Span): string {
  return `${span.file}:${span.start.line}:${span.start.column}`;
}

/** A span for things that have no source (built-in rules, hand-written IR). */
export function syntheticSpan(file = "<builtin>"): Span {
  const p = { offset: 0, line: 1, column: 1 };
  return { file, start: p, end: p };
}
