/**
 * `serve --cluster`'s Prometheus metrics (prom-client), beside Node's process and runtime metrics.
 * What it shares with the single server's (./metrics.ts) has the same name and meaning: requests,
 * events received, decisions by outcome, dead letters, request duration, rejected requests, policy
 * reloads, build info, readiness, the policy in force. What only a cluster front has: the time each
 * publish takes until the stream acknowledges it, the wait from the last acknowledgement to the
 * committed decisions, the 504s and 503s, events re-sent, and the NATS connection's state.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Outcome } from "../engine/decision.js";
import { LATENCY_BUCKETS, OUTCOMES } from "./metrics.js";

/** Publish and commit waits are longer than one engine's decide: the buckets reach the 504 timeout. */
const WAIT_BUCKETS = [...LATENCY_BUCKETS, 10, 30] as const;

/** What the gauges read when scraped. */
export interface ClusterMetricsSource {
  /** 1 while the NATS connection is up. */
  natsConnected(): boolean;
  /** Ready: NATS connected and PostgreSQL answering. */
  ready(): Promise<boolean>;
  /** Partitions by the policy id in force (a switch in progress shows two). */
  partitionsByPolicy(): Promise<Map<string, number>>;
}

/** A committed decision's outcome (its JSON comes from a worker's row; anything else counts as none). */
function outcomeOf(json: string): Outcome | null {
  try {
    const o = (JSON.parse(json) as { outcome?: unknown }).outcome;
    return typeof o === "string" && (OUTCOMES as readonly string[]).includes(o) ? (o as Outcome) : null;
  } catch {
    return null;
  }
}

export class ClusterMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({ name: "qungui_http_requests_total", help: "HTTP requests by method, route and status code.", labelNames: ["method", "route", "status"], registers: [this.registry] });
  readonly events = new Counter({ name: "qungui_events_total", help: "Events received by the decide endpoint (each is published to its partitions).", registers: [this.registry] });
  readonly decisions = new Counter({ name: "qungui_decisions_total", help: "Decisions answered, by outcome (timer decisions included).", labelNames: ["outcome"], registers: [this.registry] });
  readonly deadLetters = new Counter({ name: "qungui_dead_letters_total", help: "Dead letters answered (events a worker did not evaluate).", registers: [this.registry] });
  readonly rejected = new Counter({ name: "qungui_rejected_requests_total", help: "Requests refused before publishing (validation, size, parse), by status.", labelNames: ["status"], registers: [this.registry] });
  readonly reloads = new Counter({ name: "qungui_policy_reloads_total", help: "Policy reloads by result (ok: recorded and a switch published to every partition).", labelNames: ["result"], registers: [this.registry] });
  readonly latency = new Histogram({ name: "qungui_decide_duration_seconds", help: "Time to answer one POST /v1/decide request: publish, then wait for the committed decisions.", buckets: [...WAIT_BUCKETS], registers: [this.registry] });
  readonly publishLatency = new Histogram({ name: "qungui_cluster_publish_duration_seconds", help: "Time from sending one message to the stream's acknowledgement (retries included).", buckets: [...WAIT_BUCKETS], registers: [this.registry] });
  readonly commitWait = new Histogram({ name: "qungui_cluster_commit_wait_seconds", help: "Time from a request's last acknowledged publish to its decisions committed by a worker.", buckets: [...WAIT_BUCKETS], registers: [this.registry] });
  readonly timeouts = new Counter({ name: "qungui_cluster_timeouts_total", help: "Requests answered 504: no worker committed their decisions within --decide-timeout.", registers: [this.registry] });
  readonly publishFailures = new Counter({ name: "qungui_cluster_publish_failures_total", help: "Requests answered 503: their events could not be published.", registers: [this.registry] });
  readonly resent = new Counter({ name: "qungui_cluster_resent_events_total", help: "Events already in the stream (same id): answered with their committed decisions.", registers: [this.registry] });
  readonly natsDisconnects = new Counter({ name: "qungui_nats_disconnects_total", help: "Times the NATS connection was lost.", registers: [this.registry] });
  readonly natsReconnects = new Counter({ name: "qungui_nats_reconnects_total", help: "Times the NATS connection was made again (to any of the cluster's servers).", registers: [this.registry] });
  private readonly policyInfo = new Gauge({ name: "qungui_policy_info", help: "The policy last reloaded through this server (value 1), by name and id.", labelNames: ["name", "id"], registers: [this.registry] });
  private readonly byOutcome: Readonly<Record<Outcome, Counter.Internal>>;

  constructor(version: string, source: ClusterMetricsSource) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({ name: "qungui_build_info", help: "qungui's version, the Node.js version and the store kind (value 1).", labelNames: ["version", "node", "store"], registers: [this.registry] })
      .labels(version, process.versions.node, "cluster")
      .set(1);
    new Gauge({
      name: "qungui_nats_connected",
      help: "1 while the connection to NATS is up, 0 while it is being made again.",
      registers: [this.registry],
      collect() {
        this.set(source.natsConnected() ? 1 : 0);
      },
    });
    new Gauge({
      name: "qungui_ready",
      help: "1 when the server can publish and read decisions (NATS connected, PostgreSQL answering).",
      registers: [this.registry],
      async collect() {
        this.set((await source.ready()) ? 1 : 0);
      },
    });
    new Gauge({
      name: "qungui_cluster_partitions_policy",
      help: "Partitions by the policy in force at their committed position (two ids while a switch goes through the log).",
      labelNames: ["id"],
      registers: [this.registry],
      async collect() {
        this.reset();
        const by = await source.partitionsByPolicy().catch(() => new Map<string, number>());
        for (const [id, n] of by) this.labels(id).set(n);
      },
    });
    this.byOutcome = Object.fromEntries(OUTCOMES.map((o) => [o, this.decisions.labels(o)])) as Record<Outcome, Counter.Internal>;
    for (const c of [this.events, this.deadLetters, this.timeouts, this.publishFailures, this.resent, this.natsDisconnects, this.natsReconnects]) c.inc(0);
  }

  /** Counts the decisions (their JSON, as committed) and dead letters of an answer. */
  countAnswer(decisionsJson: readonly string[], deadLetters: number): void {
    for (const j of decisionsJson) {
      const o = outcomeOf(j);
      if (o !== null) this.byOutcome[o].inc();
    }
    if (deadLetters > 0) this.deadLetters.inc(deadLetters);
  }

  /** Sets the policy last reloaded (one series). */
  setPolicy(name: string, id: string): void {
    this.policyInfo.reset();
    this.policyInfo.labels(name, id).set(1);
  }

  async render(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
