/**
 * The PostgreSQL tables of qungui, one layout for the cluster and for a single engine
 * (docs/cluster.md, "One schema"): a single engine's PostgreSQL store is partition 0 of a
 * one-partition cluster. Both keep:
 *
 * | table | holds | written by |
 * |---|---|---|
 * | `cluster_meta` | the partition count (fixed at creation) and this layout's version | both |
 * | `cluster_policies` | every policy's IR by id (the policy history: which ids ever judged) | both |
 * | `cluster_partitions` | per partition: its stream position, its journal head, the journal entry its rows reflect, policy in force, clock, timer counter, agreement, purge mark | both |
 * | `cluster_users`, `cluster_groups`, `cluster_complaints` | one row per entry of the engine state, the JSON the engine's own snapshot writes for it (a group's row holds its memberships) | both |
 * | `cluster_timers` | one row per pending timer, with its partition and due time | both |
 * | `cluster_seen` | accepted event ids (a broadcast copy as `id@p`, with `event` the id) | both |
 * | `cluster_decisions` | the decision log, in `log_seq` order, each with its stream message (cluster) or journal entry (single engine) | both |
 * | `cluster_dead_letters` | refused inputs, in order | both |
 * | `cluster_journal` | a single engine's accepted inputs, in order (a cluster's journal is its stream) | single engine |
 * | `cluster_snapshots` | a single engine's periodic state snapshots (explain replays from them) | single engine |
 * | `cluster_cursors`, `cluster_purges` | `run --store`'s input cursors; the retention purges done | single engine |
 *
 * The statements are idempotent, so a cluster created by an earlier qungui gains the columns a
 * single engine needs when either opens it.
 */

import { StoreError } from "./types.js";

/** The layout version kept in `cluster_meta` under `tables`. */
export const TABLES_VERSION = "1";

/** The advisory-lock key (first of two) that creating or updating the tables holds, in every schema. */
export const LOCK_SCHEMA = 0x5147_0003;

/** A schema name usable unquoted-in-quotes: lower-case letters, digits and `_`. */
export function usableSchema(name: string): boolean {
  return /^[a-z_][a-z0-9_]{0,62}$/.test(name);
}

/** Event types a cluster publishes to every partition: each partition's clock and agreement state need them. */
export const BROADCAST_TYPES: readonly string[] = ["agreement.published", "clock"];

/**
 * The id of a broadcast event's copy in one partition: its `Nats-Msg-Id`, and its key in
 * `cluster_seen` (a single engine, partition 0, keeps its broadcast events' ids the same way).
 */
export function broadcastMsgId(id: string, partition: number): string {
  return `${id}@${partition}`;
}

interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/**
 * Refuses a schema that holds a single engine's store of the layout before this one (its own
 * `meta`, `journal` and `snapshots` tables, store schema version 1 or 2): that layout is not
 * converted, and these tables must not be created beside it as if the schema were empty.
 */
export async function refuseEarlierLayout(run: Queryable, schema: string, where: string): Promise<void> {
  const r = await run.query("SELECT to_regclass($1) AS meta, to_regclass($2) AS journal", [`"${schema}".meta`, `"${schema}".journal`]);
  if (r.rows[0]?.["meta"] === null || r.rows[0]?.["journal"] === null) return;
  const v = await run.query(`SELECT value FROM "${schema}".meta WHERE key = 'schema'`).catch(() => ({ rows: [] }));
  const version = v.rows[0]?.["value"];
  throw new StoreError(
    `${where} holds a store of the earlier single-engine layout (store schema ${version === undefined ? "unknown" : String(version)}: tables meta, journal, snapshots); ` +
      "this qungui keeps a single engine in the cluster's tables (partition 0 of one) and does not convert it. " +
      "Read it with the qungui that wrote it (qungui records export), or open a new store in another schema (?schema=…)",
  );
}

