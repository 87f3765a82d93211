/**
 * `qungui worker` (docs/cluster.md, "Workers"): takes a fair share of the partitions, decides each
 * partition's messages in batches with src/cluster/batch.ts, acknowledges a batch only after its
 * transaction committed, and announces the committed decisions for `serve --cluster`.
 *
 * Ownership: the worker opens one PostgreSQL connection per partition it takes and holds the
 * partition's session advisory lock on it; every batch of that partition is decided on that same
 * connection. A commit therefore proves the lock was held during the batch, and a worker that dies
 * (or whose connection drops) loses the lock with the connection; the others see the partition free
 * at their next rebalance and one of them takes it over.
 *
 * Reading: on taking a partition over, the worker recreates the partition's durable consumer to
 * deliver from the committed position + 1. Only the owner pulls from it, so the delivery sequence of
 * its messages is 1, 2, 3, … (redeliveries included). A gap means someone else pulled from the
 * consumer (a former owner that has not yet noticed its connection is gone): those messages were
 * delivered elsewhere, so the owner decides only the messages before the gap and recreates the
 * consumer from its new position. No message is ever skipped; redeliveries at or below the position
 * are dropped by the batch's position check.
 *
 * A hung worker (stopped, swapped out, stuck in a long GC) keeps its connections open, and with them
 * its locks. So every session the worker opens asks PostgreSQL to end it after `hangTimeoutMs` of
 * silence (`idle_session_timeout`, `idle_in_transaction_session_timeout`), and a live worker speaks
 * on each of its sessions more often than that (a batch, or a `SELECT 1`). A hung worker's sessions
 * are ended by the server, its locks go with them, and the others take its partitions over. A
 * session the server is blocked writing a result to (the worker stopped before reading it) is not
 * idle; the other workers end it after the same timeout (`endStuckOwners`). When the hung worker
 * resumes, the batch it was deciding is on a connection the server has closed: it cannot commit it.
 */
import type { Consumer, JsMsg } from "@nats-io/jetstream";
import pg from "pg";
import { compileProgram, type Program } from "../engine/index.js";
import { loadIRText } from "../ir/load.js";
import { transientPgError } from "../store/postgres.js";
import { decideBatch, type CommittedDecision, type PartitionMessage, type Programs, type Queryable } from "./batch.js";
import { KIND_HEADER, STREAM } from "./contract.js";
import { announceWorker, endStuckOwners, liveWorkers, partitionOwners, tryLockPartition } from "./locks.js";
import { connectNats, consumerName, resetConsumer, type Nats } from "./nats.js";
import { describePgError, partitionCount, type PgTarget } from "./schema.js";

/** The core NATS subject on which a worker announces a partition's committed decisions (`serve --cluster` listens). */
export const DECIDED_PREFIX = "qungui.decided";
export function decidedSubject(p: number): string {
  return `${DECIDED_PREFIX}.${p}`;
}

/**
 * An announcement of one committed batch: `{"d":[[eventId, primary, decisionJson]…],"x":[[eventId, deadLetterJson]…]}`,
 * decisions in log order (a primary decision comes after the timer decisions its event triggered).
 */
export interface Announcement {
  d: [string | null, boolean, string][];
  x: [string | null, string][];
}
export function encodeAnnouncement(decisions: readonly CommittedDecision[], deadLetters: readonly { eventId: string | null; json: string }[]): string {
  const a: Announcement = { d: decisions.map((d) => [d.eventId, d.primary, d.json]), x: deadLetters.map((x) => [x.eventId, x.json]) };
  return JSON.stringify(a);
}

