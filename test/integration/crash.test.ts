/**
 * Crash test of the durable store: `qungui run --store` over a 100 000-event stream is killed with
 * SIGKILL at random points (some at random times, including during start-up and recovery, some
 * right after random amounts of output, i.e. in the middle of the next commit), restarted each
 * time, and finally run to completion. The decision log and the dead letters in the store must
 * equal, byte for byte, what an uninterrupted run writes: nothing lost, nothing duplicated.
 *
 * Uses the built CLI (`npm run build`; built here when dist/ lacks it). Reproduce a run with
 * QUNGUI_CRASH_SEED=<seed>; QUNGUI_CRASH_RUNS sets the number of kills (default 20).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyState, runStream } from "../../src/engine/index.js";
import { openStore } from "../../src/store/open.js";
import { rng } from "../../src/workload/generate.js";
import { referenceProgram, streamLines } from "../service/fixtures.js";
import { postgresUnavailable, startPostgres, type TestServer } from "../service/postgres.js";

const EVENTS = 100_000;
const KILLS = Number(process.env["QUNGUI_CRASH_RUNS"] ?? 20);
/** The PostgreSQL run is shorter: the server shares the machine's two cores with the test. */
const PG_EVENTS = 30_000;
const PG_KILLS = Number(process.env["QUNGUI_CRASH_PG_RUNS"] ?? 8);
const SEED = Number(process.env["QUNGUI_CRASH_SEED"] ?? 20171008);
const ROOT = join(import.meta.dirname, "..", "..");
const CLI = join(ROOT, "bin", "qungui.js");

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: number;
  /** Milliseconds from spawn to the first decision on stdout (start-up and recovery), or null. */
  firstOutputMs: number | null;
  stderr: string;
}

/** Starts `qungui run --store`; `kill` decides, from elapsed ms and output lines, when to SIGKILL it. */
function runOnce(args: string[], kill: (elapsedMs: number, lines: number) => boolean): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    const t0 = Date.now();
    let lines = 0;
    let firstOutputMs: number | null = null;
    let stderr = "";
    let killed = false;
    const check = () => {
      if (!killed && kill(Date.now() - t0, lines)) {
        killed = true;
        child.kill("SIGKILL");
      }
    };
    const timer = setInterval(check, 5);
    child.stdout.on("data", (b: Buffer) => {
      firstOutputMs ??= Date.now() - t0;
      for (let i = 0; i < b.length; i++) if (b[i] === 10) lines++;
      check();
    });
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearInterval(timer);
      resolve({ code, signal, lines, firstOutputMs, stderr });
    });
  });
}

/** Export lines without the record's place: the decisions as made. */
const decisionOf = (line: string) => line.replace(/,"journalSeq":\d+,"committedAt":"[^"]+"\}$/, "}");

/**
 * Runs `qungui run --store STORE` over `events` lines, SIGKILLed `kills` times at random points and
 * restarted, then to completion; the store's decision log and dead letters must equal an
 * uninterrupted run's.
 */
async function crashRun(dir: string, storeArg: string, events: number, kills: number, label: string): Promise<void> {
  const lines = streamLines(events, 42, 5 * 60_000);
  const eventsFile = join(dir, `events-${label}.jsonl`);
  writeFileSync(eventsFile, lines.join("\n") + "\n");
  // The uninterrupted run: what `qungui run` without a store writes (same engine, same stream).
  const want: string[] = [];
  const wantDead: string[] = [];
  runStream(referenceProgram(), lines, emptyState(), { decision: (j) => want.push(j), deadLetter: (j) => wantDead.push(j) });

  // The compiled IR starts faster than the .qg (no parse and check at every restart); same policy.
  const policy = join(dir, "policy.json");
  if (!existsSync(policy)) execFileSync(process.execPath, [CLI, "compile", "policies/cac-2017.qg", "-o", policy], { cwd: ROOT });
  const args = ["run", policy, eventsFile, "--store", storeArg, "--dead-letter", join(dir, `dead-${label}.jsonl`)];
  const random = rng(SEED);
  const positions: number[] = [];
  const t0 = Date.now();
  let killed = 0;
  let finished = false;
  let startup = 1500;
  while (killed < kills) {
    // Some kills at a random time (during start-up, recovery or a commit), the others after some
    // output (in the next commit); never so late that the kills still to come find nothing left.
    const byTime = random() < 0.4;
    const afterMs = random() * 2 * startup;
    const remaining = lines.length - (positions[positions.length - 1] ?? 0);
    const cap = Math.max(1, Math.floor(remaining / (kills - killed + 1)));
    const afterLines = 1 + Math.floor(random() * cap);
    const r = await runOnce(args, (ms, n) => (byTime ? ms >= afterMs : n >= afterLines) || n >= cap);
    if (r.firstOutputMs !== null) startup = r.firstOutputMs;
    if (r.signal !== "SIGKILL") {
      expect(r.code, r.stderr).toBe(0);
      finished = true;
      break;
    }
    killed++;
    const s = await openStore(storeArg);
    const c = await s.cursor(`file:${eventsFile}`);
    await s.close();
    positions.push(c?.line ?? 0);
  }
  if (!finished) {
    const last = await runOnce(args, () => false);
    expect(last.code, last.stderr).toBe(0);
  }
  const elapsed = Date.now() - t0;

  const exported = execFileSync(process.execPath, [CLI, "records", "export", "--store", storeArg], { cwd: ROOT, maxBuffer: 1 << 30 }).toString("utf8");
  const got = exported.split("\n").filter((l) => l.length > 0).map(decisionOf);
  const dead = execFileSync(process.execPath, [CLI, "records", "export", "--store", storeArg, "--dead-letters"], { cwd: ROOT, maxBuffer: 1 << 28 })
    .toString("utf8")
    .split("\n")
    .filter((l) => l.length > 0);

  console.log(`crash test (${label}): seed ${SEED}, ${killed} kills at input lines [${positions.join(", ")}], ${(elapsed / 1000).toFixed(1)} s, ${got.length} decisions, ${dead.length} dead letters`);
  expect(got.length).toBe(want.length);
  expect(got).toEqual(want);
  expect(dead).toEqual(wantDead);
  // The kills landed at many different places of the stream, not all before the first commit.
  expect(new Set(positions).size).toBeGreaterThanOrEqual(Math.min(kills, 6));
}

const pgWhy = await postgresUnavailable();

describe("crash test: qungui run --store under SIGKILL", () => {
  let dir: string;
  let pg: TestServer | undefined;

  beforeAll(() => {
    if (!existsSync(join(ROOT, "dist", "cli", "run-store.js"))) {
      execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.build.json")], { cwd: ROOT, stdio: "inherit" });
    }
    dir = mkdtempSync(join(tmpdir(), "qungui-crash-"));
  });

  afterAll(() => {
    pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`loses and duplicates nothing over ${EVENTS} events and ${KILLS} kills (SQLite)`, async () => {
    await crashRun(dir, join(dir, "crash.db"), EVENTS, KILLS, "sqlite");
  }, 600_000);

  it.skipIf(pgWhy !== null)(`loses and duplicates nothing over ${PG_EVENTS} events and ${PG_KILLS} kills (PostgreSQL${pgWhy === null ? "" : `: skipped, ${pgWhy}`})`, async () => {
    pg = startPostgres();
    await crashRun(dir, `${pg.url}${pg.url.includes("?") ? "&" : "?"}schema=crash`, PG_EVENTS, PG_KILLS, "postgres");
  }, 600_000);
});
