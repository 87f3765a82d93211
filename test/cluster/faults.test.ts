/**
 * Two failures the kill test (kill.test.ts) does not stage, against the real servers (a 3-node
 * JetStream cluster, PostgreSQL, workers as child processes). A PostgreSQL crash mid-run is the kill
 * test's (`pg_ctl -m immediate` while the workers decide); it is not repeated here.
 *
 * - The stream's leader node is SIGKILLed while `qungui ingest` publishes: the ingest finishes (or
 *   fails saying why), and a re-publish of the whole file adds nothing. Every event is then decided
 *   exactly once, each partition in file order.
 * - Two of the three NATS nodes are SIGKILLed while `qungui ingest` publishes (no quorum): it stops
 *   after `--give-up`, saying what it stored; once the nodes are back, a re-run of the whole file
 *   stores only the rest, and every event is decided exactly once.
 * - A worker holding partitions is SIGSTOPped in the middle of a batch's transaction (it keeps its
 *   connections, so its locks): PostgreSQL ends its sessions after the worker's hang timeout, the
 *   other worker takes the partitions over and decides them; when the hung worker is resumed (SIGCONT)
 *   its batch is on a connection the server closed and is never committed. Exactly once throughout.
 * - A partition's owner stopped while PostgreSQL is writing a result to it (its session is "active",
 *   out of the idle timeouts' reach): a worker ends that session after its hang timeout and takes the
 *   partition.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STREAM } from "../../src/cluster/contract.js";
import { messagesOf } from "../../src/cluster/ingest.js";
import { partitionLockKey, partitionOwners } from "../../src/cluster/locks.js";
import { compilePolicyText } from "../../src/compile.js";
import { parseRfc3339 } from "../../src/source/time.js";
import { cli, clusterServices, clusterUnavailable, consumedTotal, readLog, ROOT, sleep, startWorker, until, type WorkerProcess } from "./fixture.js";
import { partitionedStream } from "./workload.js";

const why = await clusterUnavailable("the cluster fault tests");

const PARTITIONS = 4;
const POLICY = join(ROOT, "policies/cac-2017.qg");

/** What the file's lines become on the stream: the distinct message ids, in file order per partition. */
function expectedMessages(lines: readonly string[]): { msgIds: Set<string>; byPartition: string[][] } {
  const msgIds = new Set<string>();
  const byPartition: string[][] = Array.from({ length: PARTITIONS }, () => []);
  lines.forEach((line, i) => {
    const r = messagesOf(line, i + 1, { partitions: PARTITIONS, maxPayload: 1 << 20 });
    if ("deadLetter" in r) throw new Error(`line ${i + 1} cannot be published: ${r.deadLetter.reason}`);
    for (const m of r.messages) {
      if (msgIds.has(m.msgId)) continue;
      msgIds.add(m.msgId);
      byPartition[m.partition]!.push(m.msgId);
    }
  });
  return { msgIds, byPartition };
}

/**
 * Exactly once, from the log: one primary decision or dead letter per stored message, none twice
 * for one (partition, stream sequence), and per partition the events' ids in file order.
 */
async function expectExactlyOnce(url: string, schema: string, stored: number, expected: { byPartition: string[][] }): Promise<void> {
  const log = await readLog(url, schema);
  const primaries = log.decisions.filter((d) => d.primary);
  const keys = [...primaries.map((d) => `${d.p}:${d.streamSeq}`), ...log.deadLetters.map((d) => `${d.p}:${d.streamSeq}`)];
  expect(new Set(keys).size).toBe(keys.length);
  expect(primaries.length + log.deadLetters.length).toBe(stored);
  // Per partition, the primary decisions' event ids in log order are a subsequence of the file's order
  // (lines without an id, and events dead-lettered, have no primary decision), and each id appears once.
  for (let p = 0; p < PARTITIONS; p++) {
    const ids = primaries.filter((d) => d.p === p).map((d) => d.eventId!);
    expect(new Set(ids).size).toBe(ids.length);
    const order = new Map(expected.byPartition[p]!.map((id, i) => [id.replace(/@[0-9]+$/, ""), i]));
    let last = -1;
    for (const id of ids) {
      const at = order.get(id);
      expect(at, `event ${id} of partition ${p} is not in the file`).toBeDefined();
      expect(at!).toBeGreaterThan(last);
      last = at!;
    }
  }
}

