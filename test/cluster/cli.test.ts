/**
 * The cluster commands against a real 3-node JetStream cluster and a real PostgreSQL server:
 * `cluster init` (idempotent), `ingest`, `worker`, `cluster status`, `cluster policy`.
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { broadcastMsgId, routeLine } from "../../src/cluster/contract.js";
import { main } from "../../src/cli/main.js";
import type { Io } from "../../src/cli/io.js";
import { CLI, clusterServices, clusterUnavailable, consumedTotal, readLog, ROOT, startWorker, until } from "./fixture.js";

const why = await clusterUnavailable("the cluster command tests");

function captureIo(): Io & { stdout: () => string; stderr: () => string } {
  let out = "";
  let err = "";
  return { out: (t) => (out += t), err: (t) => (err += t), color: false, stdout: () => out, stderr: () => err };
}

describe.skipIf(why !== null)("cluster commands", () => {
  const services = clusterServices();
  const { tempDir } = services;
  let store: string;
  let stored = 0;
  beforeAll(() => {
    store = services.pg.url.replace("?", "?schema=qc&");
  });

  it("init creates the stream, consumers and tables, is idempotent, and refuses another partition count", async () => {
    const args = ["cluster", "init", "policies/cac-2017.qg", "--nats", ...services.nats.urls, "--store", store, "--partitions", "4"];
    const io = captureIo();
    expect(await main(["node", "qungui", ...args], io), io.stderr()).toBe(0);
    expect(io.stdout()).toMatch(/4 partitions/);
    expect(await main(["node", "qungui", ...args], captureIo())).toBe(0);
    const bad = captureIo();
    expect(await main(["node", "qungui", "cluster", "init", "policies/cac-2017.qg", "--nats", services.nats.urls.join(","), "--store", store, "--partitions", "8"], bad)).toBe(2);
    expect(bad.stderr()).toMatch(/already has 4 partitions/);
    const st = captureIo();
    expect(await main(["node", "qungui", "cluster", "status", "--nats", ...services.nats.urls, "--store", store, "--format", "json"], st), st.stderr()).toBe(0);
    const s = JSON.parse(st.stdout());
    expect(s.stream).toMatchObject({ messages: 0, replicas: 3 });
    expect(s.partitions.map((p: { partition: number; lag: number; owner: null }) => [p.partition, p.lag, p.owner])).toEqual([
      [0, 0, null],
      [1, 0, null],
      [2, 0, null],
      [3, 0, null],
    ]);
  }, 60_000);

  it("ingest publishes every line (malformed ones too) once, in order per partition; a re-run is all duplicates", async () => {
    const dir = tempDir("qungui-ingest-");
    const sample = readFileSync("samples/events.jsonl", "utf8").split("\n").filter((l) => l.trim() !== "");
    const broadcasts = sample.filter((l) => /"type":"(clock|agreement\.published)"/.test(l)).length;
    const lines = [...sample, "not json", '{"type":"group.join"}', "   ", '["an array"]'];
    const file = join(dir, "events.jsonl");
    writeFileSync(file, lines.join("\n") + "\n");
    const io = captureIo();
    expect(await main(["node", "qungui", "ingest", file, "--nats", ...services.nats.urls], io), io.stderr()).toBe(0);
    const inputs = sample.length - broadcasts + broadcasts * 4 + 3;
    // The sample repeats a few event ids on purpose: the stream keeps the first and says so for the others.
    const ids = sample.flatMap((l) => {
      const r = routeLine(l, 4);
      return r.kind === "all" ? [0, 1, 2, 3].map((p) => broadcastMsgId(r.msgId, p)) : r.msgId === null ? [] : [r.msgId];
    });
    const repeated = ids.length - new Set(ids).size;
    expect(repeated).toBeGreaterThan(0);
    expect(io.stderr()).toContain(`${sample.length + 3} lines → ${inputs} inputs to 4 partitions (${inputs - repeated} stored, ${repeated} already in the stream), 0 dead letters`);
    const again = captureIo();
    expect(await main(["node", "qungui", "ingest", file, "--nats", ...services.nats.urls], again), again.stderr()).toBe(0);
    expect(again.stderr()).toContain(`(0 stored, ${inputs} already in the stream)`);
    const st = captureIo();
    expect(await main(["node", "qungui", "cluster", "status", "--nats", ...services.nats.urls, "--store", store, "--format", "json"], st)).toBe(0);
    const s = JSON.parse(st.stdout());
    expect(s.stream.messages).toBe(inputs - repeated);
    expect(s.partitions.reduce((n: number, p: { lag: number }) => n + p.lag, 0)).toBe(inputs - repeated);
    stored = inputs - repeated;
    // Personal information (the identity of user.verified) never reaches the stream.
    const secrets = sample.flatMap((l) => {
      const e = JSON.parse(l) as { identity?: unknown };
      return e.identity !== null && typeof e.identity === "object" ? Object.values(e.identity as Record<string, unknown>).filter((x): x is string => typeof x === "string") : [];
    });
    expect(secrets.length).toBeGreaterThan(100);
    const { connect } = await import("@nats-io/transport-node");
    const { jetstreamManager } = await import("@nats-io/jetstream");
    const nc = await connect({ servers: services.nats.urls });
    try {
      const jsm = await jetstreamManager(nc);
      let verified = 0;
      let leaks = 0;
      for (let seq = 1; seq <= s.stream.lastSeq; seq++) {
        const text = (await jsm.streams.getMessage("QUNGUI", { seq }))!.string();
        if (secrets.some((x) => text.includes(x))) leaks++;
        if (text.includes('"user.verified"')) {
          expect(text).toContain('"identity":{}');
          verified++;
        }
      }
      expect(leaks).toBe(0);
      expect(verified).toBeGreaterThan(100);
    } finally {
      await nc.close();
    }
  }, 60_000);

  it("ingest through the loss of a NATS node: every line stored once, each partition in file order", async () => {
    const dir = tempDir("qungui-ingest-loss-");
    const lines = Array.from({ length: 300 }, (_, i) => JSON.stringify({ id: `loss-${i}`, type: "user.registered", at: `2019-05-01T10:${String(Math.floor(i / 60)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}+08:00`, user: `loss-user-${i}` }));
    const file = join(dir, "loss.jsonl");
    writeFileSync(file, lines.join("\n") + "\n");
    const { connect } = await import("@nats-io/transport-node");
    const { jetstreamManager } = await import("@nats-io/jetstream");
    const nc = await connect({ servers: services.nats.urls.slice(1), maxReconnectAttempts: -1 });
    try {
      const jsm = await jetstreamManager(nc);
      const before = (await jsm.streams.info("QUNGUI")).state.last_seq;
      services.nats.kill(0);
      const io = captureIo();
      expect(await main(["node", "qungui", "ingest", file, "--nats", ...services.nats.urls], io), io.stderr()).toBe(0);
      expect(io.stderr()).toContain("300 lines → 300 inputs to 4 partitions (300 stored, 0 already in the stream)");
      await services.nats.restart(0);
      const info = await jsm.streams.info("QUNGUI");
      expect(info.state.last_seq - before).toBe(300);
      const bySubject = new Map<string, number[]>();
      for (let seq = before + 1; seq <= info.state.last_seq; seq++) {
        const m = (await jsm.streams.getMessage("QUNGUI", { seq }))!;
        const n = Number((JSON.parse(m.string()) as { id: string }).id.slice("loss-".length));
        bySubject.set(m.subject, [...(bySubject.get(m.subject) ?? []), n]);
      }
      for (const ns of bySubject.values()) expect(ns).toEqual([...ns].sort((a, b) => a - b));
      stored += 300;
    } finally {
      await nc.close();
    }
  }, 120_000);

  it("two workers share the partitions and decide every stored message once: primary decisions + dead letters = messages", async () => {
    const dir = tempDir("qungui-workers-");
    const workers = ["w1", "w2"].map((n) => startWorker(n, services.nats.urls, store, join(dir, `${n}.log`)));
    try {
      await until(async () => (await consumedTotal(services.pg.url, "qc")) >= stored, 120_000, "the workers to decide every message");
      const st = captureIo();
      expect(await main(["node", "qungui", "cluster", "status", "--nats", ...services.nats.urls, "--store", store, "--format", "json"], st)).toBe(0);
      const s = JSON.parse(st.stdout());
      expect(s.workers).toBe(2);
      expect(new Set(s.partitions.map((p: { owner: string }) => p.owner))).toEqual(new Set(["qungui-worker w1", "qungui-worker w2"]));
      const log = await readLog(services.pg.url, "qc");
      const primary = log.decisions.filter((d) => d.primary);
      expect(primary.length + log.deadLetters.length).toBe(stored);
      // One primary decision per stored message.
      expect(new Set(primary.map((d) => `${d.p}:${d.streamSeq}`)).size).toBe(primary.length);
      expect(log.deadLetters.map((d) => JSON.parse(d.json).raw)).toEqual(expect.arrayContaining([expect.stringMatching(/withheld: not JSON/)]));
    } finally {
      for (const w of workers) w.child.kill("SIGTERM");
      await Promise.all(workers.map((w) => w.exited));
    }
  }, 180_000);

  it("serve --cluster answers with the committed decisions, finds a re-sent event's, and says 504 when no worker decides", async () => {
    const dir = tempDir("qungui-serve-cluster-");
    const serve = spawn(process.execPath, [CLI, "serve", "--cluster", "--nats", services.nats.urls.join(","), "--store", store, "--port", "0", "--log-level", "silent", "--decide-timeout", "8s"], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "pipe"],
    });
    const exited = new Promise((r) => serve.on("exit", r));
    let err = "";
    const address = await new Promise<string>((resolve, reject) => {
      serve.stderr.on("data", (b: Buffer) => {
        err += b.toString("utf8");
        const m = /(http:\/\/[0-9.:]+)/.exec(err);
        if (m !== null) resolve(m[1]!);
      });
      serve.on("exit", () => reject(new Error(`serve --cluster exited: ${err}`)));
    });
    const post = async (body: unknown) => {
      const r = await fetch(`${address}/v1/decide`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    const worker = startWorker("ws", services.nats.urls, store, join(dir, "w.log"));
    try {
      // The worker owns every partition before the first request (its start-up is not what is measured).
      await until(
        async () => {
          const st = captureIo();
          if ((await main(["node", "qungui", "cluster", "status", "--nats", ...services.nats.urls, "--store", store, "--format", "json"], st)) !== 0) return false;
          return (JSON.parse(st.stdout()) as { partitions: { owner: string | null }[] }).partitions.every((p) => p.owner === "qungui-worker ws");
        },
        60_000,
        "the worker to take every partition",
      );
      const ok = await post({ id: "srv-1", type: "user.registered", at: "2019-06-01T10:00:00+08:00", user: "srv-user" });
      expect(ok.status).toBe(200);
      const decisions = ok.body["decisions"] as { event: string; type: string }[];
      expect(decisions.at(-1)).toMatchObject({ event: "srv-1", type: "user.registered" });
      const bad = await post([{ id: "srv-2", type: "group.join", at: "2019-06-01T10:00:01+08:00" }]);
      expect(bad.status).toBe(200);
      expect((bad.body["results"] as { deadLetter?: { reason: string } }[])[0]!.deadLetter?.reason).toMatch(/user|group/);
      // Sent again: the stream drops the re-publish and the answer comes from the tables.
      const again = await post({ id: "srv-1", type: "user.registered", at: "2019-06-01T10:00:00+08:00", user: "srv-user" });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(ok.body);
      const noId = await post({ type: "clock", at: "2019-06-01T10:00:00+08:00" });
      expect(noId.status).toBe(400);
    } catch (e) {
      serve.kill("SIGTERM");
      throw e;
    } finally {
      worker.child.kill("SIGTERM");
      await worker.exited;
    }
    try {
      const late = await post({ id: "srv-3", type: "user.registered", at: "2019-06-01T10:00:02+08:00", user: "srv-user-3" });
      expect(late.status).toBe(504);
      expect(late.body).toMatchObject({ code: "QUNGUI_CLUSTER_TIMEOUT", pending: ["srv-3"] });
    } finally {
      serve.kill("SIGTERM");
      await exited;
    }
  }, 120_000);

  it("cluster policy: recorded in PostgreSQL, every partition switches at its switch message", async () => {
    const dir = tempDir("qungui-policy-");
    const variant = join(dir, "variant.qg");
    writeFileSync(variant, readFileSync("policies/cac-2017.qg", "utf8").replace("members per group 2000", "members per group 1999"));
    const io = captureIo();
    expect(await main(["node", "qungui", "cluster", "policy", variant, "--nats", ...services.nats.urls, "--store", store], io), io.stderr()).toBe(0);
    const newId = /policy ([0-9a-f]{64}) recorded/.exec(io.stdout())![1]!;
    const { connect } = await import("@nats-io/transport-node");
    const { jetstreamManager } = await import("@nats-io/jetstream");
    const nc = await connect({ servers: services.nats.urls });
    const switchAt: number[] = [];
    try {
      const jsm = await jetstreamManager(nc);
      for (let p = 0; p < 4; p++) {
        const m = await jsm.streams.getMessage("QUNGUI", { last_by_subj: `qungui.events.${p}` });
        expect(m!.header.get("Qungui-Kind")).toBe("policy");
        expect(m!.string()).toBe(newId);
        switchAt.push(m!.seq);
      }
    } finally {
      await nc.close();
    }
    const events = Array.from({ length: 40 }, (_, i) => JSON.stringify({ id: `after-${i}`, type: "user.registered", at: `2019-07-01T10:00:${String(i).padStart(2, "0")}+08:00`, user: `after-user-${i}` }));
    const file = join(dir, "after.jsonl");
    writeFileSync(file, events.join("\n") + "\n");
    expect(await main(["node", "qungui", "ingest", file, "--nats", ...services.nats.urls], captureIo())).toBe(0);
    const worker = startWorker("wp", services.nats.urls, store, join(dir, "w.log"));
    try {
      const c = new (await import("pg")).default.Client({ connectionString: services.pg.url });
      await c.connect();
      try {
        // Primary decisions only: the timers these later events pass fire with them, under the event's id.
        await until(
          async () => (await c.query(`SELECT count(*)::int AS n FROM qc.cluster_decisions WHERE event_id LIKE 'after-%' AND primary_decision`)).rows[0].n === 40,
          60_000,
          "the events after the switch to be decided",
        );
        const rows = (await c.query(`SELECT p, stream_seq, json FROM qc.cluster_decisions WHERE primary_decision ORDER BY log_seq`)).rows;
        let before = 0;
        let after = 0;
        for (const r of rows) {
          const id = (JSON.parse(r.json) as { policyId: string }).policyId;
          if (Number(r.stream_seq) > switchAt[r.p]!) {
            expect(id).toBe(newId);
            after++;
          } else {
            expect(id).not.toBe(newId);
            before++;
          }
        }
        expect(after).toBe(40);
        expect(before).toBeGreaterThan(4000);
        const parts = (await c.query(`SELECT DISTINCT policy FROM qc.cluster_partitions`)).rows.map((r) => r.policy);
        expect(parts).toEqual([newId]);
        expect((await c.query(`SELECT count(*)::int AS n FROM qc.cluster_policies`)).rows[0].n).toBe(2);
      } finally {
        await c.end();
      }
    } finally {
      worker.child.kill("SIGTERM");
      await worker.exited;
    }
  }, 120_000);
});
