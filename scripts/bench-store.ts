/**
 * The measurement behind the choice of the default store (docs/architecture.md, "Durable state"):
 * the same seeded stream through the durable engine with
 *
 * - no durability (the engine on a MemoryStore that keeps nothing): the baseline;
 * - SQLite (better-sqlite3, WAL) with synchronous FULL and NORMAL;
 * - a journal file + snapshot files: one appended record per commit (entries, decisions and dead
 *   letters as one JSON line), fsync'd (FULL) or not (NORMAL); snapshots written to a temporary
 *   file, fsync'd and renamed.
 *
 * at 1, 100 and 1000 events per commit. Prints events/s and the store's size. With
 * QUNGUI_BENCH_STORE=postgres, also the PostgreSQL store (the cluster's tables, partition 0 of one:
 * docs/cluster.md, "One schema") on a server of its own with fsync on, started like the tests'
 * (test/service/postgres.ts), one schema per run.
 *
 *   npx tsx scripts/bench-store.ts [events=20000] [repeat=3]
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, renameSync, rmSync, statSync, readdirSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { readFileSync } from "node:fs";
import { compilePolicyText } from "../src/compile.js";
import { compileProgram } from "../src/engine/index.js";
import { createEngine, type EngineInput } from "../src/service/engine.js";
import { MemoryStore } from "../src/store/memory.js";
import { openPostgresStore } from "../src/store/postgres.js";
import { openSqliteStore } from "../src/store/sqlite.js";
import type { CommitBatch, JournalEntry, Store } from "../src/store/types.js";
import { zonedInstant } from "../src/source/time.js";
import { generateLines } from "../src/workload/generate.js";
import { startPostgres, type TestServer } from "../test/service/postgres.js";

const EVENTS = Number(process.argv[2] ?? 20_000);
/** Runs per cell; the best is reported (the machine is shared: the best is the least disturbed). */
const REPEAT = Number(process.argv[3] ?? 3);

/** The journal-file design, as far as the benchmark needs it (commit and recovery bookkeeping). */
class FileJournalStore extends MemoryStore {
  override readonly kind: string = "file";
  private readonly fd: number;
  private seq = 0;
  constructor(
    private readonly dir: string,
    private readonly sync: boolean,
  ) {
    super({ keepRecords: false, keepSnapshots: 1 });
    this.fd = openSync(join(dir, "journal.jsonl"), "a");
  }
  override async commit(afterSeq: number, build: (missed: JournalEntry[]) => CommitBatch | null): Promise<void> {
    let written: CommitBatch | null = null;
    await super.commit(afterSeq, (missed) => (written = build(missed)));
    const b = written as CommitBatch | null;
    if (b === null) return;
    const record = `{"entries":[${b.entries.map((e) => JSON.stringify(e)).join(",")}],"decisions":[${b.decisions.map((d) => `{"entry":${d.entry},"json":${JSON.stringify(d.json)}}`).join(",")}],"deadLetters":[${b.deadLetters.map((d) => JSON.stringify(d.json)).join(",")}]}\n`;
    writeSync(this.fd, record);
    if (this.sync) fsyncSync(this.fd);
    if (b.snapshot !== undefined) {
      const tmp = join(this.dir, `snapshot.${++this.seq}.tmp`);
      const fd = openSync(tmp, "w");
      writeSync(fd, b.snapshot.state);
      if (this.sync) fsyncSync(fd);
      closeSync(fd);
      renameSync(tmp, join(this.dir, "snapshot.json"));
    }
  }
  override async close(): Promise<void> {
    closeSync(this.fd);
  }
}

function dirSize(dir: string): number {
  return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

const policyPath = "policies/cac-2017.qg";
const { ir } = compilePolicyText(readFileSync(policyPath, "utf8"), policyPath);
if (ir === null) throw new Error("the reference policy does not compile");
const lines = [
  ...generateLines(ir, { seed: 5, events: EVENTS, users: EVENTS / 20, startMs: zonedInstant("2017-10-05T09:00", "Asia/Shanghai")!, meanGapMs: 5 * 60_000, malformedPerMille: 2, zone: "Asia/Shanghai" }),
];
const inputs: EngineInput[] = lines.map((line, i) => ({ kind: "line", line, lineNo: i + 1 }));

interface Config {
  name: string;
  open(dir: string): Store | Promise<Store>;
  /** Bytes the store took, when it lives in `dir`. */
  sized: boolean;
}

const pg: TestServer | null = process.env["QUNGUI_BENCH_STORE"] === "postgres" ? startPostgres({ fsync: true }) : null;
let schemas = 0;

const configs: Config[] = [
  { name: "none (memory, keeps nothing)", open: () => new MemoryStore({ keepRecords: false, keepSnapshots: 1 }), sized: true },
  { name: "sqlite WAL, synchronous=FULL", open: (d) => openSqliteStore(join(d, "s.db"), { synchronous: "full" }), sized: true },
  { name: "sqlite WAL, synchronous=NORMAL", open: (d) => openSqliteStore(join(d, "s.db"), { synchronous: "normal" }), sized: true },
  { name: "journal file + snapshots, fsync", open: (d) => new FileJournalStore(d, true), sized: true },
  { name: "journal file + snapshots, no fsync", open: (d) => new FileJournalStore(d, false), sized: true },
  ...(pg === null ? [] : [{ name: "postgres (cluster tables), fsync", open: () => openPostgresStore({ connectionString: pg.url, schema: `bench_${++schemas}` }), sized: false }]),
];

console.log(`${EVENTS} events (${lines.length} lines), snapshot every 10 000 entries, best of ${REPEAT} (interleaved)`);
const PER = [1, 100, 1000] as const;
const best = configs.map(() => PER.map(() => 0));
const sizes = configs.map(() => 0);
// Repetitions are interleaved across configurations so that each sees the same machine.
for (let rep = 0; rep < REPEAT; rep++) {
  for (const [ci, c] of configs.entries()) {
    for (const [pi, per] of PER.entries()) {
      const dir = mkdtempSync(join(tmpdir(), "qungui-bench-store-"));
      const store = await c.open(dir);
      const engine = await createEngine(compileProgram(ir), { store, clock: () => 0 });
      // One event per commit is slow with fsync: measure it on a prefix.
      const n = per === 1 ? Math.min(inputs.length, 2000) : inputs.length;
      const t0 = performance.now();
      for (let i = 0; i < n; i += per) await engine.decideRaw(inputs.slice(i, Math.min(n, i + per)));
      const s = (performance.now() - t0) / 1000;
      await store.close();
      if (per === 1000 && c.sized) sizes[ci] = dirSize(dir);
      rmSync(dir, { recursive: true, force: true });
      best[ci]![pi] = Math.max(best[ci]![pi]!, n / s);
    }
  }
}
console.log("store".padEnd(38) + ["1/commit", "100/commit", "1000/commit"].map((h) => h.padStart(13)).join("") + "   size");
for (const [ci, c] of configs.entries()) {
  console.log(c.name.padEnd(38) + best[ci]!.map((v) => `${Math.round(v).toLocaleString("en-US")}/s`.padStart(13)).join("") + (c.sized ? `   ${(sizes[ci]! / 1e6).toFixed(1)} MB` : "   -"));
}
pg?.stop();
