/**
 * One partition's rows in PostgreSQL (src/store/partition-tables.ts), read and written the same way
 * by the cluster's batch decider (src/cluster/batch.ts) and by a single engine's PostgreSQL store
 * (src/store/postgres.ts), which is partition 0 of a one-partition cluster:
 *
 * - {@link beginLocked}, {@link lockPartition}: the partition's row `FOR UPDATE`, taken first in
 *   every transaction that decides for the partition: writers of one partition are serialised by it.
 * - {@link lockRows}, {@link lockTimers}: state rows by key, locked in key order (no deadlock
 *   between transactions that lock in the same order).
 * - {@link restoreRows}: the engine state the rows describe (`restoreState` checks every field).
 * - {@link writeBack}: the changed state rows (in key order, version + 1), the timers set and gone,
 *   the ids seen, the decisions, the dead letters and the partition row (its new position, clock,
 *   timer counter, agreement and policy), as one statement inside the caller's transaction, so
 *   decisions and position commit together or not at all.
 */
import { restoreState } from "../engine/restore.js";
import type { EngineState, Timer } from "../engine/state.js";
import { ROW_TABLES, type RowTable } from "./touched.js";

export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
}

/** The engine scalars a partition row holds beside its positions. */
export interface PartitionScalars {
  policy: string;
  clock: number | null;
  /** The partition's next timer sequence number. */
  seq: number;
  /** JSON of the state's `agreement`. */
  agreement: string;
  purgedBefore: number | null;
}

/** A partition's row. */
export interface PartitionRow extends PartitionScalars {
  /** Stream sequence of the last message a cluster worker decided (0: none). */
  position: number;
  /** Messages a cluster worker decided. */
  consumed: number;
  /** A single engine's last journal entry (0: none). */
  journal: number;
  /** The journal entry the state rows reflect (equal to `journal` when they are current). */
  rowsAt: number;
}

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

const PARTITION_COLUMNS = "position, consumed, journal, rows_at, policy, clock, seq, agreement, purged_before";

function partitionOf(r: Record<string, unknown> | undefined): PartitionRow | null {
  if (r === undefined) return null;
  return {
    position: num(r["position"]),
    consumed: num(r["consumed"]),
    journal: num(r["journal"]),
    rowsAt: num(r["rows_at"]),
    policy: String(r["policy"]),
    clock: numOrNull(r["clock"]),
    seq: num(r["seq"]),
    agreement: String(r["agreement"]),
    purgedBefore: numOrNull(r["purged_before"]),
  };
}

/** Locks partition `p`'s row and reads it; null when the partition does not exist. */
export async function lockPartition(run: Queryable, schema: string, p: number): Promise<PartitionRow | null> {
  return partitionOf((await run.query(`SELECT ${PARTITION_COLUMNS} FROM "${schema}".cluster_partitions WHERE p = $1 FOR UPDATE`, [p])).rows[0]);
}

/**
 * Begins a transaction and locks partition `p`'s row in one round trip: a query without
 * parameters goes by the simple protocol, which takes several statements (the partition number,
 * an integer, is written into the text). The driver answers a result per statement.
 */
export async function beginLocked(run: Queryable, schema: string, p: number): Promise<PartitionRow | null> {
  if (!Number.isSafeInteger(p) || p < 0) throw new Error(`not a partition number: ${p}`);
  const results = (await run.query(`BEGIN; SELECT ${PARTITION_COLUMNS} FROM "${schema}".cluster_partitions WHERE p = ${p} FOR UPDATE`)) as unknown as { rows: Record<string, unknown>[] }[];
  return partitionOf(results[results.length - 1]?.rows[0]);
}

/** Locks and reads the rows of `ids` (any order: sorted here) of one table; absent ids are absent from the map. */
export async function lockRows(run: Queryable, schema: string, table: RowTable, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (ids.length === 0) return out;
  const sorted = [...ids].sort();
  const got = await run.query(`SELECT id, state FROM "${schema}".cluster_${table} WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`, [sorted]);
  for (const r of got.rows) out.set(String(r["id"]), String(r["state"]));
  return out;
}

