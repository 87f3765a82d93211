/**
 * A PostgreSQL store for one engine, or several engine instances sharing one journal
 * (docs/architecture.md, "Durable state"). Its tables are the cluster's (src/store/partition-tables.ts):
 * a single engine is partition 0 of a one-partition cluster, so `qungui worker` can take its
 * database over, and `cluster status` reads it. What a single engine adds to the cluster's rows is
 * its journal (the cluster's journal is its stream), its snapshots (explain replays from them), its
 * input cursors and its purges, each a `cluster_*` table with the partition's number.
 *
 * A commit goes the cluster's way (src/store/partition-rows.ts): it locks the partition's row
 * (one writer at a time across instances), hands the writer the journal entries the others
 * appended since its position, and writes in the same transaction the journal entries, the
 * decisions and dead letters in the cluster's log tables, the state rows of the users, groups and
 * complaints the engine reached (in key order), the timers and seen ids, and the partition row
 * with the new journal position. Recovery is the latest snapshot and the journal after it, as in
 * every store (src/store/types.ts); the state rows are kept current for the cluster, which
 * decides from them.
 *
 * A schema holding a store of the earlier single-engine layout (its own `meta`, `journal` and
 * `snapshots` tables) is refused with a message saying so; a schema whose cluster has more than one
 * partition, or whose partition 0 a cluster worker has decided, is refused too (the engine's
 * journal would no longer describe its state).
 *
 * Faults: a connection that drops while idle in the pool (the server restarting) is reported on
 * the pool's `'error'` event, which is handled here (an unhandled one would end the process); the
 * next query opens a new connection. Every failure reaches the caller as a {@link StoreError},
 * `transient` when it is the server or the network (the HTTP API answers 503 with `Retry-After`).
 * Creating the tables is serialised by an advisory lock, so instances starting together on a
 * fresh database do not race in `CREATE SCHEMA`.
 *
 * The driver is the `pg` package, loaded when a store is opened.
 */
import type { Decision } from "../engine/decision.js";
import type { EngineState, Timer } from "../engine/state.js";
import { concerns, inRange, partiesConcern, filters, type InspectionFilter } from "../records/log.js";
import { parseParties, partiesJson } from "../records/parties.js";
import { beginLocked, scalarsOf, writeBack, type DecisionRow, type PartitionRow, type RowWrites, type SeenRow, type WritePart } from "./partition-rows.js";
import { BROADCAST_TYPES, broadcastMsgId, LOCK_SCHEMA, refuseEarlierLayout, TABLES_VERSION, tablesDdl, usableSchema } from "./partition-tables.js";
import { entryRows, PAGE } from "./rows.js";
import { quietly, ROW_TABLES, type Touched } from "./touched.js";
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

/** The part of a `pg` client this store uses. */
interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
}
interface PgPoolClient extends PgQueryable {
  release(err?: Error | boolean): void;
  on(event: "error", listener: (e: Error) => void): unknown;
  removeListener(event: "error", listener: (e: Error) => void): unknown;
}
interface PgPool extends PgQueryable {
  connect(): Promise<PgPoolClient>;
  end(): Promise<void>;
  on(event: "error", listener: (e: Error) => void): unknown;
}

/** How a PostgreSQL store is opened. */
export interface PostgresStoreOptions {
  /** A libpq connection string (`postgres://user@host/db`, or `host=/run/postgresql dbname=qungui`). */
  connectionString: string;
  /** The schema the tables live in (one store per schema). Default `qungui`. */
  schema?: string;
  /** How many snapshots to keep. Default: all (see the SQLite store's `keepSnapshots`). */
  keepSnapshots?: number;
  /** Connections in the pool. Default 4. */
  poolSize?: number;
  /** Refuse to create the schema when it does not exist (`records`: a typo must not make an empty store). */
  mustExist?: boolean;
  /** Milliseconds to wait for a connection before failing (default 10 000). */
  connectTimeoutMs?: number;
}

/** A single engine is partition 0 of a one-partition cluster. */
const P = 0;

