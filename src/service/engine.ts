/**
 * A durable engine: a {@link Program} and its state, behind a {@link Store}. Every accepted event
 * and every decision is committed to the store before the decision is returned; on start the
 * engine recovers (latest snapshot + the journal after it) and resumes exactly where it stopped.
 *
 * - **Call order.** Every call (decide, advance, explain, reload, checkpoint) joins one queue and
 *   runs in call order, whether or not the caller awaited the previous one; consecutive decide
 *   calls are committed together (group commit), each still answered with its own results.
 * - **Several writers.** Engines (processes, instances) may share one store: a commit first applies
 *   what the others appended (see src/store/types.ts), so every writer decides against the state
 *   of the whole journal.
 * - **The policy in force is journaled.** A reload is a `policy` entry: a restart, and every engine
 *   on the store, serves the policy the journal names, and a switch happens at one journal position
 *   for all (the others meet the entry when they next catch up, before deciding anything).
 * - **Idempotent retries.** An event whose id was already accepted, sent again with the same
 *   content, is answered with the decisions it got the first time, marked `replay`, and nothing is
 *   stored; with other content it is a dead letter (`duplicate event id`).
 */
import { EventEmitter } from "node:events";
import { performance } from "node:perf_hooks";
import {
  emptyState,
  boundedLine,
  MAX_LINE_BYTES,
  refusedDeadLetter,
  restoreState,
  serializeDeadLetter,
  serializeDecision,
  snapshotState,
  type DeadLetter,
  type Decision,
  type EngineState,
  type EvaluateResult,
  type Program,
  type RefusedLine,
} from "../engine/index.js";
import type { Explanation } from "../engine/explain.js";
import { hasSeen } from "../engine/state.js";
import { peekTimer } from "../engine/timers.js";
import { decisionParties, type ComplaintParties } from "../records/parties.js";
import { parseRfc3339 } from "../source/time.js";
import { MemoryStore } from "../store/memory.js";
import { clearTouched, noneTouched, quietly, trackTouches, type Touched } from "../store/touched.js";
import { StoreError, type CommitBatch, type DeadLetterRecord, type DecisionRecord, type InputCursor, type JournalEntry, type Store } from "../store/types.js";
import { Explainer } from "./explainer.js";
import { journalForm } from "./journal-form.js";
import { applyEntry, NeedPolicy, Policies } from "./replay.js";

/** The answer to one event: timer decisions that fell due, then its own decision; or a dead letter. */
export interface DecideResult {
  /** Timer decisions in due order, then the event's primary decision (none for a dead letter). */
  decisions: Decision[];
  /** Set when the event was not evaluated (invalid, duplicate, too old): it takes the primary decision's place. */
  deadLetter?: DeadLetter;
  /**
   * Set when the event was accepted before (same id, same content: a retry) and these are the
   * decisions it got then, as stored; nothing was decided or stored now.
   */
  replay?: true;
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
   * take. Recovery, and explaining a past event, replay at most that many entries.
   */
  snapshotEvery?: number;
  /** Calls waiting while a commit runs are committed together, up to this many events. Default 5 000. */
  groupCommitLimit?: number;
  /**
   * Which policy serves when the store already has one in force: `stored` (default), the one the
   * journal names, so that a restart serves what was reloaded; or `given`: `program` becomes the
   * policy in force, journaled as a switch (as a reload would be). On a new store `program` is
   * journaled as the first policy either way.
   */
  policy?: "stored" | "given";
  /**
   * The longest input line (kind `line`), in UTF-8 bytes, that is read as an event; a longer one
   * is a dead letter `line longer than N bytes (the maximum line length)`. Default
   * `MAX_LINE_BYTES` (1 MiB), as `qungui run` (docs/events.md, "Lines").
   */
  maxLineBytes?: number;
}

/** One input of a commit. */
export type EngineInput =
  | { kind: "value"; value: unknown }
  | { kind: "line"; line: string; lineNo: number | null }
  /** A line its reader refused (not UTF-8, too long): a dead letter, and nothing else happens. */
  | { kind: "refused"; refused: RefusedLine; lineNo: number | null };

