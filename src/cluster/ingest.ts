/**
 * Publishing events to the cluster (docs/cluster.md, "Contract"): each input line to its partition's
 * subject with `Nats-Msg-Id`, broadcast events to every partition. Within a partition at most one
 * publish is in flight, and the next waits for the stream's acknowledgement of the previous: a
 * publish that times out (a NATS node lost, a leader election) is retried with the same message id
 * before anything after it in that partition is sent. So the stream holds each partition's events in
 * input order whatever fails, and a retry whose first attempt was stored after all is dropped by the
 * stream as a duplicate. Different partitions are published concurrently.
 */
import type { JetStreamClient } from "@nats-io/jetstream";
import type { MsgHdrs } from "@nats-io/transport-node";
import { redactLine, type DeadLetter } from "../engine/intake.js";
import { inputLine, refusedDeadLetter, withoutBom, type RefusedLine } from "../engine/stream.js";
import { broadcastMsgId, fnv1a, routeLine, subjectOf, type Route } from "./contract.js";

export interface IngestCounts {
  /** Non-blank input lines read. */
  lines: number;
  blankLines: number;
  /** Inputs the cluster's log accounts for: one per line routed to one partition, one per partition for a broadcast line. */
  inputs: number;
  /** Messages the stream stored for this run. */
  published: number;
  /** Messages the stream already had (same message id within its duplicate window). */
  duplicates: number;
  /** Lines that could not be published at all (not UTF-8, too long, larger than the servers' maximum payload): dead letters here. */
  deadLetters: number;
}

export interface PublishOptions {
  partitions: number;
  /** The servers' maximum payload in bytes. */
  maxPayload: number;
  /** Give up on a publish after this long of failed attempts (the servers stay unreachable). */
  giveUpMs?: number;
}

export interface Outgoing {
  partition: number;
  subject: string;
  data: string;
  msgId: string;
  /** Headers of a message that is not an event (a policy switch). */
  headers?: MsgHdrs;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The servers stayed unreachable for a publish: what was stored before is in `counts` (a re-run of the same input drops it by message id). */
export class PublishFailure extends Error {
  constructor(
    message: string,
    readonly counts: IngestCounts,
  ) {
    super(message);
  }
}

/**
 * The message id of a line routed to one partition: the event id, or, for a line without one
 * (malformed input that the worker will dead-letter), its line number and a hash of its bytes, so
 * that a retried publish of it is still dropped as a duplicate and it is decided once.
 */
export function lineMsgId(route: Route & { kind: "one" }, line: string, lineNo: number): string {
  return route.msgId ?? `line:${lineNo}:${fnv1a(line).toString(16)}`;
}

/** Publishes one message, retrying transient failures with the same message id. Resolves whether it was a duplicate. */
export async function publishOne(js: JetStreamClient, m: Outgoing, giveUpMs: number): Promise<{ seq: number; duplicate: boolean }> {
  const start = performance.now();
  let wait = 50;
  for (;;) {
    try {
      const ack = await js.publish(m.subject, m.data, { msgID: m.msgId, timeout: 2000, ...(m.headers === undefined ? {} : { headers: m.headers }) });
      return { seq: ack.seq, duplicate: ack.duplicate };
    } catch (e) {
      if (performance.now() - start > giveUpMs) throw new Error(`publishing to ${m.subject} failed for ${Math.round(giveUpMs / 1000)} s: ${(e as Error).message}`);
      await sleep(wait);
      wait = Math.min(wait * 2, 1000);
    }
  }
}

/** A value of the same JSON type with nothing of the original in it. */
function emptied(v: unknown): unknown {
  if (Array.isArray(v)) return [];
  if (v === null) return null;
  switch (typeof v) {
    case "object":
      return {};
    case "string":
      return "";
    case "number":
      return 0;
    case "boolean":
      return false;
    default:
      return null;
  }
}

/**
 * The line as it is published: an `identity` (the personal information of `user.verified`) is
 * emptied to a value of the same JSON type, as the single store's journal form does, so personal
 * information never reaches the stream. The engine checks only that it is an object and drops it,
 * so the decisions are the same. Any other line is published byte for byte.
 */
export function publishedForm(line: string): string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return line;
  }
  if (v === null || typeof v !== "object" || Array.isArray(v) || !Object.hasOwn(v, "identity")) return line;
  const o = v as Record<string, unknown>;
  o["identity"] = emptied(o["identity"]);
  return JSON.stringify(o);
}

/** What one line becomes: messages, or a dead letter when it cannot be published. */
export function messagesOf(rawLine: string, lineNo: number, o: PublishOptions): { messages: Outgoing[] } | { deadLetter: DeadLetter } {
  const line = publishedForm(rawLine);
  if (Buffer.byteLength(line, "utf8") + 512 > o.maxPayload) {
    return { deadLetter: { line: lineNo, reason: `the line is larger than the servers' maximum payload (${o.maxPayload} bytes)`, raw: redactLine(line, null) } };
  }
  const r = routeLine(line, o.partitions);
  if (r.kind === "all") {
    const messages: Outgoing[] = [];
    for (let p = 0; p < o.partitions; p++) messages.push({ partition: p, subject: subjectOf(p), data: line, msgId: broadcastMsgId(r.msgId, p) });
    return { messages };
  }
  return { messages: [{ partition: r.partition, subject: subjectOf(r.partition), data: line, msgId: lineMsgId(r, line, lineNo) }] };
}

const CHUNK = 20_000;

/** Publishes every line; resolves with the counts once the stream has acknowledged all of them. */
export async function publishLines(js: JetStreamClient, lines: Iterable<string | RefusedLine>, o: PublishOptions, deadLetter: (d: DeadLetter) => void): Promise<IngestCounts> {
  const counts: IngestCounts = { lines: 0, blankLines: 0, inputs: 0, published: 0, duplicates: 0, deadLetters: 0 };
  const giveUp = o.giveUpMs ?? 120_000;
  let queues: Outgoing[][] = Array.from({ length: o.partitions }, () => []);
  let queued = 0;
  const flush = async () => {
    const qs = queues;
    queues = Array.from({ length: o.partitions }, () => []);
    queued = 0;
    const outcomes = await Promise.allSettled(
      qs.map(async (q) => {
        for (const m of q) {
          const r = await publishOne(js, m, giveUp);
          if (r.duplicate) counts.duplicates++;
          else counts.published++;
        }
      }),
    );
    // Every partition has gone as far as it could before the failure is reported.
    const failed = outcomes.find((x): x is PromiseRejectedResult => x.status === "rejected");
    if (failed !== undefined) throw new PublishFailure((failed.reason as Error).message, counts);
  };
  let lineNo = 0;
  for (const raw of lines) {
    lineNo++;
    if (typeof raw !== "string") {
      // Refused by the reader (not UTF-8, longer than the maximum): a dead letter here, as in `qungui run`.
      counts.lines++;
      counts.deadLetters++;
      deadLetter(refusedDeadLetter(raw, lineNo));
      continue;
    }
    const line = inputLine(lineNo === 1 ? withoutBom(raw) : raw);
    if (line === null) {
      counts.blankLines++;
      continue;
    }
    counts.lines++;
    const r = messagesOf(line, lineNo, o);
    if ("deadLetter" in r) {
      counts.deadLetters++;
      deadLetter(r.deadLetter);
      continue;
    }
    counts.inputs += r.messages.length;
    for (const m of r.messages) queues[m.partition]!.push(m);
    queued += r.messages.length;
    if (queued >= CHUNK) await flush();
  }
  await flush();
  return counts;
}
