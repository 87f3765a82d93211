/**
 * A throw-away PostgreSQL server for the store tests. With QUNGUI_TEST_PG_URL set, that server is
 * used; otherwise one is started in a temporary directory with the Debian package's `initdb` and
 * `pg_ctl` (as the `postgres` user when running as root: initdb refuses root), listening only on a
 * Unix socket in that directory, and stopped at the end. When the `pg` driver or the server binaries
 * are missing, {@link postgresUnavailable} says why and the PostgreSQL tests are skipped.
 */
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function binDir(): string | null {
  const base = "/usr/lib/postgresql";
  if (existsSync(base)) {
    const versions = readdirSync(base).filter((v) => existsSync(join(base, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return join(base, versions[0]!, "bin");
  }
  try {
    const initdb = execFileSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" }).trim();
    return initdb ? join(initdb, "..") : null;
  } catch {
    return null;
  }
}

async function driverInstalled(): Promise<boolean> {
  const name = "pg";
  try {
    await import(name);
    return true;
  } catch {
    return false;
  }
}

/** Why PostgreSQL tests cannot run here, or null when they can. */
export async function postgresUnavailable(): Promise<string | null> {
  if (!(await driverInstalled())) return "the `pg` package is not installed (npm install pg)";
  if (process.env["QUNGUI_TEST_PG_URL"]) return null;
  if (binDir() === null) return "no PostgreSQL server binaries (apt-get install postgresql), and QUNGUI_TEST_PG_URL is not set";
  return null;
}

export interface TestServer {
  url: string;
  stop(): void;
  /** Stops the server process, keeping its data (`-m fast`, or `immediate` for a crash); null for a given server. */
  halt: ((mode?: "fast" | "immediate") => void) | null;
  /** Starts it again on the same port after {@link TestServer.halt}. */
  resume: (() => void) | null;
}

/**
 * Starts (or points at) a server; throws with the server's log when it cannot start. `fsync`
 * (default off: the tests kill clients, not the server) for benchmarks that should pay for it.
 */
export function startPostgres(options: { fsync?: boolean } = {}): TestServer {
  const given = process.env["QUNGUI_TEST_PG_URL"];
  if (given) return { url: given, stop: () => undefined, halt: null, resume: null };
  const bin = binDir()!;
  const dir = mkdtempSync(join(tmpdir(), "qungui-pg-"));
  const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const run = (cmd: string, args: string[]) =>
    asRoot ? execFileSync("runuser", ["-u", "postgres", "--", join(bin, cmd), ...args], { stdio: "pipe" }) : execFileSync(join(bin, cmd), args, { stdio: "pipe" });
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, "data");
  const port = String(20000 + Math.floor(Math.random() * 20000));
  const start = () => run("pg_ctl", ["-D", data, "-o", `-k ${dir} -p ${port} -c listen_addresses='' -c fsync=${options.fsync === true ? "on" : "off"}`, "-l", join(dir, "log"), "-w", "start"]);
  try {
    run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
    start();
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot start PostgreSQL: ${(e as { stderr?: Buffer }).stderr?.toString() ?? (e as Error).message}`);
  }
  let running = true;
  return {
    url: `postgresql://postgres@localhost:${port}/postgres?host=${encodeURIComponent(dir)}`,
    stop: () => {
      try {
        if (running) run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    halt: (mode = "fast") => {
      run("pg_ctl", ["-D", data, "-m", mode, "-w", "stop"]);
      running = false;
    },
    resume: () => {
      start();
      running = true;
    },
  };
}
