/**
 * A single engine is a cluster of one partition (docs/cluster.md, "One schema"): a database that
 * `qungui run --store postgres://…` filled is opened by `cluster status` and `cluster init
 * --partitions 1` as it is, and `qungui worker` goes on deciding from its rows. Against a real
 * PostgreSQL server and a real 3-node JetStream cluster: the decision log, the single engine's
 * decisions followed by the worker's, equals `qungui run`'s in memory on the whole stream, byte for
 * byte and in order (timer decisions included); an event id the single engine accepted is a
 * duplicate for the worker; and once a worker has decided the partition, `run --store` refuses it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { splitLines } from "../../src/engine/index.js";
import { cli, clusterServices, clusterUnavailable, consumedTotal, startWorker, until } from "./fixture.js";

const why = await clusterUnavailable("the single-engine take-over test");

const POLICY = "policies/cac-2017.qg";

describe.skipIf(why !== null)("a run --store database taken over by qungui worker as a one-partition cluster", () => {
  const services = clusterServices();
  let dir: string;
  beforeAll(() => {
    dir = services.tempDir("qungui-takeover-");
  });

  it("decides on from the single engine's rows, as qungui run in memory does on the whole stream", async () => {
    const store = services.pg.url.replace("?", "?schema=solo&");
    const sample = splitLines(readFileSync("samples/events.jsonl", "utf8")).filter((l) => l.trim() !== "");
    const half = Math.floor(sample.length / 2);
    // The second half starts by re-sending the first half's last three events: the worker must
    // know their ids from the single engine's seen rows, as one engine does.
    const lines = [...sample.slice(0, half), ...sample.slice(half - 3, half), ...sample.slice(half)];
    const files = { all: join(dir, "all.jsonl"), first: join(dir, "first.jsonl"), second: join(dir, "second.jsonl"), more: join(dir, "more.jsonl") };
    writeFileSync(files.all, lines.join("\n") + "\n");
    writeFileSync(files.first, lines.slice(0, half).join("\n") + "\n");
    writeFileSync(files.second, lines.slice(half).join("\n") + "\n");
    writeFileSync(files.more, lines.slice(0, 3).join("\n") + "\n");

    const reference = await cli(["run", POLICY, files.all, "--dead-letter", join(dir, "ref-dead.jsonl")]);
    expect(reference.code, reference.stderr).toBe(0);
    const expected = reference.stdout.split("\n").filter((l) => l !== "");
    const expectedDead = readFileSync(join(dir, "ref-dead.jsonl"), "utf8").split("\n").filter((l) => l !== "").length;

    // The single engine decides the first half into PostgreSQL.
    const single = await cli(["run", POLICY, files.first, "--store", store, "--dead-letter", join(dir, "single-dead.jsonl")]);
    expect(single.code, single.stderr).toBe(0);
    const singleDecisions = single.stdout.split("\n").filter((l) => l !== "");
    expect(singleDecisions).toEqual(expected.slice(0, singleDecisions.length));

    // cluster status opens it as it is: one partition, the single engine's policy and decisions.
    const before = await cli(["cluster", "status", "--nats", ...services.nats.urls, "--store", store, "--format", "json"]);
    expect(before.code, before.stderr).toBe(0);
    const s0 = JSON.parse(before.stdout);
    expect(s0.partitions).toHaveLength(1);
    expect(s0.partitions[0]).toMatchObject({ partition: 0, position: 0, owner: null });
    expect(s0.decisions).toBe(singleDecisions.length);

    // The stream and the consumer; the tables are kept (init is idempotent), so is the policy in force.
    const init = await cli(["cluster", "init", POLICY, "--partitions", "1", "--nats", ...services.nats.urls, "--store", store]);
    expect(init.code, init.stderr).toBe(0);
    const refused = await cli(["cluster", "init", POLICY, "--partitions", "4", "--nats", ...services.nats.urls, "--store", store]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/already has 1 partitions/);

    const ingest = await cli(["ingest", files.second, "--nats", ...services.nats.urls]);
    expect(ingest.code, ingest.stderr).toBe(0);
    const stored = lines.length - half;
    const worker = startWorker("solo", services.nats.urls, store, join(dir, "worker.log"));
    try {
      await until(async () => (await consumedTotal(services.pg.url, "solo")) >= stored, 120_000, "the worker to decide the second half");
    } finally {
      worker.child.kill("SIGTERM");
      await worker.exited;
    }

    const c = new pg.Client({ connectionString: services.pg.url });
    await c.connect();
    try {
      const log = (await c.query(`SELECT json, entry, stream_seq FROM solo.cluster_decisions ORDER BY log_seq`)).rows;
      // The single engine's decisions name journal entries, the worker's stream messages.
      expect(log.slice(0, singleDecisions.length).every((r) => r.entry !== null && r.stream_seq === null)).toBe(true);
      expect(log.slice(singleDecisions.length).every((r) => r.entry === null && r.stream_seq !== null)).toBe(true);
      expect(log.map((r) => r.json)).toEqual(expected);
      const dead = (await c.query(`SELECT json FROM solo.cluster_dead_letters ORDER BY id`)).rows.map((r) => JSON.parse(r.json) as { reason: string });
      expect(dead.length).toBe(expectedDead);
      const resent = new Set(sample.slice(half - 3, half).map((l) => (JSON.parse(l) as { id: string }).id));
      const duplicates = dead.filter((d) => /duplicate event id/.test(d.reason) && [...resent].some((id) => JSON.stringify(d).includes(id)));
      expect(duplicates.length).toBeGreaterThanOrEqual(resent.size);
    } finally {
      await c.end();
    }

    const after = await cli(["cluster", "status", "--nats", ...services.nats.urls, "--store", store, "--format", "json"]);
    const s1 = JSON.parse(after.stdout);
    expect(s1.decisions).toBe(expected.length);
    expect(s1.partitions[0].position).toBeGreaterThanOrEqual(stored);

    // The partition is the cluster's now: the single engine's journal no longer describes it.
    const again = await cli(["run", POLICY, files.more, "--store", store]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/a cluster worker has decided partition 0 .*run qungui worker on it/);
  }, 300_000);
});
