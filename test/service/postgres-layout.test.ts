/**
 * The single engine's PostgreSQL store in the cluster's tables (docs/cluster.md, "One schema"),
 * against a real PostgreSQL server: the state rows it keeps equal the engine's state after every
 * commit (one writer, two writers taking turns, a restart), and the schemas it must not write to
 * are refused with a message: the earlier single-store layout, a cluster of several partitions,
 * and a partition 0 that a cluster worker has decided.
 */
import { readFileSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideBatch } from "../../src/cluster/batch.js";
import { initTables, partitionCount } from "../../src/cluster/schema.js";
import { compilePolicyText } from "../../src/compile.js";
import { compileProgram, splitLines, type EngineState } from "../../src/engine/index.js";
import { createEngine, type Engine } from "../../src/service/engine.js";
import { lockPartition, readAllRows } from "../../src/store/partition-rows.js";
import { openPostgresStore } from "../../src/store/postgres.js";
import { generateLines } from "../../src/workload/generate.js";
import { postgresUnavailable, startPostgres, type TestServer } from "./postgres.js";

const why = await postgresUnavailable();
if (why !== null) console.warn(`skipping the PostgreSQL layout tests: ${why}`);

const ir = compilePolicyText(readFileSync("policies/cac-2017.qg", "utf8"), "cac-2017.qg").ir!;
const program = compileProgram(ir);

/** Sample lines, then a generated stream with timers, measures and malformed lines. */
function events(): string[] {
  const sample = splitLines(readFileSync("samples/events.jsonl", "utf8")).filter((l) => l.trim() !== "");
  const generated = [...generateLines(ir, { seed: 19, events: 3000, users: 120, startMs: Date.parse("2019-07-01T00:00:00Z"), meanGapMs: 40 * 60_000, malformedPerMille: 5, zone: "Asia/Shanghai" })];
  return [...sample, ...generated];
}

/** A state as comparable data: tables by sorted key, timers by seq, seen ids as a sorted set. */
function normal(st: EngineState): unknown {
  const table = (t: Record<string, unknown>) => Object.fromEntries(Object.keys(t).sort().map((k) => [k, JSON.stringify(t[k])]));
  return {
    clock: st.clock,
    seq: st.seq,
    agreement: st.agreement,
    purgedBefore: st.purgedBefore,
    users: table(st.users),
    groups: table(st.groups),
    complaints: table(st.complaints),
    timers: [...st.timers].sort((a, b) => a.seq - b.seq).map((t) => JSON.stringify(t)),
    seen: [...st.seen].sort(),
  };
}