/** Locks and reads timers by sequence number (sorted here). */
export async function lockTimers(run: Queryable, schema: string, seqs: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (seqs.length === 0) return out;
  const sorted = [...seqs].sort((a, b) => a - b);
  const got = await run.query(`SELECT seq, state FROM "${schema}".cluster_timers WHERE seq = ANY($1::bigint[]) ORDER BY seq FOR UPDATE`, [sorted]);
  for (const r of got.rows) out.set(num(r["seq"]), String(r["state"]));
  return out;
}

/** Locks and reads partition `p`'s timers due at or before `due`. */
export async function lockDueTimers(run: Queryable, schema: string, p: number, due: number): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const got = await run.query(`SELECT seq, state FROM "${schema}".cluster_timers WHERE p = $1 AND due <= $2 ORDER BY seq FOR UPDATE`, [p, due]);
  for (const r of got.rows) out.set(num(r["seq"]), String(r["state"]));
  return out;
}

/** The timers a state row refers to (a timer and its holder live in different rows, possibly in other partitions' ranges). */
export function timerRefs(table: RowTable, state: Record<string, unknown>, out: Set<number>): void {
  const add = (v: unknown) => {
    if (typeof v === "number") out.add(v);
  };
  switch (table) {
    case "users":
      add(state["blacklistTimer"]);
      add(state["managementTimer"]);
      return;
    case "groups":
      add(state["blacklistTimer"]);
      add(state["postingTimer"]);
      for (const f of (state["pending"] as { timer: number }[] | undefined) ?? []) add(f.timer);
      return;
    case "complaints":
      add(state["timer"]);
      return;
  }
}

/**
 * The engine state the rows describe: `tables` (row texts by id), `timers` (row texts), the ids
 * among the seen ones that matter, and the partition's scalars. The state's timer counter is the
 * partition's own (`part.seq`), so new timers are numbered in its range even when a loaded timer
 * of another partition has a higher number.
 */
export function restoreRows(part: PartitionScalars, tables: Record<RowTable, ReadonlyMap<string, string | null>>, timers: Iterable<string>, seen: string[]): EngineState {
  const parsedTimers = [...timers].map((t) => JSON.parse(t) as Timer);
  const maxSeq = parsedTimers.reduce((m, t) => Math.max(m, t.seq), part.seq - 1);
  // Null-prototype tables: a user called `__proto__` is an ordinary key here too.
  const plain: Record<RowTable, Record<string, unknown>> = { users: Object.create(null), groups: Object.create(null), complaints: Object.create(null) };
  for (const t of ROW_TABLES) for (const [k, text] of tables[t]) if (text !== null) plain[t][k] = JSON.parse(text);
  const st = restoreState({
    v: 1,
    clock: part.clock,
    seq: maxSeq + 1,
    seen,
    users: plain.users,
    groups: plain.groups,
    complaints: plain.complaints,
    timers: parsedTimers,
    agreement: JSON.parse(part.agreement),
    purgedBefore: part.purgedBefore,
  });
  // Restoring needs `seq` above every loaded timer (another partition's too); numbering goes on from the partition's own counter.
  st.seq = part.seq;
  return st;
}

/** Every row of a one-partition cluster, as the engine state (the rows of partition 0 are all the rows). */
export async function readAllRows(run: Queryable, schema: string, part: PartitionScalars): Promise<EngineState> {
  const tables = {} as Record<RowTable, Map<string, string>>;
  for (const t of ROW_TABLES) {
    tables[t] = new Map();
    for (const r of (await run.query(`SELECT id, state FROM "${schema}".cluster_${t} ORDER BY id`)).rows) tables[t].set(String(r["id"]), String(r["state"]));
  }
  const timers = (await run.query(`SELECT state FROM "${schema}".cluster_timers ORDER BY seq`)).rows.map((r) => String(r["state"]));
  const seen = (await run.query(`SELECT coalesce(event, id) AS id FROM "${schema}".cluster_seen ORDER BY id`)).rows.map((r) => String(r["id"]));
  return restoreRows(part, tables, timers, seen);
}

/** An accepted id for `cluster_seen`: its key (`id@p` for a broadcast copy) and, for a copy, the event id. */
export interface SeenRow {
  key: string;
  event: string | null;
}

