/**
 * PostgreSQL faults against a real server started by the test: instances creating the schema of a
 * fresh database at once, and the server restarting under a live HTTP API (real HTTP over
 * loopback): store faults are 503 with Retry-After, readiness follows the database, nothing
 * crashes, and deciding resumes when it is back, with nothing lost or doubled.
 */
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer, drainServer } from "../../src/http/server.js";
import { createEngine, type Engine } from "../../src/service/engine.js";
import { openStore } from "../../src/store/open.js";
import { openPostgresStore } from "../../src/store/postgres.js";
import type { Store } from "../../src/store/types.js";
import { referenceProgram } from "./fixtures.js";
import { postgresUnavailable, startPostgres, type TestServer } from "./postgres.js";

const why = await postgresUnavailable();
const pgDescribe = why === null && !process.env["QUNGUI_TEST_PG_URL"] ? describe : describe.skip;

pgDescribe(`PostgreSQL faults${why === null ? "" : ` (skipped: ${why})`}`, () => {
  let server: TestServer;
  beforeAll(() => {
    server = startPostgres();
  });
  afterAll(() => server?.stop());

  it("instances creating the schema of a fresh database together all open it", async () => {
    for (let round = 0; round < 5; round++) {
      const schema = `fresh_${process.pid}_${round}`;
      const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore({ connectionString: server.url, schema, poolSize: 1 })));
      const engines = await Promise.all(stores.map((store) => createEngine(referenceProgram(), { store })));
      expect((await stores[0]!.journal(0)).map((e) => e.kind)).toEqual(["policy"]);
      for (const e of engines) await e.close();
      for (const s of stores) await s.close();
    }
  }, 60_000);

  it("answers 503 with Retry-After while the database restarts, and recovers without a crash", async () => {
    let uncaught: unknown = null;
    const onUncaught = (e: unknown) => (uncaught = e);
    process.on("uncaughtException", onUncaught);
    const store: Store = await openStore(`${server.url}&schema=restart_${process.pid}`);
    const engine: Engine = await createEngine(referenceProgram(), { store, clock: () => Date.now() });
    const app: FastifyInstance = await buildServer({ engine, retryAfterSeconds: 2 });
    const base = await app.listen({ port: 0, host: "127.0.0.1" });
    const decide = (id: string) =>
      fetch(`${base}/v1/decide`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ id, type: "user.registered", at: "2018-05-01T09:00:00+08:00", user: id }) });
    try {
      expect((await decide("before")).status).toBe(200);
      expect((await fetch(`${base}/v1/health/ready`)).status).toBe(200);
      // Idle pooled connections die with the server: the pool's 'error' event must not end the process.
      server.halt!("fast");
      const during = await decide("during");
      expect(during.status).toBe(503);
      expect(during.headers.get("retry-after")).toBe("2");
      expect(((await during.json()) as { message: string }).message).toMatch(/nothing was decided/);
      const ready = await fetch(`${base}/v1/health/ready`);
      expect(ready.status).toBe(503);
      expect(ready.headers.get("retry-after")).toBe("2");
      expect((await fetch(`${base}/v1/health/live`)).status).toBe(200);
      server.resume!();
      let after: Response | null = null;
      for (let i = 0; i < 50 && after?.status !== 200; i++) {
        after = await decide("after");
        if (after.status !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      expect(after!.status).toBe(200);
      expect((await fetch(`${base}/v1/health/ready`)).status).toBe(200);
      // The event the client retries after a 503 is decided once; the one refused was not stored.
      const retry = await decide("during");
      expect(retry.status).toBe(200);
      const ids = (await store.journal(0)).filter((e) => e.kind === "event").map((e) => e.eventId);
      expect(ids).toEqual(["before", "after", "during"]);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/^qungui_store_errors_total [1-9]\d*$/m);
      expect(uncaught).toBeNull();
    } finally {
      process.off("uncaughtException", onUncaught);
      await drainServer(app, 2000);
      await engine.close();
      await store.close();
    }
  }, 60_000);
});
