/**
 * A durable engine: a {@link Program} and its state, behind a {@link Store}. Every accepted event
 * and every decision is committed to the store before the decision is returned; on start the
 * engine recovers (latest snapshot + the journal after it) and resumes exactly where it stopped.
 *
 * Calls are serialised (one at a time, in call order). Several engines (processes, instances) may
 * share one store: a commit first applies what the others appended (see src/store/types.ts), so
 * every writer decides against the state of the whole journal.
 */
import {
  compileProgram,
  emptyState,
  restoreState,
  serializeDeadLetter,
  serializeDecision,
  snapshotState,
  type DeadLetter,
  type Decision,
  type EngineState,
  type EvaluateResult,
  type Program,
} from "../engine/index.js";
import type { Explanation } from "../engine/explain.js";
import { loadIR } from "../ir/load.js";
import { parseRfc3339 } from "../source/time.js";
import { MemoryStore } from "../store/memory.js";
import { StoreError, type CommitBatch, type DeadLetterRecord, type DecisionRecord, type InputCursor, type JournalEntry, type Store } from "../store/types.js";
import { journalForm } from "./journal-form.js";

/** The answer to one event: timer decisions that fell due, then its own decision; or a dead letter. */
export interface DecideResult {
  /** Timer decisions in due order, then the event's primary decision (none for a dead letter). */
  decisions: Decision[];
  /** Set when the event was not evaluated (invalid, duplicate, too old): it takes the primary decision's place. */
  deadLetter?: DeadLetter;
}

/** A {@link DecideResult} with the JSON the store kept (byte for byte what the log holds). */
export interface DecideOutput extends DecideResult {
  decisionJson: string[];
  deadLetterJson?: string;
}

/** How {@link createEngine} sets up an engine. */
export interface EngineOptions {
  /** Where state and records live. Default: a {@link MemoryStore} (not durable). */
  store?: Store;
  /**
   * The wall clock, epoch ms: stamps stored records (`recordedAt`) and is the default instant of
   * {@link Engine.advance}. Decisions never read it: the engine's time is the events' `at`.
   * Default: the engine clock (greatest event time), so records are stamped with event time.
   */
  clock?: () => number;
  /**
   * A snapshot of the state is committed every this many journal entries at least (default
   * 10 000); as the state grows the interval grows with it, to one entry per 100 bytes of state, so
   * that snapshots add about 100 bytes per entry to the roughly 1 KB an entry and its decisions
   * take. Recovery replays at most that many entries after the latest snapshot.
   */
  snapshotEvery?: number;
  /** Calls waiting while a commit runs are committed together, up to this many events. Default 5 000. */
  groupCommitLimit?: number;
}

/** One input of a commit. */
export type EngineInput = { kind: "value"; value: unknown } | { kind: "line"; line: string; lineNo: number | null };

interface PendingCall {
  inputs: readonly EngineInput[];
  cursor: InputCursor | undefined;
  resolve: (out: DecideOutput[]) => void;
  reject: (e: unknown) => void;
}

/** Thrown when the journal refers to a policy the engine must load before it can go on. */
class NeedPolicy extends Error {
  constructor(readonly policy: string) {
    super(`policy ${policy} is needed`);
  }
}


/**
 * Snapshot interval: at least one entry per this many bytes of state (see `snapshotEvery`). A
 * snapshot is serialised and written whole, inside a commit, on the thread that answers requests.
 * In `npm run bench:http` (10 s from an empty store: the state, and every snapshot, grows fast),
 * going from 200 to 50 cut the server's CPU time per decision by a fifth; 100 keeps about half of
 * that, for a replay on restart of at most twice as many entries as at 200 (docs/architecture.md,
 * "Durable state").
 */
const SNAPSHOT_BYTES_PER_ENTRY = 100;

function isoMs(at: string): number {
  return parseRfc3339(at) ?? 0;
}

function isAccepted(r: EvaluateResult): boolean {
  return r.deadLetter === undefined && r.decisions.length > 0;
}