/** One decision of the log. */
export interface DecisionRow {
  /** The stream message that produced it (cluster), or null. */
  streamSeq: number | null;
  /** The journal entry that produced it (single engine), or null. */
  entry: number | null;
  eventId: string | null;
  /** False for a timer decision. */
  primary: boolean;
  json: string;
  /** The decision's time (its `due` for a timer decision, else its `at`), epoch ms. */
  atMs: number | null;
  /** Everyone it concerns (records/parties.ts `partiesJson`), or null when that is its subject. */
  parties: string | null;
  /** The policy that made it. */
  policy: string;
}

export interface DeadLetterRow {
  streamSeq: number | null;
  entry: number | null;
  eventId: string | null;
  json: string;
}

/** What a transaction writes for a partition besides the partition row. */
export interface RowWrites {
  /** Per table, the rows whose text changed: [id, state JSON]. */
  rows: Record<RowTable, [string, string][]>;
  timersAdded: readonly Timer[];
  timersGone: readonly number[];
  /** Every pending timer replaces the partition's (a full rewrite), instead of the two lists above. */
  allTimers?: readonly Timer[];
  seen: readonly SeenRow[];
  decisions: readonly DecisionRow[];
  deadLetters: readonly DeadLetterRow[];
}

/**
 * A statement's parameters: `add` appends a value and answers its placeholder, so the parts of one
 * statement number theirs in the order they are written.
 */
export class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** A data-modifying part of the write-back statement (`INSERT … RETURNING 1`), written with `params`. */
export type WritePart = (params: Params) => string;

/** Where a transaction leaves the partition in its log: a cluster's stream, or a single engine's journal. */
export type PartitionAdvance = { stream: number; consumed: number } | { journal: number; rowsAt: number };

/** The partition row a write-back sets: the engine scalars and the new position. */
export interface PartitionWrite {
  scalars: PartitionScalars;
  to: PartitionAdvance;
}

/**
 * Writes `w` and the partition row for partition `p` in one statement, so a commit costs one round
 * trip for its writes whatever they hold; returns the rows written (the partition row included).
 * `extra` are the caller's own parts (a single engine's journal entries), written first.
 *
 * The parts are data-modifying CTEs, each counted in the final SELECT in the order they are
 * listed: state rows table by table in key order (as the locks are taken; an insert of a new row
 * locks it too), timers, seen ids, decisions, dead letters, the partition row last. The parts
 * touch different rows (timers gone and timers added are disjoint), as one statement requires.
 */
