/**
 * The embedded default store: one SQLite file through better-sqlite3, in WAL mode. Why SQLite and
 * not a journal file plus snapshot files, with the measurements: docs/architecture.md, "Durable
 * state".
 *
 * A commit is one `BEGIN IMMEDIATE … COMMIT` transaction: SQLite's write lock makes it exclusive
 * between processes (a second writer waits up to `busyTimeoutMs`), the WAL makes it atomic, and with
 * `synchronous = FULL` (the default) it is on disk before `commit` returns; `normal` survives a
 * process crash but not a power cut.
 */
import { resolve } from "node:path";
import Database from "better-sqlite3";
import type { InspectionFilter } from "../records/log.js";
import { entryRows, PAGE, rowRecords, SEP } from "./rows.js";
import {
  journalKind,
  StoreError,
  type CommitBatch,
  type ExportedRecord,
  type InputCursor,
  type JournalEntry,
  type PurgeCounts,
  type PurgeRequest,
  type Recovery,
  type Snapshot,
  type Store,
  type StoreStats,
} from "./types.js";

/** How a SQLite store is opened. */
export interface SqliteStoreOptions {
  /** `full` (default): fsync at every commit. `normal`: durable across a process crash, not a power cut. */
  synchronous?: "full" | "normal";
  /**
   * How many snapshots to keep. The latest is needed for recovery; the older ones bound what
   * `explain` of a past event replays (from the snapshot before it), so by default all are kept
   * (about 100 bytes per journal entry, docs/architecture.md) and a purge removes them with the
   * journal they cover.
   */
  keepSnapshots?: number;
  /** How long a writer waits for another process's write lock, ms. Default 10 000. */
  busyTimeoutMs?: number;
  /** Open without writing (export, stats). */
  readonly?: boolean;
  /** Refuse to create a new store (a typo must not make an empty one). Implied by `readonly`. */
  mustExist?: boolean;
}

/** 2: journal rows keep their decisions' parties and earliest time (`parties`, `first_ms`). */
const SCHEMA_VERSION = "2";

/** SQLite's page size for new stores, bytes (see the constructor). */
const PAGE_SIZE = 16_384;