/**
 * A policy's program, its state and a store: decides events durably. Create one with
 * {@link createEngine}; all methods may be called concurrently (they run one at a time).
 */
export class Engine {
  private state: EngineState = emptyState();
  /** Last journal entry applied to `state`. */
  private seq = 0;
  private snapshotSeq = 0;
  private programId: string;
  private current: Program;
  private readonly programs = new Map<string, Program>();
  private tail: Promise<unknown> = Promise.resolve();
  /** Set when a commit failed after the state moved: the next call recovers from the store first. */
  private broken = true;
  /** The sequence number of the snapshot in the batch being committed. */
  private pendingSnapshot: number | null = null;
  private readonly clockFn: () => number;
  private readonly every: number;
  /** Entries between snapshots now: `every`, or more for a large state. */
  private interval: number;
  private readonly groupLimit: number;

  private constructor(
    program: Program,
    /** The store the engine commits to. */
    readonly store: Store,
    options: EngineOptions,
  ) {
    this.current = program;
    this.programId = program.id;
    this.programs.set(this.programId, program);
    this.clockFn = options.clock ?? (() => this.state.clock ?? 0);
    this.every = Math.max(1, options.snapshotEvery ?? 10_000);
    this.interval = this.every;
    this.groupLimit = Math.max(1, options.groupCommitLimit ?? 5_000);
  }

  /** Opens an engine on a store and recovers its state. Use {@link createEngine}. */
  static async open(program: Program, options: EngineOptions = {}): Promise<Engine> {
    const e = new Engine(program, options.store ?? new MemoryStore(), options);
    await e.store.putPolicy(e.programId, JSON.stringify(program.ir));
    await e.exclusive(async () => e.recover());
    return e;
  }

  /** The program deciding new events. */
  get program(): Program {
    return this.current;
  }

  /** The id (sha256 of the IR) of the program deciding new events. */
  get policy(): string {
    return this.programId;
  }

  /** The last journal sequence number applied (0 before the first accepted event). */
  get position(): number {
    return this.seq;
  }

