/**
 * The cluster commands against a real 3-node JetStream cluster and a real PostgreSQL server:
 * `cluster init` (idempotent), `ingest`, `worker`, `cluster status`, `cluster policy`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import type { Io } from "../../src/cli/io.js";
import { postgresUnavailable, startPostgres, type TestServer } from "../service/postgres.js";
import { natsUnavailable, startNatsCluster, type NatsCluster } from "./nats.js";

const why = natsUnavailable() ?? (await postgresUnavailable());
if (why !== null) console.warn(`skipping the cluster command tests: ${why}`);

function captureIo(): Io & { stdout: () => string; stderr: () => string } {
  let out = "";
  let err = "";
  return { out: (t) => (out += t), err: (t) => (err += t), color: false, stdout: () => out, stderr: () => err };
}

describe.skipIf(why !== null)("cluster commands", () => {
  let nats: NatsCluster;
  let pg: TestServer;
  let store: string;
  beforeAll(async () => {
    pg = startPostgres();
    nats = await startNatsCluster();
    store = pg.url.replace("?", "?schema=qc&");
  }, 60_000);
  afterAll(() => {
    nats?.stop();
    pg?.stop();
  });

  it("init creates the stream, consumers and tables, is idempotent, and refuses another partition count", async () => {
    const args = ["cluster", "init", "policies/cac-2017.qg", "--nats", ...nats.urls, "--store", store, "--partitions", "4"];
    const io = captureIo();
    expect(await main(["node", "qungui", ...args], io), io.stderr()).toBe(0);
    expect(io.stdout()).toMatch(/4 partitions/);
    expect(await main(["node", "qungui", ...args], captureIo())).toBe(0);
    const bad = captureIo();
    expect(await main(["node", "qungui", "cluster", "init", "policies/cac-2017.qg", "--nats", nats.urls.join(","), "--store", store, "--partitions", "8"], bad)).toBe(2);
    expect(bad.stderr()).toMatch(/already has 4 partitions/);
    const st = captureIo();
    expect(await main(["node", "qungui", "cluster", "status", "--nats", ...nats.urls, "--store", store, "--format", "json"], st), st.stderr()).toBe(0);
    const s = JSON.parse(st.stdout());
    expect(s.stream).toMatchObject({ messages: 0, replicas: 3 });
    expect(s.partitions.map((p: { partition: number; lag: number; owner: null }) => [p.partition, p.lag, p.owner])).toEqual([
      [0, 0, null],
      [1, 0, null],
      [2, 0, null],
      [3, 0, null],
    ]);
  }, 60_000);
});
