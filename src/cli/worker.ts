/**
 * `qungui worker --nats URL… --store postgres://…` (src/cluster/worker.ts): decides its share of
 * the cluster's partitions until SIGTERM or SIGINT, then lets the batch in progress finish, gives its
 * partitions up and prints what it did.
 */
import { hostname } from "node:os";
import { Worker } from "../cluster/worker.js";
import { clusterTargets, type ClusterFlags } from "./cluster.js";
import { EXIT, UsageError, type Io } from "./io.js";

export interface WorkerFlags extends ClusterFlags {
  name?: string;
  batch?: string;
  rebalance?: string;
  hangTimeout?: string;
}

function positive(v: string | undefined, what: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${what} must be a positive integer, not ${JSON.stringify(v)}`);
  return n;
}

export async function runWorker(flags: WorkerFlags, io: Io): Promise<number> {
  const { servers, target } = clusterTargets(flags);
  const name = flags.name ?? `${hostname()}-${process.pid}`;
  if (!/^[A-Za-z0-9._-]{1,40}$/.test(name)) throw new UsageError("--name: 1 to 40 letters, digits, dots, dashes or underscores");
  const rebalanceMs = positive(flags.rebalance, "--rebalance", 500);
  const hangTimeoutMs = positive(flags.hangTimeout, "--hang-timeout", 10_000);
  // The home session is spoken on once per rebalance round: the server must not end it between two.
  if (hangTimeoutMs < Math.max(1000, 2 * rebalanceMs)) throw new UsageError(`--hang-timeout must be at least 1000 ms and twice --rebalance (${rebalanceMs} ms)`);
  const worker = new Worker({
    servers,
    target,
    name,
    batchSize: positive(flags.batch, "--batch", 500),
    rebalanceMs,
    hangTimeoutMs,
    log: (line) => io.err(line + "\n"),
    wallClock: () => Date.now(),
    now: () => Date.now(),
  });
  await worker.start().catch((e: Error) => {
    throw new UsageError(`cannot start the worker: ${e.message}`);
  });
  io.err(`worker ${name}: running (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  await worker.stop();
  const s = worker.stats;
  io.err(
    `worker ${name}: stopped after ${s.messages} messages in ${s.batches} batches (${s.skipped} redeliveries dropped, ${s.takeovers} partitions taken, ` +
      `${s.statements} PostgreSQL statements, ${s.rowsWritten} rows written)\n`,
  );
  return EXIT.ok;
}