  /** The engine clock: the greatest accepted `at` (epoch ms), or null. */
  get clock(): number | null {
    return this.state.clock;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async programFor(id: string): Promise<Program> {
    const known = this.programs.get(id);
    if (known !== undefined) return known;
    const text = await this.store.getPolicy(id);
    if (text === null) throw new StoreError(`the journal names policy ${id.slice(0, 12)}…, which the store does not hold`);
    const { ir, diagnostics } = loadIR(JSON.parse(text));
    if (ir === null) throw new StoreError(`stored policy ${id.slice(0, 12)}… does not load: ${diagnostics[0]?.message ?? "invalid"}`);
    const p = compileProgram(ir);
    this.programs.set(id, p);
    return p;
  }

  private programSync(id: string): Program {
    const p = this.programs.get(id);
    if (p === undefined) throw new NeedPolicy(id);
    return p;
  }

  /** Applies one journal entry to a state (recovery, catching up, explain). */
  private replay(entry: JournalEntry, state: EngineState): EvaluateResult {
    const p = this.programSync(entry.policy);
    if (entry.body === "") {
      // Timer decisions committed before an internal error: the snapshot taken with them is where replay starts.
      throw new StoreError(`journal entry ${entry.seq} recorded an internal error and cannot be replayed; recover from the snapshot after it`);
    }
    const r = entry.kind === "advance" ? p.advance(Number(entry.body), state) : p.evaluate(JSON.parse(entry.body) as unknown, state);
    if (r.deadLetter !== undefined) {
      throw new StoreError(`journal entry ${entry.seq} does not replay (${r.deadLetter.reason}): the store does not match its policies`);
    }
    return r;
  }

  private async preload(entries: readonly JournalEntry[]): Promise<void> {
    for (const id of new Set(entries.map((e) => e.policy))) await this.programFor(id);
  }

  private async recover(): Promise<void> {
    const { snapshot, journal } = await this.store.recovery();
    await this.preload(journal);
    const state = snapshot === null ? emptyState() : restoreState(snapshot.state);
    let seq = snapshot?.seq ?? 0;
    for (const e of journal) {
      if (e.seq !== seq + 1) throw new StoreError(`the journal jumps from ${seq} to ${e.seq}: entries are missing`);
      this.replay(e, state);
      seq = e.seq;
    }
    this.state = state;
    this.seq = seq;
    this.snapshotSeq = snapshot?.seq ?? 0;
    this.broken = false;
  }

  /**
   * Evaluates inputs and commits them, with the state caught up with other writers first. The
   * state is changed in place; if the commit fails it no longer matches the store, so the engine
   * recovers before its next call.
   */
  private async submit(inputs: readonly EngineInput[], cursor?: InputCursor, advanceTo?: number): Promise<DecideOutput[]> {
    if (this.broken) await this.recover();
    for (let attempt = 0; ; attempt++) {
      let outputs: DecideOutput[] = [];
      const startSeq = this.seq;
      this.pendingSnapshot = null;
      let moved = false;
      try {
        await this.store.commit(this.seq, (missed) => {
          for (const e of missed) {
            moved = true;
            this.replay(e, this.state);
            this.seq = e.seq;
          }
          moved = true;
          const built = this.evaluateAll(inputs, advanceTo);
          outputs = built.outputs;
          if (cursor !== undefined) built.batch.cursor = cursor;
          if (built.batch.entries.length === 0 && built.batch.deadLetters.length === 0 && built.batch.cursor === undefined && built.batch.snapshot === undefined) return null;
          return built.batch;
        });
      } catch (e) {
        if (moved || this.seq !== startSeq) this.broken = true;
        if (e instanceof NeedPolicy && attempt < 8) {
          await this.programFor(e.policy);
          if (this.broken) await this.recover();
          continue;
        }
        throw e;
      }
      if (this.pendingSnapshot !== null) this.snapshotSeq = this.pendingSnapshot;
      this.pendingSnapshot = null;
      return outputs;
    }
  }

  private evaluateAll(inputs: readonly EngineInput[], advanceTo: number | undefined): { outputs: DecideOutput[]; batch: CommitBatch } {
    const entries: JournalEntry[] = [];
    const decisions: DecisionRecord[] = [];
    const deadLetters: DeadLetterRecord[] = [];
    const outputs: DecideOutput[] = [];
    const recordedAt = this.clockFn();
    const p = this.current;
    let forceSnapshot = false;
    const record = (r: EvaluateResult, body: () => string, kind: JournalEntry["kind"], eventId: string | null, atMs: number): DecideOutput => {
      const out: DecideOutput = { decisions: r.decisions, decisionJson: [] };
      if (r.deadLetter !== undefined) {
        out.deadLetter = r.deadLetter;
        out.deadLetterJson = serializeDeadLetter(r.deadLetter);
        deadLetters.push({ json: out.deadLetterJson, afterSeq: this.seq });
        if (r.deadLetter.reason.startsWith("internal error")) forceSnapshot = true;
      }
      if (r.decisions.length > 0 || (kind === "advance" && r.deadLetter === undefined)) {
        const seq = ++this.seq;
        entries.push({ seq, kind, body: body(), eventId, atMs, policy: this.programId, recordedAt });
        // Every decision of an entry carries its event's `at` (timer decisions too): one parse.
        for (const d of r.decisions) {
          const json = serializeDecision(d);
          out.decisionJson.push(json);
          decisions.push({ entry: seq, json, atMs });
        }
      }
      return out;
    };
    for (const input of inputs) {
      const r = input.kind === "line" ? p.evaluateLine(input.line, input.lineNo, this.state) : p.evaluate(input.value, this.state);
      if (!isAccepted(r)) {
        outputs.push(record(r, () => "", "event", null, 0));
        continue;
      }
      const primary = r.decisions[r.decisions.length - 1]!;
      const body = () => journalForm(input.kind === "line" ? (JSON.parse(input.line) as unknown) : input.value);
      outputs.push(record(r, body, "event", primary.event, isoMs(primary.at)));
    }
    if (advanceTo !== undefined) {
      const before = this.state.clock;
      const r = p.advance(advanceTo, this.state);
      if (r.deadLetter !== undefined) {
        forceSnapshot = true;
        outputs.push(record(r, () => "", "event", null, 0));
      } else if (r.decisions.length > 0 || before === null || advanceTo > before) {
        outputs.push(record(r, () => String(advanceTo), "advance", null, advanceTo));
      } else {
        outputs.push({ decisions: [], decisionJson: [] });
      }
    }
    const batch: CommitBatch = { entries, decisions, deadLetters, recordedAt };
    if (forceSnapshot || (entries.length > 0 && this.seq - this.snapshotSeq >= this.interval)) {
      const state = snapshotState(this.state);
      batch.snapshot = { seq: this.seq, policy: this.programId, state, recordedAt };
      this.pendingSnapshot = this.seq;
      this.interval = Math.max(this.every, Math.round(state.length / SNAPSHOT_BYTES_PER_ENTRY));
    }
    return { outputs, batch };
  }

  /**
   * Decides one event (a parsed JSON object, interface v1). Resolves once the event and its
   * decisions are committed to the store. Never rejects for a bad event (that is a dead letter);
   * rejects with a {@link StoreError} when the store cannot commit, and then nothing was decided.
   *
   * @example
   * ```ts
   * const { decisions, deadLetter } = await engine.decide({
   *   id: "e7", type: "message.post", at: "2017-10-09T09:06:00+08:00", user: "bob", group: "g1", message: "m1",
   * });
   * const primary = decisions[decisions.length - 1]; // timer decisions that fell due come first
   * console.log(primary?.outcome, primary?.rule, primary?.reason, deadLetter?.reason);
   * ```
   */
  decide(event: unknown): Promise<DecideResult> {
    return this.decideRaw([{ kind: "value", value: event }]).then((out) => strip(out[0]!));
  }

  /** Decides events in order, committed together (one transaction): one result per event. */
  decideBatch(events: readonly unknown[]): Promise<DecideResult[]> {
    return this.decideRaw(events.map((value) => ({ kind: "value" as const, value }))).then((out) => out.map(strip));
  }

  /**
   * As {@link decideBatch}, with the JSON the store kept (for services that send it on). Calls that
   * arrive while a commit is in progress are committed together in the next transaction (group
   * commit): each still gets its own results, in call order.
   */
  decideRaw(inputs: readonly EngineInput[], cursor?: InputCursor): Promise<DecideOutput[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ inputs, cursor, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private readonly pending: PendingCall[] = [];
  private draining = false;

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const group: PendingCall[] = [];
      let size = 0;
      while (this.pending.length > 0 && (group.length === 0 || size + this.pending[0]!.inputs.length <= this.groupLimit)) {
        const c = this.pending.shift()!;
        group.push(c);
        size += c.inputs.length;
      }
      const inputs = group.length === 1 ? group[0]!.inputs : group.flatMap((c) => c.inputs);
      let cursor: InputCursor | undefined;
      for (const c of group) if (c.cursor !== undefined) cursor = c.cursor;
      try {
        const out = await this.exclusive(() => this.submit(inputs, cursor));
        let at = 0;
        for (const c of group) {
          c.resolve(out.slice(at, at + c.inputs.length));
          at += c.inputs.length;
        }
      } catch (e) {
        for (const c of group) c.reject(e);
      }
    }
    this.draining = false;
  }

