/**
 * A store in memory: the default of `createEngine` when no store is given, and the reference the
 * durable stores are tested against. Same contract as every {@link Store}, without durability.
 */
import type { Decision } from "../engine/decision.js";
import { concerns, inRange, type InspectionFilter } from "../records/log.js";
import {
  StoreError,
  type CommitBatch,
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
  /** How many snapshots to keep. Default 4. */
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
  private decisions: Row<{ entry: number; json: string; atMs: number }>[] = [];
  private deadLetters: Row<string>[] = [];
  private snapshots: Snapshot[] = [];
  private readonly cursors = new Map<string, InputCursor>();
  private head = 0;
  private lock: Promise<void> = Promise.resolve();
  private readonly keep: number;
  private readonly keepRecords: boolean;

  constructor(options: MemoryStoreOptions = {}) {
    this.keep = Math.max(1, options.keepSnapshots ?? 4);
    this.keepRecords = options.keepRecords ?? true;
  }

  async putPolicy(id: string, irJson: string): Promise<void> {
    if (!this.policies.has(id)) this.policies.set(id, irJson);
  }

  async getPolicy(id: string): Promise<string | null> {
    return this.policies.get(id) ?? null;
  }

  async recovery(): Promise<Recovery> {
    const snapshot = this.snapshots[this.snapshots.length - 1] ?? null;
    return { snapshot, journal: this.journalSync(snapshot?.seq ?? 0) };
  }

  private journalSync(after: number, upTo = Number.MAX_SAFE_INTEGER): JournalEntry[] {
    return this.entries.filter((e) => e.seq > after && e.seq <= upTo);
  }

  async journal(after: number, upTo?: number): Promise<JournalEntry[]> {
    return this.journalSync(after, upTo);
  }

  async snapshotAtOrBefore(atMost: number): Promise<Snapshot | null> {
    for (let i = this.snapshots.length - 1; i >= 0; i--) if (this.snapshots[i]!.seq <= atMost) return this.snapshots[i]!;
    return null;
  }

  async findEvent(eventId: string): Promise<JournalEntry | null> {
    return this.entries.find((e) => e.eventId === eventId) ?? null;
  }

  async decisionsOf(entry: number): Promise<string[]> {
    return this.decisions.filter((d) => d.value.entry === entry).map((d) => d.value.json);
  }

  async journalStart(): Promise<number> {
    return this.entries[0]?.seq ?? this.head + 1;
  }

  async commit(afterSeq: number, build: (missed: JournalEntry[]) => CommitBatch | null): Promise<void> {
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
      if (this.keepRecords) {
        for (const e of batch.entries) this.entries.push({ ...e, recordedAt: batch.recordedAt });
        for (const d of batch.decisions) this.decisions.push({ value: d, recordedAt: batch.recordedAt });
        for (const d of batch.deadLetters) this.deadLetters.push({ value: d.json, recordedAt: batch.recordedAt });
      } else {
        for (const e of batch.entries) this.entries.push({ ...e, recordedAt: batch.recordedAt });
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
    const c = this.cursors.get(input);
    return c === undefined ? null : { ...c };
  }

  async *exportDecisions(filter: InspectionFilter): AsyncIterable<ExportedRecord> {
    const all = filter.fromMs === undefined && filter.toMs === undefined && filter.group === undefined && filter.user === undefined;
    for (const r of [...this.decisions]) {
      if (!all) {
        const d = JSON.parse(r.value.json) as Decision;
        if (!inRange(d, filter) || !concerns(d, filter)) continue;
      }
      yield { json: r.value.json, entry: r.value.entry };
    }
  }

  async *exportDeadLetters(): AsyncIterable<string> {
    for (const r of [...this.deadLetters]) yield r.value;
  }

  async purge(req: PurgeRequest): Promise<PurgeCounts> {
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

  /** Nothing to close. */
  async close(): Promise<void> {}
}