export interface WorkerOptions {
  servers: string[];
  target: PgTarget;
  /** Shown as the owner of its partitions (`cluster status`). */
  name: string;
  /** Most messages decided in one transaction. */
  batchSize: number;
  /** How often the worker looks for partitions to take or give up. */
  rebalanceMs: number;
  log: (line: string) => void;
  /** The wall clock intake compares events with (the CLI passes the system clock). */
  wallClock: () => number;
  /** The time written as `committed_at` (the CLI passes the system clock). */
  now: () => number;
  /**
   * PostgreSQL ends a session of this worker after this long without a statement, in a transaction
   * or not: the bound on how long a hung worker keeps its partitions. The worker speaks on each
   * session at least every quarter of it.
   */
  hangTimeoutMs: number;
}

export interface WorkerStats {
  batches: number;
  messages: number;
  skipped: number;
  statements: number;
  rowsWritten: number;
  takeovers: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Whether a failed statement's error says the server ended the session: a FATAL (such as the idle
 * timeouts, 25P03 and 57P05) or an operator's intervention (57P01 admin shutdown, 57P02 crash
 * shutdown, 57P03 cannot connect now). Its locks went with it.
 */
function endsSession(e: unknown): boolean {
  const { severity, code } = e as { severity?: unknown; code?: unknown };
  return severity === "FATAL" || severity === "PANIC" || code === "25P03" || (typeof code === "string" && code.startsWith("57P"));
}

/** A PostgreSQL connection that knows when it is gone, and why. */
class Session {
  alive = true;
  /** What ended it (the server's message when it was the server). */
  ended: string | null = null;
  /** When a statement was last sent (performance.now()): a session silent for the hang timeout is ended by the server. */
  private lastSpoke = performance.now();
  private constructor(readonly client: pg.Client) {
    client.on("error", (e: Error) => {
      this.alive = false;
      this.ended ??= e.message;
    });
    client.on("end", () => {
      this.alive = false;
      this.ended ??= "the connection closed";
    });
  }
  static async open(target: PgTarget, name: string, hangTimeoutMs: number): Promise<Session> {
    const client = new pg.Client({ connectionString: target.connectionString, application_name: name, connectionTimeoutMillis: 5000, keepAlive: true });
    const s = new Session(client);
    try {
      await client.connect();
    } catch (e) {
      s.alive = false;
      throw e;
    }
    try {
      // The server ends this session when the worker falls silent on it, releasing its locks.
      const ms = String(hangTimeoutMs);
      await client.query("SELECT set_config('idle_in_transaction_session_timeout', $1, false), set_config('idle_session_timeout', $1, false)", [ms]);
    } catch (e) {
      await s.close();
      // 42704: an unknown setting; idle_session_timeout came with PostgreSQL 14.
      if ((e as { code?: string }).code === "42704") throw new Error(`workers need PostgreSQL 14 or later (idle_session_timeout): ${(e as Error).message}`);
      throw e;
    }
    return s;
  }
  query(text: string, values?: unknown[]): Promise<pg.QueryResult> {
    this.lastSpoke = performance.now();
    return this.client.query(text, values).catch((e: unknown) => {
      // A statement in flight receives the server's FATAL itself, and the client's "error" event may
      // come later or not at all: the session is gone now, whichever tells it first.
      if (endsSession(e)) {
        this.alive = false;
        this.ended ??= (e as Error).message;
      }
      throw e;
    });
  }
  /** Speaks on the session when it has been silent for `everyMs`, so the server's idle timeout does not end a live worker's session. */
  async keepAlive(everyMs: number): Promise<void> {
    if (performance.now() - this.lastSpoke >= everyMs) await this.query("SELECT 1");
  }
  async close(): Promise<void> {
    this.alive = false;
    await this.client.end().catch(() => undefined);
  }
}

/** Compiled programs by policy id, loaded from `cluster_policies` once each. */
class ProgramCache implements Programs {
  private readonly cache = new Map<string, Program>();
  constructor(
    private readonly schema: string,
    private readonly wallClock: () => number,
  ) {}
  async get(id: string, q: Queryable): Promise<Program | null> {
    const hit = this.cache.get(id);
    if (hit !== undefined) return hit;
    const r = await q.query(`SELECT ir FROM "${this.schema}".cluster_policies WHERE id = $1`, [id]);
    if (r.rows.length === 0) return null;
    const loaded = loadIRText(String(r.rows[0].ir));
    if (loaded.ir === null) return null;
    const prog = compileProgram(loaded.ir, { wallClock: this.wallClock });
    this.cache.set(id, prog);
    return prog;
  }
}