  /**
   * Moves the engine clock to `to` (epoch ms or RFC 3339; default: the injected clock) and fires
   * the timers due, without an event. The clock never goes back.
   */
  advance(to?: number | string): Promise<DecideResult> {
    return this.exclusive(async () => {
      const ms = to === undefined ? this.clockFn() : typeof to === "number" ? to : parseRfc3339(to);
      if (ms === undefined || !Number.isFinite(ms)) throw new RangeError(`advance: not an instant: ${String(to)}`);
      const out = await this.submit([], undefined, ms);
      return strip(out[0] ?? { decisions: [], decisionJson: [] });
    });
  }

  /** The engine state as JSON (`restoreState` reads it back), as of the last committed call. */
  snapshot(): string {
    return snapshotState(this.state);
  }

  /** Commits a snapshot of the state now (recovery then replays nothing). */
  checkpoint(): Promise<void> {
    return this.exclusive(async () => {
      if (this.broken) await this.recover();
      await this.store.commit(this.seq, (missed) => {
        for (const e of missed) {
          this.replay(e, this.state);
          this.seq = e.seq;
        }
        return { entries: [], decisions: [], deadLetters: [], recordedAt: this.clockFn(), snapshot: { seq: this.seq, policy: this.programId, state: snapshotState(this.state), recordedAt: this.clockFn() } };
      });
      this.snapshotSeq = this.seq;
    });
  }

