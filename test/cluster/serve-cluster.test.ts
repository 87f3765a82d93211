/**
 * `serve --cluster` as production runs it, against a real 3-node JetStream cluster, PostgreSQL and a
 * worker process: HTTPS with the same flags as `qungui serve`; Prometheus metrics (publish and commit
 * waits, 504s, the NATS connection's state, partitions by policy); a policy reload through
 * `POST /v1/policy` recorded in PostgreSQL and switched at one point of every partition's log; the
 * NATS node it was given dying (it reconnects to another it learnt from the cluster).
 */
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { join } from "node:path";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { partitionOwners } from "../../src/cluster/locks.js";
import { CLI, cli, clusterServices, clusterUnavailable, ROOT, startWorker, until } from "./fixture.js";

const why = await clusterUnavailable("the serve --cluster production test");

const TOKEN = "cluster-admin-token-0123456789";
const SCHEMA = "qs";

/** A metric's value from the exposition text (the first series matching the name and labels). */
function metric(text: string, name: string, labels = ""): number | undefined {
  const escaped = (name + labels).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = new RegExp(`^${escaped}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, "m").exec(text);
  return m === null ? undefined : Number(m[1]);
}

describe.skipIf(why !== null)("serve --cluster in production: TLS, metrics, policy reload, NATS node loss", () => {
  const services = clusterServices();
  let dir: string;
  beforeAll(() => {
    dir = services.tempDir("qungui-serve-cluster-prod-");
  });

  it("answers over HTTPS, counts what it does, switches the cluster's policy, and rides out the loss of its NATS node", async () => {
    const store = `${services.pg.url}&schema=${SCHEMA}`;
    const init = await cli(["cluster", "init", "policies/cac-2017.qg", "--nats", ...services.nats.urls, "--store", store, "--partitions", "4"]);
    expect(init.code, init.stderr).toBe(0);
    const firstPolicy = /policy ([0-9a-f]{64})/.exec(init.stdout + init.stderr)?.[1];
    const key = join(dir, "key.pem");
    const cert = join(dir, "cert.pem");
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
    const ca = readFileSync(cert);

    // Given one NATS node only: it learns the others from the cluster.
    const serve = spawn(
      process.execPath,
      [CLI, "serve", "--cluster", "--nats", services.nats.urls[0]!, "--store", store, "--port", "0", "--log-level", "warn", "--decide-timeout", "10s", "--tls-cert", cert, "--tls-key", key],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, QUNGUI_ADMIN_TOKEN: TOKEN } },
    );
    const exited = new Promise<number | null>((r) => serve.on("exit", (code) => r(code)));
    let err = "";
    let out = "";
    serve.stdout.on("data", (b: Buffer) => (out += b.toString("utf8")));
    const address = await new Promise<string>((resolve, reject) => {
      serve.stderr.on("data", (b: Buffer) => {
        err += b.toString("utf8");
        const m = /(https:\/\/[0-9.:]+)/.exec(err);
        if (m !== null) resolve(m[1]!);
      });
      serve.on("exit", () => reject(new Error(`serve --cluster exited: ${err}`)));
    });
    expect(err).toMatch(/policy reload enabled/);
    const call = (method: "GET" | "POST", path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> =>
      new Promise((resolve, reject) => {
        const u = new URL(path, address);
        // Verified against the test's own certificate: this is TLS, not plain HTTP on another port.
        const req = httpsRequest({ host: u.hostname, port: u.port, path: u.pathname, method, ca, headers: { "content-type": "application/json", ...headers } }, (res) => {
          let text = "";
          res.on("data", (b: Buffer) => (text += b.toString("utf8")));
          res.on("end", () => resolve({ status: res.statusCode!, text }));
        });
        req.on("error", reject);
        req.end(body);
      });
    const metrics = async () => (await call("GET", "/metrics")).text;
    const decide = (id: string, user: string, second: number) => call("POST", "/v1/decide", JSON.stringify({ id, type: "user.registered", at: `2019-06-01T10:00:${String(second).padStart(2, "0")}+08:00`, user }));

    const worker = startWorker("wprod", services.nats.urls, store, join(dir, "w.log"));
    const db = new pg.Client({ connectionString: services.pg.url });
    await db.connect();
    try {
      await until(async () => [...(await partitionOwners(db, SCHEMA)).values()].filter((o) => o === "qungui-worker wprod").length === 4, 60_000, "the worker to take every partition");
      expect((await call("GET", "/v1/health/ready")).status).toBe(200);

      const first = await decide("p-1", "prod-user-1", 1);
      expect(first.status, first.text).toBe(200);
      const firstDecisions = (JSON.parse(first.text) as { decisions: { event: string; outcome: string; policyId: string }[] }).decisions;
      expect(firstDecisions.at(-1)).toMatchObject({ event: "p-1" });
      let m = await metrics();
      expect(metric(m, "qungui_nats_connected")).toBe(1);
      expect(metric(m, "qungui_ready")).toBe(1);
      expect(metric(m, "qungui_events_total")).toBe(1);
      expect(metric(m, "qungui_cluster_publish_duration_seconds_count")).toBe(1);
      expect(metric(m, "qungui_cluster_commit_wait_seconds_count")).toBe(1);
      expect(metric(m, "qungui_decisions_total", `{outcome="${firstDecisions.at(-1)!.outcome}"}`)).toBeGreaterThanOrEqual(1);
      expect(metric(m, "qungui_cluster_timeouts_total")).toBe(0);
      expect(metric(m, "qungui_build_info", '{version="0.1.0"')).toBeUndefined();
      expect(m).toMatch(/qungui_build_info\{[^}]*store="cluster"[^}]*\} 1/);
      expect(metric(m, "qungui_cluster_partitions_policy", `{id="${firstPolicy!}"}`)).toBe(4);
      expect(m).toMatch(/qungui_http_requests_total\{method="POST",route="\/v1\/decide",status="200"\} 1/);

      // Policy reload: refused without the token and with errors; else recorded and switched in every partition.
      const variant = readFileSync(join(ROOT, "policies/cac-2017.qg"), "utf8").replace("members per group 2000", "members per group 1998");
      expect((await call("POST", "/v1/policy", variant, { "content-type": "text/plain" })).status).toBe(401);
      expect((await call("POST", "/v1/policy", variant, { "content-type": "text/plain", authorization: "Bearer wrong-token-wrong-token" })).status).toBe(401);
      const broken = await call("POST", "/v1/policy", variant.replace("members per group 1998", "members per group"), { "content-type": "text/plain", authorization: `Bearer ${TOKEN}` });
      expect(broken.status).toBe(422);
      expect((JSON.parse(broken.text) as { diagnostics: unknown[] }).diagnostics.length).toBeGreaterThan(0);
      const reload = await call("POST", "/v1/policy", variant, { "content-type": "text/plain", authorization: `Bearer ${TOKEN}` });
      expect(reload.status, reload.text).toBe(200);
      const switched = JSON.parse(reload.text) as { id: string; switchAt: { partition: number; streamSeq: number }[] };
      expect(switched.id).not.toBe(firstDecisions.at(-1)!.policyId);
      expect(switched.switchAt.map((s) => s.partition)).toEqual([0, 1, 2, 3]);
      expect((await db.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.cluster_policies WHERE id = $1`, [switched.id])).rows[0].n).toBe(1);
      const after = await decide("p-2", "prod-user-2", 2);
      expect(after.status, after.text).toBe(200);
      const afterDecisions = (JSON.parse(after.text) as { decisions: { policyId: string }[] }).decisions;
      expect(afterDecisions.every((d) => d.policyId === switched.id)).toBe(true);
      // Every partition passes its switch message (the worker decides it as any message) and says so.
      await until(async () => metric(await metrics(), "qungui_cluster_partitions_policy", `{id="${switched.id}"}`) === 4, 30_000, "every partition to switch");
      const rows = (await db.query(`SELECT p, position, policy FROM ${SCHEMA}.cluster_partitions ORDER BY p`)).rows;
      for (const r of rows) {
        expect(r.policy).toBe(switched.id);
        expect(Number(r.position)).toBeGreaterThanOrEqual(switched.switchAt[Number(r.p)]!.streamSeq);
      }
      m = await metrics();
      expect(metric(m, "qungui_policy_reloads_total", '{result="ok"}')).toBe(1);
      expect(metric(m, "qungui_policy_reloads_total", '{result="refused"}')).toBe(1);
      expect(m).toMatch(new RegExp(`qungui_policy_info\\{name="[^"]+",id="${switched.id}"\\} 1`));

      // Its one NATS node dies: it reconnects to another, says so in the metrics, and keeps answering.
      services.nats.kill(0);
      await until(
        async () => {
          const t = await metrics();
          return (metric(t, "qungui_nats_reconnects_total") ?? 0) >= 1 && metric(t, "qungui_nats_connected") === 1;
        },
        60_000,
        "serve --cluster to reconnect to another NATS node",
      );
      expect(metric(await metrics(), "qungui_nats_disconnects_total")).toBeGreaterThanOrEqual(1);
      const during = await decide("p-3", "prod-user-3", 3);
      expect(during.status, during.text).toBe(200);
      await services.nats.restart(0);

      // No worker: 504, counted.
      worker.child.kill("SIGTERM");
      await worker.exited;
      const late = await decide("p-4", "prod-user-4", 4);
      expect(late.status).toBe(504);
      m = await metrics();
      expect(metric(m, "qungui_cluster_timeouts_total")).toBe(1);
      expect(metric(m, "qungui_events_total")).toBe(4);
    } finally {
      worker.child.kill("SIGTERM");
      await db.end();
      serve.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    // The token never reaches a log line.
    expect(out + err).not.toContain(TOKEN);
  }, 180_000);
});