/** WAL bytes between automatic checkpoints. */
const CHECKPOINT_BYTES = 32 * 1024 * 1024;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS policies (id TEXT PRIMARY KEY, ir TEXT NOT NULL, added_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS journal (
  seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, body TEXT NOT NULL, event_id TEXT,
  at_ms INTEGER NOT NULL, policy TEXT NOT NULL, recorded_at INTEGER NOT NULL,
  decisions TEXT, decision_count INTEGER NOT NULL, parties TEXT, first_ms INTEGER);
CREATE UNIQUE INDEX IF NOT EXISTS journal_event ON journal (event_id) WHERE event_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS dead_letters (
  id INTEGER PRIMARY KEY, after_seq INTEGER NOT NULL, json TEXT NOT NULL, recorded_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS snapshots (seq INTEGER PRIMARY KEY, policy TEXT NOT NULL, state TEXT NOT NULL, recorded_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS cursors (input TEXT PRIMARY KEY, line INTEGER NOT NULL, digest TEXT NOT NULL, recorded_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS purges (
  id INTEGER PRIMARY KEY, at INTEGER NOT NULL, before_ms INTEGER NOT NULL, recorded_before INTEGER NOT NULL,
  decisions INTEGER NOT NULL, dead_letters INTEGER NOT NULL, entries INTEGER NOT NULL, snapshots INTEGER NOT NULL);
`;

interface JournalRow {
  seq: number;
  kind: string;
  body: string;
  event_id: string | null;
  at_ms: number;
  policy: string;
  recorded_at: number;
}

interface ExportRow {
  seq: number;
  at_ms: number;
  first_ms: number | null;
  recorded_at: number;
  policy: string;
  decisions: string;
  parties: string | null;
}

interface SnapshotRow {
  seq: number;
  policy: string;
  state: string;
  recorded_at: number;
}

function entryOf(r: JournalRow): JournalEntry {
  return { seq: r.seq, kind: journalKind(r.kind), body: r.body, eventId: r.event_id, atMs: r.at_ms, policy: r.policy, recordedAt: r.recorded_at };
}

function snapshotOf(r: SnapshotRow | undefined): Snapshot | null {
  return r === undefined ? null : { seq: r.seq, policy: r.policy, state: r.state, recordedAt: r.recorded_at };
}

/** SQLite result codes a retry may get past. */
const TRANSIENT = new Set(["SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_FULL", "SQLITE_IOERR", "SQLITE_PROTOCOL"]);

function wrap<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof StoreError) throw e;
    const err = e as { code?: string; message?: string };
    if (err.code !== undefined && err.code.startsWith("SQLITE")) {
      // Extended codes (SQLITE_IOERR_WRITE) belong to their primary code (SQLITE_IOERR).
      const primary = /^SQLITE_[A-Z]+/.exec(err.code)?.[0] ?? err.code;
      throw new StoreError(`${what}: ${err.code}: ${err.message ?? ""}`, { transient: TRANSIENT.has(primary), cause: e });
    }
    throw e;
  }
}

/** The SQLite store. Open it with {@link openSqliteStore}. */
export class SqliteStore implements Store {
  readonly kind: string = "sqlite";
  readonly url: string | undefined;
  private readonly db: Database.Database;
  private readonly keep: number;
  /** The journal has `parties` and `first_ms` (a store of schema 1 opened read-only has not). */
  private readonly hasParties: boolean;
  private readonly s: ReturnType<SqliteStore["prepare"]>;

  constructor(
    readonly location: string,
    options: SqliteStoreOptions = {},
  ) {
    this.keep = Math.max(1, options.keepSnapshots ?? Infinity);
    this.url = location === ":memory:" || location === "" ? undefined : resolve(location);
    let db: Database.Database;
    try {
      db = new Database(location, { readonly: options.readonly === true, fileMustExist: options.readonly === true || options.mustExist === true });
    } catch (e) {
      // better-sqlite3 throws a TypeError for a missing directory, a SqliteError for the rest.
      const err = e as { code?: string; message?: string };
      throw new StoreError(`cannot open ${location}: ${err.code === "SQLITE_CANTOPEN" && options.mustExist ? "no such store" : (err.message ?? String(e))}`, { cause: e });
    }
    this.db = wrap(`cannot open ${location}`, () => {
      db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
      if (options.readonly !== true) {
        // Takes effect only when the file is created. A journal row is about 1 KB; with 16 KiB
        // pages a commit writes fewer, larger WAL frames, and a batch costs less per row than with
        // SQLite's 4 KiB default (docs/performance.md).
        db.pragma(`page_size = ${PAGE_SIZE}`);
        db.pragma("journal_mode = WAL");
        db.pragma(`synchronous = ${options.synchronous === "normal" ? "NORMAL" : "FULL"}`);
        // A larger page cache and fewer, larger checkpoints (every 32 MiB of WAL, whatever the
        // page size of this file): the journal is append-mostly.
        db.pragma("cache_size = -65536");
        db.pragma(`wal_autocheckpoint = ${Math.round(CHECKPOINT_BYTES / (db.pragma("page_size", { simple: true }) as number))}`);
        db.transaction(() => migrate(db, location)).immediate();
      }
      return db;
    });
    this.hasParties = wrap(`cannot read ${location}`, () => (db.prepare("SELECT name FROM pragma_table_info('journal')").all() as { name: string }[]).some((c) => c.name === "parties"));
    this.s = wrap(`cannot read ${location}`, () => this.prepare());
  }

  private prepare() {
    const db = this.db;
    return {
      head: db.prepare("SELECT max(coalesce((SELECT max(seq) FROM journal), 0), coalesce((SELECT max(seq) FROM snapshots), 0)) AS head"),
      journalAfter: db.prepare("SELECT seq, kind, body, event_id, at_ms, policy, recorded_at FROM journal WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?"),
      insertEntry: this.readonly
        ? null
        : db.prepare("INSERT INTO journal (seq, kind, body, event_id, at_ms, policy, recorded_at, decisions, decision_count, parties, first_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      insertDeadLetter: this.readonly ? null : db.prepare("INSERT INTO dead_letters (after_seq, json, recorded_at) VALUES (?, ?, ?)"),
      insertSnapshot: this.readonly ? null : db.prepare("INSERT OR REPLACE INTO snapshots (seq, policy, state, recorded_at) VALUES (?, ?, ?, ?)"),
      pruneSnapshots: this.readonly || !Number.isFinite(this.keep)
        ? null
        : db.prepare("DELETE FROM snapshots WHERE seq < (SELECT seq FROM snapshots ORDER BY seq DESC LIMIT 1 OFFSET ?)"),
      upsertCursor: this.readonly
        ? null
        : db.prepare("INSERT INTO cursors (input, line, digest, recorded_at) VALUES (?, ?, ?, ?) ON CONFLICT (input) DO UPDATE SET line = excluded.line, digest = excluded.digest, recorded_at = excluded.recorded_at"),
      latestSnapshot: db.prepare("SELECT * FROM snapshots ORDER BY seq DESC LIMIT 1"),
      snapshotAtOrBefore: db.prepare("SELECT * FROM snapshots WHERE seq <= ? ORDER BY seq DESC LIMIT 1"),
      findEvent: db.prepare("SELECT seq, kind, body, event_id, at_ms, policy, recorded_at FROM journal WHERE event_id = ?"),
      decisionsOf: db.prepare("SELECT decisions FROM journal WHERE seq = ?"),
      journalStart: db.prepare("SELECT min(seq) AS seq FROM journal"),
      cursor: db.prepare("SELECT input, line, digest FROM cursors WHERE input = ?"),
      decisionsPage: db.prepare(
        `SELECT seq, at_ms, ${this.hasParties ? "first_ms, parties" : "NULL AS first_ms, NULL AS parties"}, recorded_at, policy, decisions FROM journal WHERE seq > ? AND decisions IS NOT NULL ORDER BY seq LIMIT ?`,
      ),
      deadLettersPage: db.prepare("SELECT id, json FROM dead_letters WHERE id > ? ORDER BY id LIMIT ?"),
      putPolicy: this.readonly ? null : db.prepare("INSERT OR IGNORE INTO policies (id, ir, added_at) VALUES (?, ?, ?)"),
      getPolicy: db.prepare("SELECT ir FROM policies WHERE id = ?"),
    };
  }

  private get readonly(): boolean {
    return this.db.readonly;
  }

  /** Every method starts here: a closed store is a StoreError, not better-sqlite3's TypeError. */
  private open(): void {
    if (!this.db.open) throw new StoreError(`${this.location} is closed`);
  }

  private writable<T>(stmt: T | null): T {
    if (stmt === null) throw new StoreError(`${this.location} is open read-only`);
    return stmt;
  }

  private headSync(): number {
    return (this.s.head.get() as { head: number }).head;
  }

  private journalSync(after: number, upTo = Number.MAX_SAFE_INTEGER): JournalEntry[] {
    const out: JournalEntry[] = [];
    let from = after;
    for (;;) {
      const rows = this.s.journalAfter.all(from, upTo, PAGE) as JournalRow[];
      for (const r of rows) out.push(entryOf(r));
      if (rows.length < PAGE) return out;
      from = rows[rows.length - 1]!.seq;
    }
  }

  async putPolicy(id: string, irJson: string): Promise<void> {
    this.open();
    // The time a policy was first seen is informational only; it is not part of any decision.
    wrap("cannot store the policy", () => this.writable(this.s.putPolicy).run(id, irJson, 0));
  }

  async getPolicy(id: string): Promise<string | null> {
    this.open();
    return wrap("cannot read the policy", () => (this.s.getPolicy.get(id) as { ir: string } | undefined)?.ir ?? null);
  }

  async recovery(): Promise<Recovery> {
    this.open();
    return wrap(`cannot recover from ${this.location}`, () =>
      this.db.transaction(() => {
        const snapshot = snapshotOf(this.s.latestSnapshot.get() as SnapshotRow | undefined);
        const journal = this.journalSync(snapshot?.seq ?? 0);
        return { snapshot, journal };
      })(),
    );
  }

  async journal(after: number, upTo?: number): Promise<JournalEntry[]> {
    this.open();
    return wrap("cannot read the journal", () => this.journalSync(after, upTo));
  }

  async snapshotAtOrBefore(atMost: number): Promise<Snapshot | null> {
    this.open();
    return wrap("cannot read snapshots", () => snapshotOf(this.s.snapshotAtOrBefore.get(atMost) as SnapshotRow | undefined));
  }

  async findEvent(eventId: string): Promise<JournalEntry | null> {
    this.open();
    return wrap("cannot read the journal", () => {
      const r = this.s.findEvent.get(eventId) as JournalRow | undefined;
      return r === undefined ? null : entryOf(r);
    });
  }

  async decisionsOf(entry: number): Promise<string[]> {
    this.open();
    return wrap("cannot read decisions", () => {
      const r = this.s.decisionsOf.get(entry) as { decisions: string | null } | undefined;
      return r === undefined || r.decisions === null || r.decisions === "" ? [] : r.decisions.split(SEP);
    });
  }

  async journalStart(): Promise<number> {
    this.open();
    return wrap("cannot read the journal", () => {
      const r = this.s.journalStart.get() as { seq: number | null };
      return r.seq ?? this.headSync() + 1;
    });
  }

  async commit(afterSeq: number, build: (missed: JournalEntry[]) => CommitBatch | null): Promise<void> {
    this.open();
    const run = this.db.transaction(() => {
      const head = this.headSync();
      if (head < afterSeq) throw new StoreError(`${this.location}: the journal ends at ${head} but this writer has applied ${afterSeq}`);
      const batch = build(head > afterSeq ? this.journalSync(afterSeq) : []);
      if (batch === null) return;
      this.write(batch, head);
    });
    wrap(`cannot write ${this.location}`, () => run.immediate());
  }

  private write(b: CommitBatch, head: number): void {
    const insertEntry = this.writable(this.s.insertEntry);
    const rows = entryRows(b, head);
    for (const r of rows) {
      const e = r.entry;
      insertEntry.run(e.seq, e.kind, e.body, e.eventId, e.atMs, e.policy, b.recordedAt, r.decisions, r.count, r.parties, r.firstMs);
    }
    if (b.deadLetters.length > 0) {
      const insertDeadLetter = this.writable(this.s.insertDeadLetter);
      for (const d of b.deadLetters) insertDeadLetter.run(d.afterSeq, d.json, b.recordedAt);
    }
    if (b.snapshot !== undefined) {
      const sn = b.snapshot;
      this.writable(this.s.insertSnapshot).run(sn.seq, sn.policy, sn.state, b.recordedAt);
      this.s.pruneSnapshots?.run(this.keep - 1);
    }
    if (b.cursor !== undefined) this.writable(this.s.upsertCursor).run(b.cursor.input, b.cursor.line, b.cursor.digest, b.recordedAt);
  }

  async cursor(input: string): Promise<InputCursor | null> {
    this.open();
    return wrap("cannot read the input cursor", () => (this.s.cursor.get(input) as InputCursor | undefined) ?? null);
  }

  async *exportDecisions(filter: InspectionFilter): AsyncIterable<ExportedRecord> {
    let last = 0;
    for (;;) {
      this.open();
      const rows = wrap("cannot read decisions", () => this.s.decisionsPage.all(last, PAGE) as ExportRow[]);
      for (const r of rows) yield* rowRecords({ seq: r.seq, atMs: r.at_ms, firstMs: r.first_ms, recordedAt: r.recorded_at, policy: r.policy, decisions: r.decisions, parties: r.parties }, filter);
      if (rows.length < PAGE) return;
      last = rows[rows.length - 1]!.seq;
    }
  }

  async *exportDeadLetters(): AsyncIterable<string> {
    this.open();
    let last = 0;
    for (;;) {
      const rows = wrap("cannot read dead letters", () => this.s.deadLettersPage.all(last, PAGE) as { id: number; json: string }[]);
      for (const r of rows) yield r.json;
      if (rows.length < PAGE) return;
      last = rows[rows.length - 1]!.id;
    }
  }

  async purge(req: PurgeRequest): Promise<PurgeCounts> {
    this.open();
    const db = this.db;
    const run = db.transaction((): PurgeCounts => {
      const old = "at_ms < ? AND recorded_at < ? AND decisions IS NOT NULL";
      const decisions = (db.prepare(`SELECT coalesce(sum(decision_count), 0) AS n FROM journal WHERE ${old}`).get(req.beforeMs, req.recordedBeforeMs) as { n: number }).n;
      // A dead letter has no trusted time of its own: its commit time decides.
      const deadLetters = db.prepare("DELETE FROM dead_letters WHERE recorded_at < ? AND recorded_at < ?").run(req.recordedBeforeMs, req.beforeMs).changes;
      // Recovery needs the journal after the latest snapshot: there only the decisions go.
      const latest = snapshotOf(this.s.latestSnapshot.get() as SnapshotRow | undefined);
      let entries = 0;
      let snapshots = 0;
      db.prepare(`UPDATE journal SET decisions = NULL, decision_count = 0 WHERE ${old} AND seq > ?`).run(req.beforeMs, req.recordedBeforeMs, latest?.seq ?? 0);
      if (latest !== null) {
        entries = db.prepare("DELETE FROM journal WHERE seq <= ? AND at_ms < ? AND recorded_at < ?").run(latest.seq, req.beforeMs, req.recordedBeforeMs).changes;
        // A snapshot is useful to explain only while the entries after it are there.
        const start = (this.s.journalStart.get() as { seq: number | null }).seq ?? latest.seq + 1;
        snapshots = db.prepare("DELETE FROM snapshots WHERE seq < ? AND seq < ?").run(start - 1, latest.seq).changes;
      }
      db.prepare("INSERT INTO purges (at, before_ms, recorded_before, decisions, dead_letters, entries, snapshots) VALUES (?, ?, ?, ?, ?, ?, ?)").run(
        req.now,
        req.beforeMs,
        req.recordedBeforeMs,
        decisions,
        deadLetters,
        entries,
        snapshots,
      );
      return { decisions, deadLetters, entries, snapshots };
    });
    return wrap(`cannot purge ${this.location}`, () => run.immediate());
  }

  /** Counts and positions (scans the tables: for the CLI, not for a hot path). */
  async stats(): Promise<StoreStats> {
    this.open();
    return wrap(`cannot read ${this.location}`, () =>
      this.db.transaction((): StoreStats => {
        const db = this.db;
        const count = (t: string) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
        const decisions = (db.prepare("SELECT coalesce(sum(decision_count), 0) AS n FROM journal").get() as { n: number }).n;
        const latest = snapshotOf(this.s.latestSnapshot.get() as SnapshotRow | undefined);
        const last = db.prepare("SELECT policy FROM journal ORDER BY seq DESC LIMIT 1").get() as { policy: string } | undefined;
        const clock = (db.prepare("SELECT max(at_ms) AS c FROM journal").get() as { c: number | null }).c;
        return {
          head: this.headSync(),
          entries: count("journal"),
          decisions,
          deadLetters: count("dead_letters"),
          snapshots: count("snapshots"),
          snapshotSeq: latest?.seq ?? null,
          clock: clock ?? (latest !== null ? stateClock(latest.state) : null),
          policy: last?.policy ?? latest?.policy ?? null,
        };
      })(),
    );
  }

  /** Closes the database (idempotent); every call after it is a {@link StoreError}. */
  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** Creates the tables, or brings a store of an earlier schema up to this one (in one write transaction). */
function migrate(db: Database.Database, location: string): void {
  db.exec(SCHEMA);
  const v = db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string } | undefined;
  if (v === undefined) {
    db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?)").run(SCHEMA_VERSION);
    return;
  }
  if (v.value === SCHEMA_VERSION) return;
  if (v.value !== "1") throw new StoreError(`${location}: store schema ${v.value}, this qungui reads ${SCHEMA_VERSION}`);
  // Rows of schema 1 keep NULL parties: the export falls back to what their decisions say.
  db.exec("ALTER TABLE journal ADD COLUMN parties TEXT; ALTER TABLE journal ADD COLUMN first_ms INTEGER;");
  db.prepare("UPDATE meta SET value = ? WHERE key = 'schema'").run(SCHEMA_VERSION);
}

/** The clock of a snapshot's state without parsing all of it. */
function stateClock(state: string): number | null {
  const m = /"clock":(-?\d+|null)/.exec(state.slice(0, 200));
  return m === null || m[1] === "null" ? null : Number(m[1]);
}

/** Opens (creating when needed) a SQLite store at `path`. */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteStore {
  return new SqliteStore(path, options);
}
