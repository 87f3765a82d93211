/**
 * The cluster's PostgreSQL tables (docs/cluster.md, "State"), the same layout a single engine's
 * PostgreSQL store uses as partition 0 of one (src/store/partition-tables.ts). The state rows hold the engine's own
 * explicit state (src/engine/state.ts), one row per user, group, complaint and timer, as the JSON
 * `snapshotState` writes for that entry, so a worker rebuilds a partial engine state from rows with
 * `restoreState` and every field is checked on the way in. Per-partition scalars (clock, timer
 * counter, agreement, position, policy) are the partition's row.
 */
import pg from "pg";
import { parseStoreAddress } from "../store/open.js";
import { LOCK_SCHEMA, refuseEarlierLayout, TABLES_VERSION, tablesDdl, usableSchema } from "../store/partition-tables.js";
import { StoreError } from "../store/types.js";
import { timerSeqBase } from "./contract.js";

export interface PgTarget {
  connectionString: string;
  schema: string;
}

export function pgTarget(url: string): PgTarget {
  const a = parseStoreAddress(url);
  if (a.kind !== "postgres") throw new StoreError("the cluster's store must be PostgreSQL (postgres://user@host:port/db?schema=qungui)");
  if (!usableSchema(a.schema)) throw new StoreError(`not a usable schema name: ${JSON.stringify(a.schema)}`);
  return { connectionString: a.connectionString, schema: a.schema };
}

/** The DDL (idempotent): the one layout of the cluster and of a single engine's store (src/store/partition-tables.ts). */
export const clusterDdl = tablesDdl;

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
      await refuseEarlierLayout(c, schema, `schema ${schema}`);
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
        // A single engine's store that never committed has partition 0 without a policy: init gives it this one.
        await c.query(`INSERT INTO ${q}.cluster_partitions (p, policy, seq) VALUES ($1, $2, $3) ON CONFLICT (p) DO UPDATE SET policy = EXCLUDED.policy WHERE ${q}.cluster_partitions.policy = ''`, [p, policyId, timerSeqBase(p)]);
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

const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ECONNRESET", "ENOENT"]);

/**
 * A PostgreSQL failure said so that the reader knows what to do: the server unreachable, the login
 * or database refused, the server starting, the tables missing. Anything else keeps its message.
 */
export function describePgError(e: Error & { code?: unknown }): string {
  const code = typeof e.code === "string" ? e.code : "";
  if (UNREACHABLE.has(code) || /timeout exceeded when trying to connect|Connection terminated unexpectedly/i.test(e.message)) {
    return `cannot reach PostgreSQL (${e.message}): is the server running at the address of --store (or QUNGUI_STORE)?`;
  }
  if (code === "28P01" || code === "28000") return `PostgreSQL refused the login (${e.message}): check the user and password of --store (or QUNGUI_STORE)`;
  if (code === "3D000") return `${e.message}: create it (createdb) or name another database in --store (or QUNGUI_STORE)`;
  if (code === "57P03") return `PostgreSQL is not accepting connections yet (${e.message}): try again once it has started`;
  if (code === "42P01" || code === "3F000") return `the cluster's tables are missing (${e.message}): run qungui cluster init`;
  return e.message;
}

/** The partition count the cluster was created with; refuses tables of another layout than this qungui's. */
export async function partitionCount(q: { query(text: string): Promise<pg.QueryResult> }, schema: string): Promise<number> {
  const r = await q.query(`SELECT k, v FROM "${schema}".cluster_meta WHERE k IN ('partitions', 'tables')`).catch((e: Error) => {
    throw new StoreError(describePgError(e));
  });
  const meta = new Map(r.rows.map((x) => [String(x.k), String(x.v)]));
  const partitions = meta.get("partitions");
  if (partitions === undefined) throw new StoreError("the cluster is not initialised (run qungui cluster init)");
  const tables = meta.get("tables");
  if (tables === undefined) throw new StoreError("the cluster's tables predate this qungui's layout: run qungui cluster init again (it adds the columns and keeps every row)");
  if (tables !== TABLES_VERSION) throw new StoreError(`the cluster's tables are of layout ${tables}, this qungui reads layout ${TABLES_VERSION}`);
  return Number(partitions);
}