function ident(name: string): string {
  if (!usableSchema(name)) throw new StoreError(`not a usable schema name: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

const num = (v: unknown): number => (typeof v === "number" ? v : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));

function entryOf(r: Record<string, unknown>): JournalEntry {
  return {
    seq: num(r["seq"]),
    kind: journalKind(r["kind"]),
    body: String(r["body"]),
    eventId: (r["event_id"] as string | null) ?? null,
    atMs: num(r["at_ms"]),
    policy: String(r["policy"]),
    recordedAt: num(r["recorded_at"]),
  };
}

function snapshotOf(r: Record<string, unknown> | undefined): Snapshot | null {
  return r === undefined ? null : { seq: num(r["seq"]), policy: String(r["policy"]), state: String(r["state"]), recordedAt: num(r["recorded_at"]) };
}

/**
 * Whether a `pg` error is the server or the connection (it may pass: a restart, a dropped
 * connection, too many clients) rather than the request. SQLSTATE classes 08 (connection), 53
 * (insufficient resources), 57P (operator intervention: shutdown, crash), 40001/40P01
 * (serialisation, deadlock), and Node's socket errors.
 */
export function transientPgError(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  if (typeof code !== "string") return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(String((e as Error).message));
  return /^(08|53|57P)/.test(code) || code === "40001" || code === "40P01" || ["ECONNREFUSED", "ECONNRESET", "ENOENT", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"].includes(code);
}

/** The timers a commit leaves as rows: what it wrote, and the journal position it wrote them at. */
interface TimerRows {
  at: number;
  seqs: Set<number>;
}

/** The PostgreSQL store. Open it with {@link openPostgresStore}. */
export class PostgresStore implements Store {
  readonly kind: string = "postgres";
  readonly location: string;
  readonly url: string;
  readonly keepsStateRows = true;
  private readonly s: string;
  private readonly schema: string;
  private readonly keep: number;
  private closed = false;
  /**
   * The timer rows this store's last commit left, so the next one writes only the difference; any
   * other writer's commit in between (the position moved) makes it read them again.
   */
  private timerRows: TimerRows | null = null;
  /** The last error a pooled connection reported while idle (for health reports). */
  lastIdleError: string | null = null;

  constructor(
    private readonly pool: PgPool,
    options: PostgresStoreOptions,
  ) {
    this.schema = options.schema ?? "qungui";
    this.s = ident(this.schema);
    this.keep = Math.max(1, options.keepSnapshots ?? Infinity);
    this.location = `postgres schema ${this.schema}`;
    this.url = withSchema(options.connectionString, this.schema);
    // An idle connection the server closes (a restart, an administrator's kill) is reported here;
    // without a listener it would be an uncaught 'error' and end the process. The pool has already
    // dropped that connection: the next query connects again.
    pool.on("error", (e) => {
      this.lastIdleError = e.message;
    });
  }

  private fault(e: unknown): StoreError {
    if (e instanceof StoreError) return e;
    return new StoreError(`${this.location}: ${(e as Error).message}`, { transient: transientPgError(e), cause: e });
  }

  private live(): void {
    if (this.closed) throw new StoreError(`${this.location} is closed`);
  }

  private async q(text: string, values: unknown[] = [], on: PgQueryable = this.pool): Promise<Record<string, unknown>[]> {
    this.live();
    try {
      return (await on.query(text, values)).rows;
    } catch (e) {
      throw this.fault(e);
    }
  }

  /** `on` with this store's fault handling, for the shared partition code (src/store/partition-rows.ts). */
  private runner(on: PgQueryable): PgQueryable {
    return {
      query: async (text, values) => {
        try {
          return await on.query(text, values);
        } catch (e) {
          throw this.fault(e);
        }
      },
    };
  }

  async putPolicy(id: string, irJson: string): Promise<void> {
    await this.q(`INSERT INTO ${this.s}.cluster_policies (id, ir) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, [id, irJson]);
  }

  async getPolicy(id: string): Promise<string | null> {
    const rows = await this.q(`SELECT ir FROM ${this.s}.cluster_policies WHERE id = $1`, [id]);
    return rows.length === 0 ? null : String(rows[0]!["ir"]);
  }

  private async journalOn(on: PgQueryable, after: number, upTo = Number.MAX_SAFE_INTEGER): Promise<JournalEntry[]> {
    const out: JournalEntry[] = [];
    let from = after;
    for (;;) {
      const rows = await this.q(
        `SELECT seq, kind, body, event_id, at_ms, policy, recorded_at FROM ${this.s}.cluster_journal WHERE p = ${P} AND seq > $1 AND seq <= $2 ORDER BY seq LIMIT ${PAGE}`,
        [from, upTo],
        on,
      );
      for (const r of rows) out.push(entryOf(r));
      if (rows.length < PAGE) return out;
      from = out[out.length - 1]!.seq;
    }
  }

  /** The journal's last sequence number: the partition row's journal position. */
  private async headOn(on: PgQueryable): Promise<number> {
    const rows = await this.q(`SELECT journal FROM ${this.s}.cluster_partitions WHERE p = ${P}`, [], on);
    return rows.length === 0 ? 0 : num(rows[0]!["journal"]);
  }

  async recovery(): Promise<Recovery> {
    return this.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", async (c) => {
      const snapshot = snapshotOf((await this.q(`SELECT * FROM ${this.s}.cluster_snapshots WHERE p = ${P} ORDER BY seq DESC LIMIT 1`, [], c))[0]);
      const journal = await this.journalOn(c, snapshot?.seq ?? 0);
      return { snapshot, journal };
    });
  }

  async journal(after: number, upTo?: number): Promise<JournalEntry[]> {
    return this.journalOn(this.pool, after, upTo);
  }

  async snapshotAtOrBefore(atMost: number): Promise<Snapshot | null> {
    return snapshotOf((await this.q(`SELECT * FROM ${this.s}.cluster_snapshots WHERE p = ${P} AND seq <= $1 ORDER BY seq DESC LIMIT 1`, [atMost]))[0]);
  }

  async findEvent(eventId: string): Promise<JournalEntry | null> {
    const rows = await this.q(`SELECT seq, kind, body, event_id, at_ms, policy, recorded_at FROM ${this.s}.cluster_journal WHERE p = ${P} AND event_id = $1`, [eventId]);
    return rows.length === 0 ? null : entryOf(rows[0]!);
  }

  async decisionsOf(entry: number): Promise<string[]> {
    const rows = await this.q(`SELECT json FROM ${this.s}.cluster_decisions WHERE p = ${P} AND entry = $1 ORDER BY log_seq`, [entry]);
    return rows.map((r) => String(r["json"]));
  }

  async journalStart(): Promise<number> {
    const rows = await this.q(`SELECT min(seq) AS seq FROM ${this.s}.cluster_journal WHERE p = ${P}`);
    const s = numOrNull(rows[0]!["seq"]);
    return s ?? (await this.headOn(this.pool)) + 1;
  }

  /**
   * A client of the pool for a transaction. While it is checked out the pool does not listen for
   * its errors, so this does until it is released (a connection lost between two queries).
   */
  private async connect(): Promise<{ c: PgPoolClient; done: (failed: boolean) => void }> {
    this.live();
    let c: PgPoolClient;
    try {
      c = await this.pool.connect();
    } catch (e) {
      throw new StoreError(`${this.location}: cannot connect: ${(e as Error).message}`, { transient: true, cause: e });
    }
    let lost = false;
    const onError = (e: Error) => {
      lost = true;
      this.lastIdleError = e.message;
    };
    c.on("error", onError);
    return {
      c,
      done: (failed) => {
        c.removeListener("error", onError);
        c.release(failed || lost);
      },
    };
  }

  /** Runs `fn` in a transaction on one connection; with `begin` null, `fn` begins it. */
  private async transaction<T>(begin: string | null, fn: (c: PgPoolClient) => Promise<T>): Promise<T> {
    const { c, done } = await this.connect();
    let failed = false;
    try {
      if (begin !== null) await this.q(begin, [], c);
      const out = await fn(c);
      await this.q("COMMIT", [], c);
      return out;
    } catch (e) {
      failed = true;
      await c.query("ROLLBACK").catch(() => undefined);
      // The driver's errors are StoreErrors already (q, changed); what `fn` threw goes on as it is.
      throw e;
    } finally {
      done(failed);
    }
  }

  /** Begins the transaction and locks partition 0's row, the one lock every writer of this store takes first (as a cluster worker does for its partition). */
  private async beginOwn(c: PgQueryable): Promise<PartitionRow> {
    const part = await beginLocked(this.runner(c), this.schema, P);
    if (part === null) throw new StoreError(`${this.location}: partition ${P} is missing from cluster_partitions`);
    if (part.position > 0) {
      throw new StoreError(
        `${this.location}: a cluster worker has decided partition ${P} (up to stream message ${part.position}); its state is the cluster's now, and this store's journal no longer describes it: run qungui worker on it`,
      );
    }
    return part;
  }

  async commit(afterSeq: number, build: (missed: JournalEntry[]) => CommitBatch | null): Promise<void> {
    this.timerRowsValid(afterSeq);
    try {
      await this.transaction(null, async (c) => {
        const part = await this.beginOwn(c);
        const head = part.journal;
        if (head < afterSeq) throw new StoreError(`${this.location}: the journal ends at ${head} but this writer has applied ${afterSeq}`);
        const batch = build(head > afterSeq ? await this.journalOn(c, afterSeq) : []);
        if (batch !== null) await this.write(c, batch, part);
      });
    } catch (e) {
      this.timerRows = null;
      throw e;
    }
  }

  private timerRowsValid(afterSeq: number): void {
    if (this.timerRows !== null && this.timerRows.at !== afterSeq) this.timerRows = null;
  }

  private async write(c: PgPoolClient, b: CommitBatch, part: PartitionRow): Promise<void> {
    const head = part.journal;
    const rows = entryRows(b, head);
    const newHead = head + b.entries.length;
    // The journal entries and the input cursor go in the write-back's statement (one round trip for the commit's writes).
    const extra: WritePart[] = [];
    if (b.entries.length > 0) {
      const e = b.entries;
      extra.push(
        (x) => `INSERT INTO ${this.s}.cluster_journal (p, seq, kind, body, event_id, at_ms, policy, recorded_at)
         SELECT ${P}, seq, kind, body, event_id, at_ms, policy, ${x.add(b.recordedAt)}::bigint FROM unnest(${x.add(e.map((r) => r.seq))}::bigint[], ${x.add(e.map((r) => r.kind))}::text[], ${x.add(e.map((r) => r.body))}::text[], ${x.add(e.map((r) => r.eventId))}::text[], ${x.add(e.map((r) => r.atMs))}::bigint[], ${x.add(e.map((r) => r.policy))}::text[]) AS t(seq, kind, body, event_id, at_ms, policy) RETURNING 1`,
      );
    }
    if (b.cursor !== undefined) {
      const cur = b.cursor;
      extra.push(
        (x) => `INSERT INTO ${this.s}.cluster_cursors (p, input, line, digest, recorded_at) VALUES (${P}, ${x.add(cur.input)}::text, ${x.add(cur.line)}::bigint, ${x.add(cur.digest)}::text, ${x.add(b.recordedAt)}::bigint)
         ON CONFLICT (p, input) DO UPDATE SET line = excluded.line, digest = excluded.digest, recorded_at = excluded.recorded_at RETURNING 1`,
      );
    }
    const writes: RowWrites = { rows: { users: [], groups: [], complaints: [] }, timersAdded: [], timersGone: [], seen: [], decisions: decisionRows(b, rows), deadLetters: [] };
    writes.deadLetters = b.deadLetters.map((x) => ({ streamSeq: null, entry: x.afterSeq, eventId: null, json: x.json }));
    // The state rows: what the engine reached since the last commit when the rows were current
    // before this batch, else (rows written by hand-made batches only, as the store tests do) all.
    const current = part.rowsAt === head;
    let rowsAt = part.rowsAt;
    if (b.state !== undefined) {
      const timers = await this.stateWrites(c, writes, b.state.after, b.state.touched, current, b.entries);
      rowsAt = newHead;
      this.timerRows = { at: newHead, seqs: timers };
    } else this.timerRows = null;
    const last = b.entries[b.entries.length - 1];
    const policy = last?.policy ?? part.policy;
    const scalars = b.state !== undefined ? scalarsOf(b.state.after, policy) : { ...part, policy };
    await writeBack(this.runner(c), this.schema, P, writes, b.recordedAt, { scalars, to: { journal: newHead, rowsAt } }, extra);
    if (b.snapshot !== undefined) {
      const sn = b.snapshot;
      await this.q(
        `INSERT INTO ${this.s}.cluster_snapshots (p, seq, policy, state, recorded_at) VALUES (${P}, $1, $2, $3, $4) ON CONFLICT (p, seq) DO UPDATE SET policy = excluded.policy, state = excluded.state, recorded_at = excluded.recorded_at`,
        [sn.seq, sn.policy, sn.state, b.recordedAt],
        c,
      );
      if (Number.isFinite(this.keep)) {
        await this.q(`DELETE FROM ${this.s}.cluster_snapshots WHERE p = ${P} AND seq < (SELECT seq FROM ${this.s}.cluster_snapshots WHERE p = ${P} ORDER BY seq DESC LIMIT 1 OFFSET $1)`, [this.keep - 1], c);
      }
    }
  }

  /** Fills `w` with the state rows, timers and seen ids of the state after a batch; returns the pending timers' numbers. */
  private async stateWrites(c: PgPoolClient, w: RowWrites, after: EngineState, touched: Touched, current: boolean, entries: readonly JournalEntry[]): Promise<Set<number>> {
    quietly(touched, () => {
      for (const t of ROW_TABLES) {
        const table = after[t] as Record<string, unknown>;
        const keys = current ? touched[t] : Object.keys(table);
        for (const k of keys) {
          const entry = table[k];
          // Entries are never removed from the state: a key the engine looked up and did not find has no row.
          if (entry !== undefined) w.rows[t].push([k, JSON.stringify(entry)]);
        }
      }
    });
    const now = new Set(after.timers.map((t) => t.seq));
    if (current) {
      const before = this.timerRows?.seqs ?? new Set((await this.q(`SELECT seq FROM ${this.s}.cluster_timers WHERE p = ${P}`, [], c)).map((r) => num(r["seq"])));
      w.timersGone = [...before].filter((s) => !now.has(s));
      w.timersAdded = after.timers.filter((t: Timer) => !before.has(t.seq));
      w.seen = entries.flatMap((e) => seenRow(e));
    } else {
      w.allTimers = after.timers;
      w.seen = after.seen.map((id) => ({ key: id, event: null }));
    }
    return now;
  }

  async cursor(input: string): Promise<InputCursor | null> {
    const rows = await this.q(`SELECT input, line, digest FROM ${this.s}.cluster_cursors WHERE p = ${P} AND input = $1`, [input]);
    return rows.length === 0 ? null : { input: String(rows[0]!["input"]), line: num(rows[0]!["line"]), digest: String(rows[0]!["digest"]) };
  }

  async *exportDecisions(filter: InspectionFilter): AsyncIterable<ExportedRecord> {
    const all = !filters(filter);
    let last = 0;
    for (;;) {
      const rows = await this.q(`SELECT log_seq, entry, json, parties, policy, committed_at FROM ${this.s}.cluster_decisions WHERE p = ${P} AND log_seq > $1 ORDER BY log_seq LIMIT ${PAGE}`, [last]);
      for (const r of rows) {
        const json = String(r["json"]);
        if (!all) {
          const d = JSON.parse(json) as Decision;
          if (!inRange(d, filter)) continue;
          const p = (r["parties"] as string | null) ?? null;
          if (!(p === null ? concerns(d, filter) : partiesConcern(parseParties(p), filter))) continue;
        }
        yield { json, entry: num(r["entry"]), recordedAt: num(r["committed_at"]), policy: String(r["policy"]) };
      }
      if (rows.length < PAGE) return;
      last = num(rows[rows.length - 1]!["log_seq"]);
    }
  }

  async *exportDeadLetters(): AsyncIterable<string> {
    let last = 0;
    for (;;) {
      const rows = await this.q(`SELECT id, json FROM ${this.s}.cluster_dead_letters WHERE p = ${P} AND id > $1 ORDER BY id LIMIT ${PAGE}`, [last]);
      for (const r of rows) yield String(r["json"]);
      if (rows.length < PAGE) return;
      last = num(rows[rows.length - 1]!["id"]);
    }
  }

  async purge(req: PurgeRequest): Promise<PurgeCounts> {
    return this.transaction(null, async (c) => {
      await this.beginOwn(c);
      const decisions = await this.changed(c, `DELETE FROM ${this.s}.cluster_decisions WHERE p = ${P} AND at_ms < $1 AND committed_at < $2`, [req.beforeMs, req.recordedBeforeMs]);
      const deadLetters = await this.changed(c, `DELETE FROM ${this.s}.cluster_dead_letters WHERE p = ${P} AND recorded_at < $1 AND recorded_at < $2`, [req.recordedBeforeMs, req.beforeMs]);
      const latest = snapshotOf((await this.q(`SELECT * FROM ${this.s}.cluster_snapshots WHERE p = ${P} ORDER BY seq DESC LIMIT 1`, [], c))[0]);
      let entries = 0;
      let snapshots = 0;
      if (latest !== null) {
        entries = await this.changed(c, `DELETE FROM ${this.s}.cluster_journal WHERE p = ${P} AND seq <= $1 AND at_ms < $2 AND recorded_at < $3`, [latest.seq, req.beforeMs, req.recordedBeforeMs]);
        const start = numOrNull((await this.q(`SELECT min(seq) AS seq FROM ${this.s}.cluster_journal WHERE p = ${P}`, [], c))[0]!["seq"]) ?? latest.seq + 1;
        snapshots = await this.changed(c, `DELETE FROM ${this.s}.cluster_snapshots WHERE p = ${P} AND seq < $1 AND seq < $2`, [start - 1, latest.seq]);
      }
      await this.q(
        `INSERT INTO ${this.s}.cluster_purges (p, at, before_ms, recorded_before, decisions, dead_letters, entries, snapshots) VALUES (${P}, $1, $2, $3, $4, $5, $6, $7)`,
        [req.now, req.beforeMs, req.recordedBeforeMs, decisions, deadLetters, entries, snapshots],
        c,
      );
      return { decisions, deadLetters, entries, snapshots };
    });
  }

  private async changed(c: PgQueryable, text: string, values: unknown[]): Promise<number> {
    try {
      return (await c.query(text, values)).rowCount ?? 0;
    } catch (e) {
      throw this.fault(e);
    }
  }

  /** Counts and positions. */
  async stats(): Promise<StoreStats> {
    const r = (
      await this.q(`SELECT
        (SELECT journal FROM ${this.s}.cluster_partitions WHERE p = ${P}) AS head,
        (SELECT count(*) FROM ${this.s}.cluster_journal WHERE p = ${P}) AS entries,
        (SELECT count(*) FROM ${this.s}.cluster_decisions WHERE p = ${P}) AS decisions,
        (SELECT count(*) FROM ${this.s}.cluster_dead_letters WHERE p = ${P}) AS dead_letters,
        (SELECT count(*) FROM ${this.s}.cluster_snapshots WHERE p = ${P}) AS snapshots,
        (SELECT max(seq) FROM ${this.s}.cluster_snapshots WHERE p = ${P}) AS snapshot_seq,
        (SELECT max(at_ms) FROM ${this.s}.cluster_journal WHERE p = ${P}) AS clock,
        (SELECT policy FROM ${this.s}.cluster_journal WHERE p = ${P} ORDER BY seq DESC LIMIT 1) AS last_policy,
        (SELECT policy FROM ${this.s}.cluster_snapshots WHERE p = ${P} ORDER BY seq DESC LIMIT 1) AS snapshot_policy`)
    )[0]!;
    return {
      head: num(r["head"] ?? 0),
      entries: num(r["entries"]),
      decisions: num(r["decisions"]),
      deadLetters: num(r["dead_letters"]),
      snapshots: num(r["snapshots"]),
      snapshotSeq: numOrNull(r["snapshot_seq"]),
      clock: numOrNull(r["clock"]),
      policy: (r["last_policy"] as string | null) ?? (r["snapshot_policy"] as string | null) ?? null,
    };
  }

  /** Closes the pool (idempotent); every call after it is a {@link StoreError}. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end().catch(() => undefined);
  }

  /**
   * Creates the tables and partition 0 (a cluster of one), or checks that the schema holds one:
   * a store of the earlier layout, a cluster of several partitions, or a missing store with
   * `mustExist`, is refused.
   */
  async create(mustExist: boolean): Promise<void> {
    await this.transaction("BEGIN", async (c) => {
      // A transaction-scoped lock taken before any DDL: instances starting together on a fresh
      // database wait here instead of racing in CREATE SCHEMA (a unique violation in pg_namespace).
      await this.q("SELECT pg_advisory_xact_lock($1, 0)", [LOCK_SCHEMA], c);
      await refuseEarlierLayout(this.runner(c), this.schema, this.location);
      const meta = (await this.q("SELECT to_regclass($1) AS t", [`${this.s}.cluster_meta`], c))[0]?.["t"] ?? null;
      if (meta === null && mustExist) throw new StoreError(`no store in ${this.location}`);
      const version = meta === null ? undefined : (await this.q(`SELECT v FROM ${this.s}.cluster_meta WHERE k = 'tables'`, [], c))[0]?.["v"];
      if (version !== undefined && version !== TABLES_VERSION) throw new StoreError(`${this.location}: tables of layout ${String(version)}, this qungui reads layout ${TABLES_VERSION}`);
      // The DDL's ALTER TABLEs lock whole tables: only a schema without this layout's version (new, or a cluster created before it) runs it.
      if (version === undefined) await this.q(tablesDdl(this.schema), [], c);
      await this.q(`INSERT INTO ${this.s}.cluster_meta (k, v) VALUES ('partitions', '1') ON CONFLICT (k) DO NOTHING`, [], c);
      const partitions = num((await this.q(`SELECT v FROM ${this.s}.cluster_meta WHERE k = 'partitions'`, [], c))[0]!["v"]);
      if (partitions !== 1) {
        throw new StoreError(`${this.location} holds a cluster of ${partitions} partitions; a single engine is a cluster of one partition (run qungui worker on this cluster)`);
      }
      // The partition's policy is set by the engine's first commit (its first journal entry is a policy entry).
      await this.q(`INSERT INTO ${this.s}.cluster_partitions (p, policy, seq) VALUES (${P}, '', 0) ON CONFLICT (p) DO NOTHING`, [], c);
    });
  }
}