/** One input's result: a line or a value evaluated, a refused line its dead letter. */
function evaluateInput(p: Program, input: EngineInput, state: EngineState, maxLineBytes: number): EvaluateResult {
  switch (input.kind) {
    case "line": {
      const line = boundedLine(input.line, maxLineBytes);
      return typeof line === "string" ? p.evaluateLine(line, input.lineNo, state) : { decisions: [], deadLetter: refusedDeadLetter(line, input.lineNo) };
    }
    case "value":
      return p.evaluate(input.value, state);
    case "refused":
      return { decisions: [], deadLetter: refusedDeadLetter(input.refused, input.lineNo) };
  }
}

/** How {@link Engine.decideRaw} treats its inputs. */
export interface DecideOptions {
  /**
   * Answer an event whose id was accepted before, with the same content, with its stored decisions
   * (`replay`) instead of a `duplicate event id` dead letter. Default true: a service's retry of an
   * event whose answer it did not get. `qungui run --store` turns it off, to dead-letter a
   * repeated line as `qungui run` does.
   */
  idempotent?: boolean;
}

/** What a commit did, for metrics (see {@link Engine.onCommit}). */
export interface CommitInfo {
  /** Wall time of the store's commit, seconds. */
  seconds: number;
  /** Journal entries written. */
  entries: number;
  /** Decisions written. */
  decisions: number;
  /** Dead letters written. */
  deadLetters: number;
  /** The journal position after it. */
  position: number;
  /** The error, when the commit failed (then nothing was written). */
  error?: StoreError;
}

type Op =
  | { kind: "decide"; inputs: readonly EngineInput[]; cursor: InputCursor | undefined; idempotent: boolean; resolve: (out: DecideOutput[]) => void; reject: (e: unknown) => void }
  | { kind: "task"; run: () => Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void };

/** A retry's original: its journal entry, and its decisions when known before the commit. */
interface Original {
  entry: JournalEntry;
  decisionJson: string[] | null;
}

/**
 * Snapshot interval: at least one entry per this many bytes of state (see `snapshotEvery`). A
 * snapshot is serialised and written whole, inside a commit, on the thread that answers requests.
 * A smaller figure snapshots more often and costs the server CPU time per decision; a larger one
 * lengthens the replay on restart. 100 is the compromise measured with `npm run bench:http`
 * (figures in docs/performance.md; docs/architecture.md, "Durable state").
 */
const SNAPSHOT_BYTES_PER_ENTRY = 100;

function isoMs(at: string): number {
  return parseRfc3339(at) ?? 0;
}