/** The DDL (idempotent; run it holding the `LOCK_SCHEMA` advisory lock). `schema` must be {@link usableSchema}. */
export function tablesDdl(schema: string): string {
  const q = `"${schema}"`;
  return `
CREATE SCHEMA IF NOT EXISTS ${q};
CREATE TABLE IF NOT EXISTS ${q}.cluster_meta (k text PRIMARY KEY, v text NOT NULL);
CREATE TABLE IF NOT EXISTS ${q}.cluster_policies (id text PRIMARY KEY, ir text NOT NULL, loaded_at bigint);
-- A single engine's store keeps a policy without a load time (its journal's policy entry records when it took over).
ALTER TABLE ${q}.cluster_policies ALTER COLUMN loaded_at DROP NOT NULL;
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
-- journal: a single engine's last journal entry; rows_at: the journal entry the state rows reflect.
ALTER TABLE ${q}.cluster_partitions ADD COLUMN IF NOT EXISTS journal bigint NOT NULL DEFAULT 0, ADD COLUMN IF NOT EXISTS rows_at bigint NOT NULL DEFAULT 0;
CREATE TABLE IF NOT EXISTS ${q}.cluster_users (id text PRIMARY KEY, state text NOT NULL, version bigint NOT NULL);
CREATE TABLE IF NOT EXISTS ${q}.cluster_groups (id text PRIMARY KEY, state text NOT NULL, version bigint NOT NULL);
CREATE TABLE IF NOT EXISTS ${q}.cluster_complaints (id text PRIMARY KEY, state text NOT NULL, version bigint NOT NULL);
CREATE TABLE IF NOT EXISTS ${q}.cluster_timers (seq bigint PRIMARY KEY, p int NOT NULL, due double precision NOT NULL, state text NOT NULL);
CREATE INDEX IF NOT EXISTS cluster_timers_due ON ${q}.cluster_timers (p, due);
CREATE TABLE IF NOT EXISTS ${q}.cluster_seen (id text PRIMARY KEY);
ALTER TABLE ${q}.cluster_seen ADD COLUMN IF NOT EXISTS event text;
CREATE TABLE IF NOT EXISTS ${q}.cluster_decisions (
  log_seq bigserial PRIMARY KEY,
  p int NOT NULL,
  stream_seq bigint,
  event_id text,
  primary_decision boolean NOT NULL,
  json text NOT NULL,
  committed_at bigint NOT NULL
);
-- A single engine's decisions name their journal entry instead of a stream message; at_ms (the
-- decision's time), parties and policy serve the inspection export and the retention purge.
ALTER TABLE ${q}.cluster_decisions ALTER COLUMN stream_seq DROP NOT NULL;
ALTER TABLE ${q}.cluster_decisions ADD COLUMN IF NOT EXISTS entry bigint, ADD COLUMN IF NOT EXISTS at_ms double precision,
  ADD COLUMN IF NOT EXISTS parties text, ADD COLUMN IF NOT EXISTS policy text;
-- Each side's index holds only its own rows (the other's column is null): a decision costs one entry, not two.
DROP INDEX IF EXISTS ${q}.cluster_decisions_stream;
CREATE INDEX IF NOT EXISTS cluster_decisions_stream_seq ON ${q}.cluster_decisions (p, stream_seq) WHERE stream_seq IS NOT NULL;
CREATE INDEX IF NOT EXISTS cluster_decisions_entry ON ${q}.cluster_decisions (p, entry) WHERE entry IS NOT NULL;
-- serve --cluster looks an event's decisions up when their announcement was missed.
CREATE INDEX IF NOT EXISTS cluster_decisions_event ON ${q}.cluster_decisions (event_id);
CREATE TABLE IF NOT EXISTS ${q}.cluster_dead_letters (
  id bigserial PRIMARY KEY,
  p int NOT NULL,
  stream_seq bigint,
  event_id text,
  json text NOT NULL
);
ALTER TABLE ${q}.cluster_dead_letters ALTER COLUMN stream_seq DROP NOT NULL;
ALTER TABLE ${q}.cluster_dead_letters ADD COLUMN IF NOT EXISTS entry bigint, ADD COLUMN IF NOT EXISTS recorded_at bigint;
CREATE INDEX IF NOT EXISTS cluster_dead_letters_event ON ${q}.cluster_dead_letters (event_id);
CREATE TABLE IF NOT EXISTS ${q}.cluster_journal (
  p int NOT NULL, seq bigint NOT NULL, kind text NOT NULL, body text NOT NULL, event_id text,
  at_ms bigint NOT NULL, policy text NOT NULL, recorded_at bigint NOT NULL,
  PRIMARY KEY (p, seq), UNIQUE (p, event_id));
CREATE TABLE IF NOT EXISTS ${q}.cluster_snapshots (
  p int NOT NULL, seq bigint NOT NULL, policy text NOT NULL, state text NOT NULL, recorded_at bigint NOT NULL,
  PRIMARY KEY (p, seq));
CREATE TABLE IF NOT EXISTS ${q}.cluster_cursors (
  p int NOT NULL, input text NOT NULL, line bigint NOT NULL, digest text NOT NULL, recorded_at bigint NOT NULL,
  PRIMARY KEY (p, input));
CREATE TABLE IF NOT EXISTS ${q}.cluster_purges (
  id bigserial PRIMARY KEY, p int NOT NULL, at bigint NOT NULL, before_ms bigint NOT NULL, recorded_before bigint NOT NULL,
  decisions bigint NOT NULL, dead_letters bigint NOT NULL, entries bigint NOT NULL, snapshots bigint NOT NULL);
INSERT INTO ${q}.cluster_meta (k, v) VALUES ('tables', '${TABLES_VERSION}') ON CONFLICT (k) DO NOTHING;
`;
}
