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
import type { EngineState, Timer } from "../engine/state.js";
import { restoreState } from "../engine/restore.js";
import { serializeDeadLetter } from "../engine/stream.js";
import { parseRfc3339 } from "../source/time.js";
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

type TableName = "users" | "groups" | "complaints";
const TABLES: readonly TableName[] = ["complaints", "groups", "users"];

/** A table of the partial state: what was loaded (text, or null for no row) and what the engine reached beyond it. */
interface Loaded {
  rows: Map<string, string | null>;
  misses: Set<string>;
}

function tracked<T>(target: Record<string, T>, loaded: Loaded): Record<string, T> {
  const note = (k: string | symbol) => {
    if (typeof k === "string" && !loaded.rows.has(k)) loaded.misses.add(k);
  };
  return new Proxy(target, {
    get(t, k) {
      note(k);
      return Reflect.get(t, k);
    },
    has(t, k) {
      note(k);
      return Reflect.has(t, k);
    },
    set(t, k, v) {
      note(k);
      return Reflect.set(t, k, v);
    },
    deleteProperty(t, k) {
      note(k);
      return Reflect.deleteProperty(t, k);
    },
    ownKeys() {
      // No engine path enumerates users, groups or complaints; one that did would need every row.
      throw new Error("the cluster's partial state cannot enumerate a whole table");
    },
  });
}

const str = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null);

interface ParsedMessage {
  msg: PartitionMessage;
  /** The id the seen table knows it by (broadcast copies are per partition). */
  seenKey: string | null;
  eventId: string | null;
  broadcast: boolean;
}

function timerRefs(table: TableName, state: Record<string, unknown>, out: Set<number>): void {
  const add = (v: unknown) => {
    if (typeof v === "number") out.add(v);
  };
  if (table === "users") {
    add(state["blacklistTimer"]);
    add(state["managementTimer"]);
  } else if (table === "groups") {
    add(state["blacklistTimer"]);
    add(state["postingTimer"]);
    for (const f of (state["pending"] as { timer: number }[] | undefined) ?? []) add(f.timer);
  } else add(state["timer"]);
}

/**
 * Decides `messages` (in stream order) for partition `p` on `client`, which must not be in a
 * transaction. Throws on a database failure after rolling back; nothing is then written.
 */