describe.skipIf(why !== null)("the single engine's store is partition 0 of the cluster's tables", () => {
  let server: TestServer;
  let client: pg.Client;
  beforeAll(async () => {
    server = startPostgres();
    client = new pg.Client({ connectionString: server.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    server?.stop();
  });

  const rowsOf = async (schema: string): Promise<unknown> => {
    await client.query("BEGIN");
    try {
      const part = (await lockPartition(client, schema, 0))!;
      expect(part.rowsAt).toBe(part.journal);
      return normal(await readAllRows(client, schema, part));
    } finally {
      await client.query("ROLLBACK");
    }
  };
  const stateOf = (e: Engine) => normal(JSON.parse(e.snapshot()) as EngineState);
  const feed = (e: Engine, lines: string[]) => e.decideRaw(lines.map((line, i) => ({ kind: "line", line, lineNo: i + 1 })));

  it("keeps the state rows equal to the engine's state: one writer, two writers in turn, a restart", async () => {
    const lines = events();
    const open = () => openPostgresStore({ connectionString: server.url, schema: "single" });
    const storeA = await open();
    const a = await createEngine(program, { store: storeA, clock: () => 1, snapshotEvery: 500 });
    const third = Math.floor(lines.length / 3);
    for (let i = 0; i < third; i += 97) await feed(a, lines.slice(i, Math.min(i + 97, third)));
    expect(await rowsOf("single")).toEqual(stateOf(a));

    // A second instance on the same store: each commit first applies what the other appended.
    const storeB = await open();
    const b = await createEngine(program, { store: storeB, clock: () => 2, snapshotEvery: 500 });
    for (let i = third, turn = 0; i < 2 * third; i += 61, turn++) await feed(turn % 2 === 0 ? b : a, lines.slice(i, Math.min(i + 61, 2 * third)));
    await a.refresh();
    expect(stateOf(a)).toEqual(stateOf(b));
    expect(await rowsOf("single")).toEqual(stateOf(b));
    await a.close();
    await b.close();
    await storeA.close();
    await storeB.close();

    // A restart recovers from snapshot + journal and goes on writing the rows it reaches.
    const storeC = await open();
    const c = await createEngine(program, { store: storeC, clock: () => 3, snapshotEvery: 500 });
    await feed(c, lines.slice(2 * third));
    expect(await rowsOf("single")).toEqual(stateOf(c));
    // A snapshot reads every entry and changes none: it rewrites no row.
    const versions = async () => (await client.query(`SELECT id, version FROM single.cluster_users UNION ALL SELECT id, version FROM single.cluster_groups ORDER BY 1`)).rows;
    const v0 = await versions();
    expect(v0.length).toBeGreaterThan(100);
    await c.checkpoint();
    expect(await versions()).toEqual(v0);
    expect((await storeC.stats()).snapshotSeq).toBe((await storeC.stats()).head);
    const n = await client.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE primary_decision)::int AS primary FROM single.cluster_decisions WHERE p = 0`);
    expect(n.rows[0].n).toBe((await storeC.stats()).decisions);
    // Every accepted event has one primary decision; the journal holds the accepted events.
    const accepted = await client.query(`SELECT count(*)::int AS n FROM single.cluster_journal WHERE p = 0 AND kind = 'event'`);
    expect(n.rows[0].primary).toBe(accepted.rows[0].n);
    await c.close();
    await storeC.close();
  }, 240_000);

  it("refuses a schema of the earlier single-store layout, and changes nothing in it", async () => {
    // The layout of store schema 2 (qungui before the single store joined the cluster's tables).
    await client.query(`CREATE SCHEMA old2;
      CREATE TABLE old2.meta (key text PRIMARY KEY, value text NOT NULL);
      CREATE TABLE old2.policies (id text PRIMARY KEY, ir text NOT NULL);
      CREATE TABLE old2.journal (seq bigint PRIMARY KEY, kind text NOT NULL, body text NOT NULL, event_id text UNIQUE, at_ms bigint NOT NULL, policy text NOT NULL, recorded_at bigint NOT NULL, decisions text, decision_count integer NOT NULL, parties text, first_ms bigint);
      CREATE TABLE old2.snapshots (seq bigint PRIMARY KEY, policy text NOT NULL, state text NOT NULL, recorded_at bigint NOT NULL);
      INSERT INTO old2.meta VALUES ('schema', '2');
      INSERT INTO old2.journal VALUES (1, 'policy', 'p', NULL, 0, 'p', 0, NULL, 0, NULL, NULL);`);
    await expect(openPostgresStore({ connectionString: server.url, schema: "old2" })).rejects.toThrow(
      /postgres schema old2 holds a store of the earlier single-engine layout \(store schema 2: tables meta, journal, snapshots\); this qungui .* does not convert it/,
    );
    await expect(openPostgresStore({ connectionString: server.url, schema: "old2", mustExist: true })).rejects.toThrow(/earlier single-engine layout/);
    const pool = new pg.Pool({ connectionString: server.url, max: 1 });
    try {
      await expect(initTables(pool, "old2", 1, program.id, JSON.stringify(ir), 0)).rejects.toThrow(/schema old2 holds a store of the earlier single-engine layout/);
    } finally {
      await pool.end();
    }
    const tables = await client.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'old2' ORDER BY 1`);
    expect(tables.rows.map((r) => r.table_name)).toEqual(["journal", "meta", "policies", "snapshots"]);
  });

  it("refuses a cluster of several partitions, and a partition 0 a cluster worker has decided", async () => {
    const pool = new pg.Pool({ connectionString: server.url, max: 1 });
    try {
      await initTables(pool, "four", 4, program.id, JSON.stringify(ir), 0);
    } finally {
      await pool.end();
    }
    await expect(openPostgresStore({ connectionString: server.url, schema: "four" })).rejects.toThrow(/holds a cluster of 4 partitions; a single engine is a cluster of one partition/);

    const store = await openPostgresStore({ connectionString: server.url, schema: "taken" });
    const e = await createEngine(program, { store, clock: () => 1 });
    await feed(e, events().slice(0, 20));
    await client.query(`UPDATE taken.cluster_partitions SET position = 7 WHERE p = 0`);
    await expect(feed(e, events().slice(20, 30))).rejects.toThrow(/a cluster worker has decided partition 0 \(up to stream message 7\)/);
    // Reading the records stays possible.
    expect((await store.stats()).head).toBeGreaterThan(0);
    await e.close();
    await store.close();
  });

  it("cluster init on a single engine's store keeps its rows and gives a policy only to a partition without one", async () => {
    const empty = await openPostgresStore({ connectionString: server.url, schema: "fresh" });
    await empty.close();
    const used = await openPostgresStore({ connectionString: server.url, schema: "used" });
    const e = await createEngine(program, { store: used, clock: () => 1 });
    await feed(e, events().slice(0, 50));
    const other = compileProgram(compilePolicyText(readFileSync("policies/examples/forum.qg", "utf8"), "forum.qg").ir!);
    const pool = new pg.Pool({ connectionString: server.url, max: 1 });
    try {
      for (const schema of ["fresh", "used"]) await initTables(pool, schema, 1, other.id, JSON.stringify(other.ir), 5);
    } finally {
      await pool.end();
    }
    const policy = async (schema: string) => (await client.query(`SELECT policy FROM ${schema}.cluster_partitions WHERE p = 0`)).rows[0].policy;
    expect(await policy("fresh")).toBe(other.id);
    expect(await policy("used")).toBe(program.id);
    expect(await rowsOf("used")).toEqual(stateOf(e));
    await e.close();
    await used.close();
  });

  it("a cluster whose tables predate the shared layout is refused until cluster init runs again, which keeps its rows", async () => {
    // Part of the tables `cluster init` created before a single engine shared them (no journal position, no entry columns).
    await client.query(`CREATE SCHEMA oldc;
      CREATE TABLE oldc.cluster_meta (k text PRIMARY KEY, v text NOT NULL);
      CREATE TABLE oldc.cluster_policies (id text PRIMARY KEY, ir text NOT NULL, loaded_at bigint NOT NULL);
      CREATE TABLE oldc.cluster_partitions (p int PRIMARY KEY, position bigint NOT NULL DEFAULT 0, consumed bigint NOT NULL DEFAULT 0, policy text NOT NULL,
        clock double precision, seq bigint NOT NULL, agreement text NOT NULL DEFAULT '{"version":null,"publishedAt":null}', purged_before double precision, committed_at bigint NOT NULL DEFAULT 0);
      CREATE TABLE oldc.cluster_decisions (log_seq bigserial PRIMARY KEY, p int NOT NULL, stream_seq bigint NOT NULL, event_id text, primary_decision boolean NOT NULL, json text NOT NULL, committed_at bigint NOT NULL);
      INSERT INTO oldc.cluster_meta VALUES ('partitions', '2');
      INSERT INTO oldc.cluster_partitions (p, position, consumed, policy, seq) VALUES (0, 40, 40, 'p0', 0), (1, 30, 30, 'p0', 1099511627776);
      INSERT INTO oldc.cluster_decisions (p, stream_seq, event_id, primary_decision, json, committed_at) VALUES (0, 40, 'e', true, '{}', 1);`);
    await expect(partitionCount(client, "oldc")).rejects.toThrow(/the cluster's tables predate this qungui's layout: run qungui cluster init again/);
    const pool = new pg.Pool({ connectionString: server.url, max: 1 });
    try {
      await initTables(pool, "oldc", 2, program.id, JSON.stringify(ir), 0);
    } finally {
      await pool.end();
    }
    expect(await partitionCount(client, "oldc")).toBe(2);
    const parts = await client.query(`SELECT p, position, journal, rows_at, policy FROM oldc.cluster_partitions ORDER BY p`);
    expect(parts.rows.map((r) => [r.p, Number(r.position), Number(r.journal), Number(r.rows_at), r.policy])).toEqual([
      [0, 40, 0, 0, "p0"],
      [1, 30, 0, 0, "p0"],
    ]);
    const d = await client.query(`SELECT stream_seq, entry, json FROM oldc.cluster_decisions`);
    expect(d.rows).toEqual([{ stream_seq: "40", entry: null, json: "{}" }]);
  });

  it("a worker refuses a partition whose state rows lag its journal", async () => {
    // A commit made without an engine (as the store's contract tests make them) carries no state: the rows fall behind.
    const store = await openPostgresStore({ connectionString: server.url, schema: "behind" });
    await store.putPolicy(program.id, JSON.stringify(ir));
    await store.commit(0, () => ({ entries: [{ seq: 1, kind: "policy", body: program.id, eventId: null, atMs: 0, policy: program.id, recordedAt: 0 }], decisions: [], deadLetters: [], recordedAt: 0 }));
    await store.close();
    const programs = { get: async () => program };
    await expect(decideBatch(client, "behind", 0, [{ seq: 1, kind: "event", data: events()[0]! }], programs, 0)).rejects.toThrow(
      /partition 0's state rows reflect journal entry 0, its journal ends at 1: open it once with qungui run or serve --store/,
    );
    // An engine's next commit writes every row, and the worker then decides from them.
    const again = await openPostgresStore({ connectionString: server.url, schema: "behind" });
    const e = await createEngine(program, { store: again, clock: () => 1 });
    await feed(e, events().slice(0, 5));
    expect(await rowsOf("behind")).toEqual(stateOf(e));
    await e.close();
    await again.close();
  });
});
