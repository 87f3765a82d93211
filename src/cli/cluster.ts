/**
 * `qungui cluster init|status|policy` (docs/cluster.md): the cluster's stream, consumers and
 * tables; where each partition stands; the switch to a new policy at one point of the log.
 */
import type pg from "pg";
import { clusterStatus, initCluster, switchPolicy, type ClusterStatus } from "../cluster/admin.js";
import { DEFAULT_PARTITIONS } from "../cluster/contract.js";
import { connectNats, natsServers, type Nats } from "../cluster/nats.js";
import { describePgError, newPool, pgTarget, type PgTarget } from "../cluster/schema.js";
import { EXIT, UsageError, type Io } from "./io.js";
import { requirePolicy } from "./load-policy.js";

export interface ClusterFlags {
  nats?: string[];
  store?: string;
}

/** The NATS servers and the PostgreSQL target of a cluster command (flags, else QUNGUI_NATS and QUNGUI_STORE). */
export function clusterTargets(flags: ClusterFlags): { servers: string[]; target: PgTarget } {
  const servers = natsServers(flags.nats ?? (process.env["QUNGUI_NATS"] ? [process.env["QUNGUI_NATS"]] : []));
  if (servers.length === 0) throw new UsageError("give the NATS servers: --nats nats://host:4222 … (or QUNGUI_NATS)");
  const store = flags.store ?? process.env["QUNGUI_STORE"] ?? "";
  if (store === "") throw new UsageError("give the PostgreSQL store: --store postgres://user@host:port/db?schema=qungui (or QUNGUI_STORE)");
  return { servers, target: pgTarget(store) };
}

/** Runs `body` with a NATS connection and a small pool, closing both whatever happens. */
export async function withCluster<T>(flags: ClusterFlags, name: string, body: (nats: Nats, pool: pg.Pool, schema: string) => Promise<T>): Promise<T> {
  const { servers, target } = clusterTargets(flags);
  const pool = newPool(target, 2, name);
  let nats: Nats | null = null;
  try {
    nats = await connectNats(servers, name).catch((e: Error) => {
      throw new UsageError(`cannot connect to NATS (${servers.join(", ")}): ${e.message}`);
    });
    return await body(nats, pool, target.schema);
  } finally {
    await nats?.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
  }
}

function positiveInt(v: string | undefined, what: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${what} must be a positive integer, not ${JSON.stringify(v)}`);
  return n;
}

export async function runClusterInit(policy: string, flags: ClusterFlags & { partitions?: string; replicas?: string; duplicateWindow?: string }, io: Io): Promise<number> {
  const loaded = requirePolicy(policy, io);
  if (!loaded) return EXIT.diagnostics;
  const ir = loaded.ir;
  const partitions = positiveInt(flags.partitions, "--partitions", DEFAULT_PARTITIONS);
  const replicas = positiveInt(flags.replicas, "--replicas", 3);
  const windowS = positiveInt(flags.duplicateWindow, "--duplicate-window", 120);
  return withCluster(flags, "qungui-cluster-init", async (nats, pool, schema) => {
    const r = await initCluster(nats, pool, schema, ir, { partitions, replicas, duplicateWindowMs: windowS * 1000 }, Date.now()).catch((e: Error) => {
      throw new UsageError(describePgError(e));
    });
    io.out(`cluster ready: stream QUNGUI (${replicas} replicas), ${partitions} partitions with a durable consumer each, tables in schema ${schema}, policy ${r.policyId}\n`);
    return EXIT.ok;
  });
}

export function formatStatus(s: ClusterStatus): string {
  const lines: string[] = [];
  lines.push(
    s.stream === null
      ? "stream QUNGUI: missing (run qungui cluster init)"
      : `stream QUNGUI: ${s.stream.messages} messages, last sequence ${s.stream.lastSeq}, ${s.stream.replicas} replicas (${s.stream.replicasCurrent} current), leader ${s.stream.leader ?? "none"}`,
  );
  lines.push(`workers alive: ${s.workers}`);
  lines.push(`decisions: ${s.decisions} (${s.primaryDecisions} primary), dead letters: ${s.deadLetters}`);
  lines.push("");
  const head = ["partition", "owner", "position", "decided", "lag", "clock", "policy"];
  const rows = s.partitions.map((p) => [String(p.partition), p.owner ?? "-", String(p.position), String(p.consumed), p.lag === null ? "?" : String(p.lag), p.clock ?? "-", p.policy]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows]) lines.push(r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd());
  return lines.join("\n") + "\n";
}

export async function runClusterStatus(flags: ClusterFlags & { format?: string }, io: Io): Promise<number> {
  return withCluster(flags, "qungui-cluster-status", async (nats, pool, schema) => {
    const s = await clusterStatus(nats, pool, schema).catch((e: Error) => {
      throw new UsageError(describePgError(e));
    });
    io.out(flags.format === "json" ? JSON.stringify(s, null, 2) + "\n" : formatStatus(s));
    return EXIT.ok;
  });
}

export async function runClusterPolicy(policy: string, flags: ClusterFlags, io: Io): Promise<number> {
  const loaded = requirePolicy(policy, io);
  if (!loaded) return EXIT.diagnostics;
  const ir = loaded.ir;
  return withCluster(flags, "qungui-cluster-policy", async (nats, pool, schema) => {
    const r = await switchPolicy(nats, pool, schema, ir, Date.now()).catch((e: Error) => {
      throw new UsageError(describePgError(e));
    });
    io.out(`policy ${r.policyId} recorded; switch published to ${r.partitions} partitions (each switches at that point of its log)\n`);
    return EXIT.ok;
  });
}
