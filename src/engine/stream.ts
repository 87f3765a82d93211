/**
 * Running a JSON Lines stream through a program (the CLI's `run`): each line through intake and
 * evaluation, decisions and dead letters written to their sinks in input order, with the
 * accounting of docs/engine.md checked at the end.
 */
import { serializeDecision, type Decision } from "./decision.js";
import type { DeadLetter } from "./intake.js";
import type { Program } from "./program.js";
import type { EngineState } from "./state.js";

/**
 * Where {@link runStream} sends its output, called synchronously in input order. Each callback gets
 * the serialised JSON line (no newline) and the object it came from; an absent callback drops that
 * output (only counted).
 */
export interface StreamSinks {
  /** Called for every decision, timer decisions before the primary decision of the line that fired them. */
  decision?(json: string, d: Decision): void;
  /** Called for every line that could not be evaluated. */
  deadLetter?(json: string, dl: DeadLetter): void;
}

/**
 * What {@link runStream} processed. `decisions = primaryDecisions + timerDecisions`, and
 * `inputs = primaryDecisions + deadLetters` (checked before it returns: see {@link AccountingError}).
 */
export interface StreamCounts {
  /** Non-blank input lines. */
  inputs: number;
  /** Empty or whitespace-only lines, skipped (a trailing newline is not an input). */
  blankLines: number;
  /** Every decision written, primary and timer. */
  decisions: number;
  /** One per evaluated line. */
  primaryDecisions: number;
  /** Decisions of timers that fell due (`trigger: "timer"`). */
  timerDecisions: number;
  /** Lines that could not be evaluated. */
  deadLetters: number;
}

/** One dead letter as one JSON line (no newline): `{"line":…,"reason":…,"raw":…}`. */
export function serializeDeadLetter(dl: DeadLetter): string {
  return `{"line":${dl.line === null ? "null" : dl.line},"reason":${JSON.stringify(dl.reason)},"raw":${JSON.stringify(dl.raw)}}`;
}

/**
 * Thrown by {@link runStream} when the counts break the accounting rule (every input line gives
 * exactly one primary decision or one dead letter). It means a bug in the engine, not bad input;
 * the decisions already handed to the sinks stand.
 */
export class AccountingError extends Error {
  override name = "AccountingError";
}

/** Options of {@link runStream}. */
export interface StreamOptions {
  /** Number of the first line (default 1), for a stream resumed from a saved state. */
  firstLine?: number;
}

/**
 * Runs JSON Lines through a program: each line through intake and evaluation, decisions and dead
 * letters handed to the sinks in input order. Blank lines are skipped and are not inputs. Throws
 * {@link AccountingError} if inputs ≠ primary decisions + dead letters (which would be a bug).
 */
export function runStream(program: Program, lines: Iterable<string>, state: EngineState, sinks: StreamSinks = {}, options: StreamOptions = {}): StreamCounts {
  const counts: StreamCounts = { inputs: 0, blankLines: 0, decisions: 0, primaryDecisions: 0, timerDecisions: 0, deadLetters: 0 };
  let lineNo = (options.firstLine ?? 1) - 1;
  for (const rawLine of lines) {
    lineNo++;
    const line = inputLine(rawLine);
    if (line === null) {
      counts.blankLines++;
      continue;
    }
    counts.inputs++;
    const r = program.evaluateLine(line, lineNo, state);
    for (const d of r.decisions) {
      counts.decisions++;
      if (d.trigger === "timer") counts.timerDecisions++;
      else counts.primaryDecisions++;
      sinks.decision?.(serializeDecision(d), d);
    }
    if (r.deadLetter !== undefined) {
      counts.deadLetters++;
      sinks.deadLetter?.(serializeDeadLetter(r.deadLetter), r.deadLetter);
    }
  }
  if (counts.inputs !== counts.primaryDecisions + counts.deadLetters) {
    throw new AccountingError(`accounting violated: ${counts.inputs} inputs, ${counts.primaryDecisions} primary decisions, ${counts.deadLetters} dead letters`);
  }
  return counts;
}

/**
 * An input line without its CR (CRLF input), or null for a blank line, which is not an input.
 * Blank means empty or only ASCII spaces, tabs and CRs (docs/events.md, "Lines"): any other
 * character — a no-break or ideographic space, a BOM inside the stream, U+2028, a form feed — makes
 * the line an input, so it becomes a decision or a dead letter and never vanishes.
 */
export function inputLine(raw: string): string | null {
  const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
  return isBlank(line) ? null : line;
}

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}

/** A leading byte-order mark of a stream's first line, which editors on Windows write; stripped, not an input character. */
export function withoutBom(firstLine: string): string {
  return firstLine.charCodeAt(0) === 0xfeff ? firstLine.slice(1) : firstLine;
}

/** Splits a text into lines for {@link runStream} (LF or CRLF); a leading BOM is stripped. */
export function splitLines(text: string): string[] {
  const lines = withoutBom(text).split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}