export async function writeBack(run: Queryable, schema: string, p: number, w: RowWrites, committedAt: number, partition: PartitionWrite, extra: readonly WritePart[] = []): Promise<number> {
  const q = `"${schema}"`;
  if (w.allTimers !== undefined) await run.query(`DELETE FROM ${q}.cluster_timers WHERE p = $1`, [p]);
  const x = new Params();
  const parts: string[] = extra.map((part) => part(x));
  for (const t of ROW_TABLES) {
    const rows = [...w.rows[t]].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    if (rows.length === 0) continue;
    parts.push(
      `INSERT INTO ${q}.cluster_${t} (id, state, version) SELECT id, state, 1 FROM unnest(${x.add(rows.map((r) => r[0]))}::text[], ${x.add(rows.map((r) => r[1]))}::text[]) WITH ORDINALITY AS x(id, state, o) ORDER BY o
       ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, version = ${q}.cluster_${t}.version + 1 RETURNING 1`,
    );
  }
  const gone = w.allTimers !== undefined ? [] : w.timersGone;
  const added = w.allTimers ?? w.timersAdded;
  if (gone.length > 0) parts.push(`DELETE FROM ${q}.cluster_timers WHERE seq = ANY(${x.add(gone)}::bigint[]) RETURNING 1`);
  if (added.length > 0) {
    parts.push(
      `INSERT INTO ${q}.cluster_timers (seq, p, due, state) SELECT seq, ${x.add(p)}::int, due, state FROM unnest(${x.add(added.map((t) => t.seq))}::bigint[], ${x.add(added.map((t) => t.due))}::float8[], ${x.add(added.map((t) => JSON.stringify(t)))}::text[]) AS x(seq, due, state)
       ON CONFLICT (seq) DO UPDATE SET p = EXCLUDED.p, due = EXCLUDED.due, state = EXCLUDED.state RETURNING 1`,
    );
  }
  if (w.seen.length > 0) {
    parts.push(`INSERT INTO ${q}.cluster_seen (id, event) SELECT * FROM unnest(${x.add(w.seen.map((s) => s.key))}::text[], ${x.add(w.seen.map((s) => s.event))}::text[]) ON CONFLICT (id) DO NOTHING RETURNING 1`);
  }
  if (w.decisions.length > 0) {
    const d = w.decisions;
    parts.push(
      `INSERT INTO ${q}.cluster_decisions (p, stream_seq, entry, event_id, primary_decision, json, at_ms, parties, policy, committed_at)
       SELECT ${x.add(p)}::int, s, e, ev, pr, j, a, pa, po, ${x.add(committedAt)}::bigint FROM unnest(${x.add(d.map((r) => r.streamSeq))}::bigint[], ${x.add(d.map((r) => r.entry))}::bigint[], ${x.add(d.map((r) => r.eventId))}::text[], ${x.add(d.map((r) => r.primary))}::boolean[], ${x.add(d.map((r) => r.json))}::text[], ${x.add(d.map((r) => r.atMs))}::float8[], ${x.add(d.map((r) => r.parties))}::text[], ${x.add(d.map((r) => r.policy))}::text[])
         WITH ORDINALITY AS x(s, e, ev, pr, j, a, pa, po, o) ORDER BY o RETURNING 1`,
    );
  }
  if (w.deadLetters.length > 0) {
    const l = w.deadLetters;
    parts.push(
      `INSERT INTO ${q}.cluster_dead_letters (p, stream_seq, entry, event_id, json, recorded_at)
       SELECT ${x.add(p)}::int, s, e, ev, j, ${x.add(committedAt)}::bigint FROM unnest(${x.add(l.map((r) => r.streamSeq))}::bigint[], ${x.add(l.map((r) => r.entry))}::bigint[], ${x.add(l.map((r) => r.eventId))}::text[], ${x.add(l.map((r) => r.json))}::text[]) WITH ORDINALITY AS x(s, e, ev, j, o) ORDER BY o RETURNING 1`,
    );
  }
  parts.push(setPartition(x, schema, p, partition, committedAt));
  const ctes = parts.map((text, i) => `w${i} AS (${text})`).join(",\n");
  const counts = parts.map((_, i) => `(SELECT count(*) FROM w${i})`).join(" + ");
  const r = await run.query(`WITH ${ctes}\nSELECT ${counts} AS written`, x.values);
  // The parts' own rows: a seen id already present counts none, a timer deleted counts one.
  return num(r.rows[0]?.["written"]);
}

/** The partition row's part: the engine scalars and the new position. */
function setPartition(x: Params, schema: string, p: number, w: PartitionWrite, committedAt: number): string {
  const s = w.scalars;
  const to = "stream" in w.to ? `position = ${x.add(w.to.stream)}::bigint, consumed = consumed + ${x.add(w.to.consumed)}::bigint` : `journal = ${x.add(w.to.journal)}::bigint, rows_at = ${x.add(w.to.rowsAt)}::bigint`;
  return `UPDATE "${schema}".cluster_partitions SET policy = ${x.add(s.policy)}::text, clock = ${x.add(s.clock)}::float8, seq = ${x.add(s.seq)}::bigint, agreement = ${x.add(s.agreement)}::text, purged_before = ${x.add(s.purgedBefore)}::float8, committed_at = ${x.add(committedAt)}::bigint, ${to} WHERE p = ${x.add(p)}::int RETURNING 1`;
}

/** The scalars of `state` as the partition row keeps them. */
export function scalarsOf(state: EngineState, policy: string): PartitionScalars {
  return { policy, clock: state.clock, seq: state.seq, agreement: JSON.stringify(state.agreement), purgedBefore: state.purgedBefore };
}
