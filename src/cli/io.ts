/**
 * The CLI's contact with the outside world: files, standard streams, exit codes, colour. Commands
 * get an `Io` so tests can run them in-process and read what they printed.
 */
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";

/** Exit codes, documented in `qungui --help`. */
export const EXIT = { ok: 0, diagnostics: 1, usage: 2 } as const;

export interface Io {
  out(text: string): void;
  /** Bytes for stdout (large outputs); where absent, they are decoded and given to `out`. */
  outBytes?(bytes: Uint8Array): void;
  err(text: string): void;
  /** Whether stdout/stderr are terminals that take colour. */
  color: boolean;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  // Synchronous for files, and for pipes on Linux (Node's documentation, "A note on process I/O").
  outBytes: (b) => process.stdout.write(b),
  err: (t) => process.stderr.write(t),
  color: Boolean(process.stdout.isTTY) && !process.env["NO_COLOR"],
};

/** An error the user can fix (missing file, bad flag); printed as one line, exit code 2. */
export class UsageError extends Error {}

export function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
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
    write: (t) => {
      if (typeof t === "string") writeSync(fd, t);
      else for (let off = 0; off < t.length; ) off += writeSync(fd, t, off);
    },
    close: () => closeSync(fd),
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
 * into strings and converting those on write cost five times as much for `qungui run` (measured in
 * docs/performance.md): here each line is encoded once, straight into the buffer. Each flush hands
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