/** One partition this worker owns: its session (holding the lock), its consumer, its loop. */
class PartitionRun {
  stopping = false;
  done: Promise<void>;
  private buffer: JsMsg[] = [];
  private wake: (() => void) | null = null;
  private nextDelivery = 1;

  constructor(
    private readonly w: Worker,
    readonly p: number,
    private readonly session: Session,
  ) {
    this.done = this.run().finally(() => session.close());
  }

  stop(): void {
    this.stopping = true;
    this.wake?.();
  }

  private live(): boolean {
    return !this.stopping && this.session.alive && !this.w.stopped;
  }

  private async run(): Promise<void> {
    const w = this.w;
    try {
      for (;;) {
        if (!this.live()) return;
        // (Re)start the partition's consumer just after the committed position.
        const pos = Number((await this.session.query(`SELECT position FROM "${w.schema}".cluster_partitions WHERE p = $1`, [this.p])).rows[0].position);
        // A NATS node lost or a leader election refuses the reset for a while: keep the partition and try again.
        for (let attempt = 0; ; attempt++) {
          try {
            await w.withNats((n) => resetConsumer(n.jsm, this.p, pos + 1, w.replicas));
            break;
          } catch (e) {
            if (attempt >= 50 || !this.live()) throw e;
            await sleep(200);
            await this.session.keepAlive(w.heartbeatMs);
          }
        }
        const consumer = await w.withNats((n) => n.js.consumers.get(STREAM, consumerName(this.p)));
        this.buffer = [];
        this.nextDelivery = 1;
        const epoch = { over: false };
        const pump = this.pump(consumer, epoch);
        try {
          const reset = await this.decideLoop();
          if (!reset) return;
        } finally {
          epoch.over = true;
          this.wake?.();
          await pump;
        }
      }
    } catch (e) {
      if (this.live()) w.log(`partition ${this.p}: ${(e as Error).message}; giving it up`);
      else if (!this.stopping && !w.stopped) {
        // Its session is gone (the server ended it, or the database went away): the lock went with it,
        // and the batch in progress, if any, was rolled back by the server.
        w.log(`partition ${this.p}: its PostgreSQL session ended (${this.session.ended ?? (e as Error).message}); nothing uncommitted was kept, the partition is given up`);
      }
    } finally {
      w.owned.delete(this.p);
    }
  }

  /** Pulls messages into the buffer until the epoch is over (backpressure: at most a few batches ahead). */
  private async pump(consumer: Consumer, epoch: { over: boolean }): Promise<void> {
    while (!epoch.over && this.live()) {
      if (this.buffer.length >= this.w.opts.batchSize * 4) {
        await sleep(20);
        continue;
      }
      try {
        const it = await consumer.fetch({ max_messages: this.w.opts.batchSize, expires: 1000 });
        for await (const m of it) {
          this.buffer.push(m);
          this.wake?.();
          if (epoch.over) break;
        }
      } catch {
        // A NATS node lost, a consumer leader moving: pull again shortly.
        await sleep(200);
      }
    }
  }

