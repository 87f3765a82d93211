/**
 * The CLI's contact with the outside world: files, standard streams, exit codes, colour. Commands
 * get an `Io` so tests can run them in-process and read what they printed.
 */
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";

/** Exit codes, documented in `qungui --help`. */
export const EXIT = { ok: 0, diagnostics: 1, usage: 2 } as const;

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout/stderr are terminals that take colour. */
  color: boolean;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
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
export function fileWriter(path: string): { write: (t: string) => void; close: () => void } {
  let fd: number;
  try {
    fd = openSync(path, "w");
  } catch (e) {
    throw new UsageError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return { write: (t) => void writeSync(fd, t), close: () => closeSync(fd) };
}

/** Collects output lines and writes them in large chunks: one syscall per line would dominate. */
export class BufferedWriter {
  private parts: string[] = [];
  private size = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly limit = 1 << 16,
  ) {}

  line(text: string): void {
    this.parts.push(text, "\n");
    this.size += text.length + 1;
    if (this.size >= this.limit) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    this.write(this.parts.join(""));
    this.parts = [];
    this.size = 0;
  }
}
