/**
 * What the cluster commands say when they cannot work: a wrong NATS address, no NATS server, no
 * stream, PostgreSQL down, a database or role that does not exist, the tables missing. Each is one
 * line that says what to do, exit code 2, no stack trace; and a worker that meets missing tables
 * keeps saying so (it once held its own name lock after the first failure and then reported
 * "another worker called … is connected" for ever).
 */
import { spawn } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import type { Io } from "../../src/cli/io.js";
import { CLI, clusterServices, clusterUnavailable, ROOT } from "./fixture.js";
import { freePort } from "./nats.js";

const why = await clusterUnavailable("the cluster error tests");

async function run(args: string[]): Promise<{ code: number; err: string }> {
  let err = "";
  const io: Io = { out: () => undefined, err: (t) => (err += t), color: false };
  const code = await main(["node", "qungui", ...args], io);
  return { code, err };
}

/** One line, no stack frame. */
function expectOneLine(err: string): void {
  expect(err.trim().split("\n")).toHaveLength(1);
  expect(err).not.toMatch(/\n\s+at /);
}

describe.skipIf(why !== null)("cluster error messages", () => {
  const services = clusterServices();
  let store: string;
  let deadPort: number;
  beforeAll(async () => {
    store = services.pg.url.replace("?", "?schema=qerr&");
    deadPort = await freePort();
  });

  it("NATS: a wrong address, no server, no stream", async () => {
    const http = await run(["cluster", "status", "--nats", "http://127.0.0.1:4222", "--store", store]);
    expect(http.code).toBe(2);
    expect(http.err).toMatch(/not a NATS address: "http:\/\/127\.0\.0\.1:4222" \(give nats:\/\/host:4222/);
    expectOneLine(http.err);

    const down = await run(["ingest", "samples/events.jsonl", "--nats", `nats://127.0.0.1:${deadPort}`]);
    expect(down.code).toBe(2);
    expect(down.err).toMatch(/cannot connect to NATS \(nats:\/\/127\.0\.0\.1:\d+\): no NATS server answered .*is nats-server running there/);
    expectOneLine(down.err);

    const noStream = await run(["ingest", "samples/events.jsonl", "--nats", ...services.nats.urls]);
    expect(noStream.code).toBe(2);
    expect(noStream.err).toMatch(/no stream QUNGUI \(run qungui cluster init\)/);
    expectOneLine(noStream.err);
  }, 60_000);

  it("PostgreSQL: server down, unknown database, unknown role, tables missing", async () => {
    const down = await run(["cluster", "init", "policies/cac-2017.qg", "--nats", ...services.nats.urls, "--store", `postgres://qungui@127.0.0.1:${deadPort}/qungui`]);
    expect(down.code).toBe(2);
    expect(down.err).toMatch(/cannot reach PostgreSQL \(connect ECONNREFUSED 127\.0\.0\.1:\d+\): is the server running at the address of --store/);
    expectOneLine(down.err);

    const noDb = await run(["cluster", "status", "--nats", ...services.nats.urls, "--store", services.pg.url.replace("/postgres?", "/nosuchdb?")]);
    expect(noDb.code).toBe(2);
    expect(noDb.err).toMatch(/database "nosuchdb" does not exist: create it \(createdb\)/);

    const noRole = await run(["cluster", "status", "--nats", ...services.nats.urls, "--store", services.pg.url.replace("postgres@", "nosuchrole@")]);
    expect(noRole.code).toBe(2);
    expect(noRole.err).toMatch(/PostgreSQL refused the login \(role "nosuchrole" does not exist\)/);

    const noTables = await run(["cluster", "policy", "policies/cac-2017.qg", "--nats", ...services.nats.urls, "--store", store]);
    expect(noTables.code).toBe(2);
    expect(noTables.err).toMatch(/the cluster's tables are missing \(.*\): run qungui cluster init/);
    expectOneLine(noTables.err);
  }, 60_000);

  it("a worker facing missing tables says so on every attempt, not that its own name is taken", async () => {
    // The stream must exist for the worker to start: init on one schema, the worker on another.
    expect((await run(["cluster", "init", "policies/cac-2017.qg", "--nats", ...services.nats.urls, "--store", store, "--partitions", "2"])).code).toBe(0);
    const other = services.pg.url.replace("?", "?schema=qerr_empty&");
    const child = spawn(process.execPath, [CLI, "worker", "--name", "lonely", "--nats", ...services.nats.urls, "--store", other, "--rebalance", "200", "--hang-timeout", "1000"], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
    let log = "";
    child.stderr!.on("data", (b: Buffer) => (log += b.toString("utf8")));
    const deadline = Date.now() + 30_000;
    while ((log.match(/tables are missing/g) ?? []).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    child.kill("SIGTERM");
    await new Promise((r) => child.on("exit", r));
    expect((log.match(/rebalance: the cluster's tables are missing \(.*\): run qungui cluster init/g) ?? []).length).toBeGreaterThanOrEqual(3);
    expect(log).not.toMatch(/another worker called lonely/);
  }, 60_000);
});