  /** Decides buffered messages until stopped (false) or until the consumer must be recreated (true). */
  private async decideLoop(): Promise<boolean> {
    const w = this.w;
    while (this.live()) {
      if (this.buffer.length === 0) {
        await new Promise<void>((r) => {
          this.wake = r;
          setTimeout(r, Math.min(500, w.heartbeatMs));
        });
        this.wake = null;
        if (this.live()) await this.session.keepAlive(w.heartbeatMs);
        continue;
      }
      const take = this.buffer.splice(0, w.opts.batchSize);
      // Only the contiguous run of deliveries: a gap means messages went to another puller.
      let n = 0;
      while (n < take.length && take[n]!.info.deliverySequence === this.nextDelivery + n) n++;
      const batch = take.slice(0, n);
      if (batch.length > 0) {
        await this.decide(batch);
        this.nextDelivery += n;
      }
      if (n < take.length) {
        w.log(`partition ${this.p}: deliveries ${this.nextDelivery}… went elsewhere; reading again from the committed position`);
        return true;
      }
    }
    return false;
  }

  private async decide(batch: JsMsg[]): Promise<void> {
    const w = this.w;
    const messages: PartitionMessage[] = batch.map((m) => ({
      seq: m.seq,
      kind: m.headers?.get(KIND_HEADER) === "policy" ? "policy" : "event",
      data: m.string(),
    }));
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await decideBatch(this.session, w.schema, this.p, messages, w.programs, w.opts.now());
        w.stats.batches++;
        w.stats.messages += r.decided;
        w.stats.skipped += r.skipped;
        w.stats.statements += r.statements;
        w.stats.rowsWritten += r.rowsWritten;
        // Committed: now acknowledge (ack policy "all": the last one covers the batch) and announce.
        batch[batch.length - 1]!.ack();
        if (r.decisions.length > 0 || r.deadLetterList.length > 0) w.announce(this.p, r.decisions, r.deadLetterList);
        return;
      } catch (e) {
        // A deadlock or serialization failure rolled back on a live session that still holds the lock: try again.
        const code = (e as { code?: string }).code;
        if (this.session.alive && (code === "40P01" || code === "40001") && attempt < 20) continue;
        if (!this.session.alive || transientPgError(e)) throw new Error(`PostgreSQL: ${(e as Error).message}`);
        throw e;
      }
    }
  }
}

export class Worker {
  stopped = false;
  readonly owned = new Map<number, PartitionRun>();
  readonly stats: WorkerStats = { batches: 0, messages: 0, skipped: 0, statements: 0, rowsWritten: 0, takeovers: 0 };
  readonly programs: ProgramCache;
  readonly schema: string;
  /** How often each session is spoken on at least (a quarter of the hang timeout). */
  readonly heartbeatMs: number;
  replicas = 3;
  private nats: Nats | null = null;
  private home: Session | null = null;
  private partitions = 0;
  private loop: Promise<void> | null = null;

  constructor(readonly opts: WorkerOptions) {
    this.schema = opts.target.schema;
    this.heartbeatMs = Math.max(50, Math.floor(opts.hangTimeoutMs / 4));
    this.programs = new ProgramCache(this.schema, opts.wallClock);
  }

  log(line: string): void {
    this.opts.log(`worker ${this.opts.name}: ${line}`);
  }

  /** Runs `f` with the NATS connection (connected once; the client reconnects by itself). */
  async withNats<T>(f: (n: Nats) => Promise<T>): Promise<T> {
    if (this.nats === null) this.nats = await connectNats(this.opts.servers, `qungui-worker ${this.opts.name}`);
    return f(this.nats);
  }

  announce(p: number, decisions: CommittedDecision[], deadLetters: { eventId: string | null; json: string }[]): void {
    try {
      this.nats?.nc.publish(decidedSubject(p), encodeAnnouncement(decisions, deadLetters));
    } catch {
      // Announcements are a courtesy to `serve --cluster`, which falls back to the table.
    }
  }

  /**
   * Starts the rebalance loop once NATS knows the stream. PostgreSQL may be down: the loop connects
   * when it is back (a worker restarted during a database restart waits instead of exiting).
   */
  async start(): Promise<void> {
    await this.withNats(async (n) => {
      const info = await n.jsm.streams.info(STREAM);
      this.replicas = info.config.num_replicas;
    });
    this.loop = this.rebalanceLoop();
  }