/** The decision rows of a batch, in order: an event entry's last decision is its primary one (timer decisions come first). */
function decisionRows(b: CommitBatch, rows: readonly { entry: JournalEntry; count: number }[]): DecisionRow[] {
  const out: DecisionRow[] = [];
  let d = 0;
  for (const r of rows) {
    for (let i = 0; i < r.count; i++, d++) {
      const x = b.decisions[d]!;
      out.push({
        streamSeq: null,
        entry: r.entry.seq,
        eventId: r.entry.eventId,
        primary: r.entry.kind === "event" && i === r.count - 1,
        json: x.json,
        atMs: x.atMs,
        parties: x.parties === null ? null : partiesJson(x.parties),
        policy: r.entry.policy,
      });
    }
  }
  return out;
}

/** The `cluster_seen` row of an accepted event (a broadcast type keyed as partition 0's copy, as a worker would). */
function seenRow(e: JournalEntry): SeenRow[] {
  if (e.kind !== "event" || e.eventId === null) return [];
  let type: unknown;
  try {
    type = (JSON.parse(e.body) as { type?: unknown }).type;
  } catch {
    type = undefined;
  }
  return typeof type === "string" && BROADCAST_TYPES.includes(type) ? [{ key: broadcastMsgId(e.eventId, P), event: e.eventId }] : [{ key: e.eventId, event: null }];
}

