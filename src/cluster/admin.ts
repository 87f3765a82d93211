/**
 * `qungui cluster init|status|policy`: creating the cluster's stream, consumers and tables, showing
 * where each partition stands, and switching the cluster's one policy at one point of the log.
 */
import { headers } from "@nats-io/transport-node";
import type pg from "pg";
import { compileProgram } from "../engine/index.js";
import type { PolicyIR } from "../ir/types.js";
import { KIND_HEADER, MAX_PARTITIONS, STREAM, subjectOf } from "./contract.js";
import { publishOne } from "./ingest.js";
import { partitionOwners, liveWorkers } from "./locks.js";
import { consumerLag, ensureConsumer, ensureStream, type Nats } from "./nats.js";
import { initTables, partitionCount } from "./schema.js";

export interface InitOptions {
  partitions: number;
  replicas: number;
  duplicateWindowMs: number;
}

export async function initCluster(nats: Nats, pool: pg.Pool, schema: string, ir: PolicyIR, o: InitOptions, now: number): Promise<{ policyId: string }> {
  if (!Number.isInteger(o.partitions) || o.partitions < 1 || o.partitions > MAX_PARTITIONS) throw new RangeError(`partitions must be an integer from 1 to ${MAX_PARTITIONS}`);
  const policyId = compileProgram(ir).id;
  // Tables first: they refuse a partition count that differs from the cluster's, before NATS is touched.
  await initTables(pool, schema, o.partitions, policyId, JSON.stringify(ir), now);
  await ensureStream(nats.jsm, { partitions: o.partitions, replicas: o.replicas, duplicateWindowMs: o.duplicateWindowMs });
  for (let p = 0; p < o.partitions; p++) await ensureConsumer(nats.jsm, p, o.replicas);
  return { policyId };
}

export interface PartitionStatus {
  partition: number;
  owner: string | null;
  /** Stream sequence of the last message decided. */
  position: number;
  /** Messages decided so far. */
  consumed: number;
  /** Messages in the stream not yet delivered to the owner plus delivered and not yet acknowledged: an upper bound of what is left to decide. */
  lag: number | null;
  policy: string;
  clock: string | null;
}

export interface ClusterStatus {
  stream: { messages: number; lastSeq: number; replicas: number; leader: string | null; replicasCurrent: number } | null;
  workers: number;
  partitions: PartitionStatus[];
  decisions: number;
  primaryDecisions: number;
  deadLetters: number;
}

export async function clusterStatus(nats: Nats, pool: pg.Pool, schema: string): Promise<ClusterStatus> {
  const q = `"${schema}"`;
  await partitionCount(pool, schema);
  const rows = (await pool.query(`SELECT p, position, consumed, policy, clock FROM ${q}.cluster_partitions ORDER BY p`)).rows;
  const owners = await partitionOwners(pool, schema);
  const workers = await liveWorkers(pool, schema);
  const counts = (await pool.query(`SELECT count(*)::bigint AS n, count(*) FILTER (WHERE primary_decision)::bigint AS primary FROM ${q}.cluster_decisions`)).rows[0];
  const dead = (await pool.query(`SELECT count(*)::bigint AS n FROM ${q}.cluster_dead_letters`)).rows[0];
  const info = await nats.jsm.streams.info(STREAM).catch(() => null);
  const partitions: PartitionStatus[] = [];
  for (const r of rows) {
    const p = Number(r.p);
    const lag = await consumerLag(nats.jsm, p);
    partitions.push({
      partition: p,
      owner: owners.get(p) ?? null,
      position: Number(r.position),
      consumed: Number(r.consumed),
      lag: lag === null ? null : lag.pending + lag.unacked,
      policy: String(r.policy),
      clock: r.clock === null ? null : new Date(Number(r.clock)).toISOString(),
    });
  }
  return {
    stream:
      info === null
        ? null
        : {
            messages: info.state.messages,
            lastSeq: info.state.last_seq,
            replicas: info.config.num_replicas,
            leader: info.cluster?.leader ?? null,
            replicasCurrent: 1 + (info.cluster?.replicas ?? []).filter((x) => x.current).length,
          },
    workers,
    partitions,
    decisions: Number(counts.n),
    primaryDecisions: Number(counts.primary),
    deadLetters: Number(dead.n),
  };
}

/**
 * Makes `ir` the cluster's policy: its IR goes into `cluster_policies` first, then a switch message
 * goes to every partition. Each partition changes policy exactly at its switch message, so every
 * event after it in the log is decided with the new policy whichever worker decides it, and a
 * redelivered batch switches at the same place again.
 */
export async function switchPolicy(nats: Nats, pool: pg.Pool, schema: string, ir: PolicyIR, now: number): Promise<{ policyId: string; partitions: number; switchAt: number[] }> {
  const policyId = compileProgram(ir).id;
  const partitions = await partitionCount(pool, schema);
  await pool.query(`INSERT INTO "${schema}".cluster_policies (id, ir, loaded_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`, [policyId, JSON.stringify(ir), now]);
  const switchAt: number[] = [];
  for (let p = 0; p < partitions; p++) {
    const h = headers();
    h.set(KIND_HEADER, "policy");
    // Unique per load, so switching back to an earlier policy later is not dropped as a duplicate;
    // a retry after a NATS node's loss keeps it, so the switch is stored once.
    const r = await publishOne(nats.js, { partition: p, subject: subjectOf(p), data: policyId, msgId: `policy:${policyId}:${now}@${p}`, headers: h }, 30_000);
    switchAt.push(r.seq);
  }
  return { policyId, partitions, switchAt };
}
