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
 *
 * `POST /v1/policy` (with the admin token, as the single server's) makes a policy the cluster's as
 * `qungui cluster policy` does: its IR is recorded in `cluster_policies`, then a switch message goes
 * to every partition, so every worker switches at the same point of the log. `GET /metrics` is
 * Prometheus (./cluster-metrics.ts); `/v1/health/live` and `/v1/health/ready` as the single server's.
 */
import { performance } from "node:perf_hooks";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import type pg from "pg";
import { switchPolicy } from "../cluster/admin.js";
import { messagesOf, publishOne, type Outgoing } from "../cluster/ingest.js";
import type { Nats } from "../cluster/nats.js";
import { DECIDED_PREFIX, type Announcement } from "../cluster/worker.js";
import { diagnosticsToJson } from "../source/render.js";
import { ClusterMetrics } from "./cluster-metrics.js";
import { API_VERSION, compileReload, tokenMatches } from "./server.js";
import { nodeServerFactory } from "./node-server.js";

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
  /** Bearer token that guards `POST /v1/policy`; without one, reloading is disabled. */
  adminToken?: string;
  /** The time a reloaded policy is recorded with (the CLI passes the system clock). */
  clock: () => number;
  /** TLS: the server certificate (chain) and private key, PEM. Without them, plain HTTP. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** File name used in diagnostics of a reloaded policy. */
  policyName?: string;
  /** Against slow clients, as the single server: the whole request, its headers, an idle keep-alive connection (ms). */
  requestTimeoutMs?: number;
  headersTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
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

const isSettled = (w: Waiter) => w.settled >= w.copies;

export async function buildClusterServer(o: ClusterServerOptions): Promise<FastifyInstance> {
  const serverFactory = nodeServerFactory(o);
  const logger = o.logger === false ? false : { level: o.logger === true ? "info" : o.logger.level, redact: ["req.headers.authorization", "req.headers.cookie"] };
  const app = Fastify({ logger, bodyLimit: o.bodyLimit, serverFactory });
  const waiters = new Waiters();
  // The NATS connection's state, for the metrics and readiness: the client reconnects by itself.
  let natsUp = !o.nats.nc.isClosed();
  const pgAnswers = async (): Promise<boolean> => {
    const probe = o.pool.query("SELECT 1").then(
      () => true,
      () => false,
    );
    return Promise.race([probe, new Promise<boolean>((r) => setTimeout(() => r(false), 2_000).unref())]);
  };
  const metrics = new ClusterMetrics(API_VERSION, {
    natsConnected: () => natsUp && !o.nats.nc.isClosed(),
    ready: async () => natsUp && !o.nats.nc.isClosed() && (await pgAnswers()),
    partitionsByPolicy: async () => {
      const r = await o.pool.query(`SELECT policy, count(*)::int AS n FROM "${o.schema}".cluster_partitions GROUP BY policy`);
      return new Map(r.rows.map((x) => [String(x.policy), Number(x.n)]));
    },
  });
  void (async () => {
    for await (const st of o.nats.nc.status()) {
      if (st.type === "disconnect") {
        natsUp = false;
        metrics.natsDisconnects.inc();
        app.log.warn("NATS connection lost; reconnecting");
      } else if (st.type === "reconnect") {
        natsUp = true;
        metrics.natsReconnects.inc();
        app.log.info("NATS connection made again");
      }
    }
  })();
  app.addHook("onResponse", async (req, reply) => {
    metrics.requests.inc({ method: req.method, route: req.routeOptions.url ?? "unmatched", status: String(reply.statusCode) });
  });
  const refuse = (reply: FastifyReply, status: number, error: string, message: string, extra: Record<string, unknown> = {}) => {
    metrics.rejected.labels(String(status)).inc();
    return reply.code(status).type("application/json").send(errorBody(status, error, message, extra));
  };
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
  app.get("/v1/health/live", async (_req, reply) => reply.type("application/json").send(JSON.stringify({ status: "live" })));
  app.get("/v1/health/ready", async (_req, reply) => {
    const nats = natsUp && !o.nats.nc.isClosed();
    const postgres = await pgAnswers();
    const ready = nats && postgres;
    if (!ready) reply.header("retry-after", "1");
    return reply
      .code(ready ? 200 : 503)
      .type("application/json")
      .send(JSON.stringify({ status: ready ? "ready" : "unavailable", cluster: true, partitions: o.partitions, nats: nats ? "connected" : "reconnecting", postgres: postgres ? "answering" : "unavailable" }));
  });

  app.get("/metrics", async (_req, reply) => {
    const m = await metrics.render();
    return reply.type(m.contentType).send(m.text);
  });

  app.post("/v1/policy", async (req, reply) => {
    if (o.adminToken === undefined || o.adminToken === "") return reply.code(403).type("application/json").send(errorBody(403, "Forbidden", "policy reload is disabled: the server was started without an admin token"));
    if (!tokenMatches(req.headers.authorization, o.adminToken)) {
      reply.header("www-authenticate", 'Bearer realm="qungui"');
      return reply.code(401).type("application/json").send(errorBody(401, "Unauthorized", "a valid bearer token is needed to reload the policy"));
    }
    const compiled = compileReload(req.body, o.policyName ?? "policy.qg", o.clock);
    if (compiled.program === null) {
      metrics.reloads.inc({ result: "refused" });
      return reply
        .code(422)
        .type("application/json")
        .send(
          errorBody(422, "Unprocessable Entity", "the policy has errors; the cluster's policy stays", {
            diagnostics: diagnosticsToJson(compiled.diagnostics),
            ...(compiled.rendered !== undefined ? { rendered: compiled.rendered } : {}),
          }),
        );
    }
    const program = compiled.program;
    let r;
    try {
      r = await switchPolicy(o.nats, o.pool, o.schema, program.ir, o.clock());
    } catch (e) {
      metrics.reloads.inc({ result: "failed" });
      // Recorded or not, no partition switches before its switch message is stored: sending the policy again is safe.
      reply.header("retry-after", "1");
      return reply.code(503).type("application/json").send(errorBody(503, "Service Unavailable", `the policy could not be made the cluster's: ${(e as Error).message}; send it again`));
    }
    metrics.reloads.inc({ result: "ok" });
    metrics.setPolicy(program.name, r.policyId);
    req.log.info({ policy: { name: program.name, id: r.policyId, partitions: r.partitions } }, "policy switch published to every partition");
    return reply.type("application/json").send(
      JSON.stringify({
        name: program.name,
        id: r.policyId,
        versions: program.versions.map((v) => ({ version: v.version, effective: v.effective, zone: v.zone })),
        // Each partition switches at its switch message: events after it are decided with this policy.
        switchAt: r.switchAt.map((seq, partition) => ({ partition, streamSeq: seq })),
      }),
    );
  });

  app.post("/v1/decide", async (req, reply) => {
    const t0 = performance.now();
    const body = req.body;
    const isBatch = Array.isArray(body);
    const events = isBatch ? (body as unknown[]) : [body];
    if (events.length === 0 || events.length > o.maxBatch) {
      return refuse(reply, 400, "Bad Request", `a request holds 1 to ${o.maxBatch} events`);
    }
    const ids: string[] = [];
    for (const [i, e] of events.entries()) {
      const id = e !== null && typeof e === "object" && !Array.isArray(e) ? (e as Record<string, unknown>)["id"] : undefined;
      if (typeof id !== "string" || id === "") {
        return refuse(reply, 400, "Bad Request", `${isBatch ? `/${i}` : "/"}: an event sent to the cluster needs a string id (its decisions are announced under it)`, { code: "QUNGUI_INVALID_EVENT" });
      }
      ids.push(id);
    }
    const ws: Waiter[] = [];
    const byPartition = new Map<number, Outgoing[]>();
    for (const [i, e] of events.entries()) {
      const r = messagesOf(JSON.stringify(e), i + 1, { partitions: o.partitions, maxPayload: o.nats.nc.info?.max_payload ?? 1 << 20 });
      if ("deadLetter" in r) return refuse(reply, 413, "Payload Too Large", `${isBatch ? `/${i}` : "/"}: ${r.deadLetter.reason}`);
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
    metrics.events.inc(events.length);
    try {
      let duplicates = 0;
      try {
        // In request order within each partition (one publish in flight per partition, as ingest).
        await Promise.all(
          [...byPartition.values()].map(async (list) => {
            for (const m of list) {
              const p0 = performance.now();
              const r = await publishOne(o.nats.js, m, o.timeoutMs);
              metrics.publishLatency.observe((performance.now() - p0) / 1000);
              if (r.duplicate) duplicates++;
            }
          }),
        );
      } catch (e) {
        metrics.publishFailures.inc();
        reply.header("retry-after", "1");
        return reply.code(503).type("application/json").send(errorBody(503, "Service Unavailable", `the events could not be published: ${(e as Error).message}`));
      }
      const published = performance.now();
      // A re-published event may have been decided long ago: its decisions are in the tables.
      if (duplicates > 0) {
        metrics.resent.inc(duplicates);
        for (const w of ws) {
          if (isSettled(w)) continue;
          await lookUp(w).catch(() => undefined);
          if (isSettled(w)) w.done();
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
          metrics.timeouts.inc();
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
      metrics.commitWait.observe((performance.now() - published) / 1000);
      for (const w of ws) metrics.countAnswer(w.decisions, w.deadLetters.length);
      metrics.latency.observe((performance.now() - t0) / 1000);
      const answers = ws.map(answerOf);
      return reply.type("application/json").send(isBatch ? `{"results":[${answers.join(",")}]}` : answers[0]!);
    } finally {
      for (const w of ws) waiters.remove(w);
    }
  });
  return app;
}
