/**
 * Partition ownership as PostgreSQL session advisory locks (docs/cluster.md, "Ownership"). A worker
 * holds partition `p`'s lock on the very connection it decides `p`'s batches on, so a commit proves
 * the lock was held while the batch was decided, and a worker that dies (or loses that connection)
 * loses the lock at once: another worker's next `pg_try_advisory_lock` takes the partition over.
 * Workers announce themselves with a lock of their own, which is how each counts the live workers
 * for its fair share. The first key of each lock depends on the schema, so two clusters in one
 * database never share locks.
 */
import type { Queryable } from "./batch.js";
import { fnv1a } from "./contract.js";

/** A signed 32-bit advisory-lock key (PostgreSQL's two-key form takes int4). */
const int4 = (n: number) => n | 0;

export function partitionLockKey(schema: string): number {
  return int4(fnv1a(`qungui-partition:${schema}`));
}
export function workerLockKey(schema: string): number {
  return int4(fnv1a(`qungui-worker:${schema}`));
}

/** Partitions whose lock some session holds, with that session's application name (the worker's). */
export async function partitionOwners(q: Queryable, schema: string): Promise<Map<number, string>> {
  const r = await q.query(
    `SELECT l.objid::int AS p, a.application_name AS owner FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND l.classid::bigint = ($1::int::bigint & 4294967295) AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [partitionLockKey(schema)],
  );
  return new Map(r.rows.map((x) => [Number(x.p), String(x.owner)]));
}

/** How many workers are alive (each holds its announcement lock). */
export async function liveWorkers(q: Queryable, schema: string): Promise<number> {
  const r = await q.query(
    `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid::bigint = ($1::int::bigint & 4294967295) AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [workerLockKey(schema)],
  );
  return Number(r.rows[0].n);
}

/** Tries to take partition `p` on `q`'s session; true when taken. */
export async function tryLockPartition(q: Queryable, schema: string, p: number): Promise<boolean> {
  const r = await q.query("SELECT pg_try_advisory_lock($1, $2) AS ok", [partitionLockKey(schema), p]);
  return r.rows[0].ok === true;
}

/** Announces a worker on `q`'s session under a slot derived from its name; false when that slot is taken. */
export async function announceWorker(q: Queryable, schema: string, name: string): Promise<boolean> {
  const r = await q.query("SELECT pg_try_advisory_lock($1, $2) AS ok", [workerLockKey(schema), int4(fnv1a(name))]);
  return r.rows[0].ok === true;
}

/**
 * Ends the sessions that hold one of the schema's partition locks and have been sending a result to
 * a client that does not read it for longer than `ms` (`wait_event = 'ClientWrite'` since the
 * statement began): a worker stopped while PostgreSQL was writing to it. Such a session is `active`,
 * so the idle timeouts that end a hung worker's other sessions never apply to it, and a live worker
 * reads what it asked for at once. Returns the partitions freed. Needs the workers to share a role
 * (or `pg_signal_backend`), as PostgreSQL's `pg_terminate_backend` does.
 */
export async function endStuckOwners(q: Queryable, schema: string, ms: number): Promise<number[]> {
  const r = await q.query(
    `SELECT l.objid::int AS p, pg_terminate_backend(a.pid) AS ended FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND l.classid::bigint = ($1::int::bigint & 4294967295) AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND a.pid <> pg_backend_pid() AND a.state = 'active' AND a.wait_event = 'ClientWrite' AND a.query_start < clock_timestamp() - make_interval(secs => $2::float8 / 1000)`,
    [partitionLockKey(schema), ms],
  );
  return r.rows.filter((x) => x.ended === true).map((x) => Number(x.p));
}
