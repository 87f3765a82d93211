/**
 * The cluster's JetStream side: connecting, the stream (every partition's subject, replicated) and
 * one durable pull consumer per partition. The consumer of a partition is recreated by the worker
 * that takes the partition over, starting just after the partition's committed position, so the
 * messages of one partition always reach its owner in stream order from where PostgreSQL says it
 * stands: a redelivery the server schedules later (unacknowledged messages of a dead worker) can
 * never overtake newer messages and be dropped as "already decided".
 */
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { STREAM, SUBJECT_PREFIX, subjectOf } from "./contract.js";

/** The durable consumer of partition `p`. */
export function consumerName(p: number): string {
  return `p${p}`;
}

/** `--nats` values: each may itself be a comma-separated list. */
export function natsServers(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(",")).map((s) => s.trim()).filter((s) => s !== "");
}

export interface Nats {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  close(): Promise<void>;
}

/** Why `servers` cannot be NATS addresses (`nats://host:port`, `tls://host:port` or `host:port`), or null. */
export function badNatsServer(servers: readonly string[]): string | null {
  for (const s of servers) {
    const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `nats://${s}`;
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return `not a NATS address: ${JSON.stringify(s)} (give nats://host:4222)`;
    }
    if (u.protocol !== "nats:" && u.protocol !== "tls:") return `not a NATS address: ${JSON.stringify(s)} (give nats://host:4222 or tls://host:4222)`;
    if (u.hostname === "") return `not a NATS address: ${JSON.stringify(s)} (no host; give nats://host:4222)`;
  }
  return null;
}

/**
 * Connects to any of `servers`, then reconnects for ever (a node's loss is a stall, not an end).
 * The first connection is tried once on each server: none answering is the caller's to report
 * (a wrong address or no server running), not a silent wait.
 */
export async function connectNats(servers: string[], name: string, patienceMs = 60_000): Promise<Nats> {
  const bad = badNatsServer(servers);
  if (bad !== null) throw new Error(bad);
  const nc = await connect({ servers, name, maxReconnectAttempts: -1, reconnectTimeWait: 250, waitOnFirstConnect: false, timeout: 5000 }).catch((e: Error) => {
    throw new Error(`no NATS server answered (${e.message}): is nats-server running there, with JetStream?`);
  });
  // JetStream answers only once it has a meta leader: after a node's loss that takes an election.
  const start = performance.now();
  let jsm: JetStreamManager;
  for (;;) {
    try {
      jsm = await jetstreamManager(nc, { timeout: 5000 });
      break;
    } catch (e) {
      if (performance.now() - start > patienceMs) {
        await nc.close().catch(() => undefined);
        throw e;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const js = jetstream(nc, { timeout: 5000 });
  return { nc, js, jsm, close: () => nc.close() };
}

const NANOS_PER_MS = 1_000_000;

export interface StreamOptions {
  partitions: number;
  replicas: number;
  /** How long JetStream remembers a message id (re-publish within it is dropped by the server). */
  duplicateWindowMs: number;
}

/** Creates the stream, or checks an existing one covers the partition subjects with the same replicas. */
export async function ensureStream(jsm: JetStreamManager, o: StreamOptions): Promise<void> {
  const subjects = [`${SUBJECT_PREFIX}.*`];
  const existing = await jsm.streams.info(STREAM).catch(() => null);
  if (existing !== null) {
    const had = partitionsOfDescription(existing.config.description);
    if (had !== null && had !== o.partitions) throw new Error(`the stream ${STREAM} exists with ${had} partitions, not ${o.partitions}`);
    if (existing.config.num_replicas !== o.replicas) throw new Error(`the stream ${STREAM} exists with ${existing.config.num_replicas} replicas, not ${o.replicas}`);
    return;
  }
  await jsm.streams.add({
    name: STREAM,
    description: describePartitions(o.partitions),
    subjects,
    num_replicas: o.replicas,
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    duplicate_window: o.duplicateWindowMs * NANOS_PER_MS,
  });
}

/** The stream's description carries the partition count, so publishers need only NATS (the servers 2.9 have no stream metadata). */
function describePartitions(n: number): string {
  return `qungui cluster: ${n} partitions`;
}
function partitionsOfDescription(d: string | undefined): number | null {
  const m = /^qungui cluster: ([0-9]+) partitions$/.exec(d ?? "");
  return m === null ? null : Number(m[1]);
}

/** The partition count, from the stream (created by `qungui cluster init`). */
export async function streamPartitions(jsm: JetStreamManager, patienceMs = 30_000): Promise<number> {
  const start = performance.now();
  let info;
  for (;;) {
    try {
      info = await jsm.streams.info(STREAM);
      break;
    } catch (e) {
      // A missing stream is final; a timeout (a leader election after a node's loss) is worth waiting out.
      if (!/timeout|no responders/i.test((e as Error).message) || performance.now() - start > patienceMs) {
        throw new Error(`no stream ${STREAM} (run qungui cluster init): ${(e as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const n = partitionsOfDescription(info.config.description);
  if (n === null) throw new Error(`the stream ${STREAM} does not say its partition count (was it created by qungui cluster init?)`);
  return n;
}

/**
 * (Re)creates partition `p`'s durable consumer to deliver from stream sequence `from` on. Ack
 * policy "all": acknowledging a batch's last message acknowledges the batch, one round trip.
 */
export async function resetConsumer(jsm: JetStreamManager, p: number, from: number, replicas: number): Promise<void> {
  // The old consumer must be gone: adding over it would keep (or refuse to change) its start.
  await jsm.consumers.delete(STREAM, consumerName(p)).catch((e: Error) => {
    if (!/consumer not found/i.test(e.message)) throw e;
  });
  await jsm.consumers.add(STREAM, {
    durable_name: consumerName(p),
    filter_subject: subjectOf(p),
    ack_policy: AckPolicy.All,
    deliver_policy: from <= 1 ? DeliverPolicy.All : DeliverPolicy.StartSequence,
    ...(from <= 1 ? {} : { opt_start_seq: from }),
    ack_wait: 60_000 * NANOS_PER_MS,
    max_ack_pending: 20_000,
    num_replicas: replicas,
  });
}

/** Creates partition `p`'s consumer when it is missing (init); an existing one is left as it is. */
export async function ensureConsumer(jsm: JetStreamManager, p: number, replicas: number): Promise<void> {
  const c = await jsm.consumers.info(STREAM, consumerName(p)).catch(() => null);
  if (c === null) await resetConsumer(jsm, p, 1, replicas);
}

/** Messages of partition `p` in the stream that its consumer has not delivered, and delivered but unacknowledged. */
export async function consumerLag(jsm: JetStreamManager, p: number): Promise<{ pending: number; unacked: number } | null> {
  const c = await jsm.consumers.info(STREAM, consumerName(p)).catch(() => null);
  return c === null ? null : { pending: c.num_pending, unacked: c.num_ack_pending };
}
