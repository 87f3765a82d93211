/**
 * How the SQLite store lays a commit out in rows, and reads the inspection set back: one journal
 * row per entry, holding its decisions (one per line, the exact bytes returned) and their parties
 * (one `[[users…],[groups…]]` per line), so an event costs one insert. The PostgreSQL store keeps
 * the cluster's tables instead (src/store/partition-rows.ts, a decision per row) and uses
 * {@link entryRows} only for its checks of a batch.
 */
import type { Decision } from "../engine/decision.js";
import { concerns, filters, inRange, partiesConcern, type InspectionFilter } from "../records/log.js";
import { parseParties, partiesJson } from "../records/parties.js";
import { StoreError, type CommitBatch, type ExportedRecord, type JournalEntry } from "./types.js";

/** Decisions (and their parties) are kept in their entry's row, one per line. */
export const SEP = "\n";

/** Rows read per query when paging through a table. */
export const PAGE = 2000;

/** One journal row as the stores write it. */
export interface EntryRow {
  entry: JournalEntry;
  /** The entry's decisions, one per line ("" for none). */
  decisions: string;
  /** Their parties, one per line in the same order ("" for a decision concerning its subject only); null when none has any. */
  parties: string | null;
  count: number;
  /** The earliest decision time of the row (a timer decision's `due` may be days before the entry's `at`); null without decisions. */
  firstMs: number | null;
}

/**
 * The rows of a batch committed after `head`, checked: entries contiguous from `head + 1`,
 * decisions grouped by entry in entry order, a snapshot at the last entry. Throws a
 * {@link StoreError} (nothing is written) otherwise.
 */
export function entryRows(b: CommitBatch, head: number): EntryRow[] {
  const rows: EntryRow[] = [];
  let expected = head + 1;
  let d = 0;
  for (const e of b.entries) {
    if (e.seq !== expected) throw new StoreError(`journal entry ${e.seq} does not follow ${expected - 1}`);
    let decisions = "";
    let parties = "";
    let anyParties = false;
    let n = 0;
    let firstMs: number | null = null;
    for (; d < b.decisions.length && b.decisions[d]!.entry === e.seq; d++, n++) {
      const r = b.decisions[d]!;
      decisions += (n === 0 ? "" : SEP) + r.json;
      if (n > 0) parties += SEP;
      if (r.parties !== null) {
        parties += partiesJson(r.parties);
        anyParties = true;
      }
      if (firstMs === null || r.atMs < firstMs) firstMs = r.atMs;
    }
    rows.push({ entry: e, decisions, parties: anyParties ? parties : null, count: n, firstMs });
    expected++;
  }
  if (d !== b.decisions.length) throw new StoreError("decisions of a batch must follow their journal entries, in order");
  if (b.snapshot !== undefined && b.snapshot.seq !== expected - 1) throw new StoreError(`snapshot at ${b.snapshot.seq} but the journal ends at ${expected - 1}`);
  return rows;
}

/** What the export reads of a journal row. */
export interface StoredRow {
  seq: number;
  atMs: number;
  firstMs: number | null;
  recordedAt: number;
  policy: string;
  decisions: string;
  /** Null (or "" for one decision) where the decision names everyone it concerns, and for rows stored before parties were kept: the decision-only filter applies. */
  parties: string | null;
}

/**
 * A cheap test on a row's stored times before its decisions are parsed: the row's decisions lie
 * between its earliest decision time and its `at` (a second of slack either way: `at` strings may
 * have sub-millisecond digits). Rows stored without `firstMs` are always read.
 */
export function rowMayMatch(r: Pick<StoredRow, "atMs" | "firstMs">, f: InspectionFilter): boolean {
  if (f.fromMs !== undefined && r.atMs < f.fromMs - 1000) return false;
  if (f.toMs !== undefined && r.firstMs !== null && r.firstMs >= f.toMs + 1000) return false;
  return true;
}

/** The records of a row that the filter selects, in order. */
export function* rowRecords(r: StoredRow, f: InspectionFilter): Generator<ExportedRecord> {
  if (r.decisions === "" || !rowMayMatch(r, f)) return;
  const all = !filters(f);
  const decisions = r.decisions.split(SEP);
  const parties = r.parties === null || r.parties === "" ? null : r.parties.split(SEP);
  for (let i = 0; i < decisions.length; i++) {
    const json = decisions[i]!;
    if (!all) {
      const d = JSON.parse(json) as Decision;
      if (!inRange(d, f)) continue;
      const p = parties?.[i];
      if (!(p === undefined || p === "" ? concerns(d, f) : partiesConcern(parseParties(p), f))) continue;
    }
    yield { json, entry: r.seq, recordedAt: r.recordedAt, policy: r.policy };
  }
}
