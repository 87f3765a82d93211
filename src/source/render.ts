/**
 * Renders diagnostics for people (rustc/Cedar style: code, message, the source line with a caret
 * under the span, labels, help) or as JSON for tools. Colour is the caller's choice: the CLI turns
 * it on for terminals only.
 */
import pc from "picocolors";
import type { Diagnostic } from "./diagnostic.js";
import { formatSpan, type Source } from "./span.js";

/** How {@link renderDiagnostics} formats its text. */
export interface RenderOptions {
  /** ANSI colours (default false): turn them on only when writing to a terminal. */
  color?: boolean;
}

type Colors = ReturnType<typeof pc.createColors>;

function caretLine(source: Source, d: { span: Diagnostic["span"] }, marker: string, c: (s: string) => string): string[] {
  const { start, end } = d.span;
  const text = source.lineText(start.line);
  const width = String(end.line).length;
  const gutter = " ".repeat(width);
  const length = end.line === start.line ? Math.max(1, end.column - start.column) : Math.max(1, text.length - start.column + 1);
  // Columns count UTF-16 units; wide (CJK) characters before the span take two cells on a terminal.
  const before = text.slice(0, start.column - 1);
  const pad = [...before].map((ch) => (ch === "\t" ? "\t" : isWide(ch) ? "  " : " ")).join("");
  const under = [...text.slice(start.column - 1, start.column - 1 + length)].map((ch) => (isWide(ch) ? marker + marker : marker)).join("") || marker;
  return [`${String(start.line).padStart(width)} | ${text}`, `${gutter} | ${pad}${c(under)}`];
}

function isWide(ch: string): boolean {
  const cp = ch.codePointAt(0) ?? 0;
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd);
}

/** One diagnostic as text, with its source line when the source is known. */
export function renderDiagnostic(d: Diagnostic, source: Source | undefined, options: RenderOptions = {}): string {
  const c: Colors = pc.createColors(options.color ?? false);
  const paint = d.severity === "error" ? c.red : c.yellow;
  const lines = [`${paint(c.bold(`${d.severity}[${d.code}]`))}${c.bold(`: ${d.message}`)}`, `  ${c.blue("-->")} ${formatSpan(d.span)}`];
  if (source && source.name === d.span.file && d.span.start.line <= source.lineStarts.length) {
    lines.push(...caretLine(source, d, "^", paint).map((l) => `  ${l}`));
  }
  for (const label of d.labels) {
    lines.push(`  ${c.blue("note")}: ${label.message} (${formatSpan(label.span)})`);
    if (source && source.name === label.span.file) lines.push(...caretLine(source, label, "-", c.blue).map((l) => `  ${l}`));
  }
  if (d.reqs?.length) lines.push(`  ${c.blue("law")}: ${d.reqs.join(", ")}`);
  if (d.help) lines.push(`  ${c.green("help")}: ${d.help}`);
  return lines.join("\n");
}

/** All diagnostics, separated by blank lines, with a closing count. */
export function renderDiagnostics(ds: readonly Diagnostic[], source: Source | undefined, options: RenderOptions = {}): string {
  const errors = ds.filter((d) => d.severity === "error").length;
  const warnings = ds.length - errors;
  const parts = ds.map((d) => renderDiagnostic(d, source, options));
  if (ds.length) parts.push(`${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`);
  return parts.join("\n\n");
}

/** The JSON form (`--format json`): one object per diagnostic, spans with 1-based lines and columns. */
export function diagnosticsToJson(ds: readonly Diagnostic[]): object[] {
  return ds.map((d) => ({
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: d.span.file,
    span: { start: d.span.start, end: d.span.end },
    labels: d.labels.map((l) => ({ message: l.message, file: l.span.file, span: { start: l.span.start, end: l.span.end } })),
    ...(d.help !== undefined ? { help: d.help } : {}),
    ...(d.reqs ? { reqs: d.reqs } : {}),
  }));
}
