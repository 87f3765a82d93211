/**
 * A PostgreSQL store, for several engine instances sharing one journal (docs/architecture.md,
 * "Durable state"). Same contract as the SQLite store: a commit takes a transaction-scoped advisory
 * lock (one writer at a time across instances), hands the writer the entries the others appended
 * since its position, and writes its batch in the same transaction.
 *
 * The driver is the `pg` package, loaded when a store is opened, so the rest of qungui does not
 * depend on it: `npm install pg` to use this store.
 */
import type { Decision } from "../engine/decision.js";
import { concerns, inRange, type InspectionFilter } from "../records/log.js";
import {
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
}
interface PgPool extends PgQueryable {
  connect(): Promise<PgPoolClient>;
  end(): Promise<void>;
}

/** How a PostgreSQL store is opened. */
export interface PostgresStoreOptions {
  /** A libpq connection string (`postgres://user@host/db`, or `host=/run/postgresql dbname=qungui`). */
  connectionString: string;
  /** The schema the tables live in (one store per schema). Default `qungui`. */
  schema?: string;
  /** How many snapshots to keep. Default 4. */
  keepSnapshots?: number;
  /** Connections in the pool. Default 4. */
  poolSize?: number;
}

const PAGE = 2000;
const SEP = "\n";

function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new StoreError(`not a usable schema name: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

const num = (v: unknown): number => (typeof v === "number" ? v : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));

function entryOf(r: Record<string, unknown>): JournalEntry {
  return {
    seq: num(r["seq"]),
    kind: r["kind"] === "advance" ? "advance" : "event",
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

/** The DDL of a store in `schema` (idempotent). */
export function postgresSchema(schema: string): string {
  const s = ident(schema);
  return `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.policies (id text PRIMARY KEY, ir text NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.journal (
  seq bigint PRIMARY KEY, kind text NOT NULL, body text NOT NULL, event_id text UNIQUE,
  at_ms bigint NOT NULL, policy text NOT NULL, recorded_at bigint NOT NULL,
  decisions text, decision_count integer NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.dead_letters (id bigserial PRIMARY KEY, after_seq bigint NOT NULL, json text NOT NULL, recorded_at bigint NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.snapshots (seq bigint PRIMARY KEY, policy text NOT NULL, state text NOT NULL, recorded_at bigint NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.cursors (input text PRIMARY KEY, line bigint NOT NULL, digest text NOT NULL, recorded_at bigint NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.purges (
  id bigserial PRIMARY KEY, at bigint NOT NULL, before_ms bigint NOT NULL, recorded_before bigint NOT NULL,
  decisions bigint NOT NULL, dead_letters bigint NOT NULL, entries bigint NOT NULL, snapshots bigint NOT NULL);
INSERT INTO ${s}.meta (key, value) VALUES ('schema', '1') ON CONFLICT (key) DO NOTHING;
`;
}

/** The PostgreSQL store. Open it with {@link openPostgresStore}. */
export class PostgresStore implements Store {
  readonly kind: string = "postgres";
  readonly location: string;
  private readonly s: string;
  private readonly keep: number;
  /** The advisory lock key of this store's schema (one writer at a time). */
  private readonly lockKey: number;

  constructor(
    private readonly pool: PgPool,
    options: PostgresStoreOptions,
  ) {
    const schema = options.schema ?? "qungui";
    this.s = ident(schema);
    this.keep = Math.max(1, options.keepSnapshots ?? 4);
    let h = 0;
    for (const c of `qungui:${schema}`) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
    this.lockKey = h;
    this.location = `postgres schema ${schema}`;
  }

  private async q(text: string, values: unknown[] = [], on: PgQueryable = this.pool): Promise<Record<string, unknown>[]> {
    try {
      return (await on.query(text, values)).rows;
    } catch (e) {
      throw new StoreError(`${this.location}: ${(e as Error).message}`);
    }
  }

  async putPolicy(id: string, irJson: string): Promise<void> {
    await this.q(`INSERT INTO ${this.s}.policies (id, ir) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, [id, irJson]);
  }

  async getPolicy(id: string): Promise<string | null> {
    const rows = await this.q(`SELECT ir FROM ${this.s}.policies WHERE id = $1`, [id]);
    return rows.length === 0 ? null : String(rows[0]!["ir"]);
  }

  private async journalOn(on: PgQueryable, after: number, upTo = Number.MAX_SAFE_INTEGER): Promise<JournalEntry[]> {
    const out: JournalEntry[] = [];
    let from = after;
    for (;;) {
      const rows = await this.q(
        `SELECT seq, kind, body, event_id, at_ms, policy, recorded_at FROM ${this.s}.journal WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT ${PAGE}`,
        [from, upTo],
        on,
      );
      for (const r of rows) out.push(entryOf(r));
      if (rows.length < PAGE) return out;
      from = out[out.length - 1]!.seq;
    }
  }

  private async headOn(on: PgQueryable): Promise<number> {
    const rows = await this.q(`SELECT greatest(coalesce((SELECT max(seq) FROM ${this.s}.journal), 0), coalesce((SELECT max(seq) FROM ${this.s}.snapshots), 0)) AS head`, [], on);
    return num(rows[0]!["head"]);
  }

  async recovery(): Promise<Recovery> {
    const c = await this.connect();
    try {
      await this.q("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", [], c);
      const snapshot = snapshotOf((await this.q(`SELECT * FROM ${this.s}.snapshots ORDER BY seq DESC LIMIT 1`, [], c))[0]);
      const journal = await this.journalOn(c, snapshot?.seq ?? 0);
      await this.q("COMMIT", [], c);
      return { snapshot, journal };
    } catch (e) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  async journal(after: number, upTo?: number): Promise<JournalEntry[]> {
    return this.journalOn(this.pool, after, upTo);
  }

  async snapshotAtOrBefore(atMost: number): Promise<Snapshot | null> {
    return snapshotOf((await this.q(`SELECT * FROM ${this.s}.snapshots WHERE seq <= $1 ORDER BY seq DESC LIMIT 1`, [atMost]))[0]);
  }

  async findEvent(eventId: string): Promise<JournalEntry | null> {
    const rows = await this.q(`SELECT seq, kind, body, event_id, at_ms, policy, recorded_at FROM ${this.s}.journal WHERE event_id = $1`, [eventId]);
    return rows.length === 0 ? null : entryOf(rows[0]!);
  }

  async decisionsOf(entry: number): Promise<string[]> {
    const rows = await this.q(`SELECT decisions FROM ${this.s}.journal WHERE seq = $1`, [entry]);
    const d = rows[0]?.["decisions"] as string | null | undefined;
    return d === undefined || d === null || d === "" ? [] : d.split(SEP);
  }

  async journalStart(): Promise<number> {
    const rows = await this.q(`SELECT min(seq) AS seq FROM ${this.s}.journal`);
    const s = numOrNull(rows[0]!["seq"]);
    return s ?? (await this.headOn(this.pool)) + 1;
  }

  private async connect(): Promise<PgPoolClient> {
    try {
      return await this.pool.connect();
    } catch (e) {
      throw new StoreError(`${this.location}: cannot connect: ${(e as Error).message}`);
    }
  }

  async commit(afterSeq: number, build: (missed: JournalEntry[]) => CommitBatch | null): Promise<void> {
    const c = await this.connect();
    let failed = false;
    try {
      await this.q("BEGIN", [], c);
      await this.q("SELECT pg_advisory_xact_lock($1)", [this.lockKey], c);
      const head = await this.headOn(c);
      if (head < afterSeq) throw new StoreError(`${this.location}: the journal ends at ${head} but this writer has applied ${afterSeq}`);
      const batch = build(head > afterSeq ? await this.journalOn(c, afterSeq) : []);
      if (batch === null) {
        await this.q("COMMIT", [], c);
        return;
      }
      await this.write(c, batch, head);
      await this.q("COMMIT", [], c);
    } catch (e) {
      failed = true;
      await c.query("ROLLBACK").catch(() => undefined);
      throw e;
    } finally {
      c.release(failed);
    }
  }

  private async write(c: PgPoolClient, b: CommitBatch, head: number): Promise<void> {
    const seqs: number[] = [];
    const kinds: string[] = [];
    const bodies: string[] = [];
    const ids: (string | null)[] = [];
    const ats: number[] = [];
    const policies: string[] = [];
    const decisions: string[] = [];
    const counts: number[] = [];
    let expected = head + 1;
    let d = 0;
    for (const e of b.entries) {
      if (e.seq !== expected) throw new StoreError(`journal entry ${e.seq} does not follow ${expected - 1}`);
      let text = "";
      let n = 0;
      for (; d < b.decisions.length && b.decisions[d]!.entry === e.seq; d++, n++) text += (n === 0 ? "" : SEP) + b.decisions[d]!.json;
      seqs.push(e.seq);
      kinds.push(e.kind);
      bodies.push(e.body);
      ids.push(e.eventId);
      ats.push(e.atMs);
      policies.push(e.policy);
      decisions.push(text);
      counts.push(n);
      expected++;
    }
    if (d !== b.decisions.length) throw new StoreError("decisions of a batch must follow their journal entries, in order");
    if (b.snapshot !== undefined && b.snapshot.seq !== expected - 1) throw new StoreError(`snapshot at ${b.snapshot.seq} but the journal ends at ${expected - 1}`);
    if (seqs.length > 0) {
      await this.q(
        `INSERT INTO ${this.s}.journal (seq, kind, body, event_id, at_ms, policy, recorded_at, decisions, decision_count)
         SELECT seq, kind, body, event_id, at_ms, policy, $9, decisions, decision_count
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::int[])
           AS t(seq, kind, body, event_id, at_ms, policy, decisions, decision_count)`,
        [seqs, kinds, bodies, ids, ats, policies, decisions, counts, b.recordedAt],
        c,
      );
    }
    if (b.deadLetters.length > 0) {
      await this.q(
        `INSERT INTO ${this.s}.dead_letters (after_seq, json, recorded_at) SELECT after_seq, json, $3 FROM unnest($1::bigint[], $2::text[]) WITH ORDINALITY AS t(after_seq, json, n) ORDER BY n`,
        [b.deadLetters.map((x) => x.afterSeq), b.deadLetters.map((x) => x.json), b.recordedAt],
        c,
      );
    }
    if (b.snapshot !== undefined) {
      const sn = b.snapshot;
      await this.q(`INSERT INTO ${this.s}.snapshots (seq, policy, state, recorded_at) VALUES ($1, $2, $3, $4) ON CONFLICT (seq) DO UPDATE SET policy = excluded.policy, state = excluded.state, recorded_at = excluded.recorded_at`, [sn.seq, sn.policy, sn.state, b.recordedAt], c);
      await this.q(`DELETE FROM ${this.s}.snapshots WHERE seq < (SELECT seq FROM ${this.s}.snapshots ORDER BY seq DESC LIMIT 1 OFFSET $1)`, [this.keep - 1], c);
    }
    if (b.cursor !== undefined) {
      await this.q(
        `INSERT INTO ${this.s}.cursors (input, line, digest, recorded_at) VALUES ($1, $2, $3, $4) ON CONFLICT (input) DO UPDATE SET line = excluded.line, digest = excluded.digest, recorded_at = excluded.recorded_at`,
        [b.cursor.input, b.cursor.line, b.cursor.digest, b.recordedAt],
        c,
      );
    }
  }

  async cursor(input: string): Promise<InputCursor | null> {
    const rows = await this.q(`SELECT input, line, digest FROM ${this.s}.cursors WHERE input = $1`, [input]);
    return rows.length === 0 ? null : { input: String(rows[0]!["input"]), line: num(rows[0]!["line"]), digest: String(rows[0]!["digest"]) };
  }

  async *exportDecisions(filter: InspectionFilter): AsyncIterable<ExportedRecord> {
    const filtered = filter.group !== undefined || filter.user !== undefined || filter.fromMs !== undefined || filter.toMs !== undefined;
    let last = 0;
    for (;;) {
      const rows = await this.q(`SELECT seq, at_ms, decisions FROM ${this.s}.journal WHERE seq > $1 AND decisions IS NOT NULL ORDER BY seq LIMIT ${PAGE}`, [last]);
      for (const r of rows) {
        const at = num(r["at_ms"]);
        if (filter.fromMs !== undefined && at < filter.fromMs - 1000) continue;
        if (filter.toMs !== undefined && at >= filter.toMs + 1000) continue;
        const text = String(r["decisions"]);
        if (text === "") continue;
        for (const json of text.split(SEP)) {
          if (filtered) {
            const d = JSON.parse(json) as Decision;
            if (!inRange(d, filter) || !concerns(d, filter)) continue;
          }
          yield { json, entry: num(r["seq"]) };
        }
      }
      if (rows.length < PAGE) return;
      last = num(rows[rows.length - 1]!["seq"]);
    }
  }

  async *exportDeadLetters(): AsyncIterable<string> {
    let last = 0;
    for (;;) {
      const rows = await this.q(`SELECT id, json FROM ${this.s}.dead_letters WHERE id > $1 ORDER BY id LIMIT ${PAGE}`, [last]);
      for (const r of rows) yield String(r["json"]);
      if (rows.length < PAGE) return;
      last = num(rows[rows.length - 1]!["id"]);
    }
  }

  async purge(req: PurgeRequest): Promise<PurgeCounts> {
    const c = await this.connect();
    let failed = false;
    try {
      await this.q("BEGIN", [], c);
      await this.q("SELECT pg_advisory_xact_lock($1)", [this.lockKey], c);
      const old = "at_ms < $1 AND recorded_at < $2 AND decisions IS NOT NULL";
      const decisions = num((await this.q(`SELECT coalesce(sum(decision_count), 0) AS n FROM ${this.s}.journal WHERE ${old}`, [req.beforeMs, req.recordedBeforeMs], c))[0]!["n"]);
      const deadLetters = (await c.query(`DELETE FROM ${this.s}.dead_letters WHERE recorded_at < $1 AND recorded_at < $2`, [req.recordedBeforeMs, req.beforeMs])).rowCount ?? 0;
      const latest = snapshotOf((await this.q(`SELECT * FROM ${this.s}.snapshots ORDER BY seq DESC LIMIT 1`, [], c))[0]);
      await this.q(`UPDATE ${this.s}.journal SET decisions = NULL, decision_count = 0 WHERE ${old} AND seq > $3`, [req.beforeMs, req.recordedBeforeMs, latest?.seq ?? 0], c);
      let entries = 0;
      let snapshots = 0;
      if (latest !== null) {
        entries = (await c.query(`DELETE FROM ${this.s}.journal WHERE seq <= $1 AND at_ms < $2 AND recorded_at < $3`, [latest.seq, req.beforeMs, req.recordedBeforeMs])).rowCount ?? 0;
        const start = numOrNull((await this.q(`SELECT min(seq) AS seq FROM ${this.s}.journal`, [], c))[0]!["seq"]) ?? latest.seq + 1;
        snapshots = (await c.query(`DELETE FROM ${this.s}.snapshots WHERE seq < $1 AND seq < $2`, [start - 1, latest.seq])).rowCount ?? 0;
      }
      await this.q(
        `INSERT INTO ${this.s}.purges (at, before_ms, recorded_before, decisions, dead_letters, entries, snapshots) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [req.now, req.beforeMs, req.recordedBeforeMs, decisions, deadLetters, entries, snapshots],
        c,
      );
      await this.q("COMMIT", [], c);
      return { decisions, deadLetters, entries, snapshots };
    } catch (e) {
      failed = true;
      await c.query("ROLLBACK").catch(() => undefined);
      throw e instanceof StoreError ? e : new StoreError(`${this.location}: ${(e as Error).message}`);
    } finally {
      c.release(failed);
    }
  }

  /** Counts and positions. */
  async stats(): Promise<StoreStats> {
    const r = (
      await this.q(`SELECT
        (SELECT count(*) FROM ${this.s}.journal) AS entries,
        (SELECT coalesce(sum(decision_count), 0) FROM ${this.s}.journal) AS decisions,
        (SELECT count(*) FROM ${this.s}.dead_letters) AS dead_letters,
        (SELECT count(*) FROM ${this.s}.snapshots) AS snapshots,
        (SELECT max(seq) FROM ${this.s}.snapshots) AS snapshot_seq,
        (SELECT max(at_ms) FROM ${this.s}.journal) AS clock,
        (SELECT policy FROM ${this.s}.journal ORDER BY seq DESC LIMIT 1) AS last_policy,
        (SELECT policy FROM ${this.s}.snapshots ORDER BY seq DESC LIMIT 1) AS snapshot_policy`)
    )[0]!;
    return {
      head: await this.headOn(this.pool),
      entries: num(r["entries"]),
      decisions: num(r["decisions"]),
      deadLetters: num(r["dead_letters"]),
      snapshots: num(r["snapshots"]),
      snapshotSeq: numOrNull(r["snapshot_seq"]),
      clock: numOrNull(r["clock"]),
      policy: (r["last_policy"] as string | null) ?? (r["snapshot_policy"] as string | null) ?? null,
    };
  }

  /** Closes the pool. */
  async close(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * Opens a PostgreSQL store (creating its schema and tables when needed). Needs the `pg` package;
 * throws a {@link StoreError} saying so when it is not installed.
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
  const pool = new Pool({ connectionString: options.connectionString, max: options.poolSize ?? 4 });
  const store = new PostgresStore(pool, options);
  try {
    await pool.query(postgresSchema(options.schema ?? "qungui"));
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new StoreError(`cannot open the PostgreSQL store: ${(e as Error).message}`);
  }
  return store;
}
