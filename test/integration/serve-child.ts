/**
 * Waiting for a spawned `qungui serve` to be ready: it prints its address and then "ready" on
 * stderr. Shared by the integration tests that run the real server as a child process.
 */
import type { ChildProcess } from "node:child_process";

export interface Serving {
  /** The server's base address, `http://127.0.0.1:PORT`. */
  url: string;
  /** Resolves with the exit code when the child ends. */
  exited: Promise<number | null>;
  /** Everything the server has written to stderr so far (it keeps collecting after ready). */
  stderr(): string;
}

export function whenServing(child: ChildProcess): Promise<Serving> {
  let err = "";
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return new Promise<Serving>((resolve, reject) => {
    child.stderr!.on("data", (b: Buffer) => {
      err += b.toString("utf8");
      const m = /qungui serve: (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m && /qungui serve: ready/.test(err)) resolve({ url: m[1]!, exited, stderr: () => err });
    });
    void exited.then(() => reject(new Error(`serve exited: ${err}`)));
  });
}
