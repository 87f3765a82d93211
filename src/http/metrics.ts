/**
 * The few Prometheus metrics the decision API exposes (text exposition format 0.0.4), without a
 * client library: counters by label and one latency histogram.
 */

export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

class Counter {
  private readonly values = new Map<string, number>();
  /** Label values (joined) → their series key: `inc` runs per decision, the escaping once per series. */
  private readonly keys = new Map<string, string>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labels: readonly string[] = [],
  ) {}

  /** Adds `by` to the series of these label values (in the order of `labels`). */
  inc(values: readonly string[] = [], by = 1): void {
    const id = values.length === 1 ? values[0]! : values.join("\u0000");
    let key = this.keys.get(id);
    if (key === undefined) {
      key = this.labels.map((l, i) => `${l}="${escapeLabel(values[i] ?? "")}"`).join(",");
      this.keys.set(id, key);
    }
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} counter\n`;
    if (this.values.size === 0 && this.labels.length === 0) out += `${this.name} 0\n`;
    for (const [k, v] of [...this.values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      out += k === "" ? `${this.name} ${v}\n` : `${this.name}{${k}} ${v}\n`;
    }
    return out;
  }
}

class Histogram {
  private readonly counts = new Array<number>(LATENCY_BUCKETS.length).fill(0);
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  observe(seconds: number): void {
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) if (seconds <= LATENCY_BUCKETS[i]!) this.counts[i]!++;
    this.sum += seconds;
    this.count++;
  }

  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`;
    LATENCY_BUCKETS.forEach((b, i) => (out += `${this.name}_bucket{le="${b}"} ${this.counts[i]}\n`));
    out += `${this.name}_bucket{le="+Inf"} ${this.count}\n${this.name}_sum ${this.sum}\n${this.name}_count ${this.count}\n`;
    return out;
  }
}

export class Metrics {
  readonly decisions = new Counter("qungui_decisions_total", "Decisions made, by outcome (timer decisions included).", ["outcome"]);
  readonly timerDecisions = new Counter("qungui_timer_decisions_total", "Decisions made by timers falling due.");
  readonly events = new Counter("qungui_events_total", "Events received by the decide endpoint (each is decided or dead-lettered).");
  readonly deadLetters = new Counter("qungui_dead_letters_total", "Events not evaluated (invalid for the policy, duplicate id, too old).");
  readonly requests = new Counter("qungui_http_requests_total", "HTTP requests by method, route and status code.", ["method", "route", "status"]);
  readonly rejected = new Counter("qungui_rejected_requests_total", "Requests refused before the engine (validation, size, parse), by status.", ["status"]);
  readonly reloads = new Counter("qungui_policy_reloads_total", "Policy reloads by result.", ["result"]);
  readonly storeErrors = new Counter("qungui_store_errors_total", "Commits that failed in the store.");
  readonly latency = new Histogram("qungui_decide_duration_seconds", "Time to decide and commit one POST /v1/decide request.");

  render(): string {
    return [this.decisions, this.timerDecisions, this.events, this.deadLetters, this.requests, this.rejected, this.reloads, this.storeErrors, this.latency].map((m) => m.render()).join("");
  }
}