  /** What deciding `event` now would do, every rule with its condition values; changes nothing. */
  explain(event: unknown): Promise<Explanation> {
    return this.exclusive(async () => {
      if (this.broken) await this.recover();
      return this.current.explain(event, this.state);
    });
  }

  /**
   * Explains an event decided earlier, by id, as it was decided: the state before it is rebuilt
   * from the nearest snapshot and the journal. Null when no accepted event has that id; a
   * {@link StoreError} when the records it needs were purged.
   */
  async explainEvent(eventId: string): Promise<Explanation | null> {
    const entry = await this.store.findEvent(eventId);
    if (entry === null || entry.kind !== "event") return null;
    const snap = await this.store.snapshotAtOrBefore(entry.seq - 1);
    const start = await this.store.journalStart();
    const from = snap?.seq ?? 0;
    if (from + 1 < start && from + 1 < entry.seq) throw new StoreError(`the records before event ${JSON.stringify(eventId)} were purged; it can no longer be explained`);
    const journal = await this.store.journal(from, entry.seq - 1);
    await this.preload([...journal, entry]);
    const state = snap === null ? emptyState() : restoreState(snap.state);
    let seq = from;
    for (const e of journal) {
      if (e.seq !== seq + 1) throw new StoreError(`the journal jumps from ${seq} to ${e.seq}: entries are missing`);
      this.replay(e, state);
      seq = e.seq;
    }
    return this.programSync(entry.policy).explain(JSON.parse(entry.body) as unknown, state);
  }

  /** The decisions recorded for an event, as stored (timer decisions first). */
  async decisionsOf(eventId: string): Promise<string[] | null> {
    const entry = await this.store.findEvent(eventId);
    return entry === null ? null : this.store.decisionsOf(entry.seq);
  }

  /**
   * Switches to another program for the events that follow (a policy reload). The state is kept;
   * the journal names the policy of every entry, so recovery replays each with its own.
   */
  setProgram(program: Program): Promise<void> {
    return this.exclusive(async () => {
      const id = program.id;
      await this.store.putPolicy(id, JSON.stringify(program.ir));
      this.programs.set(id, program);
      this.current = program;
      this.programId = id;
    });
  }

  /** Waits for the calls in flight. The store stays open (its owner closes it). */
  async close(): Promise<void> {
    while (this.draining || this.pending.length > 0) await new Promise((r) => setImmediate(r));
    await this.exclusive(async () => undefined);
  }
}

function strip(o: DecideOutput): DecideResult {
  return o.deadLetter === undefined ? { decisions: o.decisions } : { decisions: o.decisions, deadLetter: o.deadLetter };
}

/**
 * Opens an engine for `program` on a store, recovering the state the store holds.
 *
 * @example
 * ```ts
 * const engine = await createEngine(program, { store: openSqliteStore("qungui.db"), clock: Date.now });
 * const { decisions } = await engine.decide({ id: "e1", type: "user.registered", at: "2017-10-09T09:00:00+08:00", user: "u1" });
 * ```
 */
export function createEngine(program: Program, options: EngineOptions = {}): Promise<Engine> {
  return Engine.open(program, options);
}
