/**
 * One batch of one partition, decided in one PostgreSQL transaction (docs/cluster.md, "One batch,
 * one transaction"):
 *
 * 1. Lock the partition's row; drop the messages at or below its position (already decided).
 * 2. Lock, in key order, the rows of every user, group and complaint the batch names, the
 *    partition's timers due by the batch's latest time and the timers those rows refer to.
 * 3. Rebuild a partial engine state from the rows (`restoreState` checks every field) and decide
 *    the batch with the compiled program. The id-keyed tables are wrapped so that any entry the
 *    engine reaches that was not loaded (a group's creator hit by a measure, a timer's group) is
 *    noticed: those rows are locked too and the batch is decided again from the rows. A decision
 *    is therefore only ever made against rows this transaction holds.
 * 4. Write back the rows that changed (version + 1), the timers set and gone, the ids seen, the
 *    decisions and dead letters, and the partition's new position, clock and timer counter; commit.
 *
 * Every row read stays locked until the commit (strict two-phase locking), so the log's order is a
 * serial order. Rows locked after the first round may be taken out of key order; PostgreSQL then
 * detects the rare deadlock and the batch is retried from scratch (transient error).
 */
import type pg from "pg";
import { serializeDecision } from "../engine/decision.js";
import type { Program } from "../engine/program.js";
import type { EngineState } from "../engine/state.js";
import { serializeDeadLetter } from "../engine/stream.js";
import { decisionTimeMs } from "../records/log.js";
import { parseRfc3339 } from "../source/time.js";
import {
  lockDueTimers,
  beginLocked,
  lockRows,
  lockTimers,
  restoreRows,
  scalarsOf,
  timerRefs,
  writeBack,
  type DeadLetterRow,
  type DecisionRow,
  type RowWrites,
} from "../store/partition-rows.js";
import { keyNoting, ROW_TABLES, type RowTable } from "../store/touched.js";
import { BROADCAST_TYPES, broadcastMsgId, type MessageKind } from "./contract.js";

/** A message of the partition's subject, as the worker fetched it. */
export interface PartitionMessage {
  /** Its stream sequence number. */
  seq: number;
  kind: MessageKind;
  /** An event line, or a policy id for `policy`. */
  data: string;
}

/** A committed decision, for callers waiting on it (`serve --cluster`). */
export interface CommittedDecision {
  eventId: string | null;
  primary: boolean;
  json: string;
}

export interface BatchResult {
  /** Messages at or below the position that were dropped (redeliveries). */
  skipped: number;
  /** Messages decided (events and policy switches). */
  decided: number;
  decisions: CommittedDecision[];
  deadLetters: number;
  /** The dead letters' JSON with the event id of their message (when it had one), for callers waiting on them. */
  deadLetterList: { eventId: string | null; json: string }[];
  /** Rounds of row loading (1 when the event fields named every row the engine reached). */
  rounds: number;
  /** Statements sent to PostgreSQL, BEGIN and COMMIT included. */
  statements: number;
  /** Rows written (state rows, timers, seen ids, decisions, dead letters, the partition row). */
  rowsWritten: number;
}

/** Compiled programs by policy id, loaded from `cluster_policies` on first use. */
export interface Programs {
  get(id: string, q: Queryable): Promise<Program | null>;
}

export interface Queryable {
  query(text: string, values?: unknown[]): Promise<pg.QueryResult>;
}

type TableName = RowTable;
const TABLES = ROW_TABLES;

/** A table of the partial state: what was loaded (text, or null for no row) and what the engine reached beyond it. */
interface Loaded {
  rows: Map<string, string | null>;
  misses: Set<string>;
}

function tracked<T>(target: Record<string, T>, loaded: Loaded): Record<string, T> {
  return keyNoting(
    target,
    (k) => {
      if (!loaded.rows.has(k)) loaded.misses.add(k);
    },
    {
      ownKeys() {
        // No engine path enumerates users, groups or complaints; one that did would need every row.
        throw new Error("the cluster's partial state cannot enumerate a whole table");
      },
    },
  );
}

const str = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null);

interface ParsedMessage {
  msg: PartitionMessage;
  /** The id the seen table knows it by (broadcast copies are per partition). */
  seenKey: string | null;
  eventId: string | null;
  broadcast: boolean;
}

/**
 * Decides `messages` (in stream order) for partition `p` on `client`, which must not be in a
 * transaction. Throws on a database failure after rolling back; nothing is then written.
 */
