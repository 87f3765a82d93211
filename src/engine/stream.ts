/**
 * Running a JSON Lines stream through a program (the CLI's `run`): each line through intake and
 * evaluation, decisions and dead letters written to their sinks in input order, with the
 * accounting of docs/engine.md checked at the end.
 */
import { utf8Length } from "../source/utf8.js";
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
  /** The longest line, in UTF-8 bytes without its newline, that is read as an event (default {@link MAX_LINE_BYTES}). */
  maxLineBytes?: number;
}

/**
 * The default maximum length of an input line: 1 MiB of UTF-8, without its newline. The largest
 * event of the contract (a `user.verified` with its identity) is well under 1 KiB; a longer line
 * is a dead letter (`line longer than … bytes`), so one runaway line — an endless one such as
 * `/dev/zero` included — can neither exhaust memory nor stop the run (docs/events.md, "Lines").
 * `qungui run --max-line-bytes` and {@link StreamOptions.maxLineBytes} change it.
 */
export const MAX_LINE_BYTES = 1 << 20;

/**
 * A line refused before it is read as text: its bytes are not well-formed UTF-8, or it is longer
 * than the maximum. Line readers that see bytes (the CLI's) hand these to {@link runStream} and to
 * the service engine instead of a repaired or truncated string; each is one input and one dead
 * letter. Its `reason` and `raw` say what was wrong and how long the line was, never its content.
 */
export interface RefusedLine {
  readonly kind: "refused";
  readonly reason: string;
  readonly raw: string;
}

/** A line whose bytes are not UTF-8; `offset` is 0-based, the reason counts bytes from 1. */
export function invalidUtf8Line(offset: number, bytes: number): RefusedLine {
  return { kind: "refused", reason: `not valid UTF-8 at byte ${offset + 1}`, raw: `[withheld: not valid UTF-8, ${bytes} byte${bytes === 1 ? "" : "s"}]` };
}

/**
 * A line longer than `max` bytes. `bytes` is its length when its end was seen, or the bytes read
 * of it when the reader stopped looking (`complete` false: an endless line).
 */
export function overlongLine(max: number, bytes: number, complete: boolean): RefusedLine {
  return {
    kind: "refused",
    reason: `line longer than ${max} bytes (the maximum line length)`,
    raw: `[withheld: ${complete ? "" : "at least "}${bytes} bytes]`,
  };
}

/** The input line of a string, or a {@link RefusedLine} when it is longer than `max` UTF-8 bytes. */
export function boundedLine(line: string, max: number): string | RefusedLine {
  // Three bytes per UTF-16 unit at most: most lines need no counting.
  if (line.length * 3 <= max) return line;
  const n = utf8Length(line);
  return n > max ? overlongLine(max, n, true) : line;
}

/** A refused line's dead letter. */
export function refusedDeadLetter(r: RefusedLine, lineNo: number | null): DeadLetter {
  return { line: lineNo, reason: r.reason, raw: r.raw };
}

/**
 * Runs JSON Lines through a program: each line through intake and evaluation, decisions and dead
 * letters handed to the sinks in input order. Blank lines are skipped and are not inputs. Throws
 * {@link AccountingError} if inputs ≠ primary decisions + dead letters (which would be a bug).
 */
export function runStream(program: Program, lines: Iterable<string | RefusedLine>, state: EngineState, sinks: StreamSinks = {}, options: StreamOptions = {}): StreamCounts {
  const counts: StreamCounts = { inputs: 0, blankLines: 0, decisions: 0, primaryDecisions: 0, timerDecisions: 0, deadLetters: 0 };
  const max = options.maxLineBytes ?? MAX_LINE_BYTES;
  let lineNo = (options.firstLine ?? 1) - 1;
  for (const rawLine of lines) {
    lineNo++;
    const line = typeof rawLine === "string" ? inputLine(rawLine) : rawLine;
    if (line === null) {
      counts.blankLines++;
      continue;
    }
    counts.inputs++;
    const bounded = typeof line === "string" ? boundedLine(line, max) : line;
    if (typeof bounded !== "string") {
      counts.deadLetters++;
      const dl = refusedDeadLetter(bounded, lineNo);
      sinks.deadLetter?.(serializeDeadLetter(dl), dl);
      continue;
    }
    const r = program.evaluateLine(bounded, lineNo, state);
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
