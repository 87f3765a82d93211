/**
 * Input lines for `qungui run`, read in chunks from a file or standard input and handed over one at
 * a time, so a stream is decided while it is still arriving and memory stays flat however long the
 * input is. Reading a whole file into one string and splitting it kept every line alive to the end
 * and cost far more (docs/performance.md, "`qungui run`").
 */
import { isUtf8 } from "node:buffer";
import { closeSync, openSync, readSync } from "node:fs";
import { invalidUtf8Line, MAX_LINE_BYTES, overlongLine, type RefusedLine } from "../engine/index.js";
import { invalidUtf8Offset } from "../source/utf8.js";
import { UsageError } from "./io.js";

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;

export interface LineSource {
  /**
   * The lines, without their `\n` (a `\r` before it is kept: the stream runner strips it); a line
   * that is not UTF-8 or longer than the maximum comes as a {@link RefusedLine}, never repaired.
   */
  lines: Iterable<string | RefusedLine>;
  /**
   * Set when reading stopped inside a line that did not end within {@link skipLimit} bytes (an
   * endless line such as `/dev/zero`): that line is a dead letter, and nothing after it was read.
   */
  readonly stopped: { line: number; bytes: number } | null;
  close(): void;
}

export interface LineSourceOptions {
  /** Called before each read that may wait for more input, so output can be flushed first. */
  beforeRead?: () => void;
  /** Bytes per read (tests use small chunks to cross line boundaries). */
  chunkSize?: number;
  /** The longest line read as an event, in bytes without its newline (default {@link MAX_LINE_BYTES}). */
  maxLineBytes?: number;
}

/**
 * How far past the maximum an over-long line is skipped, looking for its end, before the reader
 * gives up on the input: 64 times the maximum (64 MiB by default). A line that long is not a stray
 * blob in a stream of events but an input with no line structure (`/dev/zero`, a binary file);
 * skipping it forever would never finish.
 */
export function skipLimit(maxLineBytes: number): number {
  return maxLineBytes * 64;
}

/** `--max-line-bytes`: a whole number of bytes, at least 1. */
export function maxLineBytesOf(flag: string | undefined): number {
  if (flag === undefined) return MAX_LINE_BYTES;
  const n = Number(flag);
  if (!/^\d+$/.test(flag) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`--max-line-bytes takes a whole number of bytes (at least 1), got ${JSON.stringify(flag)}`);
  return n;
}

/**
 * The line on stderr when the reader gave up inside an endless line (src/cli/lines.ts): that line
 * is a dead letter and is counted; what came after it was not read, so the run fails (exit 1).
 */
export function stoppedNotice(stopped: { line: number; bytes: number } | null, what: string | undefined): string {
  if (stopped === null) return "";
  return `qungui run: line ${stopped.line} of ${what === undefined || what === "-" ? "standard input" : what} did not end within ${stopped.bytes} bytes: stopped reading there (the line is a dead letter; the input has no line structure)\n`;
}


/** Opens a file, or standard input for `undefined` and `-`. Errors are {@link UsageError}s. */
export function openLineSource(file: string | undefined, options: LineSourceOptions = {}): LineSource {
  const stdin = file === undefined || file === "-";
  let fd: number;
  try {
    fd = stdin ? 0 : openSync(file, "r");
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const what = stdin ? "standard input" : file;
  const source: { stopped: LineSource["stopped"] } = { stopped: null };
  return {
    lines: linesOf(fd, what, options, source),
    get stopped() {
      return source.stopped;
    },
    close: () => {
      if (!stdin) closeSync(fd);
    },
  };
}

function* linesOf(fd: number, what: string, options: LineSourceOptions, source: { stopped: LineSource["stopped"] }): Generator<string | RefusedLine> {
  const max = options.maxLineBytes ?? MAX_LINE_BYTES;
  const chunk = options.chunkSize ?? CHUNK;
  let atStart = true;
  let buf = Buffer.allocUnsafe(Math.min(chunk, max + 1));
  let start = 0;
  let end = 0;
  let lineNo = 0;
  // Inside an over-long line: it is read and dropped, and refused (with its length) at its end.
  let skipping = false;
  let skipped = 0;
  /** A complete line's bytes `[from, to)`: text when it is UTF-8 (and not too long), else refused. */
  const lineOf = (from: number, to: number): string | RefusedLine => {
    const view = buf.subarray(from, to);
    if (!isUtf8(view)) return invalidUtf8Line(invalidUtf8Offset(view), to - from);
    return buf.toString("utf8", from, to);
  };
  for (;;) {
    if (start > 0) {
      buf.copy(buf, 0, start, end);
      end -= start;
      start = 0;
    }
    if (end === buf.length) {
      if (end > max) {
        // No newline within the maximum: the line is dropped as it arrives, so memory stays at
        // the maximum however long it is, and refused when its end comes.
        lineNo++;
        skipping = true;
        skipped = end;
        end = 0;
        atStart = false;
      } else {
        // A line longer than the buffer but within the maximum: grow the buffer rather than split the line.
        const grown = Buffer.allocUnsafe(Math.min(buf.length * 2, max + 1));
        buf.copy(grown, 0, 0, end);
        buf = grown;
      }
    }
    options.beforeRead?.();
    const n = readChunk(fd, buf, end, what);
    if (n === 0) break;
    end += n;
    // A byte-order mark opening the stream is not part of its first line (docs/events.md, "Lines").
    if (atStart && end >= 3) {
      atStart = false;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
    }
    // Lines are cut at byte 0x0A, which never occurs inside a UTF-8 sequence, and each is decoded
    // on its own: a multi-byte character split across two reads is decoded whole.
    // Searched in a view that ends at `end`: beyond it is the rest of an unfilled buffer, which a
    // live pipe's small reads would otherwise have scanned in full after every read.
    const filled = buf.subarray(0, end);
    for (let nl = filled.indexOf(NEWLINE, end - n); nl >= 0; nl = filled.indexOf(NEWLINE, start)) {
      atStart = false;
      if (skipping) {
        skipping = false;
        yield overlongLine(max, skipped + nl - start, true);
      } else {
        lineNo++;
        yield nl - start > max ? overlongLine(max, nl - start, true) : lineOf(start, nl);
      }
      start = nl + 1;
    }
    if (skipping) {
      skipped += end - start;
      start = end = 0;
      if (skipped > skipLimit(max)) {
        source.stopped = { line: lineNo, bytes: skipped };
        yield overlongLine(max, skipped, false);
        return;
      }
    }
  }
  if (skipping) yield overlongLine(max, skipped + end - start, true);
  else if (end > start) yield end - start > max ? overlongLine(max, end - start, true) : lineOf(start, end);
}

/** One read; a non-blocking standard input that has nothing yet is waited for, not mistaken for its end. */
function readChunk(fd: number, buf: Buffer, offset: number, what: string): number {
  for (;;) {
    try {
      return readSync(fd, buf, offset, buf.length - offset, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") {
        Atomics.wait(WAIT, 0, 0, 5);
        continue;
      }
      if (code === "EOF") return 0;
      throw new UsageError(`cannot read ${what}: ${code ?? (e as Error).message}`);
    }
  }
}

const WAIT = new Int32Array(new SharedArrayBuffer(4));
