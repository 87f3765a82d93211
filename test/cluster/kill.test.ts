/**
 * The cluster under failure, against the real servers: a 3-node JetStream cluster, a PostgreSQL
 * server, three `qungui worker` child processes, and over 100,000 events published by `qungui
 * ingest`; while they are decided, workers are SIGKILLed (and replaced) at least ten times at points
 * spread over the run, one NATS node is SIGKILLed (and later restarted) and PostgreSQL is stopped in
 * immediate mode (a crash) and started again. The kills are placed by progress (decided messages),
 * not by time.
 *
 * Then, from the decision log in PostgreSQL:
 * - exactly once: one primary decision or dead letter per stored message, every event id decided
 *   once (a broadcast event once per partition), inputs = primary decisions + dead letters;
 * - the primary decisions equal `qungui run`'s on the same file (every user of the generated stream
 *   acts in one partition; timestamps never go backwards), timer decisions equal as a set;
 * - one user creating and joining groups in every partition at once gets exactly the per-user caps;
 *   no group exceeds the member cap;
 * - each group's decisions follow the order its events were published;
 * - each partition's log in commit order, with its events, passes the verify oracle.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { BROADCAST_TYPES, routeLine, STREAM } from "../../src/cluster/contract.js";
import { compilePolicyText } from "../../src/compile.js";
import { parseRfc3339, formatInstant } from "../../src/source/time.js";
import { CLI, cli, clusterServices, clusterUnavailable, consumedTotal, readLog, ROOT, sleep, startWorker, until, type WorkerProcess } from "./fixture.js";
import type { Decision } from "../../src/engine/decision.js";
import { secretsOf } from "../../src/verify/generate.js";
import { Oracle, type GenEvent } from "../../src/verify/oracle.js";
import { capScenario, partitionedStream } from "./workload.js";

const why = await clusterUnavailable("the cluster kill test");

const PARTITIONS = 8;
const WORKERS = 3;
const MIN_KILLS = 12;
const SCHEMA = "qk";
/** The reference policy with caps low enough for a test stream to reach them. */
const MEMBER_CAP = 40;
const JOIN_CAP = 6;
const CREATE_CAP = 3;

function variantPolicy(): string {
  const text = readFileSync(join(ROOT, "policies/cac-2017.qg"), "utf8");
  const out = text.replace("members per group 2000", `members per group ${MEMBER_CAP}`).replace("groups joined per user 500", `groups joined per user ${JOIN_CAP}`);
  if (out === text || !out.includes(`groups created per user ${CREATE_CAP},`)) throw new Error("the reference policy's limits changed; update the kill test's variant");
  return out;
}

const rng = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};

