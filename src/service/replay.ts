/**
 * Replaying the journal: each entry through the program of the policy that judged it. The durable
 * engine (recovery, catching up with other writers), the explain worker and `qungui explain
 * --store` all replay through here, so they cannot disagree about what an entry means.
 */
import { emptyState, restoreState, type EngineState, type EvaluateResult, type Program } from "../engine/index.js";
import type { Explanation } from "../engine/explain.js";
import { loadStoredPolicy } from "../store/stored-policy.js";
import { StoreError, type JournalEntry, type Snapshot, type Store } from "../store/types.js";

/** Thrown by {@link Policies.get} for a policy that is not loaded yet: load it and try again. */
export class NeedPolicy extends Error {
  constructor(readonly policy: string) {
    super(`policy ${policy} is needed`);
  }
}

/** The programs of a store's policies by their key (loaded from the store on demand, compiled once). */
export class Policies {
  private readonly programs = new Map<string, Program>();
  constructor(private readonly store: Pick<Store, "getPolicy" | "putPolicy"> | null) {}

  /** A program already loaded, or {@link NeedPolicy}. */
  get(key: string): Program {
    const p = this.programs.get(key);
    if (p === undefined) throw new NeedPolicy(key);
    return p;
  }

  has(key: string): boolean {
    return this.programs.has(key);
  }

  add(key: string, program: Program): void {
    this.programs.set(key, program);
  }

  /** Loads a policy's program from its IR text. */
  addText(key: string, irText: string): Program {
    const known = this.programs.get(key);
    if (known !== undefined) return known;
    const p = loadStoredPolicy(key, irText).program;
    this.programs.set(key, p);
    this.programs.set(p.id, p);
    return p;
  }

  /**
   * Loads a policy from the store. A policy stored under another key than its id (stores written
   * before ids were path-independent) is also stored under its id, which new entries name.
   */
  async load(key: string): Promise<Program> {
    const known = this.programs.get(key);
    if (known !== undefined) return known;
    if (this.store === null) throw new StoreError(`policy ${key.slice(0, 12)}… is not available`);
    const text = await this.store.getPolicy(key);
    if (text === null) throw new StoreError(`the journal names policy ${key.slice(0, 12)}…, which the store does not hold`);
    const p = this.addText(key, text);
    if (p.id !== key) await this.store.putPolicy(p.id, text);
    return p;
  }

  /** Loads every policy the entries name. */
  async preload(entries: readonly Pick<JournalEntry, "policy">[]): Promise<void> {
    for (const key of new Set(entries.map((e) => e.policy))) await this.load(key);
  }
}

/**
 * Applies one journal entry to `state` with the program of its policy (which must be loaded) and
 * returns that program: after the entry it is the policy in force. A `policy` entry changes only
 * the policy in force.
 */
export function applyEntry(entry: JournalEntry, state: EngineState, policies: Policies): Program {
  const p = policies.get(entry.policy);
  let r: EvaluateResult;
  switch (entry.kind) {
    case "policy":
      return p;
    case "advance":
      r = p.advance(Number(entry.body), state);
      break;
    case "event":
      // Timer decisions committed before an internal error: the snapshot taken with them is where replay starts.
      if (entry.body === "") throw new StoreError(`journal entry ${entry.seq} recorded an internal error and cannot be replayed; recover from the snapshot after it`);
      r = p.evaluate(JSON.parse(entry.body) as unknown, state);
      break;
  }
  if (r.deadLetter !== undefined) {
    throw new StoreError(`journal entry ${entry.seq} does not replay (${r.deadLetter.reason}): the store does not match its policies`);
  }
  return p;
}

/** Replays `journal` (contiguous after `fromSeq`) onto `state`; the program in force after the last entry, or null when there is none. */
export function replayJournal(journal: readonly JournalEntry[], fromSeq: number, state: EngineState, policies: Policies): Program | null {
  let seq = fromSeq;
  let last: Program | null = null;
  for (const e of journal) {
    if (e.seq !== seq + 1) throw new StoreError(`the journal jumps from ${seq} to ${e.seq}: entries are missing`);
    last = applyEntry(e, state, policies);
    seq = e.seq;
  }
  return last;
}

/** What explaining a stored event needs: its entry, the snapshot before it and the entries between. */
export interface ExplainInput {
  entry: JournalEntry;
  snapshot: Snapshot | null;
  journal: JournalEntry[];
}

/** Thrown when the records an explanation needs were purged (the HTTP API answers 410). */
export class PurgedError extends StoreError {}

/**
 * Reads what {@link explainFrom} needs to explain the event `eventId` as it was decided: null when
 * no accepted event has that id. The snapshot is the latest before the event, so what is read and
 * replayed is bounded by the snapshot interval, not by the journal's length.
 */
export async function explainInput(store: Store, eventId: string): Promise<ExplainInput | null> {
  const entry = await store.findEvent(eventId);
  if (entry === null || entry.kind !== "event") return null;
  const snapshot = await store.snapshotAtOrBefore(entry.seq - 1);
  const from = snapshot?.seq ?? 0;
  const start = await store.journalStart();
  if (from + 1 < start && from + 1 < entry.seq) throw new PurgedError(`the records before event ${JSON.stringify(eventId)} were purged; it can no longer be explained`);
  const journal = await store.journal(from, entry.seq - 1);
  return { entry, snapshot, journal };
}

/** Rebuilds the state before the entry and explains it with the program of its policy (all loaded). */
export function explainFrom(input: ExplainInput, policies: Policies): Explanation {
  const state = input.snapshot === null ? emptyState() : restoreState(input.snapshot.state);
  replayJournal(input.journal, input.snapshot?.seq ?? 0, state, policies);
  return policies.get(input.entry.policy).explain(JSON.parse(input.entry.body) as unknown, state);
}

/** Explains a stored event in this thread (`qungui explain --store`, and stores no other thread can open). */
export async function explainStored(store: Store, policies: Policies, eventId: string): Promise<Explanation | null> {
  const input = await explainInput(store, eventId);
  if (input === null) return null;
  await policies.preload([...input.journal, input.entry]);
  return explainFrom(input, policies);
}