/** `connectionString` with the store's schema as a `schema` parameter (what `openStore` reads back). */
function withSchema(connectionString: string, schema: string): string {
  if (!/^postgres(ql)?:\/\//.test(connectionString)) return connectionString;
  const u = new URL(connectionString);
  u.searchParams.set("schema", schema);
  return u.toString();
}

/**
 * Opens a PostgreSQL store (creating its schema and tables when needed, unless `mustExist`). Needs
 * the `pg` package; throws a {@link StoreError} saying so when it is not installed.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const driver = "pg";
  let pg: { Pool: new (config: Record<string, unknown>) => PgPool; default?: { Pool: new (config: Record<string, unknown>) => PgPool } };
  try {
    pg = (await import(driver)) as typeof pg;
  } catch {
    throw new StoreError("the PostgreSQL store needs the `pg` package: npm install pg");
  }
  const Pool = pg.Pool ?? pg.default?.Pool;
  if (Pool === undefined) throw new StoreError("the `pg` package has no Pool");
  const pool = new Pool({ connectionString: options.connectionString, max: options.poolSize ?? 4, connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000 });
  let store: PostgresStore;
  try {
    store = new PostgresStore(pool, options);
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw e;
  }
  try {
    await store.create(options.mustExist === true);
  } catch (e) {
    await store.close();
    throw new StoreError(`cannot open the PostgreSQL store: ${(e as Error).message}`, { transient: e instanceof StoreError && e.transient, cause: e });
  }
  return store;
}