describe.skipIf(why !== null)("cluster under kill -9 of workers, a NATS node and PostgreSQL", () => {
  const services = clusterServices();

  it("decides every event exactly once, like one engine, within the shared caps, in order", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qungui-kill-"));
    const t0 = Date.now();
    const phase: string[] = [];
    const mark = (what: string) => phase.push(`${what} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const policy = join(dir, "policy.qg");
    const policyText = variantPolicy();
    writeFileSync(policy, policyText);
    const ir = compilePolicyText(policyText, "policy.qg").ir!;
    const stream = partitionedStream(ir, { partitions: PARTITIONS, eventsPerPartition: 12_700, usersPerPartition: 1500, seed: 7, startMs: parseRfc3339("2017-10-01T09:00:00+08:00")! });
    const cap = capScenario({ partitions: PARTITIONS, afterMs: stream.lastMs, agreementVersion: stream.agreementVersion, createsPerPartition: 5, groupsPerPartition: 3 });
    // A last clock for every partition, so every timer due within the stream fires in the cluster as in one engine.
    const finalClock = JSON.stringify({ id: "final-clock", type: "clock", at: formatInstant(stream.lastMs + 400 * 86_400_000, "Asia/Shanghai") });
    const phases = [[...stream.lines, ...cap.setup], cap.creates, [...cap.joins, finalClock]];
    const files = phases.map((lines, i) => {
      const f = join(dir, `phase${i}.jsonl`);
      writeFileSync(f, lines.join("\n") + "\n");
      return f;
    });
    const all = join(dir, "all.jsonl");
    writeFileSync(all, phases.flat().join("\n") + "\n");
    const allLines = phases.flat();
    expect(allLines.length).toBeGreaterThanOrEqual(100_000);

    mark("generated");
    const store = `${services.pg.url}&schema=${SCHEMA}`;
    const init = await cli(["cluster", "init", policy, "--nats", ...services.nats.urls, "--store", store, "--partitions", String(PARTITIONS)]);
    expect(init.code, init.stderr).toBe(0);

    const nc = await connect({ servers: services.nats.urls, maxReconnectAttempts: -1 });
    const jsm = await jetstreamManager(nc);
    const storedMessages = async () => (await jsm.streams.info(STREAM)).state.messages;
    const consumed = () => consumedTotal(services.pg.url, SCHEMA).catch(() => -1);

    const workers: WorkerProcess[] = [];
    let incarnation = 0;
    const spawnWorker = (slot: number) => {
      workers[slot] = startWorker(`w${slot}-${incarnation++}`, services.nats.urls, store, join(dir, `worker${slot}.log`), ["--batch", "400"]);
    };
    const random = rng(20171008);
    let kills = 0;
    try {
      // Phase 0 is published first: on this 2-core machine, workers deciding while it is published
      // starve the publisher and make batches tiny. The failures all fall while it is decided.
      const ing = await cli(["ingest", files[0]!, "--nats", ...services.nats.urls]);
      expect(ing.code, ing.stderr).toBe(0);
      mark("main phase published");
      for (let i = 0; i < WORKERS; i++) spawnWorker(i);
      const expectedMain = phases[0]!.length + (PARTITIONS - 1) * phases[0]!.filter((l) => BROADCAST_TYPES.some((t) => l.includes(`"type":"${t}"`))).length;
      const step = Math.floor(expectedMain / (MIN_KILLS + 2));
      let nextKill = step;
      let natsKilled = false;
      let natsBack = false;
      let pgRestarted = false;
      for (;;) {
        const done = await consumed();
        if (done >= 0 && done >= (await storedMessages().catch(() => Infinity))) break;
        if (done >= nextKill) {
          nextKill += step;
          const slot = Math.floor(random() * WORKERS);
          workers[slot]!.child.kill("SIGKILL");
          await workers[slot]!.exited;
          kills++;
          spawnWorker(slot);
        }
        if (!natsKilled && done >= expectedMain * 0.3) {
          services.nats.kill(1);
          natsKilled = true;
        }
        if (natsKilled && !natsBack && done >= expectedMain * 0.6) {
          await services.nats.restart(1);
          natsBack = true;
        }
        if (!pgRestarted && done >= expectedMain * 0.45) {
          services.pg.halt!("immediate");
          await sleep(1000);
          services.pg.resume!();
          pgRestarted = true;
        }
        await sleep(100);
      }
      mark("main phase decided");
      expect(natsKilled && natsBack && pgRestarted).toBe(true);
      expect(kills).toBeGreaterThanOrEqual(10);

      // The cap scenario's attempts, each phase once the one before is decided.
      for (const f of files.slice(1)) {
        const r = await cli(["ingest", f, "--nats", ...services.nats.urls]);
        expect(r.code, r.stderr).toBe(0);
        const target = await storedMessages();
        await until(async () => (await consumed()) >= target, 120_000, "the cap phase to be decided");
      }
    } finally {
      for (const w of workers) w.child.kill("SIGTERM");
      await Promise.all(workers.map((w) => w.exited));
      await nc.close();
    }

    mark("cap phases decided");
    // --- What the log says.
    const messages = await storedMessagesCount(services.nats.urls);
    const log = await readLog(services.pg.url, SCHEMA);
    const primaries = log.decisions.filter((d) => d.primary);
    const timers = log.decisions.filter((d) => !d.primary);

    mark("log read");
    // Exactly once: one primary decision or dead letter per stored message.
    const inputKeys = [...primaries.map((d) => `${d.p}:${d.streamSeq}`), ...log.deadLetters.map((d) => `${d.p}:${d.streamSeq}`)];
    expect(new Set(inputKeys).size).toBe(inputKeys.length);
    expect(primaries.length + log.deadLetters.length).toBe(messages);

    // One engine on the same file.
    const runOut = execFileSync(process.execPath, [CLI, "run", policy, all, "--dead-letter", join(dir, "run-dead.jsonl")], { cwd: ROOT, maxBuffer: 1 << 30 }).toString("utf8");
    const runDecisions = runOut.split("\n").filter((l) => l !== "");
    mark("qungui run");
    const runPrimary = new Map<string, string>();
    const runTimers: string[] = [];
    for (const j of runDecisions) {
      const d = JSON.parse(j) as { event: string; trigger?: string };
      if (d.trigger === "timer") runTimers.push(j);
      else if (!runPrimary.has(d.event)) runPrimary.set(d.event, j);
    }
    const involvesCap = (j: string) => {
      const s = (JSON.parse(j) as { subject: Record<string, string> }).subject;
      return Object.values(s).some((v) => cap.users.has(v) || cap.groups.has(v));
    };
    const byEvent = new Map<string, string[]>();
    for (const d of primaries) {
      const k = d.eventId ?? "";
      byEvent.set(k, [...(byEvent.get(k) ?? []), d.json]);
    }
    const broadcastIds = new Set(
      allLines
        .map((l) => {
          try {
            const e = JSON.parse(l) as { id?: string; type?: string };
            return BROADCAST_TYPES.includes(e.type ?? "") ? (e.id ?? null) : null;
          } catch {
            return null;
          }
        })
        .filter((x): x is string => x !== null),
    );
    let compared = 0;
    const mismatches: string[] = [];
    for (const [id, expected] of runPrimary) {
      const got = byEvent.get(id) ?? [];
      const copies = broadcastIds.has(id) ? PARTITIONS : 1;
      if (got.length !== copies) {
        mismatches.push(`${id}: ${got.length} primary decisions in the cluster, ${copies} expected`);
        continue;
      }
      if (id.startsWith("cap")) continue;
      for (const g of got) if (g !== expected) mismatches.push(`${id}:\n  run:     ${expected}\n  cluster: ${g}`);
      compared++;
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    // And nothing beyond them: every event id the cluster decided is one that one engine decided.
    expect([...byEvent.keys()].filter((id) => !runPrimary.has(id)).slice(0, 5)).toEqual([]);
    mark("compared");
    expect(compared).toBeGreaterThan(90_000);
    const timerKey = (j: string) => {
      const o = JSON.parse(j) as Record<string, unknown>;
      // What the trigger gives a timer decision: its event, time and type.
      delete o["event"];
      delete o["at"];
      delete o["type"];
      return JSON.stringify(o);
    };
    const clusterTimerSet = timers.map((d) => d.json).filter((j) => !involvesCap(j)).map(timerKey).sort();
    const runTimerSet = runTimers.filter((j) => !involvesCap(j)).map(timerKey).sort();
    expect(clusterTimerSet.length).toBeGreaterThan(1000);
    expect(clusterTimerSet).toEqual(runTimerSet);

    mark("timers compared");
    // Shared caps across partitions.
    const c = new pg.Client({ connectionString: services.pg.url });
    await c.connect();
    try {
      const capRow = (await c.query(`SELECT state FROM ${SCHEMA}.cluster_users WHERE id = $1`, [cap.capper])).rows[0];
      const capState = JSON.parse(capRow.state) as { groupsCreated: number; groupsJoined: number };
      // Enough attempts, from every partition, that the caps bind: reaching them exactly is not luck.
      const partitionsOf = (ls: string[]) => new Set(ls.map((l) => routeLine(l, PARTITIONS)).map((r) => (r.kind === "one" ? r.partition : -1))).size;
      expect(cap.creates.length).toBeGreaterThan(CREATE_CAP);
      expect(partitionsOf(cap.creates)).toBe(PARTITIONS);
      expect(cap.joins.length).toBeGreaterThan(JOIN_CAP - CREATE_CAP);
      expect(capState.groupsCreated).toBe(CREATE_CAP);
      expect(capState.groupsJoined).toBe(JOIN_CAP);
      const capAllowed = (ids: string[]) => ids.filter((l) => (byEvent.get((JSON.parse(l) as { id: string }).id) ?? []).some((j) => (JSON.parse(j) as { outcome: string }).outcome === "allow")).length;
      expect(capAllowed(cap.creates)).toBe(CREATE_CAP);
      expect(capAllowed(cap.joins)).toBe(JOIN_CAP - CREATE_CAP);
      const groups = (await c.query(`SELECT state FROM ${SCHEMA}.cluster_groups`)).rows.map((r) => JSON.parse(r.state) as { members: Record<string, string> });
      expect(groups.length).toBeGreaterThan(1000);
      expect(Math.max(...groups.map((g) => Object.keys(g.members).length))).toBeLessThanOrEqual(MEMBER_CAP);
      expect(groups.some((g) => Object.keys(g.members).length === MEMBER_CAP)).toBe(true);
    } finally {
      await c.end();
    }

    // Order: a group's decisions, in commit order, follow its events' stream order (and so a partition's).
    const lastSeqOf = new Map<string, number>();
    let outOfOrder = 0;
    for (const d of primaries) {
      const g = (JSON.parse(d.json) as { subject: { group?: string } }).subject.group;
      for (const key of [`p${d.p}`, ...(g === undefined ? [] : [`g${g}`])]) {
        if ((lastSeqOf.get(key) ?? 0) >= d.streamSeq) outOfOrder++;
        lastSeqOf.set(key, d.streamSeq);
      }
    }
    expect(outOfOrder).toBe(0);
    // And that stream order is the order they were published in: the files' order, within a group.
    const lineIndex = new Map<string, number>();
    allLines.forEach((l, i) => {
      let id: unknown;
      try {
        id = (JSON.parse(l) as { id?: unknown } | null)?.id;
      } catch {
        return; // malformed: a dead letter, no decision to place
      }
      if (typeof id === "string" && !lineIndex.has(id)) lineIndex.set(id, i);
    });
    const lastLineOf = new Map<string, number>();
    let publishedOutOfOrder = 0;
    let groupDecisions = 0;
    for (const d of primaries) {
      const g = (JSON.parse(d.json) as { subject: { group?: string } }).subject.group;
      const i = d.eventId === null ? undefined : lineIndex.get(d.eventId);
      if (g === undefined || i === undefined || broadcastIds.has(d.eventId!)) continue;
      if ((lastLineOf.get(g) ?? -1) >= i) publishedOutOfOrder++;
      lastLineOf.set(g, i);
      groupDecisions++;
    }
    expect(publishedOutOfOrder).toBe(0);
    expect(groupDecisions).toBeGreaterThan(50_000);

    mark("order checked");
    // Regulation invariants: each partition's log in commit order, with its events, passes the verify
    // oracle. Per partition, because each has its own engine clock (as one engine per partition
    // would); the cap scenario (one user in every partition) is left out: the oracle models one engine.
    const lineById = new Map<string, GenEvent>();
    for (const l of allLines) {
      try {
        const e = JSON.parse(l) as GenEvent;
        if (e !== null && typeof e === "object" && typeof e.id === "string" && !lineById.has(e.id)) lineById.set(e.id, e);
      } catch {
        // Malformed lines are dead letters: nothing for the oracle.
      }
    }
    const secrets = secretsOf([...lineById.values()]);
    const violations: string[] = [];
    let observed = 0;
    for (let p = 0; p < PARTITIONS; p++) {
      const oracle = new Oracle(ir, secrets);
      const mine = log.decisions.filter((d) => d.p === p);
      for (let i = 0; i < mine.length; ) {
        let j = i;
        while (j < mine.length && mine[j]!.streamSeq === mine[i]!.streamSeq) j++;
        const group = mine.slice(i, j);
        i = j;
        const last = group[group.length - 1]!;
        if (!last.primary || last.eventId === null || last.eventId.startsWith("cap")) continue;
        const event = lineById.get(last.eventId);
        if (event === undefined) continue;
        oracle.observe(event, group.map((d) => JSON.parse(d.json) as Decision), group.map((d) => d.json));
        observed++;
      }
      violations.push(...oracle.violations.map((v) => `partition ${p}: ${v.req}: ${v.message}`));
    }
    expect(violations.slice(0, 10)).toEqual([]);
    expect(observed).toBeGreaterThan(90_000);
    mark("checked");
    rmSync(dir, { recursive: true, force: true });
    console.info(`cluster kill test: ${phase.join(", ")}; ${messages} messages, ${kills} worker kills, ${primaries.length} primary + ${timers.length} timer decisions, ${log.deadLetters.length} dead letters`);
  }, 400_000);
});

async function storedMessagesCount(urls: string[]): Promise<number> {
  const nc = await connect({ servers: urls });
  try {
    return (await (await jetstreamManager(nc)).streams.info(STREAM)).state.messages;
  } finally {
    await nc.close();
  }
}