function isAccepted(r: EvaluateResult): boolean {
  return r.deadLetter === undefined && r.decisions.length > 0;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const NOTHING: DecideOutput = Object.freeze({ decisions: [], decisionJson: [] }) as DecideOutput;

/**
 * A policy's program, its state and a store: decides events durably. Create one with
 * {@link createEngine}; all methods may be called concurrently (they run one at a time, in call order).
 */
export class Engine {
  private state: EngineState = emptyState();
  /** Last journal entry applied to `state`. */
  private seq = 0;
  private snapshotSeq = 0;
  /** The program deciding new events: the policy in force. */
  private current: Program;
  /** The journal position where the policy in force took over (0: before any entry). */
  private since = 0;
  private readonly policies: Policies;
  private readonly queue: Op[] = [];
  private draining = false;
  private closed = false;
  /** Set when a commit failed after the state moved: the next call recovers from the store first. */
  private broken = true;
  /** The sequence number of the snapshot in the batch being committed. */
  private pendingSnapshot: number | null = null;
  private readonly clockFn: () => number;
  private readonly every: number;
  private readonly maxLineBytes: number;
  /** Entries between snapshots now: `every`, or more for a large state. */
  private interval: number;
  private readonly groupLimit: number;
  private readonly events = new EventEmitter();
  private readonly explainer: Explainer;
  /** The last store failure, until a commit or a catch-up succeeds (readiness). */
  private failure: StoreError | null = null;
  /** For a store that keeps the state as rows: the entries reached since the last commit (src/store/touched.ts). */
  private readonly touched: Touched | null;

  private constructor(
    program: Program,
    /** The store the engine commits to. */
    readonly store: Store,
    options: EngineOptions,
  ) {
    this.current = program;
    this.policies = new Policies(store);
    this.policies.add(program.id, program);
    this.clockFn = options.clock ?? (() => this.state.clock ?? 0);
    this.every = Math.max(1, options.snapshotEvery ?? 10_000);
    this.maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
    this.interval = this.every;
    this.groupLimit = Math.max(1, options.groupCommitLimit ?? 5_000);
    this.explainer = new Explainer(store);
    this.touched = store.keepsStateRows === true ? noneTouched() : null;
  }

  /** Opens an engine on a store and recovers its state. Use {@link createEngine}. */
  static async open(program: Program, options: EngineOptions = {}): Promise<Engine> {
    const e = new Engine(program, options.store ?? new MemoryStore(), options);
    await e.store.putPolicy(program.id, JSON.stringify(program.ir));
    await e.recover();
    await e.installPolicy(program, options.policy === "given");
    return e;
  }

  /** The program deciding new events (the policy in force). */
  get program(): Program {
    return this.current;
  }

  /** The id (`policyId`) of the policy in force. */
  get policy(): string {
    return this.current.id;
  }

  /** The journal position at which the policy in force took over. */
  get policySince(): number {
    return this.since;
  }

  /** The last journal sequence number applied (0 on an empty store). */
  get position(): number {
    return this.seq;
  }

  /** The engine clock: the greatest accepted `at` (epoch ms), or null. */
  get clock(): number | null {
    return this.state.clock;
  }

  /** When the earliest pending timer falls due (epoch ms), or null (the server's tick reads it). */
  get nextDue(): number | null {
    return peekTimer(this.state.timers)?.due ?? null;
  }

  /** The store failure since the last successful commit or catch-up, or null: the engine is ready. */
  get lastFailure(): StoreError | null {
    return this.failure;
  }

  /** Calls `listener` after every commit attempt (metrics); returns the function that stops it. */
  onCommit(listener: (info: CommitInfo) => void): () => void {
    this.events.on("commit", listener);
    return () => this.events.off("commit", listener);
  }

  // ---- the queue ------------------------------------------------------------------------------

  private enqueue<T>(run: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StoreError("the engine is closed"));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ kind: "task", run, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.draining) return;
    this.draining = true;
    // One turn of the event loop first, so that calls made together are committed together.
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      if (head.kind === "task") {
        this.queue.shift();
        try {
          head.resolve(await head.run());
        } catch (e) {
          head.reject(e);
        }
        continue;
      }
      const group: Extract<Op, { kind: "decide" }>[] = [];
      let size = 0;
      while (this.queue.length > 0) {
        const next = this.queue[0]!;
        if (next.kind !== "decide" || (group.length > 0 && size + next.inputs.length > this.groupLimit)) break;
        this.queue.shift();
        group.push(next);
        size += next.inputs.length;
      }
      const inputs = group.length === 1 ? group[0]!.inputs : group.flatMap((c) => c.inputs);
      const idempotent: boolean[] = [];
      for (const c of group) for (let i = 0; i < c.inputs.length; i++) idempotent.push(c.idempotent);
      let cursor: InputCursor | undefined;
      for (const c of group) if (c.cursor !== undefined) cursor = c.cursor;
      try {
        const out = await this.submit(inputs, idempotent, cursor);
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

  // ---- recovery and catching up ---------------------------------------------------------------

  private async recover(): Promise<void> {
    try {
      await this.recoverFromStore();
    } catch (e) {
      if (e instanceof StoreError) this.failure = e;
      throw e;
    }
  }

  private async recoverFromStore(): Promise<void> {
    const { snapshot, journal } = await this.store.recovery();
    if (snapshot !== null) await this.policies.load(snapshot.policy);
    await this.policies.preload(journal);
    const state = snapshot === null ? emptyState() : restoreState(snapshot.state);
    let seq = snapshot?.seq ?? 0;
    let current = snapshot === null ? null : this.policies.get(snapshot.policy);
    // Without a policy entry after the snapshot, the policy in force took over at or before it.
    let since = snapshot?.seq ?? 0;
    for (const e of journal) {
      if (e.seq !== seq + 1) throw new StoreError(`the journal jumps from ${seq} to ${e.seq}: entries are missing`);
      const p = applyEntry(e, state, this.policies);
      if (e.kind === "policy" || p !== current) since = e.seq;
      current = p;
      seq = e.seq;
    }
    this.state = state;
    if (this.touched !== null) {
      // The rows hold the state recovered; from here on the commits write what the engine reaches.
      clearTouched(this.touched);
      trackTouches(state, this.touched);
    }
    this.seq = seq;
    this.snapshotSeq = snapshot?.seq ?? 0;
    if (current !== null) this.current = current;
    this.since = since;
    this.broken = false;
  }

  /** Applies entries other writers committed (inside a commit, or when catching up). */
  private applyMissed(missed: readonly JournalEntry[]): void {
    for (const e of missed) {
      const before = this.current;
      this.current = applyEntry(e, this.state, this.policies);
      if (e.kind === "policy" || this.current !== before) this.since = e.seq;
      this.seq = e.seq;
    }
  }

  /**
   * Journals `program` as the policy in force when the store has none, or, with `force`, when the
   * store's is another; otherwise the store's stays. Decided inside the commit, so that engines
   * opening a new store together journal one first policy, not one each.
   */
  private async installPolicy(program: Program, force: boolean): Promise<void> {
    await this.commitWithPolicies((missed) => {
      this.applyMissed(missed);
      const inForce = this.seq > 0;
      if (inForce && (!force || this.current.id === program.id)) return null;
      return this.policyBatch(program);
    });
  }

  private policyBatch(program: Program): CommitBatch {
    const seq = ++this.seq;
    const recordedAt = this.clockFn();
    this.current = program;
    this.since = seq;
    return { entries: [{ seq, kind: "policy", body: program.id, eventId: null, atMs: this.state.clock ?? 0, policy: program.id, recordedAt }], decisions: [], deadLetters: [], recordedAt };
  }

  /**
   * A commit whose `build` may meet a policy it has not loaded (another writer's reload): the
   * commit is abandoned, the policy loaded, the state recovered and the commit tried again.
   */
  private async commitWithPolicies(build: (missed: JournalEntry[]) => CommitBatch | null): Promise<void> {
    if (this.broken) await this.recover();
    for (let attempt = 0; ; attempt++) {
      const startSeq = this.seq;
      let moved = false;
      const t0 = performance.now();
      let batch: CommitBatch | null = null;
      try {
        await this.store.commit(this.seq, (missed) => {
          moved = true;
          batch = build(missed);
          if (batch !== null && this.touched !== null) batch.state = { after: this.state, touched: this.touched };
          return batch;
        });
      } catch (e) {
        if (moved || this.seq !== startSeq) this.broken = true;
        if (e instanceof NeedPolicy && attempt < 8) {
          await this.policies.load(e.policy);
          await this.recover();
          continue;
        }
        const err = e instanceof StoreError ? e : new StoreError(`the commit failed: ${(e as Error).message}`, { cause: e });
        this.report({ seconds: (performance.now() - t0) / 1000, entries: 0, decisions: 0, deadLetters: 0, position: this.seq, error: err });
        throw e;
      }
      this.failure = null;
      const b = batch as CommitBatch | null;
      if (b !== null && this.touched !== null) clearTouched(this.touched);
      if (b !== null) this.report({ seconds: (performance.now() - t0) / 1000, entries: b.entries.length, decisions: b.decisions.length, deadLetters: b.deadLetters.length, position: this.seq });
      return;
    }
  }

  private report(info: CommitInfo): void {
    if (info.error !== undefined) this.failure = info.error;
    if (this.events.listenerCount("commit") > 0) this.events.emit("commit", info);
  }

  // ---- deciding -------------------------------------------------------------------------------

  /**
   * Evaluates inputs and commits them, with the state caught up with other writers first. The
   * state is changed in place; if the commit fails it no longer matches the store, so the engine
   * recovers before its next call.
   */
  private async submit(inputs: readonly EngineInput[], idempotent: readonly boolean[], cursor?: InputCursor, advanceTo?: number): Promise<DecideOutput[]> {
    if (this.broken) await this.recover();
    const known = await this.originals(inputs, idempotent);
    let outputs: DecideOutput[] = [];
    this.pendingSnapshot = null;
    await this.commitWithPolicies((missed) => {
      this.applyMissed(missed);
      const byEvent = new Map<string, Original>();
      for (const e of missed) if (e.eventId !== null) byEvent.set(e.eventId, { entry: e, decisionJson: null });
      const built = this.evaluateAll(inputs, idempotent, known, byEvent, advanceTo);
      outputs = built.outputs;
      if (cursor !== undefined) built.batch.cursor = cursor;
      const b = built.batch;
      if (b.entries.length === 0 && b.deadLetters.length === 0 && b.cursor === undefined && b.snapshot === undefined) return null;
      return b;
    });
    if (this.pendingSnapshot !== null) this.snapshotSeq = this.pendingSnapshot;
    this.pendingSnapshot = null;
    // A retry of an event another writer committed: its decisions are read now.
    for (const o of outputs) {
      const r = o as DecideOutput & { replayOf?: number };
      if (r.replayOf !== undefined) {
        o.decisionJson = await this.store.decisionsOf(r.replayOf);
        o.decisions = o.decisionJson.map((j) => JSON.parse(j) as Decision);
        delete r.replayOf;
      }
    }
    return outputs;
  }

  /** The journal entries (and decisions) of inputs that may be retries: ids already accepted. */
  private async originals(inputs: readonly EngineInput[], idempotent: readonly boolean[]): Promise<Map<string, Original>> {
    const out = new Map<string, Original>();
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i]!;
      if (!idempotent[i] || input.kind !== "value" || !isObject(input.value)) continue;
      const id = input.value["id"];
      if (typeof id !== "string" || out.has(id) || !hasSeen(this.state, id)) continue;
      const entry = await this.store.findEvent(id);
      if (entry !== null) out.set(id, { entry, decisionJson: await this.store.decisionsOf(entry.seq) });
    }
    return out;
  }

  private evaluateAll(
    inputs: readonly EngineInput[],
    idempotent: readonly boolean[],
    known: ReadonlyMap<string, Original>,
    missed: ReadonlyMap<string, Original>,
    advanceTo: number | undefined,
  ): { outputs: DecideOutput[]; batch: CommitBatch } {
    const entries: JournalEntry[] = [];
    const decisions: DecisionRecord[] = [];
    const deadLetters: DeadLetterRecord[] = [];
    const outputs: DecideOutput[] = [];
    const recordedAt = this.clockFn();
    const p = this.current;
    const policy = p.id;
    const state = this.state;
    const complaintOf = (id: string): ComplaintParties | undefined => state.complaints[id];
    /** Events accepted in this batch, for retries within it (a client resending before the answer). */
    const accepted = new Map<string, { entry: JournalEntry; out: DecideOutput }>();
    let forceSnapshot = false;
    const record = (r: EvaluateResult, kind: JournalEntry["kind"], event: Record<string, unknown> | null, atMs: number): DecideOutput => {
      const out: DecideOutput = { decisions: r.decisions, decisionJson: [] };
      if (r.deadLetter !== undefined) {
        out.deadLetter = r.deadLetter;
        out.deadLetterJson = serializeDeadLetter(r.deadLetter);
        deadLetters.push({ json: out.deadLetterJson, afterSeq: this.seq });
        if (r.deadLetter.reason.startsWith("internal error")) forceSnapshot = true;
      }
      if (r.decisions.length > 0 || (kind === "advance" && r.deadLetter === undefined)) {
        const seq = ++this.seq;
        const eventId = event === null ? null : (event["id"] as string);
        const entry: JournalEntry = { seq, kind, body: event === null ? (kind === "advance" ? String(atMs) : "") : journalForm(event), eventId, atMs, policy, recordedAt };
        entries.push(entry);
        if (eventId !== null) accepted.set(eventId, { entry, out });
        for (const d of r.decisions) {
          const json = serializeDecision(d);
          out.decisionJson.push(json);
          decisions.push({ entry: seq, json, atMs: d.due !== undefined ? isoMs(d.due) : atMs, parties: decisionParties(d, event, complaintOf) });
        }
      }
      return out;
    };
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i]!;
      if (idempotent[i] && input.kind === "value" && isObject(input.value)) {
        const retry = this.retryOf(input.value, accepted, missed, known);
        if (retry !== null) {
          outputs.push(retry);
          continue;
        }
      }
      const r = evaluateInput(p, input, state, this.maxLineBytes);
      if (!isAccepted(r)) {
        outputs.push(record(r, "event", null, 0));
        continue;
      }
      const primary = r.decisions[r.decisions.length - 1]!;
      // Accepted, so a line or a value (a refused line is a dead letter).
      const event = (input.kind === "line" ? JSON.parse(input.line) : input.kind === "value" ? input.value : null) as Record<string, unknown>;
      outputs.push(record(r, "event", event, isoMs(primary.at)));
    }
    if (advanceTo !== undefined) {
      const before = state.clock;
      const r = p.advance(advanceTo, state);
      if (r.deadLetter !== undefined) {
        forceSnapshot = true;
        outputs.push(record(r, "event", null, 0));
      } else if (r.decisions.length > 0 || before === null || advanceTo > before) {
        outputs.push(record(r, "advance", null, advanceTo));
      } else {
        outputs.push({ ...NOTHING, decisions: [], decisionJson: [] });
      }
    }
    const batch: CommitBatch = { entries, decisions, deadLetters, recordedAt };
    if (forceSnapshot || (entries.length > 0 && this.seq - this.snapshotSeq >= this.interval)) {
      const snap = quietly(this.touched, () => snapshotState(state));
      batch.snapshot = { seq: this.seq, policy, state: snap, recordedAt };
      this.pendingSnapshot = this.seq;
      this.interval = Math.max(this.every, Math.round(snap.length / SNAPSHOT_BYTES_PER_ENTRY));
    }
    return { outputs, batch };
  }

  /**
   * The answer to a retry: an event whose id was accepted before (in this batch, by another
   * writer, or earlier) and whose journal form is the one stored, i.e. the same event. Null when it
   * is not one (a new id, or the same id with other content: intake makes that a dead letter).
   * `identity` is not kept, so it is not compared.
   */
  private retryOf(
    value: Record<string, unknown>,
    accepted: ReadonlyMap<string, { entry: JournalEntry; out: DecideOutput }>,
    missed: ReadonlyMap<string, Original>,
    known: ReadonlyMap<string, Original>,
  ): DecideOutput | null {
    const id = value["id"];
    if (typeof id !== "string" || !hasSeen(this.state, id)) return null;
    const inBatch = accepted.get(id);
    const original = inBatch === undefined ? (missed.get(id) ?? known.get(id)) : { entry: inBatch.entry, decisionJson: inBatch.out.decisionJson };
    if (original === undefined || original.entry.kind !== "event" || journalForm(value) !== original.entry.body) return null;
    if (inBatch !== undefined) return { decisions: inBatch.out.decisions, decisionJson: inBatch.out.decisionJson, replay: true };
    if (original.decisionJson === null) return { decisions: [], decisionJson: [], replay: true, replayOf: original.entry.seq } as DecideOutput;
    return { decisions: original.decisionJson.map((j) => JSON.parse(j) as Decision), decisionJson: original.decisionJson, replay: true };
  }

  /**
   * Decides one event (a parsed JSON object, interface v1). Resolves once the event and its
   * decisions are committed to the store. Never rejects for a bad event (that is a dead letter);
   * rejects with a {@link StoreError} when the store cannot commit, and then nothing was decided.
   * Sending an accepted event again (a retry) answers its original decisions, with `replay: true`.
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
  decideRaw(inputs: readonly EngineInput[], cursor?: InputCursor, options: DecideOptions = {}): Promise<DecideOutput[]> {
    if (this.closed) return Promise.reject(new StoreError("the engine is closed"));
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: "decide", inputs, cursor, idempotent: options.idempotent ?? true, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Moves the engine clock to `to` (epoch ms or RFC 3339) and fires the timers due, without an
   * event; journaled as an `advance` entry (a clock event). The clock never goes back, and an event
   * older than the new clock by more than the policy's tolerance is then a dead letter. Without
   * `to`, the injected clock's now: on a stream of past events (2017) that jumps to today, so pass
   * the instant when replaying history.
   */
  advance(to?: number | string): Promise<DecideResult> {
    return this.enqueue(async () => {
      const ms = to === undefined ? this.clockFn() : typeof to === "number" ? to : parseRfc3339(to);
      if (ms === undefined || !Number.isFinite(ms)) throw new RangeError(`advance: not an instant: ${String(to)}`);
      const out = await this.submit([], [], undefined, ms);
      return strip(out[0] ?? NOTHING);
    });
  }

  /** The engine state as JSON (`restoreState` reads it back), as of the last committed call. */
  snapshot(): string {
    return quietly(this.touched, () => snapshotState(this.state));
  }

  /** Commits a snapshot of the state now (recovery then replays nothing). */
  checkpoint(): Promise<void> {
    return this.enqueue(async () => {
      let snapshotted = false;
      await this.commitWithPolicies((missed) => {
        this.applyMissed(missed);
        snapshotted = true;
        const recordedAt = this.clockFn();
        return { entries: [], decisions: [], deadLetters: [], recordedAt, snapshot: { seq: this.seq, policy: this.current.id, state: quietly(this.touched, () => snapshotState(this.state)), recordedAt } };
      });
      if (snapshotted) this.snapshotSeq = this.seq;
    });
  }

  /**
   * Applies what other writers committed since this engine's position (a commit does it anyway
   * before deciding): `explain`, the policy in force and the readiness probe stay current on an
   * instance that is not deciding. Rejects with the {@link StoreError} when the store cannot be read.
   */
  refresh(): Promise<void> {
    return this.enqueue(() => this.catchUp());
  }

  private async catchUp(): Promise<void> {
    try {
      if (this.broken) await this.recover();
      const missed = await this.store.journal(this.seq);
      await this.policies.preload(missed);
      this.applyMissed(missed);
      this.failure = null;
    } catch (e) {
      if (e instanceof StoreError) this.failure = e;
      this.broken = true;
      throw e;
    }
  }

  /** What deciding `event` now would do, every rule with its condition values; changes nothing. */
  explain(event: unknown): Promise<Explanation> {
    return this.enqueue(async () => {
      await this.catchUp();
      return this.current.explain(event, this.state);
    });
  }

  /**
   * Explains an event decided earlier, by id, as it was decided: the state before it is rebuilt
   * from the snapshot before it and the journal after that, in a worker thread (deciding goes on
   * meanwhile). Null when no accepted event has that id; a {@link StoreError} when the records it
   * needs were purged.
   */
  async explainEvent(eventId: string): Promise<Explanation | null> {
    await this.enqueue(async () => undefined);
    return this.explainer.explain(eventId);
  }

  /** As {@link explainEvent}, the explanation as JSON (what the HTTP API sends). */
  async explainEventJson(eventId: string): Promise<string | null> {
    await this.enqueue(async () => undefined);
    return this.explainer.explainJson(eventId);
  }

  /** The decisions recorded for an event, as stored (timer decisions first). */
  decisionsOf(eventId: string): Promise<string[] | null> {
    return this.enqueue(async () => {
      const entry = await this.store.findEvent(eventId);
      return entry === null ? null : this.store.decisionsOf(entry.seq);
    });
  }

  /**
   * Switches to another program for the events that follow (a policy reload), journaled as a
   * `policy` entry: from that position on, this engine, every other engine on the store and every
   * restart serve it. The state is kept; recovery replays each entry with its own policy.
   */
  setProgram(program: Program): Promise<void> {
    return this.enqueue(async () => {
      await this.store.putPolicy(program.id, JSON.stringify(program.ir));
      this.policies.add(program.id, program);
      await this.commitWithPolicies((missed) => {
        this.applyMissed(missed);
        return this.current.id === program.id ? null : this.policyBatch(program);
      });
    });
  }

  /**
   * Waits for the calls in flight, then refuses new ones (a {@link StoreError}). The store stays
   * open (its owner closes it).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    const last = this.enqueue(async () => undefined);
    this.closed = true;
    await last;
    await this.explainer.close();
  }
}

function strip(o: DecideOutput): DecideResult {
  const r: DecideResult = { decisions: o.decisions };
  if (o.deadLetter !== undefined) r.deadLetter = o.deadLetter;
  if (o.replay === true) r.replay = true;
  return r;
}

/**
 * Opens an engine for `program` on a store, recovering the state the store holds. On a store that
 * already has a policy in force, that policy serves (see {@link EngineOptions.policy}).
 *
 * @example
 * ```ts
 * const engine = await createEngine(program, { store: await openStore("qungui.db"), clock: Date.now });
 * const { decisions } = await engine.decide({ id: "e1", type: "user.registered", at: "2017-10-09T09:00:00+08:00", user: "u1" });
 * ```
 */
export function createEngine(program: Program, options: EngineOptions = {}): Promise<Engine> {
  return Engine.open(program, options);
}
