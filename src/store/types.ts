/**
 * The durable store behind an engine (docs/architecture.md, "Durable state"): a journal of the
 * accepted inputs, the decision log, the dead letters, periodic snapshots of the engine state, the
 * policies that judged the journal, and the input cursors of `qungui run --store`.
 *
 * The contract every store keeps, and that test/integration/store.test.ts checks for each:
 *
 * - {@link Store.commit} is atomic and exclusive: the entries, decisions, dead letters, snapshot and
 *   cursor of one batch are all durable, or none is; no other writer commits in between. The
 *   engine returns decisions only after their commit.
 * - Journal sequence numbers are contiguous from 1. A writer passes the last sequence number it
 *   has applied; the store hands it the entries other writers appended since, so every writer's
 *   state is the replay of the whole journal before it evaluates anything.
 * - Replaying the journal after the latest snapshot through the policies named by each entry gives
 *   the state the writer had (the engine is deterministic; nothing in it reads the wall clock).
 * - The decision log is kept in the order decisions were made.
 * - The policy in force is the policy of the last journal entry (or of the latest snapshot, when
 *   it is later): a switch is a `policy` entry, so every writer switches at the same position.
 * - After {@link Store.close}, every method rejects with a {@link StoreError}.
 *
 * The same records serve a partitioned log (docs/architecture.md, "Durable state"): an entry is
 * self-contained (its event, the policy that judged it, its decisions with their parties), so a
 * partition's journal is this journal restricted to the partition.
 */
import type { EngineState } from "../engine/state.js";
import type { InspectionFilter, Parties } from "../records/log.js";
import type { Touched } from "./touched.js";

/** An accepted input, as the journal keeps it. */
export interface JournalEntry {
  /** 1, 2, 3, … without gaps. */
  seq: number;
  /**
   * `event`: an accepted event; `advance`: the clock moved without an event ({@link Engine.advance},
   * the server's timer tick); `policy`: the policy in force changed (a reload), from this entry on.
   */
  kind: JournalKind;
  /**
   * `event`: the event as JSON with only the fields of its type (`identity` replaced by `{}`: personal
   * information is never stored); `advance`: the instant in epoch milliseconds, as text; `policy`:
   * the id of the policy that takes over (the same as `policy`).
   */
  body: string;
  /** The event id (null for `advance` and `policy`). */
  eventId: string | null;
  /** The event's `at` (or the advance instant; for `policy`, the engine clock at the switch, or 0), epoch ms. */
  atMs: number;
  /** Key of the policy that judged it, in the store's policies (its `policyId`); for `policy`, the one taking over. */
  policy: string;
  /** Wall-clock time of the commit, epoch ms (from the engine's injected clock). */
  recordedAt: number;
}

/** The kinds of journal entries. */
export const JOURNAL_KINDS = ["event", "advance", "policy"] as const;
/** What a journal entry records (see {@link JournalEntry.kind}). */
export type JournalKind = (typeof JOURNAL_KINDS)[number];

/** A stored kind read back (unknown text is a corrupt store). */
export function journalKind(text: unknown): JournalKind {
  if (text === "event" || text === "advance" || text === "policy") return text;
  throw new StoreError(`unknown journal entry kind ${JSON.stringify(text)}`);
}

/** One decision of the log. */
export interface DecisionRecord {
  /** The journal entry that produced it. */
  entry: number;
  /** The decision as `serializeDecision` writes it: the exact bytes a client received. */
  json: string;
  /** The decision's time, epoch ms: its `due` for a timer decision, else its `at` (records/log.ts `decisionTimeMs`). */
  atMs: number;
  /**
   * Everyone it concerns (src/records/parties.ts): what an inspection for a user or group selects
   * on; null when that is just what the decision names (its subject), so nothing is kept.
   */
  parties: Parties | null;
}

/** One dead letter. */
export interface DeadLetterRecord {
  /** As `serializeDeadLetter` writes it. */
  json: string;
  /** The journal sequence number when it was refused (the state it was judged against). */
  afterSeq: number;
}

/** The engine state after a journal entry, kept so recovery replays only the entries after it. */
export interface Snapshot {
  /** The last journal entry the state includes. */
  seq: number;
  /** The policy in force after that entry. */
  policy: string;
  /** `snapshotState(state)`. */
  state: string;
  recordedAt: number;
}

/** How far `qungui run --store` got through an input (see docs/architecture.md). */
export interface InputCursor {
  /** `file:<absolute path>` or `stdin`. */
  input: string;
  /** Lines consumed (blank lines included): the next run starts at line `line + 1`. */
  line: number;
  /** sha256 (hex) of line number `line` exactly as read, to recognise the same input. */
  digest: string;
}

/** Everything one commit writes. */
export interface CommitBatch {
  entries: JournalEntry[];
  decisions: DecisionRecord[];
  deadLetters: DeadLetterRecord[];
  snapshot?: Snapshot;
  cursor?: InputCursor;
  recordedAt: number;
  /**
   * For a store that keeps the state as rows ({@link Store.keepsStateRows}): the state after the
   * batch and the users, groups and complaints reached since the last commit. Such a store writes
   * those entries' rows (and the timers, seen ids and scalars) in the same transaction.
   */
  state?: { after: EngineState; touched: Touched };
}

/** What a store holds (`qungui records stats`). */
export interface StoreStats {
  /** Last journal sequence number (0 when empty). */
  head: number;
  /** Journal entries kept (fewer than `head` after a purge). */
  entries: number;
  /** Decisions in the log. */
  decisions: number;
  /** Dead letters kept. */
  deadLetters: number;
  /** Snapshots kept. */
  snapshots: number;
  /** Sequence number of the latest snapshot, or null. */
  snapshotSeq: number | null;
  /** Greatest `atMs` in the journal, or null. */
  clock: number | null;
  /** The policy of the last journal entry or snapshot, or null. */
  policy: string | null;
}

