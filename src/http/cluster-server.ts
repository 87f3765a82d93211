/**
 * `qungui serve --cluster` (docs/cluster.md, "Serving"): the decision API in front of the cluster.
 * `POST /v1/decide` publishes the request's events to their partitions (as `qungui ingest` does,
 * message id = event id) and answers with their decisions once a worker has committed them, in the
 * single server's shape (`{"decisions":[…],"deadLetter"?:…}`, or `{"results":[…]}` for an array).
 * Workers announce every committed batch on `qungui.decided.<p>` (core NATS); a waiter that missed
 * its announcement (a worker died between commit and announcement, the event was published before)
 * finds the decisions in PostgreSQL. When they are not committed within the timeout the answer is
 * 504 with what is known: the event is in the log and will be decided; asking again with the same
 * event id returns its decisions once they are committed (the stream drops the re-publish).
 */
import Fastify, { type FastifyInstance } from "fastify";
import type pg from "pg";
import { messagesOf, publishOne, type Outgoing } from "../cluster/ingest.js";
import type { Nats } from "../cluster/nats.js";
import { DECIDED_PREFIX, type Announcement } from "../cluster/worker.js";

export interface ClusterServerOptions {
  nats: Nats;
  partitions: number;
  pool: pg.Pool;
  schema: string;
  /** How long a request waits for its decisions before the 504. */
  timeoutMs: number;
  bodyLimit: number;
  maxBatch: number;
  logger: boolean | { level: string };
}

interface Waiter {
  id: string;
  /** Partitions deciding it: 1, or every partition for a broadcast event. */
  copies: number;
  decisions: string[];
  deadLetters: string[];
  /** Primary decisions and dead letters seen. */
  settled: number;
  done: () => void;
  /** Resolved by `done`. */
  whenDone: Promise<void>;
}

/** Waiters by event id, fed by the workers' announcements. */
class Waiters {
  private readonly byId = new Map<string, Set<Waiter>>();

  add(w: Waiter): void {
    let set = this.byId.get(w.id);
    if (set === undefined) this.byId.set(w.id, (set = new Set()));
    set.add(w);
  }

  remove(w: Waiter): void {
    const set = this.byId.get(w.id);
    set?.delete(w);
    if (set?.size === 0) this.byId.delete(w.id);
  }

  feed(a: Announcement): void {
    for (const [id, primary, json] of a.d) {
      if (id === null) continue;
      for (const w of this.byId.get(id) ?? []) {
        w.decisions.push(json);
        if (primary) this.settle(w);
      }
    }
    for (const [id, json] of a.x) {
      if (id === null) continue;
      for (const w of this.byId.get(id) ?? []) {
        w.deadLetters.push(json);
        this.settle(w);
      }
    }
  }

  private settle(w: Waiter): void {
    w.settled++;
    if (w.settled >= w.copies) w.done();
  }
}

function answerOf(w: Waiter): string {
  const dl = w.deadLetters.length > 0 ? `,"deadLetter":${w.deadLetters[0]}` : "";
  return `{"decisions":[${w.decisions.join(",")}]${dl}}`;
}

function errorBody(statusCode: number, error: string, message: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ statusCode, error, message, ...extra });
}

