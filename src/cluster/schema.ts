/**
 * The cluster's PostgreSQL tables (docs/cluster.md, "State"). The state rows hold the engine's own
 * explicit state (src/engine/state.ts), one row per user, group, complaint and timer, as the JSON
 * `snapshotState` writes for that entry, so a worker rebuilds a partial engine state from rows with
 * `restoreState` and every field is checked on the way in. Per-partition scalars (clock, timer
 * counter, agreement, position, policy) are the partition's row.
 */
import pg from "pg";
import { parseStoreAddress } from "../store/open.js";
import { StoreError } from "../store/types.js";
import { timerSeqBase } from "./contract.js";

export interface PgTarget {
  connectionString: string;
  schema: string;
}

export function pgTarget(url: string): PgTarget {
  const a = parseStoreAddress(url);
  if (a.kind !== "postgres") throw new StoreError("the cluster's store must be PostgreSQL (postgres://user@host:port/db?schema=qungui)");
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(a.schema)) throw new StoreError(`not a usable schema name: ${JSON.stringify(a.schema)}`);
  return { connectionString: a.connectionString, schema: a.schema };
}

/** The DDL (idempotent). `q` is the quoted schema. */
export function clusterDdl(schema: string): string {
  const q = `"${schema}"`;
  return `
CREATE SCHEMA IF NOT EXISTS ${q};
CREATE TABLE IF NOT EXISTS ${q}.cluster_meta (k text PRIMARY KEY, v text NOT NULL);
CREATE TABLE IF NOT EXISTS ${q}.cluster_policies (id text PRIMARY KEY, ir text NOT NULL, loaded_at bigint NOT NULL);
CREATE TABLE IF NOT EXISTS ${q}.cluster_partitions (
  p int PRIMARY KEY,
  position bigint NOT NULL DEFAULT 0,
  consumed bigint NOT NULL DEFAULT 0,
  policy text NOT NULL,
  clock double precision,
  seq bigint NOT NULL,
  agreement text NOT NULL DEFAULT '{"version":null,"publishedAt":null}',
  purged_before double precision,
  committed_at bigint NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS ${q}.cluster_users (id text PRIMARY KEY, state text NOT NULL, version bigint NOT NULL);
CREATE TABLE IF NOT EXISTS ${q}.cluster_groups (id text PRIMARY KEY, state text NOT NULL, version bigint NOT NULL);
CREATE TABLE IF NOT EXISTS ${q}.cluster_complaints (id text PRIMARY KEY, state text NOT NULL, version bigint NOT NULL);
CREATE TABLE IF NOT EXISTS ${q}.cluster_timers (seq bigint PRIMARY KEY, p int NOT NULL, due double precision NOT NULL, state text NOT NULL);
CREATE INDEX IF NOT EXISTS cluster_timers_due ON ${q}.cluster_timers (p, due);
CREATE TABLE IF NOT EXISTS ${q}.cluster_seen (id text PRIMARY KEY);
CREATE TABLE IF NOT EXISTS ${q}.cluster_decisions (
  log_seq bigserial PRIMARY KEY,
  p int NOT NULL,
  stream_seq bigint NOT NULL,
  event_id text,
  primary_decision boolean NOT NULL,
  json text NOT NULL,
  committed_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS cluster_decisions_stream ON ${q}.cluster_decisions (p, stream_seq);
-- serve --cluster looks an event's decisions up when their announcement was missed.
CREATE INDEX IF NOT EXISTS cluster_decisions_event ON ${q}.cluster_decisions (event_id);
CREATE TABLE IF NOT EXISTS ${q}.cluster_dead_letters (
  id bigserial PRIMARY KEY,
  p int NOT NULL,
  stream_seq bigint NOT NULL,
  event_id text,
  json text NOT NULL
);
CREATE INDEX IF NOT EXISTS cluster_dead_letters_event ON ${q}.cluster_dead_letters (event_id);
`;
}

/** Advisory-lock key spaces (the first key of two-key advisory locks). */
export const LOCK_PARTITION = 0x5147_0001;
export const LOCK_WORKER = 0x5147_0002;
export const LOCK_SCHEMA = 0x5147_0003;

export function newPool(t: PgTarget, size: number, name: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: t.connectionString, max: size, application_name: name, connectionTimeoutMillis: 5000 });
  // A connection dropping while idle (the server restarting) must not end the process: the next query reconnects.
  pool.on("error", () => undefined);
  return pool;
}

/** Creates the tables and the partition rows (existing rows are kept: init is idempotent). */
export async function initTables(pool: pg.Pool, schema: string, partitions: number, policyId: string, policyIr: string, now: number): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query("SELECT pg_advisory_lock($1, 0)", [LOCK_SCHEMA]);
    try {
      await c.query(clusterDdl(schema));
      await c.query("BEGIN");
      const q = `"${schema}"`;
      const prev = await c.query(`SELECT v FROM ${q}.cluster_meta WHERE k = 'partitions'`);
      if (prev.rows.length > 0 && Number(prev.rows[0].v) !== partitions) {
        throw new StoreError(`the cluster already has ${prev.rows[0].v} partitions; the count is fixed when it is created`);
      }
      await c.query(`INSERT INTO ${q}.cluster_meta (k, v) VALUES ('partitions', $1) ON CONFLICT (k) DO NOTHING`, [String(partitions)]);
      await c.query(`INSERT INTO ${q}.cluster_policies (id, ir, loaded_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`, [policyId, policyIr, now]);
      for (let p = 0; p < partitions; p++) {
        await c.query(`INSERT INTO ${q}.cluster_partitions (p, policy, seq) VALUES ($1, $2, $3) ON CONFLICT (p) DO NOTHING`, [p, policyId, timerSeqBase(p)]);
      }
      await c.query("COMMIT");
    } catch (e) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw e;
    } finally {
      await c.query("SELECT pg_advisory_unlock($1, 0)", [LOCK_SCHEMA]).catch(() => undefined);
    }
  } finally {
    c.release();
  }
}

/** The partition count the cluster was created with. */
export async function partitionCount(q: { query(text: string): Promise<pg.QueryResult> }, schema: string): Promise<number> {
  const r = await q.query(`SELECT v FROM "${schema}".cluster_meta WHERE k = 'partitions'`).catch((e: Error) => {
    throw new StoreError(`the cluster's tables are missing (run qungui cluster init): ${e.message}`);
  });
  if (r.rows.length === 0) throw new StoreError("the cluster is not initialised (run qungui cluster init)");
  return Number(r.rows[0].v);
}
