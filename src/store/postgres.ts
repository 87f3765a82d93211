/**
 * A PostgreSQL store, for several engine instances sharing one journal (docs/architecture.md,
 * "Durable state"). Same contract and the same rows as the SQLite store (src/store/rows.ts): a
 * commit takes a transaction-scoped advisory lock (one writer at a time across instances), hands
 * the writer the entries the others appended since its position, and writes its batch in the same
 * transaction.
 *
 * Faults: a connection that drops while idle in the pool (the server restarting) is reported on
 * the pool's `'error'` event, which is handled here (an unhandled one would end the process); the
 * next query opens a new connection. Every failure reaches the caller as a {@link StoreError},
 * `transient` when it is the server or the network (the HTTP API answers 503 with `Retry-After`).
 * Creating the schema is serialised by an advisory lock, so instances starting together on a fresh
 * database do not race in `CREATE SCHEMA`.
 *
 * The driver is the `pg` package, loaded when a store is opened.
 */
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

/** The store's schema version (2: journal rows keep `parties` and `first_ms`). */
const SCHEMA_VERSION = "2";

function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new StoreError(`not a usable schema name: ${JSON.stringify(name)}`);
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

/** The DDL of a store in `schema` (idempotent; run under the schema's advisory lock). */
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
ALTER TABLE ${s}.journal ADD COLUMN IF NOT EXISTS parties text, ADD COLUMN IF NOT EXISTS first_ms bigint;
CREATE TABLE IF NOT EXISTS ${s}.dead_letters (id bigserial PRIMARY KEY, after_seq bigint NOT NULL, json text NOT NULL, recorded_at bigint NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.snapshots (seq bigint PRIMARY KEY, policy text NOT NULL, state text NOT NULL, recorded_at bigint NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.cursors (input text PRIMARY KEY, line bigint NOT NULL, digest text NOT NULL, recorded_at bigint NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.purges (
  id bigserial PRIMARY KEY, at bigint NOT NULL, before_ms bigint NOT NULL, recorded_before bigint NOT NULL,
  decisions bigint NOT NULL, dead_letters bigint NOT NULL, entries bigint NOT NULL, snapshots bigint NOT NULL);
INSERT INTO ${s}.meta (key, value) VALUES ('schema', '${SCHEMA_VERSION}') ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE ${s}.meta.value = '1';
`;
}

/** The advisory lock key of a schema: commits, purges and schema creation take it. */
function lockKeyOf(schema: string): number {
  let h = 0;
  for (const c of `qungui:${schema}`) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return h;
}

/** The PostgreSQL store. Open it with {@link openPostgresStore}. */
export class PostgresStore implements Store {
  readonly kind: string = "postgres";
  readonly location: string;
  readonly url: string;
  private readonly s: string;
  private readonly keep: number;
  /** The advisory lock key of this store's schema (one writer at a time). */
  private readonly lockKey: number;
  private closed = false;
  /** The last error a pooled connection reported while idle (for health reports). */
  lastIdleError: string | null = null;

  constructor(
    private readonly pool: PgPool,
    options: PostgresStoreOptions,
  ) {
    const schema = options.schema ?? "qungui";
    this.s = ident(schema);
    this.keep = Math.max(1, options.keepSnapshots ?? Infinity);
    this.lockKey = lockKeyOf(schema);
    this.location = `postgres schema ${schema}`;
    this.url = withSchema(options.connectionString, schema);
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
    return this.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", false, async (c) => {
      const snapshot = snapshotOf((await this.q(`SELECT * FROM ${this.s}.snapshots ORDER BY seq DESC LIMIT 1`, [], c))[0]);
      const journal = await this.journalOn(c, snapshot?.seq ?? 0);
      return { snapshot, journal };
    });
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

  /** Runs `fn` in a transaction on one connection, under the schema's advisory lock when `locked`. */
  private async transaction<T>(begin: string, locked: boolean, fn: (c: PgPoolClient) => Promise<T>): Promise<T> {
    const { c, done } = await this.connect();
    let failed = false;
    try {
      await this.q(begin, [], c);
      if (locked) await this.q("SELECT pg_advisory_xact_lock($1)", [this.lockKey], c);
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

  async commit(afterSeq: number, build: (missed: JournalEntry[]) => CommitBatch | null): Promise<void> {
    await this.transaction("BEGIN", true, async (c) => {
      const head = await this.headOn(c);
      if (head < afterSeq) throw new StoreError(`${this.location}: the journal ends at ${head} but this writer has applied ${afterSeq}`);
      const batch = build(head > afterSeq ? await this.journalOn(c, afterSeq) : []);
      if (batch !== null) await this.write(c, batch, head);
    });
  }

  private async write(c: PgPoolClient, b: CommitBatch, head: number): Promise<void> {
    const rows = entryRows(b, head);
    if (rows.length > 0) {
      const e = rows.map((r) => r.entry);
      await this.q(
        `INSERT INTO ${this.s}.journal (seq, kind, body, event_id, at_ms, policy, recorded_at, decisions, decision_count, parties, first_ms)
         SELECT seq, kind, body, event_id, at_ms, policy, $9, decisions, decision_count, parties, first_ms
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::int[], $10::text[], $11::bigint[])
           AS t(seq, kind, body, event_id, at_ms, policy, decisions, decision_count, parties, first_ms)`,
        [
          e.map((x) => x.seq),
          e.map((x) => x.kind),
          e.map((x) => x.body),
          e.map((x) => x.eventId),
          e.map((x) => x.atMs),
          e.map((x) => x.policy),
          rows.map((r) => r.decisions),
          rows.map((r) => r.count),
          b.recordedAt,
          rows.map((r) => r.parties),
          rows.map((r) => r.firstMs),
        ],
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
      if (Number.isFinite(this.keep)) await this.q(`DELETE FROM ${this.s}.snapshots WHERE seq < (SELECT seq FROM ${this.s}.snapshots ORDER BY seq DESC LIMIT 1 OFFSET $1)`, [this.keep - 1], c);
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
    let last = 0;
    for (;;) {
      const rows = await this.q(
        `SELECT seq, at_ms, first_ms, recorded_at, policy, decisions, parties FROM ${this.s}.journal WHERE seq > $1 AND decisions IS NOT NULL ORDER BY seq LIMIT ${PAGE}`,
        [last],
      );
      for (const r of rows) {
        yield* rowRecords(
          {
            seq: num(r["seq"]),
            atMs: num(r["at_ms"]),
            firstMs: numOrNull(r["first_ms"]),
            recordedAt: num(r["recorded_at"]),
            policy: String(r["policy"]),
            decisions: String(r["decisions"]),
            parties: (r["parties"] as string | null) ?? null,
          },
          filter,
        );
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
    return this.transaction("BEGIN", true, async (c) => {
      const old = "at_ms < $1 AND recorded_at < $2 AND decisions IS NOT NULL";
      const decisions = num((await this.q(`SELECT coalesce(sum(decision_count), 0) AS n FROM ${this.s}.journal WHERE ${old}`, [req.beforeMs, req.recordedBeforeMs], c))[0]!["n"]);
      const deadLetters = await this.changed(c, `DELETE FROM ${this.s}.dead_letters WHERE recorded_at < $1 AND recorded_at < $2`, [req.recordedBeforeMs, req.beforeMs]);
      const latest = snapshotOf((await this.q(`SELECT * FROM ${this.s}.snapshots ORDER BY seq DESC LIMIT 1`, [], c))[0]);
      await this.q(`UPDATE ${this.s}.journal SET decisions = NULL, decision_count = 0 WHERE ${old} AND seq > $3`, [req.beforeMs, req.recordedBeforeMs, latest?.seq ?? 0], c);
      let entries = 0;
      let snapshots = 0;
      if (latest !== null) {
        entries = await this.changed(c, `DELETE FROM ${this.s}.journal WHERE seq <= $1 AND at_ms < $2 AND recorded_at < $3`, [latest.seq, req.beforeMs, req.recordedBeforeMs]);
        const start = numOrNull((await this.q(`SELECT min(seq) AS seq FROM ${this.s}.journal`, [], c))[0]!["seq"]) ?? latest.seq + 1;
        snapshots = await this.changed(c, `DELETE FROM ${this.s}.snapshots WHERE seq < $1 AND seq < $2`, [start - 1, latest.seq]);
      }
      await this.q(
        `INSERT INTO ${this.s}.purges (at, before_ms, recorded_before, decisions, dead_letters, entries, snapshots) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
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

  /** Closes the pool (idempotent); every call after it is a {@link StoreError}. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end().catch(() => undefined);
  }

  /** Creates the schema and tables, or brings an older schema up to date, under the schema's lock. */
  async create(mustExist: boolean): Promise<void> {
    const schema = this.s.slice(1, -1);
    await this.transaction("BEGIN", false, async (c) => {
      // A transaction-scoped lock taken before any DDL: instances starting together on a fresh
      // database wait here instead of racing in CREATE SCHEMA (a unique violation in pg_namespace).
      await this.q("SELECT pg_advisory_xact_lock($1)", [this.lockKey], c);
      const meta = (await this.q("SELECT to_regclass($1) AS t", [`${this.s}.meta`], c))[0]?.["t"] ?? null;
      if (meta === null && mustExist) throw new StoreError(`no store in ${this.location}`);
      const version = meta === null ? [] : await this.q(`SELECT value FROM ${this.s}.meta WHERE key = 'schema'`, [], c);
      const v = version[0]?.["value"];
      if (v !== undefined && v !== "1" && v !== SCHEMA_VERSION) throw new StoreError(`${this.location}: store schema ${String(v)}, this qungui reads ${SCHEMA_VERSION}`);
      if (v !== SCHEMA_VERSION) await this.q(postgresSchema(schema), [], c);
    });
  }
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