  private async connectHome(): Promise<void> {
    const home = await Session.open(this.opts.target, `qungui-worker ${this.opts.name}`, this.opts.hangTimeoutMs);
    if (!(await announceWorker(home, this.schema, this.opts.name))) {
      await home.close();
      // Also the case for a moment after a worker of this name was killed, until PostgreSQL sees its connection gone.
      throw new Error(`another worker called ${this.opts.name} is connected; waiting`);
    }
    try {
      this.partitions = await partitionCount(home.client, this.schema);
    } catch (e) {
      // The session holds this worker's name: kept open, the next attempt would find the name taken.
      await home.close();
      throw e;
    }
    this.home = home;
  }

  private async rebalanceLoop(): Promise<void> {
    // After (re)connecting, partitions are taken only once the count of live workers held still for
    // a round: workers starting together (or all reconnecting after a database restart) then each
    // take their share at once instead of one taking everything and handing most of it back.
    let lastCount = -1;
    let settled = false;
    while (!this.stopped) {
      try {
        if (this.home === null || !this.home.alive) {
          await this.home?.close();
          this.home = null;
          settled = false;
          lastCount = -1;
          await this.connectHome();
          this.log("connected to PostgreSQL");
        }
        if (!settled) {
          const n = await liveWorkers(this.home!, this.schema);
          settled = n === lastCount;
          lastCount = n;
        }
        if (settled) await this.rebalance(this.home!);
      } catch (e) {
        if (!this.stopped) this.log(`rebalance: ${describePgError(e as Error)}`);
      }
      await sleep(this.opts.rebalanceMs);
    }
  }

  /** Takes free partitions up to the fair share ⌈P / workers⌉, or gives up the ones above it. */
  private async rebalance(home: Session): Promise<void> {
    const workers = Math.max(1, await liveWorkers(home, this.schema));
    const share = Math.ceil(this.partitions / workers);
    // Runs told to stop are finishing their batch: they no longer count.
    const active = [...this.owned.values()].filter((r) => !r.stopping);
    if (active.length > share) {
      const extra = active.sort((a, b) => b.p - a.p).slice(0, active.length - share);
      for (const run of extra) {
        run.stop();
        this.log(`partition ${run.p}: given up (fair share ${share})`);
      }
      return;
    }
    if (this.owned.size >= share) return;
    // A worker stopped while PostgreSQL writes to it is "active", out of the idle timeouts' reach: end it here.
    for (const p of await endStuckOwners(home, this.schema, this.opts.hangTimeoutMs)) this.log(`partition ${p}: its owner has not read from PostgreSQL for ${this.opts.hangTimeoutMs} ms; its session was ended`);
    const owners = await partitionOwners(home, this.schema);
    // Start looking at a place of its own, so workers starting together do not all race for partition 0.
    const offset = (Number.parseInt(this.opts.name.replace(/[^0-9]/g, "").slice(-6) || "0", 10) * 7919) % this.partitions;
    for (let i = 0; i < this.partitions && this.owned.size < share && !this.stopped; i++) {
      const p = (offset + i) % this.partitions;
      if (owners.has(p) || this.owned.has(p)) continue;
      const session = await Session.open(this.opts.target, `qungui-worker ${this.opts.name}`, this.opts.hangTimeoutMs);
      if (!(await tryLockPartition(session, this.schema, p).catch(() => false))) {
        await session.close();
        continue;
      }
      this.stats.takeovers++;
      this.log(`partition ${p}: taken`);
      this.owned.set(p, new PartitionRun(this, p, session));
    }
  }

  /** Stops deciding (the batch in progress commits or rolls back first) and closes the connections. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const run of this.owned.values()) run.stop();
    await Promise.all([...this.owned.values()].map((r) => r.done));
    await this.loop;
    await this.home?.close();
    await this.nats?.close().catch(() => undefined);
  }
}