export async function decideBatch(client: Queryable, schema: string, p: number, messages: readonly PartitionMessage[], programs: Programs, now: number): Promise<BatchResult> {
  const q = `"${schema}"`;
  let statements = 0;
  const run = {
    query: (text: string, values?: unknown[]) => {
      statements++;
      return client.query(text, values);
    },
  };
  try {
    const part = await beginLocked(run, schema, p);
    if (part === null) throw new Error(`partition ${p} does not exist (run qungui cluster init)`);
    // A single engine's store (partition 0 of one) whose rows lag its journal: deciding from them would lose state.
    if (part.rowsAt !== part.journal) throw new Error(`partition ${p}'s state rows reflect journal entry ${part.rowsAt}, its journal ends at ${part.journal}: open it once with qungui run or serve --store to bring them up to date`);
    const position = part.position;
    const fresh = messages.filter((m) => m.seq > position);
    const skipped = messages.length - fresh.length;
    if (fresh.length === 0) {
      await run.query("COMMIT");
      return { skipped, decided: 0, decisions: [], deadLetters: 0, deadLetterList: [], rounds: 0, statements, rowsWritten: 0 };
    }

    // What the messages name, and the latest time they reach (the partition's due timers up to it).
    const need: Record<TableName, Set<string>> = { users: new Set(), groups: new Set(), complaints: new Set() };
    const parsed: ParsedMessage[] = [];
    let latest: number = part.clock === null ? -Infinity : part.clock;
    const policyIds = new Set<string>([part.policy]);
    for (const m of fresh) {
      if (m.kind === "policy") {
        policyIds.add(m.data);
        parsed.push({ msg: m, seenKey: null, eventId: null, broadcast: false });
        continue;
      }
      let ev: Record<string, unknown> | null = null;
      try {
        const v: unknown = JSON.parse(m.data);
        if (v !== null && typeof v === "object" && !Array.isArray(v)) ev = v as Record<string, unknown>;
      } catch {
        ev = null;
      }
      const id = ev === null ? null : str(ev["id"]);
      const broadcast = ev !== null && typeof ev["type"] === "string" && BROADCAST_TYPES.includes(ev["type"]);
      parsed.push({ msg: m, seenKey: id === null ? null : broadcast ? broadcastMsgId(id, p) : id, eventId: id, broadcast });
      if (ev === null) continue;
      for (const f of ["user", "actor", "target", "by"]) {
        const u = str(ev[f]);
        if (u !== null) need.users.add(u);
      }
      const g = str(ev["group"]);
      if (g !== null) need.groups.add(g);
      const c = str(ev["complaint"]);
      if (c !== null) need.complaints.add(c);
      const at = typeof ev["at"] === "string" ? parseRfc3339(ev["at"]) : undefined;
      if (at !== undefined && at > latest) latest = at;
    }

    // Programs for every policy in force during the batch (a switch message names the next one).
    const progs = new Map<string, Program>();
    for (const id of policyIds) {
      const prog = await programs.get(id, run);
      if (prog !== null) progs.set(id, prog);
    }
    if (!progs.has(part.policy)) throw new Error(`the policy ${part.policy} of partition ${p} is not in cluster_policies`);

    // Seen ids among this batch's.
    const seenKeys = parsed.map((x) => x.seenKey).filter((k): k is string => k !== null);
    const seenRows = seenKeys.length === 0 ? [] : (await run.query(`SELECT id FROM ${q}.cluster_seen WHERE id = ANY($1::text[])`, [seenKeys])).rows;
    const seenBefore = new Set(seenRows.map((r) => String(r["id"])));

    const loaded: Record<TableName, Loaded> = { users: { rows: new Map(), misses: new Set() }, groups: { rows: new Map(), misses: new Set() }, complaints: { rows: new Map(), misses: new Set() } };
    const timerRows = await lockDueTimers(run, schema, p, Number.isFinite(latest) ? latest : -1e300);
    const timerAsked = new Set<number>(timerRows.keys());

    let rounds = 0;
    for (;;) {
      rounds++;
      // Lock and read what is needed and not yet loaded, table by table in key order.
      for (const t of TABLES) {
        const missing = [...need[t]].filter((k) => !loaded[t].rows.has(k));
        if (missing.length === 0) continue;
        const got = await lockRows(run, schema, t, missing);
        for (const k of missing) loaded[t].rows.set(k, got.get(k) ?? null);
      }
      const refs = new Set<number>();
      for (const t of TABLES) for (const text of loaded[t].rows.values()) if (text !== null) timerRefs(t, JSON.parse(text) as Record<string, unknown>, refs);
      const refsMissing = [...refs].filter((s) => !timerAsked.has(s));
      if (refsMissing.length > 0) {
        const got = await lockTimers(run, schema, refsMissing);
        for (const s of refsMissing) timerAsked.add(s);
        for (const [s, text] of got) timerRows.set(s, text);
      }

      // The partial state, restored from the rows.
      const seenIds = parsed.filter((x) => x.seenKey !== null && seenBefore.has(x.seenKey)).map((x) => x.eventId!);
      const st: EngineState = restoreRows(part, { users: loaded.users.rows, groups: loaded.groups.rows, complaints: loaded.complaints.rows }, timerRows.values(), seenIds);
      const raw: Record<TableName, Record<string, unknown>> = { users: st.users, groups: st.groups, complaints: st.complaints };
      for (const t of TABLES) loaded[t].misses.clear();
      st.users = tracked(st.users, loaded.users);
      st.groups = tracked(st.groups, loaded.groups);
      st.complaints = tracked(st.complaints, loaded.complaints);

      // Decide.
      let policy = part.policy;
      const decisions: { d: CommittedDecision; row: DecisionRow }[] = [];
      const deadLetters: DeadLetterRow[] = [];
      for (const x of parsed) {
        if (x.msg.kind === "policy") {
          if (progs.has(x.msg.data)) policy = x.msg.data;
          else deadLetters.push({ streamSeq: x.msg.seq, entry: null, eventId: null, json: serializeDeadLetter({ line: x.msg.seq, reason: `policy ${x.msg.data} is not in cluster_policies; the policy in force stays`, raw: x.msg.data }) });
          continue;
        }
        const r = progs.get(policy)!.evaluateLine(x.msg.data, x.msg.seq, st);
        for (const d of r.decisions) {
          const json = serializeDecision(d);
          const primary = d.trigger !== "timer";
          decisions.push({ d: { eventId: x.eventId, primary, json }, row: { streamSeq: x.msg.seq, entry: null, eventId: x.eventId, primary, json, atMs: decisionTimeMs(d), parties: null, policy } });
        }
        if (r.deadLetter !== undefined) deadLetters.push({ streamSeq: x.msg.seq, entry: null, eventId: x.eventId, json: serializeDeadLetter(r.deadLetter) });
      }
      let missed = false;
      for (const t of TABLES) {
        for (const k of loaded[t].misses) {
          need[t].add(k);
          missed = true;
        }
      }
      if (missed) continue;

      // Write back what changed, then the partition's position: one commit.
      const writes: RowWrites = { rows: { users: [], groups: [], complaints: [] }, timersAdded: [], timersGone: [], seen: [], decisions: decisions.map((x) => x.row), deadLetters };
      for (const t of TABLES) {
        for (const k of Object.keys(raw[t])) {
          const text = JSON.stringify(raw[t][k]);
          if (loaded[t].rows.get(k) !== text) writes.rows[t].push([k, text]);
        }
      }
      const after = new Map(st.timers.map((t) => [t.seq, t]));
      writes.timersGone = [...timerRows.keys()].filter((s) => !after.has(s));
      writes.timersAdded = st.timers.filter((t) => !timerRows.has(t.seq));
      const seenNow = new Set(st.seen);
      const newSeen = [...new Set(parsed.filter((x) => x.seenKey !== null && !seenBefore.has(x.seenKey) && seenNow.has(x.eventId!)).map((x) => x.seenKey!))];
      const copyOf = new Map(parsed.filter((x) => x.broadcast && x.seenKey !== null).map((x) => [x.seenKey!, x.eventId!]));
      writes.seen = newSeen.map((key) => ({ key, event: copyOf.get(key) ?? null }));
      const rowsWritten = await writeBack(run, schema, p, writes, now, { scalars: scalarsOf(st, policy), to: { stream: fresh[fresh.length - 1]!.seq, consumed: fresh.length } });
      await run.query("COMMIT");
      return {
        skipped,
        decided: fresh.length,
        decisions: decisions.map((x) => x.d),
        deadLetters: deadLetters.length,
        deadLetterList: deadLetters.map((x) => ({ eventId: x.eventId, json: x.json })),
        rounds,
        statements,
        rowsWritten,
      };
    }
  } catch (e) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw e;
  }
}
