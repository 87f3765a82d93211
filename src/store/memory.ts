/**
 * A store in memory: the default of `createEngine` when no store is given, and the reference the
 * durable stores are tested against. Same contract as every {@link Store}, without durability.
 */
import type { Decision } from "../engine/decision.js";
import { concerns, filters, inRange, partiesConcern, type InspectionFilter } from "../records/log.js";
import {
  StoreError,
  type CommitBatch,
  type DecisionRecord,
  type ExportedRecord,
  type InputCursor,
  type JournalEntry,
  type PurgeCounts,
  type PurgeRequest,
  type Recovery,
  type Snapshot,
  type Store,
  type StoreStats,
} from "./types.js";

interface Row<T> {
  value: T;
  recordedAt: number;
}

/** How a memory store behaves. */
export interface MemoryStoreOptions {
  /** How many snapshots to keep. Default: all (see the SQLite store's `keepSnapshots`). */
  keepSnapshots?: number;
  /** Keep the journal and the decision log (default true); false keeps only what recovery needs. */
  keepRecords?: boolean;
}

/** A {@link Store} in memory: fast, not durable. */
export class MemoryStore implements Store {
  readonly kind: string = "memory";
  readonly location = "memory";
  private readonly policies = new Map<string, string>();
  private entries: JournalEntry[] = [];
  private decisions: Row<DecisionRecord & { policy: string }>[] = [];
  private deadLetters: Row<string>[] = [];
  private snapshots: Snapshot[] = [];
  private readonly cursors = new Map<string, InputCursor>();
  private head = 0;
  private lock: Promise<void> = Promise.resolve();
  private readonly keep: number;
  private readonly keepRecords: boolean;
  /** Event id → its journal entry (what `findEvent` answers without a scan). */
  private readonly byEvent = new Map<string, JournalEntry>();
  private closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    this.keep = Math.max(1, options.keepSnapshots ?? Infinity);
    this.keepRecords = options.keepRecords ?? true;
  }

  private live(): void {
    if (this.closed) throw new StoreError("the memory store is closed");
  }

  async putPolicy(id: string, irJson: string): Promise<void> {
    this.live();
    if (!this.policies.has(id)) this.policies.set(id, irJson);
  }

  async getPolicy(id: string): Promise<string | null> {
    this.live();
    return this.policies.get(id) ?? null;
  }

  async recovery(): Promise<Recovery> {
    this.live();
    const snapshot = this.snapshots[this.snapshots.length - 1] ?? null;
    return { snapshot, journal: this.journalSync(snapshot?.seq ?? 0) };
  }

  /** Entries are in seq order (a purge may leave holes before the latest snapshot): a range is a slice. */
  private journalSync(after: number, upTo = Number.MAX_SAFE_INTEGER): JournalEntry[] {
    return this.entries.slice(this.firstAbove(after), this.firstAbove(upTo));
  }

  /** Index of the first entry with seq > `seq`. */
  private firstAbove(seq: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.entries[mid]!.seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  async journal(after: number, upTo?: number): Promise<JournalEntry[]> {
    this.live();
    return this.journalSync(after, upTo);
  }

  async snapshotAtOrBefore(atMost: number): Promise<Snapshot | null> {
    this.live();
    for (let i = this.snapshots.length - 1; i >= 0; i--) if (this.snapshots[i]!.seq <= atMost) return this.snapshots[i]!;
    return null;
  }

  async findEvent(eventId: string): Promise<JournalEntry | null> {
    this.live();
    const e = this.byEvent.get(eventId);
    return e !== undefined && this.journalSync(e.seq - 1, e.seq).length === 1 ? e : null;
  }

  async decisionsOf(entry: number): Promise<string[]> {
    this.live();
    return this.decisions.filter((d) => d.value.entry === entry).map((d) => d.value.json);
  }

  async journalStart(): Promise<number> {
    this.live();
    return this.entries[0]?.seq ?? this.head + 1;
  }

  async commit(afterSeq: number, build: (missed: JournalEntry[]) => CommitBatch | null): Promise<void> {
    this.live();
    const previous = this.lock;
    let release!: () => void;
    this.lock = new Promise((r) => (release = r));
    await previous;
    try {
      if (this.head < afterSeq) throw new StoreError(`the journal ends at ${this.head} but this writer has applied ${afterSeq}`);
      const batch = build(this.head > afterSeq ? this.journalSync(afterSeq) : []);
      if (batch === null) return;
      let expected = this.head + 1;
      for (const e of batch.entries) {
        if (e.seq !== expected) throw new StoreError(`journal entry ${e.seq} does not follow ${expected - 1}`);
        expected++;
      }
      if (batch.snapshot !== undefined && batch.snapshot.seq !== expected - 1) throw new StoreError(`snapshot at ${batch.snapshot.seq} but the journal ends at ${expected - 1}`);
      // Validated first, applied after: all or nothing.
      const policyOf = new Map(batch.entries.map((e) => [e.seq, e.policy]));
      for (const e of batch.entries) {
        const kept = { ...e, recordedAt: batch.recordedAt };
        this.entries.push(kept);
        if (kept.eventId !== null) this.byEvent.set(kept.eventId, kept);
      }
      if (this.keepRecords) {
        for (const d of batch.decisions) this.decisions.push({ value: { ...d, policy: policyOf.get(d.entry)! }, recordedAt: batch.recordedAt });
        for (const d of batch.deadLetters) this.deadLetters.push({ value: d.json, recordedAt: batch.recordedAt });
      }
      this.head = expected - 1;
      if (batch.snapshot !== undefined) {
        this.snapshots.push({ ...batch.snapshot, recordedAt: batch.recordedAt });
        if (this.snapshots.length > this.keep) this.snapshots.splice(0, this.snapshots.length - this.keep);
        if (!this.keepRecords) this.entries = this.entries.filter((e) => e.seq > batch.snapshot!.seq);
      }
      if (batch.cursor !== undefined) this.cursors.set(batch.cursor.input, { ...batch.cursor });
    } finally {
      release();
    }
  }

  async cursor(input: string): Promise<InputCursor | null> {
    this.live();
    const c = this.cursors.get(input);
    return c === undefined ? null : { ...c };
  }

  async *exportDecisions(filter: InspectionFilter): AsyncIterable<ExportedRecord> {
    this.live();
    const all = !filters(filter);
    for (const r of [...this.decisions]) {
      if (!all) {
        const d = JSON.parse(r.value.json) as Decision;
        const p = r.value.parties;
        if (!inRange(d, filter) || !(p === null ? concerns(d, filter) : partiesConcern(p, filter))) continue;
      }
      yield { json: r.value.json, entry: r.value.entry, recordedAt: r.recordedAt, policy: r.value.policy };
    }
  }

  async *exportDeadLetters(): AsyncIterable<string> {
    this.live();
    for (const r of [...this.deadLetters]) yield r.value;
  }

  async purge(req: PurgeRequest): Promise<PurgeCounts> {
    this.live();
    const before = { d: this.decisions.length, l: this.deadLetters.length, e: this.entries.length, s: this.snapshots.length };
    this.decisions = this.decisions.filter((r) => !(r.value.atMs < req.beforeMs && r.recordedAt < req.recordedBeforeMs));
    this.deadLetters = this.deadLetters.filter((r) => !(r.recordedAt < req.recordedBeforeMs && r.recordedAt < req.beforeMs));
    const latest = this.snapshots[this.snapshots.length - 1];
    if (latest !== undefined) {
      this.entries = this.entries.filter((e) => !(e.seq <= latest.seq && e.atMs < req.beforeMs && e.recordedAt < req.recordedBeforeMs));
      const start = this.entries[0]?.seq ?? latest.seq + 1;
      this.snapshots = this.snapshots.filter((s) => !(s.seq < start - 1 && s.seq < latest.seq));
    }
    return {
      decisions: before.d - this.decisions.length,
      deadLetters: before.l - this.deadLetters.length,
      entries: before.e - this.entries.length,
      snapshots: before.s - this.snapshots.length,
    };
  }

  /** Counts and positions. */
  async stats(): Promise<StoreStats> {
    this.live();
    const latest = this.snapshots[this.snapshots.length - 1] ?? null;
    let clock: number | null = null;
    for (const e of this.entries) if (clock === null || e.atMs > clock) clock = e.atMs;
    return {
      head: this.head,
      entries: this.entries.length,
      decisions: this.decisions.length,
      deadLetters: this.deadLetters.length,
      snapshots: this.snapshots.length,
      snapshotSeq: latest?.seq ?? null,
      clock,
      policy: this.entries[this.entries.length - 1]?.policy ?? latest?.policy ?? null,
    };
  }

  /** Closes the store: every call after it is a {@link StoreError}. */
  async close(): Promise<void> {
    this.closed = true;
  }
}
