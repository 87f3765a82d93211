/**
 * The decision API's Prometheus metrics, through prom-client: one registry per server (several
 * servers in one process keep apart), Node's process and runtime metrics (CPU, memory, event-loop
 * lag, GC, handles) beside qungui's own.
 *
 * Counters bumped per decision use label children made once (`labels(...)` looks its series up by
 * hashing the label values; at 40 000 decisions a second that is worth avoiding).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Outcome } from "../engine/decision.js";
import type { DecideOutput } from "../service/engine.js";

export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;

export const OUTCOMES: readonly Outcome[] = ["allow", "deny", "noted", "measures", "ungoverned"];

/** What the gauges read when scraped. */
export interface MetricsSource {
  /** Journal position of the engine (null while it starts). */
  position(): number | null;
  /** 1 when ready to decide, else 0. */
  ready(): boolean;
}

export class Metrics {
  readonly registry = new Registry();
  readonly decisions = new Counter({ name: "qungui_decisions_total", help: "Decisions made, by outcome (timer decisions included).", labelNames: ["outcome"], registers: [this.registry] });
  readonly timerDecisions = new Counter({ name: "qungui_timer_decisions_total", help: "Decisions made by timers falling due (on events, and by the server's timer tick).", registers: [this.registry] });
  readonly events = new Counter({ name: "qungui_events_total", help: "Events received by the decide endpoint (each is decided, dead-lettered or a replay).", registers: [this.registry] });
  readonly deadLetters = new Counter({ name: "qungui_dead_letters_total", help: "Events not evaluated (invalid for the policy, duplicate id with other content, too old).", registers: [this.registry] });
  readonly replays = new Counter({ name: "qungui_replays_total", help: "Retries answered with the decisions an event got before (same id, same content).", registers: [this.registry] });
  readonly requests = new Counter({ name: "qungui_http_requests_total", help: "HTTP requests by method, route and status code.", labelNames: ["method", "route", "status"], registers: [this.registry] });
  readonly rejected = new Counter({ name: "qungui_rejected_requests_total", help: "Requests refused before the engine (validation, size, parse, media type), by status.", labelNames: ["status"], registers: [this.registry] });
  readonly reloads = new Counter({ name: "qungui_policy_reloads_total", help: "Policy reloads by result.", labelNames: ["result"], registers: [this.registry] });
  readonly storeErrors = new Counter({ name: "qungui_store_errors_total", help: "Commits and reads that failed in the store.", registers: [this.registry] });
  readonly ticks = new Counter({ name: "qungui_timer_ticks_total", help: "Clock events the server's tick journaled because a timer was due.", registers: [this.registry] });
  readonly latency = new Histogram({ name: "qungui_decide_duration_seconds", help: "Time to decide and commit one POST /v1/decide request.", buckets: [...LATENCY_BUCKETS], registers: [this.registry] });
  readonly commitLatency = new Histogram({ name: "qungui_commit_duration_seconds", help: "Time of one store commit (a group of calls), successful or not.", buckets: [...LATENCY_BUCKETS], registers: [this.registry] });
  readonly policyInfo = new Gauge({ name: "qungui_policy_info", help: "The policy in force (value 1), by name and id.", labelNames: ["name", "id"], registers: [this.registry] });
  private readonly byOutcome: Readonly<Record<Outcome, Counter.Internal>>;
  private readonly rejectedByStatus = new Map<number, Counter.Internal>();

  private readonly buildInfo = new Gauge({ name: "qungui_build_info", help: "qungui's version, the Node.js version and the store kind (value 1).", labelNames: ["version", "node", "store"], registers: [this.registry] });

  constructor(
    private readonly version: string,
    source: MetricsSource,
  ) {
    collectDefaultMetrics({ register: this.registry });
    this.setStore("starting");
    new Gauge({
      name: "qungui_journal_position",
      help: "The last journal sequence number the engine applied.",
      registers: [this.registry],
      collect() {
        const p = source.position();
        if (p !== null) this.set(p);
      },
    });
    new Gauge({
      name: "qungui_ready",
      help: "1 when the server is ready to decide (the store commits, the policy is loaded, not draining).",
      registers: [this.registry],
      collect() {
        this.set(source.ready() ? 1 : 0);
      },
    });
    this.byOutcome = Object.fromEntries(OUTCOMES.map((o) => [o, this.decisions.labels(o)])) as Record<Outcome, Counter.Internal>;
    for (const c of [this.events, this.deadLetters, this.replays, this.timerDecisions, this.storeErrors, this.ticks]) c.inc(0);
  }

  /** Counts the decisions, timer decisions, dead letters and replays of some results. */
  countResults(results: readonly DecideOutput[]): void {
    const n: Record<Outcome, number> = { allow: 0, deny: 0, noted: 0, measures: 0, ungoverned: 0 };
    let timers = 0;
    let dead = 0;
    let replays = 0;
    for (const r of results) {
      if (r.replay === true) {
        replays++;
        continue;
      }
      for (const d of r.decisions) {
        n[d.outcome]++;
        if (d.trigger === "timer") timers++;
      }
      if (r.deadLetterJson !== undefined) dead++;
    }
    for (const o of OUTCOMES) if (n[o] > 0) this.byOutcome[o].inc(n[o]);
    if (timers > 0) this.timerDecisions.inc(timers);
    if (dead > 0) this.deadLetters.inc(dead);
    if (replays > 0) this.replays.inc(replays);
  }

  /** Counts a request refused before the engine. */
  reject(status: number): void {
    let c = this.rejectedByStatus.get(status);
    if (c === undefined) {
      c = this.rejected.labels(String(status));
      this.rejectedByStatus.set(status, c);
    }
    c.inc();
  }

  /** Sets the store kind of `qungui_build_info` (one series). */
  setStore(kind: string): void {
    this.buildInfo.reset();
    this.buildInfo.labels(this.version, process.versions.node, kind).set(1);
  }

  /** Sets the policy in force (one series). */
  setPolicy(name: string, id: string): void {
    this.policyInfo.reset();
    this.policyInfo.labels(name, id).set(1);
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
