/**
 * The CLI's contact with the outside world: files, standard streams, exit codes, colour. Commands
 * get an `Io` so tests can run them in-process and read what they printed.
 */
import { closeSync, fstatSync, openSync, readSync, writeFileSync, writeSync } from "node:fs";

/** Exit codes, documented in `qungui --help`. */
export const EXIT = { ok: 0, diagnostics: 1, usage: 2, closedPipe: 141 } as const;

export interface Io {
  out(text: string): void;
  /** Bytes for stdout (large outputs); where absent, they are decoded and given to `out`. */
  outBytes?(bytes: Uint8Array): void;
  err(text: string): void;
  /** Whether stdout/stderr are terminals that take colour. */
  color: boolean;
}

/**
 * A write that did not happen: standard output or error, or an output file (a full disk, a closed
 * pipe). `main` turns it into an exit: quietly with 141 (128 + SIGPIPE, what a Unix tool killed by
 * SIGPIPE reports) when the reader went away (`EPIPE`: `qungui run … | head -1`), else one line on
 * stderr and exit 2. Thrown where the write is made, so no summary ("accounting holds") is printed
 * for output that was not written.
 */
export class OutputError extends Error {
  override name = "OutputError";
  constructor(
    readonly where: string,
    readonly code: string,
  ) {
    super(`cannot write ${where}: ${code}${ERRNO_TEXT[code] ? ` (${ERRNO_TEXT[code]})` : ""}`);
  }
}

const ERRNO_TEXT: Record<string, string> = { ENOSPC: "no space left on device", EDQUOT: "disk quota exceeded", EPIPE: "the reader closed the pipe", EIO: "input/output error", EFBIG: "file too large", EBADF: "not open" };

const WAIT = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of `bytes` to `fd`, synchronously, so a failure is an {@link OutputError} here and
 * now — not an `'error'` event on `process.stdout` after the summary was printed. A descriptor in
 * non-blocking mode (a pipe or terminal Node opened so) that is full is waited for.
 */
export function writeAll(fd: number, bytes: Uint8Array, where: string): void {
  for (let off = 0; off < bytes.length; ) {
    try {
      off += writeSync(fd, bytes, off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? "EIO";
      if (code === "EAGAIN") {
        Atomics.wait(WAIT, 0, 0, 2);
        continue;
      }
      throw new OutputError(where, code);
    }
  }
}

export const processIo: Io = {
  out: (t) => writeAll(1, Buffer.from(t, "utf8"), "standard output"),
  outBytes: (b) => writeAll(1, b, "standard output"),
  err: (t) => writeAll(2, Buffer.from(t, "utf8"), "standard error"),
  color: Boolean(process.stdout.isTTY) && !process.env["NO_COLOR"],
};

/** An error the user can fix (missing file, bad flag); printed as one line, exit code 2. */
export class UsageError extends Error {}

/**
 * The most a command reads from one input file (a policy, its IR, a state, a test file): 256 MiB,
 * below V8's longest string (512 Mi UTF-16 units), so a device such as `/dev/zero` or a huge file
 * given by mistake is a one-line error instead of `std::bad_alloc`. The largest policies measured
 * (10,000 rules) have IR of about 10 MB; a `--state` of a million users about 200 MB.
 */
export const MAX_INPUT_FILE_BYTES = 256 * 1024 * 1024;

/** A file's text, read in chunks up to `limit` bytes (a device file has no size to check first). */
export function readText(path: string, limit = MAX_INPUT_FILE_BYTES): string {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new UsageError(`cannot read ${path}: EISDIR`);
    if (st.isFile() && st.size > limit) throw new UsageError(`cannot read ${path}: larger than ${limit} bytes, the most a command reads from one file`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, limit + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > limit) throw new UsageError(`cannot read ${path}: larger than ${limit} bytes, the most a command reads from one file`);
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total).toString("utf8");
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  } finally {
    closeSync(fd);
  }
}

export function writeText(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw new UsageError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** A writer to a file descriptor opened once (faster than appending through the Io). */
export function fileWriter(path: string, flags: "w" | "a" = "w"): { write: (t: string | Uint8Array) => void; close: () => void } {
  let fd: number;
  try {
    fd = openSync(path, flags);
  } catch (e) {
    throw new UsageError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return {
    write: (t) => writeAll(fd, typeof t === "string" ? Buffer.from(t, "utf8") : t, path),
    close: () => {
      try {
        closeSync(fd);
      } catch (e) {
        // A file system that reports a failed write only at close (NFS, a quota).
        throw new OutputError(path, (e as NodeJS.ErrnoException).code ?? "EIO");
      }
    },
  };
}

/** Bytes handed to a writer of text (stderr, a test's Io). */
export function decoding(write: (text: string) => void): (bytes: Uint8Array) => void {
  return (b) => write(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8"));
}

/** Where a {@link LineWriter} sends its bytes: standard output through the Io. */
export function stdoutBytes(io: Io): (bytes: Uint8Array) => void {
  return io.outBytes ? (b) => io.outBytes!(b) : decoding((t) => io.out(t));
}

/**
 * Collects output lines as UTF-8 in a large buffer and hands it on when full. Joining the lines
 * into strings and converting those on write cost `qungui run` far more (docs/performance.md):
 * here each line is encoded once, straight into the buffer. Each flush hands
 * over a buffer of its own, so a writer that keeps it (a pipe) never sees it change.
 */
export class LineWriter {
  private buf: Buffer;
  private used = 0;

  constructor(
    private readonly write: (bytes: Uint8Array) => void,
    private readonly size = 1 << 20,
  ) {
    this.buf = Buffer.allocUnsafe(size);
  }

  line(text: string): void {
    // At most three bytes per UTF-16 unit, plus the newline.
    const worst = text.length * 3 + 1;
    if (this.used + worst > this.buf.length) {
      this.flush();
      if (worst > this.buf.length) {
        this.write(Buffer.from(text + "\n", "utf8"));
        return;
      }
    }
    this.used += this.buf.write(text, this.used, "utf8");
    this.buf[this.used++] = 0x0a;
  }

  flush(): void {
    if (this.used === 0) return;
    const full = this.buf.subarray(0, this.used);
    this.buf = Buffer.allocUnsafe(this.size);
    this.used = 0;
    this.write(full);
  }
}

/** Runs every step, then throws the first failure, if any (closing outputs after an error). */
export function settleAll(steps: readonly (() => void)[]): void {
  let first: { e: unknown } | null = null;
  for (const step of steps) {
    try {
      step();
    } catch (e) {
      first ??= { e };
    }
  }
  if (first !== null) throw first.e;
}
