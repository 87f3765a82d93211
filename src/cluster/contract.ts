/**
 * The cluster's wire contract (docs/cluster.md, "Contract"): what a publisher sends so that any
 * NATS client, not only `qungui ingest`, can feed the workers. One JetStream stream holds every
 * partition; partition `p` is the subject `qungui.events.<p>`. A message's data is one event exactly
 * as a JSON Lines input line (docs/events.md); the `Nats-Msg-Id` header is the event id, so
 * JetStream drops a re-publish within its duplicate window and the workers' seen-ids table drops
 * it after. Events that concern everyone (`agreement.published`, `clock`) go to every partition,
 * with `Nats-Msg-Id` = `<id>@<partition>` (a stream's message ids are unique across subjects).
 */
import { BROADCAST_TYPES } from "../store/partition-tables.js";

/** The stream's name. */
export const STREAM = "QUNGUI";
/** Prefix of the partition subjects. */
export const SUBJECT_PREFIX = "qungui.events";
/** The header a policy switch carries (data: the policy id, whose IR `qungui cluster policy` stored in PostgreSQL). */
export const KIND_HEADER = "Qungui-Kind";
/** Values of {@link KIND_HEADER}; a message without the header is an event. */
export const MESSAGE_KINDS = ["event", "policy"] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** Event types published to every partition, and the id of each copy (kept with the tables, which a single engine writes too). */
export { BROADCAST_TYPES, broadcastMsgId } from "../store/partition-tables.js";

/** The default partition count of `qungui cluster init`. */
export const DEFAULT_PARTITIONS = 16;
/** Partition counts are bounded so timer sequence numbers of different partitions never meet (see {@link timerSeqBase}). */
export const MAX_PARTITIONS = 4096;

export function subjectOf(partition: number): string {
  return `${SUBJECT_PREFIX}.${partition}`;
}

/** The partition of a subject, or null when it is not a partition subject. */
export function partitionOfSubject(subject: string): number | null {
  const m = /^qungui\.events\.(0|[1-9][0-9]{0,3})$/.exec(subject);
  return m === null ? null : Number(m[1]);
}

/**
 * FNV-1a, 32 bits, over the key's UTF-8 bytes: small enough to restate in any language
 * (docs/cluster.md gives it), and stable, because the partition of every user and group depends on it.
 */
export function fnv1a(key: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(key, "utf8")) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Where one input line goes: one partition, or all of them. */
export type Route = { kind: "one"; partition: number; msgId: string | null } | { kind: "all"; msgId: string };

const str = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null);

/**
 * The partition key of an event: its group; for a complaint, the complaint (`complaint.resolved`
 * names only the complaint, and the deadline timer must live where the resolution cancels it);
 * else its user (`user`, then `actor`, then `by`). Null for an event that names none of them.
 */
export function partitionKey(ev: Record<string, unknown>): string | null {
  const type = ev["type"];
  if (type === "complaint.filed" || type === "complaint.resolved") {
    const c = str(ev["complaint"]);
    if (c !== null) return `c:${c}`;
  }
  const g = str(ev["group"]);
  if (g !== null) return `g:${g}`;
  const u = str(ev["user"]) ?? str(ev["actor"]) ?? str(ev["by"]);
  return u === null ? null : `u:${u}`;
}

/**
 * Routes one input line. A line that is not a JSON object with a string `type`, or that names no
 * key, still goes somewhere (partition of the hash of the raw line, no message id), so that the
 * worker dead-letters it with its reason: nothing published vanishes.
 */
export function routeLine(line: string, partitions: number): Route {
  let ev: unknown;
  try {
    ev = JSON.parse(line);
  } catch {
    ev = null;
  }
  if (ev === null || typeof ev !== "object" || Array.isArray(ev)) return { kind: "one", partition: fnv1a(line) % partitions, msgId: null };
  const o = ev as Record<string, unknown>;
  const id = str(o["id"]);
  if (typeof o["type"] === "string" && BROADCAST_TYPES.includes(o["type"]) && id !== null) return { kind: "all", msgId: id };
  const key = partitionKey(o);
  return { kind: "one", partition: fnv1a(key ?? line) % partitions, msgId: id };
}

/**
 * The first timer sequence number of a partition. Timers are rows shared by all partitions (a
 * measure in one group's partition may cancel a user's timer set in another), so their numbers
 * must not collide: partition `p` numbers from `p · 2^40`.
 */
export function timerSeqBase(partition: number): number {
  return partition * 2 ** 40;
}