/** What a worker logs when the server has ended a partition's session under it. */
const SESSION_ENDED = /its PostgreSQL session ended \((terminating connection due to idle-(in-transaction|session) timeout|write EPIPE|read ECONNRESET|Connection terminated unexpectedly|the connection closed)\)/;

describe.skipIf(why !== null)("cluster faults: a NATS node lost during ingest, a hung worker", () => {
  const services = clusterServices();
  const { tempDir } = services;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let db: pg.Client;
  const ir = compilePolicyText(readFileSync(POLICY, "utf8"), "cac-2017.qg").ir!;
  const stored = async () => (await jsm.streams.info(STREAM)).state.messages;

  /** A new stream (the old one deleted: the stream is one per NATS cluster) and a new schema. */
  const freshCluster = async (schema: string) => {
    await jsm.streams.delete(STREAM).catch(() => undefined);
    const init = await cli(["cluster", "init", POLICY, "--nats", ...services.nats.urls, "--store", `${services.pg.url}&schema=${schema}`, "--partitions", String(PARTITIONS)]);
    expect(init.code, init.stderr).toBe(0);
  };

  /** A generated stream of the test's partitions written to `dir`/events.jsonl, with the messages it must become. */
  const workloadFile = (dir: string, o: { eventsPerPartition: number; usersPerPartition: number; seed: number; start: string }) => {
    const lines = partitionedStream(ir, { partitions: PARTITIONS, eventsPerPartition: o.eventsPerPartition, usersPerPartition: o.usersPerPartition, seed: o.seed, startMs: parseRfc3339(o.start)! }).lines;
    const file = join(dir, "events.jsonl");
    writeFileSync(file, lines.join("\n") + "\n");
    return { file, expected: expectedMessages(lines) };
  };

  /** Two workers decide every stored message, then stop; each message was decided exactly once. */
  const decideAllExactlyOnce = async (schema: string, dir: string, names: [string, string], inStream: number, expected: { byPartition: string[][] }) => {
    const workers = names.map((n) => startWorker(n, services.nats.urls, `${services.pg.url}&schema=${schema}`, join(dir, `${n}.log`)));
    try {
      await until(async () => (await consumedTotal(services.pg.url, schema)) >= inStream, 120_000, "the workers to decide every message");
    } finally {
      for (const w of workers) w.child.kill("SIGTERM");
      await Promise.all(workers.map((w) => w.exited));
    }
    await expectExactlyOnce(services.pg.url, schema, inStream, expected);
  };

  beforeAll(async () => {
    nc = await connect({ servers: services.nats.urls, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    jsm = await jetstreamManager(nc, { timeout: 5000 });
    db = new pg.Client({ connectionString: services.pg.url });
    await db.connect();
  }, 300_000);
  afterAll(async () => {
    await db?.end().catch(() => undefined);
    await nc?.close().catch(() => undefined);
  });

  it("the stream leader dies during ingest: ingest completes or says why, a re-publish of the file adds nothing, every event is decided once in file order", async () => {
    const schema = "qf_ingest";
    await freshCluster(schema);
    const dir = tempDir("qungui-fault-ingest-");
    const { file, expected } = workloadFile(dir, { eventsPerPartition: 3000, usersPerPartition: 400, seed: 11, start: "2018-03-01T09:00:00+08:00" });

    const leaderName = (await jsm.streams.info(STREAM)).cluster?.leader;
    const leader = services.nats.nodes.findIndex((n) => n.name === leaderName);
    expect(leader).toBeGreaterThanOrEqual(0);
    const ingest = cli(["ingest", file, "--nats", ...services.nats.urls]);
    let finished = false;
    void ingest.then(() => (finished = true));
    // Killed once a quarter of the file is stored, while the publisher is still at it.
    await until(async () => finished || (await stored().catch(() => 0)) >= expected.msgIds.size / 4, 60_000, "a quarter of the file to be stored");
    expect(finished).toBe(false);
    const atKill = await stored();
    services.nats.kill(leader);
    const first = await ingest;
    if (first.code !== 0) expect(first.stderr).toMatch(/qungui: ingest stopped: publishing to qungui\.events\.[0-9]+ failed for [0-9]+ s/);
    else expect(first.stderr).toMatch(/\([0-9]+ stored, [0-9]+ already in the stream\)/);
    await services.nats.restart(leader);

    // The whole file again: what the first run stored is dropped by its message id.
    const again = await cli(["ingest", file, "--nats", ...services.nats.urls]);
    expect(again.code, again.stderr).toBe(0);
    const m = /→ ([0-9]+) inputs to 4 partitions \(([0-9]+) stored, ([0-9]+) already in the stream\)/.exec(again.stderr);
    expect(m, again.stderr).not.toBeNull();
    const inStream = await stored();
    expect(inStream).toBe(expected.msgIds.size);
    expect(Number(m![2]) + Number(m![3])).toBe(Number(m![1]));
    if (first.code === 0) expect(Number(m![2])).toBe(0);
    console.info(`ingest fault: leader ${leaderName} killed at ${atKill} of ${expected.msgIds.size} messages stored; first run exit ${first.code}; re-run stored ${m![2]}, dropped ${m![3]}`);

    await decideAllExactlyOnce(schema, dir, ["fa", "fb"], inStream, expected);
  }, 240_000);

  it("two NATS nodes die during ingest (no quorum): ingest stops after --give-up saying what it stored; a re-run once they are back stores the rest, nothing twice", async () => {
    const schema = "qf_quorum";
    await freshCluster(schema);
    const dir = tempDir("qungui-fault-quorum-");
    const { file, expected } = workloadFile(dir, { eventsPerPartition: 2500, usersPerPartition: 300, seed: 17, start: "2018-04-01T09:00:00+08:00" });

    const ingest = cli(["ingest", file, "--nats", ...services.nats.urls, "--give-up", "3"]);
    let finished = false;
    void ingest.then(() => (finished = true));
    await until(async () => finished || (await stored().catch(() => 0)) >= expected.msgIds.size / 4, 60_000, "a quarter of the file to be stored");
    expect(finished).toBe(false);
    services.nats.kill(1);
    services.nats.kill(2);
    const first = await ingest;
    expect(first.code).toBe(2);
    const said = /qungui: ingest stopped: publishing to qungui\.events\.[0-9]+ failed for 3 s: .*Before it, ([0-9]+) messages were stored and ([0-9]+) were already in the stream; run the same ingest again/.exec(first.stderr);
    expect(said, first.stderr).not.toBeNull();
    const storedBefore = Number(said![1]);
    expect(storedBefore).toBeGreaterThan(0);
    expect(storedBefore).toBeLessThan(expected.msgIds.size);
    await services.nats.restart(1);
    await services.nats.restart(2);

    const again = await cli(["ingest", file, "--nats", ...services.nats.urls]);
    expect(again.code, again.stderr).toBe(0);
    const m = /→ ([0-9]+) inputs to 4 partitions \(([0-9]+) stored, ([0-9]+) already in the stream\)/.exec(again.stderr);
    expect(m, again.stderr).not.toBeNull();
    const inStream = await stored();
    expect(inStream).toBe(expected.msgIds.size);
    // What the first run stored (and possibly a publish it sent but never heard back about) is dropped by id.
    expect(Number(m![3])).toBeGreaterThanOrEqual(storedBefore);
    expect(Number(m![2])).toBeGreaterThan(0);
    console.info(`quorum lost during ingest: first run stopped after storing ${storedBefore}; re-run stored ${m![2]}, dropped ${m![3]}; stream holds ${inStream}`);

    await decideAllExactlyOnce(schema, dir, ["qa", "qb"], inStream, expected);
  }, 240_000);

  it("a worker hung mid-transaction loses its partitions after its hang timeout and, resumed, commits nothing stale", async () => {
    const schema = "qf_hang";
    const HANG_MS = 3000;
    await freshCluster(schema);
    const dir = tempDir("qungui-fault-hang-");
    const { file, expected } = workloadFile(dir, { eventsPerPartition: 5000, usersPerPartition: 600, seed: 23, start: "2018-06-01T09:00:00+08:00" });
    const ing = await cli(["ingest", file, "--nats", ...services.nats.urls]);
    expect(ing.code, ing.stderr).toBe(0);
    const inStream = await stored();
    expect(inStream).toBe(expected.msgIds.size);

    const store = `${services.pg.url}&schema=${schema}`;
    const extra = ["--batch", "100", "--hang-timeout", String(HANG_MS)];
    const hung = startWorker("hA", services.nats.urls, store, join(dir, "hA.log"), extra);
    const other = startWorker("hB", services.nats.urls, store, join(dir, "hB.log"), extra);
    const workers: WorkerProcess[] = [hung, other];
    const owners = async () => partitionOwners(db, schema);
    const statesOf = async (app: string) => (await db.query(`SELECT state FROM pg_stat_activity WHERE application_name = $1`, [app])).rows.map((r) => String(r.state));
    try {
      await until(async () => [...(await owners()).values()].filter((o) => o === "qungui-worker hA").length > 0 && (await owners()).size === PARTITIONS, 60_000, "both workers to own partitions");
      await until(async () => (await consumedTotal(services.pg.url, schema)) > 500, 60_000, "the workers to be deciding");

      // SIGSTOP until the stop lands inside one of its batch transactions (PostgreSQL says "idle in transaction").
      let inTransaction = false;
      let stoppedAt = 0;
      for (let attempt = 0; attempt < 80 && !inTransaction; attempt++) {
        hung.child.kill("SIGSTOP");
        stoppedAt = Date.now();
        for (let look = 0; look < 4 && !inTransaction; look++) {
          await sleep(40);
          inTransaction = (await statesOf("qungui-worker hA")).includes("idle in transaction");
        }
        if (!inTransaction) {
          hung.child.kill("SIGCONT");
          await sleep(20 + attempt * 3);
        }
      }
      expect(inTransaction).toBe(true);
      const consumedAtStop = await consumedTotal(services.pg.url, schema);
      expect(consumedAtStop).toBeLessThan(inStream);
      const itsPartitions = [...(await owners())].filter(([, o]) => o === "qungui-worker hA").map(([p]) => p);
      expect(itsPartitions.length).toBeGreaterThan(0);

      // PostgreSQL ends the hung worker's sessions after the hang timeout; hB takes every partition.
      await until(async () => [...(await owners()).values()].every((o) => o === "qungui-worker hB") && (await owners()).size === PARTITIONS, HANG_MS + 30_000, "hB to take the hung worker's partitions");
      const tookOver = Date.now() - stoppedAt;
      // Not before the server's timeout: the lock was held until PostgreSQL ended the session.
      expect(tookOver).toBeGreaterThanOrEqual(HANG_MS / 2);
      expect(await statesOf("qungui-worker hA")).toEqual([]);
      const positions = async () => new Map((await db.query(`SELECT p, position FROM "${schema}".cluster_partitions`)).rows.map((r) => [Number(r.p), Number(r.position)]));
      const before = await positions();
      await until(async () => {
        const now = await positions();
        return itsPartitions.some((p) => now.get(p)! > before.get(p)!);
      }, 60_000, "hB to decide on the hung worker's partitions");

      // Resumed: its batch in progress meets a closed connection; it says so and commits nothing stale.
      hung.child.kill("SIGCONT");
      // The reason it gives is the server's FATAL when the client reads it first, or the failed write
      // when the resumed worker sends on the closed socket before reading (EPIPE, ECONNRESET).
      await until(async () => SESSION_ENDED.test(readFileSync(join(dir, "hA.log"), "utf8")), 30_000, "the resumed worker to notice its sessions ended").catch((e: Error) => {
        throw new Error(`${e.message}; its log ends:\n${readFileSync(join(dir, "hA.log"), "utf8").split("\n").slice(-25).join("\n")}`);
      });
      await until(async () => (await consumedTotal(services.pg.url, schema)) >= inStream, 120_000, "every message to be decided");
      console.info(`hung worker: stopped in a transaction at ${consumedAtStop} of ${inStream} messages decided; partitions ${itsPartitions.join(", ")} taken over after ${tookOver} ms (hang timeout ${HANG_MS} ms)`);
    } finally {
      hung.child.kill("SIGCONT");
      for (const w of workers) w.child.kill("SIGTERM");
      await Promise.all(workers.map((w) => w.exited));
    }
    await expectExactlyOnce(services.pg.url, schema, inStream, expected);
    expect(readFileSync(join(dir, "hA.log"), "utf8")).toMatch(SESSION_ENDED);
  }, 240_000);

  it("an owner that stopped reading a result from PostgreSQL is ended by a worker after its hang timeout", async () => {
    const schema = "qf_stuck";
    const HANG_MS = 2000;
    await freshCluster(schema);
    const dir = tempDir("qungui-fault-stuck-");
    const { file, expected } = workloadFile(dir, { eventsPerPartition: 500, usersPerPartition: 100, seed: 31, start: "2018-09-01T09:00:00+08:00" });
    expect((await cli(["ingest", file, "--nats", ...services.nats.urls])).code).toBe(0);
    const inStream = await stored();

    // An owner of partition 0 that asked for a large result and stopped reading it (as a SIGSTOPped worker would).
    const stuck = new pg.Client({ connectionString: services.pg.url, application_name: "qungui-worker stuck" });
    await stuck.connect();
    stuck.on("error", () => undefined);
    expect((await stuck.query("SELECT pg_try_advisory_lock($1, 0) AS ok", [partitionLockKey(schema)])).rows[0].ok).toBe(true);
    const socket = (stuck as unknown as { connection: { stream: NodeJS.ReadableStream } }).connection.stream;
    const big = stuck.query("SELECT repeat('x', 100000) FROM generate_series(1, 2000)").catch((e: Error) => e);
    socket.pause();
    const stuckState = async () => (await db.query(`SELECT state, wait_event FROM pg_stat_activity WHERE application_name = 'qungui-worker stuck'`)).rows[0] as { state: string; wait_event: string | null } | undefined;
    await until(async () => (await stuckState())?.wait_event === "ClientWrite", 30_000, "PostgreSQL to block writing to the stuck owner");

    const worker = startWorker("sw", services.nats.urls, `${services.pg.url}&schema=${schema}`, join(dir, "sw.log"), ["--hang-timeout", String(HANG_MS)]);
    try {
      await until(async () => (await partitionOwners(db, schema)).get(0) === "qungui-worker sw", HANG_MS + 30_000, "the worker to end the stuck owner and take partition 0");
      expect(await stuckState()).toBeUndefined();
      expect(readFileSync(join(dir, "sw.log"), "utf8")).toMatch(/partition 0: its owner has not read from PostgreSQL for 2000 ms; its session was ended/);
      await until(async () => (await consumedTotal(services.pg.url, schema)) >= inStream, 60_000, "every message to be decided");
    } finally {
      worker.child.kill("SIGTERM");
      await worker.exited;
      socket.resume();
      await big;
      await stuck.end().catch(() => undefined);
    }
    await expectExactlyOnce(services.pg.url, schema, inStream, expected);
  }, 120_000);
});
