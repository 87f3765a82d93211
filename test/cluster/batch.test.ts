/**
 * The batch decider against a real PostgreSQL server: decisions equal one engine's on the same
 * events split into batches, and a redelivered batch is dropped by the position check.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideBatch, type PartitionMessage, type Programs } from "../../src/cluster/batch.js";
import { initTables, newPool } from "../../src/cluster/schema.js";
import { compilePolicyText } from "../../src/compile.js";
import { compileProgram, emptyState, runStream, splitLines, type Program } from "../../src/engine/index.js";
import { postgresUnavailable, startPostgres, type TestServer } from "../service/postgres.js";

const why = await postgresUnavailable();
if (why !== null) console.warn(`skipping the cluster batch tests: ${why}`);

describe.skipIf(why !== null)("cluster batch decider on PostgreSQL", () => {
  let server: TestServer;
  beforeAll(() => {
    server = startPostgres();
  });
  afterAll(() => server?.stop());

  it("decides like one engine, and drops a redelivered batch", async () => {
    const ir = compilePolicyText(readFileSync("policies/cac-2017.qg", "utf8"), "cac-2017.qg").ir!;
    const program = compileProgram(ir);
    const lines = splitLines(readFileSync("samples/events.jsonl", "utf8")).filter((l) => l.trim() !== "");
    const expected: string[] = [];
    runStream(program, lines, emptyState(), { decision: (j) => expected.push(j) });

    const pool = newPool({ connectionString: server.url, schema: "qc" }, 2, "test");
    try {
      await initTables(pool, "qc", 1, program.id, JSON.stringify(ir), 0);
      const programs: Programs = { get: async (id) => (id === program.id ? (program as Program) : null) };
      const msgs: PartitionMessage[] = lines.map((data, i) => ({ seq: i + 1, kind: "event", data }));
      const client = await pool.connect();
      try {
        const got: string[] = [];
        for (let i = 0; i < msgs.length; i += 7) {
          const r = await decideBatch(client, "qc", 0, msgs.slice(i, i + 7), programs, 1);
          for (const d of r.decisions) got.push(d.json);
        }
        expect(got).toEqual(expected);
        const again = await decideBatch(client, "qc", 0, msgs.slice(0, 7), programs, 2);
        expect(again).toMatchObject({ skipped: Math.min(7, msgs.length), decided: 0 });
        const n = await client.query(`SELECT count(*)::int AS n FROM qc.cluster_decisions`);
        expect(n.rows[0].n).toBe(expected.length);
      } finally {
        client.release();
      }
    } finally {
      await pool.end();
    }
  }, 60_000);
});