export async function decideBatch(client: Queryable, schema: string, p: number, messages: readonly PartitionMessage[], programs: Programs, now: number): Promise<BatchResult> {
  const q = `"${schema}"`;
  let statements = 0;
  const run = (text: string, values?: unknown[]) => {
    statements++;
    return client.query(text, values);
  };
  await run("BEGIN");
  try {
    const part = (await run(`SELECT position, consumed, policy, clock, seq, agreement, purged_before FROM ${q}.cluster_partitions WHERE p = $1 FOR UPDATE`, [p])).rows[0];
    if (part === undefined) throw new Error(`partition ${p} does not exist (run qungui cluster init)`);
    const position = Number(part.position);
    const fresh = messages.filter((m) => m.seq > position);
    const skipped = messages.length - fresh.length;
    if (fresh.length === 0) {
      await run("COMMIT");
      return { skipped, decided: 0, decisions: [], deadLetters: 0, deadLetterList: [], rounds: 0, statements, rowsWritten: 0 };
    }

    // What the messages name, and the latest time they reach (the partition's due timers up to it).
    const need: Record<TableName, Set<string>> = { users: new Set(), groups: new Set(), complaints: new Set() };
    const parsed: ParsedMessage[] = [];
    let latest: number = part.clock === null ? -Infinity : Number(part.clock);
    const policyIds = new Set<string>([String(part.policy)]);
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
      const prog = await programs.get(id, { query: run });
      if (prog !== null) progs.set(id, prog);
    }
    if (!progs.has(String(part.policy))) throw new Error(`the policy ${part.policy} of partition ${p} is not in cluster_policies`);

    // Seen ids among this batch's.
    const seenKeys = parsed.map((x) => x.seenKey).filter((k): k is string => k !== null);
    const seenRows = seenKeys.length === 0 ? [] : (await run(`SELECT id FROM ${q}.cluster_seen WHERE id = ANY($1::text[])`, [seenKeys])).rows;
    const seenBefore = new Set(seenRows.map((r) => String(r.id)));

    const loaded: Record<TableName, Loaded> = { users: { rows: new Map(), misses: new Set() }, groups: { rows: new Map(), misses: new Set() }, complaints: { rows: new Map(), misses: new Set() } };
    const timerRows = new Map<number, string>();
    const timerAsked = new Set<number>();
    const dueRows = (await run(`SELECT seq, state FROM ${q}.cluster_timers WHERE p = $1 AND due <= $2 ORDER BY seq FOR UPDATE`, [p, Number.isFinite(latest) ? latest : -1e300])).rows;
    for (const r of dueRows) {
      timerRows.set(Number(r.seq), String(r.state));
      timerAsked.add(Number(r.seq));
    }

    let rounds = 0;
    for (;;) {
      rounds++;
      // Lock and read what is needed and not yet loaded, table by table in key order.
      for (const t of TABLES) {
        const missing = [...need[t]].filter((k) => !loaded[t].rows.has(k)).sort();
        if (missing.length === 0) continue;
        const got = (await run(`SELECT id, state FROM ${q}.cluster_${t} WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`, [missing])).rows;
        for (const k of missing) loaded[t].rows.set(k, null);
        for (const r of got) loaded[t].rows.set(String(r.id), String(r.state));
      }
      const refs = new Set<number>();
      for (const t of TABLES) for (const text of loaded[t].rows.values()) if (text !== null) timerRefs(t, JSON.parse(text) as Record<string, unknown>, refs);
      const refsMissing = [...refs].filter((s) => !timerAsked.has(s)).sort((a, b) => a - b);
      if (refsMissing.length > 0) {
        const got = (await run(`SELECT seq, state FROM ${q}.cluster_timers WHERE seq = ANY($1::bigint[]) ORDER BY seq FOR UPDATE`, [refsMissing])).rows;
        for (const s of refsMissing) timerAsked.add(s);
        for (const r of got) timerRows.set(Number(r.seq), String(r.state));
      }

      // The partial state, restored from the rows.
      const timers = [...timerRows.values()].map((t) => JSON.parse(t) as Timer);
      const ownSeq = Number(part.seq);
      const maxSeq = timers.reduce((m, t) => Math.max(m, t.seq), ownSeq - 1);
      // Null-prototype tables: a user called `__proto__` is an ordinary key here too.
      const tables: Record<TableName, Record<string, unknown>> = { users: Object.create(null), groups: Object.create(null), complaints: Object.create(null) };
      for (const t of TABLES) for (const [k, text] of loaded[t].rows) if (text !== null) tables[t][k] = JSON.parse(text);
      const seenIds = parsed.filter((x) => x.seenKey !== null && seenBefore.has(x.seenKey)).map((x) => x.eventId!);
      const st: EngineState = restoreState({
        v: 1,
        clock: part.clock === null ? null : Number(part.clock),
        seq: maxSeq + 1,
        seen: seenIds,
        users: tables.users,
        groups: tables.groups,
        complaints: tables.complaints,
        timers,
        agreement: JSON.parse(String(part.agreement)),
        purgedBefore: part.purged_before === null ? null : Number(part.purged_before),
      });
      // Restoring needs `seq` above every loaded timer (foreign ones included); numbering goes on from the partition's own counter.
      st.seq = ownSeq;
      const raw: Record<TableName, Record<string, unknown>> = { users: st.users, groups: st.groups, complaints: st.complaints };
      for (const t of TABLES) loaded[t].misses.clear();
      st.users = tracked(st.users, loaded.users);
      st.groups = tracked(st.groups, loaded.groups);
      st.complaints = tracked(st.complaints, loaded.complaints);

      // Decide.
      let policy = String(part.policy);
      const decisions: { seq: number; d: CommittedDecision }[] = [];
      const deadLetters: { seq: number; eventId: string | null; json: string }[] = [];
      for (const x of parsed) {
        if (x.msg.kind === "policy") {
          if (progs.has(x.msg.data)) policy = x.msg.data;
          else deadLetters.push({ seq: x.msg.seq, eventId: null, json: serializeDeadLetter({ line: x.msg.seq, reason: `policy ${x.msg.data} is not in cluster_policies; the policy in force stays`, raw: x.msg.data }) });
          continue;
        }
        const r = progs.get(policy)!.evaluateLine(x.msg.data, x.msg.seq, st);
        for (const d of r.decisions) decisions.push({ seq: x.msg.seq, d: { eventId: x.eventId, primary: d.trigger !== "timer", json: serializeDecision(d) } });
        if (r.deadLetter !== undefined) deadLetters.push({ seq: x.msg.seq, eventId: x.eventId, json: serializeDeadLetter(r.deadLetter) });
      }
      let missed = false;
      for (const t of TABLES) {
        for (const k of loaded[t].misses) {
          need[t].add(k);
          missed = true;
        }
      }
      if (missed) continue;

      // Write back.
      let rowsWritten = 0;
      for (const t of TABLES) {
        const ids: string[] = [];
        const texts: string[] = [];
        for (const k of Object.keys(raw[t])) {
          const text = JSON.stringify(raw[t][k]);
          if (loaded[t].rows.get(k) !== text) {
            ids.push(k);
            texts.push(text);
          }
        }
        if (ids.length === 0) continue;
        rowsWritten += ids.length;
        await run(
          `INSERT INTO ${q}.cluster_${t} (id, state, version) SELECT id, state, 1 FROM unnest($1::text[], $2::text[]) AS x(id, state)
           ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, version = ${q}.cluster_${t}.version + 1`,
          [ids, texts],
        );
      }
      const after = new Map(st.timers.map((t) => [t.seq, t]));
      const gone = [...timerRows.keys()].filter((s) => !after.has(s));
      const added = st.timers.filter((t) => !timerRows.has(t.seq));
      if (gone.length > 0) {
        rowsWritten += gone.length;
        await run(`DELETE FROM ${q}.cluster_timers WHERE seq = ANY($1::bigint[])`, [gone]);
      }
      if (added.length > 0) {
        rowsWritten += added.length;
        await run(`INSERT INTO ${q}.cluster_timers (seq, p, due, state) SELECT seq, $1, due, state FROM unnest($2::bigint[], $3::float8[], $4::text[]) AS x(seq, due, state)`, [
          p,
          added.map((t) => t.seq),
          added.map((t) => t.due),
          added.map((t) => JSON.stringify(t)),
        ]);
      }
      const seenNow = new Set(st.seen);
      const newSeen = [...new Set(parsed.filter((x) => x.seenKey !== null && !seenBefore.has(x.seenKey) && seenNow.has(x.eventId!)).map((x) => x.seenKey!))];
      if (newSeen.length > 0) {
        rowsWritten += newSeen.length;
        await run(`INSERT INTO ${q}.cluster_seen (id) SELECT unnest($1::text[])`, [newSeen]);
      }
      if (decisions.length > 0) {
        rowsWritten += decisions.length;
        await run(
          `INSERT INTO ${q}.cluster_decisions (p, stream_seq, event_id, primary_decision, json, committed_at)
           SELECT $1, s, e, pr, j, $2 FROM unnest($3::bigint[], $4::text[], $5::boolean[], $6::text[]) WITH ORDINALITY AS x(s, e, pr, j, o) ORDER BY o`,
          [p, now, decisions.map((x) => x.seq), decisions.map((x) => x.d.eventId), decisions.map((x) => x.d.primary), decisions.map((x) => x.d.json)],
        );
      }
      if (deadLetters.length > 0) {
        rowsWritten += deadLetters.length;
        await run(`INSERT INTO ${q}.cluster_dead_letters (p, stream_seq, event_id, json) SELECT $1, s, e, j FROM unnest($2::bigint[], $3::text[], $4::text[]) WITH ORDINALITY AS x(s, e, j, o) ORDER BY o`, [
          p,
          deadLetters.map((x) => x.seq),
          deadLetters.map((x) => x.eventId),
          deadLetters.map((x) => x.json),
        ]);
      }
      rowsWritten++;
      await run(
        `UPDATE ${q}.cluster_partitions SET position = $2, consumed = consumed + $3, policy = $4, clock = $5, seq = $6, agreement = $7, purged_before = $8, committed_at = $9 WHERE p = $1`,
        [p, fresh[fresh.length - 1]!.seq, fresh.length, policy, st.clock, st.seq, JSON.stringify(st.agreement), st.purgedBefore, now],
      );
      await run("COMMIT");
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
