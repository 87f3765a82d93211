/**
 * Input lines for `qungui run`, read in chunks from a file or standard input and handed over one at
 * a time, so a stream is decided while it is still arriving and memory stays flat however long the
 * input is. Reading a whole file into one string and splitting it kept every line alive to the end
 * and cost far more (docs/performance.md, "`qungui run`").
 */
import { closeSync, openSync, readSync } from "node:fs";
import { UsageError } from "./io.js";

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;

export interface LineSource {
  /** The lines, without their `\n` (a `\r` before it is kept: the stream runner strips it). */
  lines: Iterable<string>;
  close(): void;
}

export interface LineSourceOptions {
  /** Called before each read that may wait for more input, so output can be flushed first. */
  beforeRead?: () => void;
  /** Bytes per read (tests use small chunks to cross line boundaries). */
  chunkSize?: number;
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
  return {
    lines: linesOf(fd, what, options),
    close: () => {
      if (!stdin) closeSync(fd);
    },
  };
}

function* linesOf(fd: number, what: string, options: LineSourceOptions): Generator<string> {
  let atStart = true;
  let buf = Buffer.allocUnsafe(options.chunkSize ?? CHUNK);
  let start = 0;
  let end = 0;
  for (;;) {
    if (start > 0) {
      buf.copy(buf, 0, start, end);
      end -= start;
      start = 0;
    }
    // A line longer than the buffer: grow it rather than split the line.
    if (end === buf.length) {
      const grown = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(grown, 0, 0, end);
      buf = grown;
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
      yield buf.toString("utf8", start, nl);
      start = nl + 1;
    }
  }
  if (end > start) yield buf.toString("utf8", start, end);
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