/**
 * What {@link Store.purge} deletes: records old by both clocks, the event time and the
 * commit time, so a record back-dated by a late event is not purged before it has been kept six
 * months. Instants are epoch milliseconds.
 */
export interface PurgeRequest {
  /** Records whose time (`at`) is before this instant go. */
  beforeMs: number;
  /** …and only those committed before this wall-clock instant (both clocks must agree a record is old). */
  recordedBeforeMs: number;
  /** Wall clock now, for the purge's own audit record. */
  now: number;
}

/** What a purge removed. */
export interface PurgeCounts {
  /** Decisions removed from the log. */
  decisions: number;
  /** Dead letters removed. */
  deadLetters: number;
  /** Journal entries removed (only those a snapshot covers). */
  entries: number;
  /** Snapshots removed (those the remaining journal can no longer be replayed from). */
  snapshots: number;
}

/** What recovery needs: the latest snapshot and the journal after it. */
export interface Recovery {
  /** The latest snapshot, or null (replay from an empty state). */
  snapshot: Snapshot | null;
  /** Every journal entry after the snapshot, in order. */
  journal: JournalEntry[];
}

/** A decision of the inspection set: its bytes and its place in the log. */
export interface ExportedRecord {
  /** The decision, byte for byte as made. */
  json: string;
  /** The journal sequence number of the entry that produced it. */
  entry: number;
  /** Wall-clock time of its commit, epoch ms. */
  recordedAt: number;
  /** Key of the policy that made it (the entry's `policy`). */
  policy: string;
}

/**
 * Where an engine keeps its journal, decision log, dead letters, snapshots, policies and input
 * cursors. Implementations: {@link MemoryStore} (tests, embedding without durability) and
 * {@link SqliteStore} (the embedded default), {@link PostgresStore} (several instances, several
 * machines); {@link openStore} opens any of them by URL. The contract is this file's header.
 */
export interface Store {
  /** `memory`, `sqlite`, `postgres`: for health reports and messages. */
  readonly kind: string;
  /** Where it lives (a file, a connection), without secrets. */
  readonly location: string;
  /**
   * What {@link openStore} needs to open this store again, from another thread or process
   * (`explain` replays in a worker thread through it); undefined for a store only this handle can
   * see (memory). It may hold credentials: never log it.
   */
  readonly url?: string;
  /**
   * True for a store that keeps the engine state as one row per entry, current at every commit
   * (PostgreSQL: partition 0 of the cluster's tables); the engine then passes
   * {@link CommitBatch.state}.
   */
  readonly keepsStateRows?: boolean;

  /** Keeps a policy's IR (idempotent; a policy id is the hash of its IR). */
  putPolicy(id: string, irJson: string): Promise<void>;
  /** A kept policy's IR as JSON, or null. */
  getPolicy(id: string): Promise<string | null>;

  /** What recovery needs: the latest snapshot and every journal entry after it, in order. */
  recovery(): Promise<Recovery>;
  /** Journal entries with `after < seq <= upTo`, in order. */
  journal(after: number, upTo?: number): Promise<JournalEntry[]>;
  /** The latest snapshot with `seq <= atMost`, or null (explain replays from it). */
  snapshotAtOrBefore(atMost: number): Promise<Snapshot | null>;
  /** The journal entry of an accepted event, or null. */
  findEvent(eventId: string): Promise<JournalEntry | null>;
  /** The decisions a journal entry produced, in order. */
  decisionsOf(entry: number): Promise<string[]>;
  /** Sequence number of the first entry still in the journal (1 unless purged; head + 1 when empty). */
  journalStart(): Promise<number>;

  /**
   * Runs `build` holding the store's write lock and commits what it returns in one transaction.
   * `build` receives the entries appended by other writers after `afterSeq` (normally none) and
   * must apply them before evaluating; returning null commits nothing. If `build` throws, nothing
   * is written and the error is rethrown.
   */
  commit(afterSeq: number, build: (missed: JournalEntry[]) => CommitBatch | null): Promise<void>;

  /** Where `qungui run --store` stopped in an input, or null. */
  cursor(input: string): Promise<InputCursor | null>;

  /**
   * The inspection set (A13.inspection): every decision in range that concerns the group/user,
   * complete and in the order made. Uses `inRange`/`concerns` of src/records/log.ts.
   */
  exportDecisions(filter: InspectionFilter): AsyncIterable<ExportedRecord>;
  /** Dead letters in the order refused. */
  exportDeadLetters(): AsyncIterable<string>;

  /** Deletes old records (A13.retention is enforced by the caller, see src/store/retention.ts). */
  purge(req: PurgeRequest): Promise<PurgeCounts>;

  /** Counts and positions, for `qungui records stats` and the retention check. */
  stats(): Promise<StoreStats>;
  /** Closes the store; the engine must not use it afterwards. */
  close(): Promise<void>;
}

/** A store failure the caller can report (I/O error, locked database, corrupt journal, closed store). */
export class StoreError extends Error {
  /** Always `StoreError`. */
  override name = "StoreError";
  /**
   * True when the failure may pass by itself (the database is restarting, a connection dropped, a
   * lock timed out): the HTTP API answers 503 with `Retry-After`, and a retry may succeed.
   */
  readonly transient: boolean;
  constructor(message: string, options: { transient?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.transient = options.transient ?? false;
  }
}