export async function buildClusterServer(o: ClusterServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: o.logger, bodyLimit: o.bodyLimit });
  const waiters = new Waiters();
  const sub = o.nats.nc.subscribe(`${DECIDED_PREFIX}.*`, {
    callback: (err, msg) => {
      if (err !== null) return;
      try {
        waiters.feed(JSON.parse(msg.string()) as Announcement);
      } catch {
        // Not an announcement: nothing to feed.
      }
    },
  });
  app.addHook("onClose", async () => {
    sub.unsubscribe();
  });

  /** The committed decisions of a waiter's event, from the tables (complete or not: `settled` says). */
  const lookUp = async (w: Waiter): Promise<void> => {
    const q = `"${o.schema}"`;
    const d = await o.pool.query(`SELECT json, primary_decision FROM ${q}.cluster_decisions WHERE event_id = $1 ORDER BY log_seq`, [w.id]);
    const x = await o.pool.query(`SELECT json FROM ${q}.cluster_dead_letters WHERE event_id = $1 ORDER BY id`, [w.id]);
    w.decisions = d.rows.map((r) => String(r.json));
    w.deadLetters = x.rows.map((r) => String(r.json));
    w.settled = d.rows.filter((r) => r.primary_decision === true).length + x.rows.length;
  };

  app.get("/health", async (_req, reply) => {
    const up = !o.nats.nc.isClosed();
    return reply
      .code(up ? 200 : 503)
      .type("application/json")
      .send(JSON.stringify({ status: up ? "ok" : "unavailable", cluster: true, partitions: o.partitions }));
  });

  app.post("/v1/decide", async (req, reply) => {
    const body = req.body;
    const isBatch = Array.isArray(body);
    const events = isBatch ? (body as unknown[]) : [body];
    if (events.length === 0 || events.length > o.maxBatch) {
      return reply.code(400).type("application/json").send(errorBody(400, "Bad Request", `a request holds 1 to ${o.maxBatch} events`));
    }
    const ids: string[] = [];
    for (const [i, e] of events.entries()) {
      const id = e !== null && typeof e === "object" && !Array.isArray(e) ? (e as Record<string, unknown>)["id"] : undefined;
      if (typeof id !== "string" || id === "") {
        return reply
          .code(400)
          .type("application/json")
          .send(errorBody(400, "Bad Request", `${isBatch ? `/${i}` : "/"}: an event sent to the cluster needs a string id (its decisions are announced under it)`, { code: "QUNGUI_INVALID_EVENT" }));
      }
      ids.push(id);
    }
    const ws: Waiter[] = [];
    const byPartition = new Map<number, Outgoing[]>();
    for (const [i, e] of events.entries()) {
      const r = messagesOf(JSON.stringify(e), i + 1, { partitions: o.partitions, maxPayload: o.nats.nc.info?.max_payload ?? 1 << 20 });
      if ("deadLetter" in r) return reply.code(413).type("application/json").send(errorBody(413, "Payload Too Large", `${isBatch ? `/${i}` : "/"}: ${r.deadLetter.reason}`));
      let done!: () => void;
      const whenDone = new Promise<void>((res) => (done = res));
      const w: Waiter = { id: ids[i]!, copies: r.messages.length, decisions: [], deadLetters: [], settled: 0, done, whenDone };
      ws.push(w);
      for (const m of r.messages) {
        const list = byPartition.get(m.partition) ?? [];
        list.push(m);
        byPartition.set(m.partition, list);
      }
    }
    // Waiting starts before publishing, so an announcement cannot come before its waiter.
    for (const w of ws) waiters.add(w);
    try {
      let duplicates = 0;
      try {
        // In request order within each partition (one publish in flight per partition, as ingest).
        await Promise.all(
          [...byPartition.values()].map(async (list) => {
            for (const m of list) if ((await publishOne(o.nats.js, m, o.timeoutMs)).duplicate) duplicates++;
          }),
        );
      } catch (e) {
        return reply.code(503).type("application/json").send(errorBody(503, "Service Unavailable", `the events could not be published: ${(e as Error).message}`));
      }
      // A re-published event may have been decided long ago: its decisions are in the tables.
      if (duplicates > 0) {
        for (const w of ws) {
          if (w.settled >= w.copies) continue;
          await lookUp(w).catch(() => undefined);
          if (w.settled >= w.copies) w.done();
        }
      }
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<"timeout">((res) => (timer = setTimeout(() => res("timeout"), o.timeoutMs)));
      const all = Promise.all(ws.map((w) => w.whenDone)).then(() => "done" as const);
      const outcome = await Promise.race([all, timedOut]);
      clearTimeout(timer);
      if (outcome === "timeout") {
        // The announcement may have been lost (a worker died between commit and announcement).
        for (const w of ws) if (w.settled < w.copies) await lookUp(w).catch(() => undefined);
        const pending = ws.filter((w) => w.settled < w.copies).map((w) => w.id);
        if (pending.length > 0) {
          return reply
            .code(504)
            .type("application/json")
            .send(
              errorBody(
                504,
                "Gateway Timeout",
                `no worker committed the decisions of ${pending.length} event(s) within ${o.timeoutMs} ms; they are in the cluster's log and will be decided when a worker takes their partition; send them again (same ids) to get their decisions`,
                { code: "QUNGUI_CLUSTER_TIMEOUT", pending },
              ),
            );
        }
      }
      const answers = ws.map(answerOf);
      return reply.type("application/json").send(isBatch ? `{"results":[${answers.join(",")}]}` : answers[0]!);
    } finally {
      for (const w of ws) waiters.remove(w);
    }
  });
  return app;
}
