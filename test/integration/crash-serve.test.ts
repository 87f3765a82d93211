/**
 * Crash test of `qungui serve` (the built CLI, real HTTP, SIGKILL) with a policy reload in flight,
 * on SQLite and on PostgreSQL: clients decide batches on several connections, a reload (the
 * reference policy without the real-name rule for posting, or back) is sent at a random instant,
 * and the server is killed a moment later, again and again, restarted each time with the original
 * policy file. After every restart:
 *
 * - every decision that was answered 200 is in the store, byte for byte, once;
 * - the journal is contiguous and the policy in force is the journal's: the reloaded one when the
 *   reload was answered 200 (a restart never falls back to the policy file);
 * - every decision names the policy in force at its journal position, and an unverified member's
 *   post is denied exactly where the reference policy is in force.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compilePolicyText } from "../../src/compile.js";
import { policyId } from "../../src/ir/identity.js";
import { openStore } from "../../src/store/open.js";
import { rng } from "../../src/workload/generate.js";
import { amendedPolicyText, unverifiedMemberSetup } from "../service/fixtures.js";
import { postgresUnavailable, startPostgres, type TestServer } from "../service/postgres.js";

const ROOT = join(import.meta.dirname, "..", "..");
const CLI = join(ROOT, "bin", "qungui.js");
const TOKEN = "crash-test-admin-token-0123456789";
const ROUNDS = Number(process.env["QUNGUI_CRASH_SERVE_ROUNDS"] ?? 4);
const SEED = Number(process.env["QUNGUI_CRASH_SEED"] ?? 20171008);
const POLICY = "policies/cac-2017.qg";
const REFERENCE_TEXT = readFileSync(join(ROOT, POLICY), "utf8");
const AMENDED_TEXT = amendedPolicyText();
const REFERENCE_ID = policyId(compilePolicyText(REFERENCE_TEXT, POLICY).ir!);
const AMENDED_ID = policyId(compilePolicyText(AMENDED_TEXT, POLICY).ir!);

const SETUP = unverifiedMemberSetup("cg");
const BASE = Date.parse("2018-03-01T02:00:00Z");

function start(store: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, "serve", POLICY, "--port", "0", "--store", store, "--tick", "off", "--log-level", "silent"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, QUNGUI_ADMIN_TOKEN: TOKEN },
  });
  let err = "";
  return new Promise((resolve, reject) => {
    child.stderr!.on("data", (b: Buffer) => {
      err += b.toString("utf8");
      const m = /qungui serve: (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m && /qungui serve: ready/.test(err)) resolve({ child, url: m[1]! });
    });
    child.on("exit", () => reject(new Error(`serve exited: ${err}`)));
  });
}

interface Acked {
  json: string;
}

async function crashServe(storeArg: string, label: string): Promise<void> {
  const random = rng(SEED);
  const acked: Acked[] = [];
  let counter = 0;
  let reloadsAcked: string[] = [];
  let expectedPolicy = REFERENCE_ID;
  for (let round = 0; round < ROUNDS; round++) {
    const { child, url } = await start(storeArg);
    const exited = new Promise((r) => child.on("exit", r));
    const health = (await (await fetch(`${url}/v1/health`)).json()) as { policy: { id: string } };
    // The policy in force is the journal's, whatever file the server was started with.
    expect(health.policy.id, `${label} round ${round}`).toBe(expectedPolicy);
    if (round === 0) {
      const r = await fetch(`${url}/v1/decide`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(SETUP) });
      expect(r.status).toBe(200);
    }
    let alive = true;
    const client = async () => {
      while (alive) {
        const batch = Array.from({ length: 20 }, () => {
          const n = counter++;
          return { id: `p${n}`, type: "message.post", at: new Date(BASE + 3_600_000 + n * 50).toISOString(), user: "anon", group: "cg", message: `m${n}` };
        });
        try {
          const r = await fetch(`${url}/v1/decide`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(batch) });
          if (r.status !== 200) continue;
          const body = (await r.json()) as { results: { decisions: unknown[] }[] };
          for (const res of body.results) for (const d of res.decisions) acked.push({ json: JSON.stringify(d) });
        } catch {
          return; // killed
        }
      }
    };
    const clients = [client(), client(), client()];
    await new Promise((r) => setTimeout(r, 150 + random() * 400));
    const target = expectedPolicy === REFERENCE_ID ? AMENDED_TEXT : REFERENCE_TEXT;
    const targetId = expectedPolicy === REFERENCE_ID ? AMENDED_ID : REFERENCE_ID;
    const reload = fetch(`${url}/v1/policy`, { method: "POST", headers: { "content-type": "text/plain", authorization: `Bearer ${TOKEN}` }, body: target }).then(
      (r) => r.status,
      () => 0,
    );
    // Kill while the reload is compiling, committing, or just answered.
    await new Promise((r) => setTimeout(r, random() * 300));
    child.kill("SIGKILL");
    alive = false;
    await exited;
    await Promise.all(clients);
    const reloaded = await reload;
    if (reloaded === 200) reloadsAcked = [...reloadsAcked, targetId];
    // What the journal says is in force now: the reload is in it, or it is not (when it was not acknowledged).
    const s = await openStore(storeArg);
    const stats = await s.stats();
    const inForce = stats.policy!;
    if (reloaded === 200) expect(inForce, `${label} round ${round}: an acknowledged reload is in force`).toBe(targetId);
    else expect([expectedPolicy, targetId]).toContain(inForce);
    expectedPolicy = inForce;
    await s.close();
  }
  // A last start, to check the final state the same way, then the whole log.
  const { child, url } = await start(storeArg);
  const health = (await (await fetch(`${url}/v1/health`)).json()) as { policy: { id: string } };
  expect(health.policy.id).toBe(expectedPolicy);
  child.kill("SIGTERM");
  await new Promise((r) => child.on("exit", r));

  const s = await openStore(storeArg);
  const journal = await s.journal(0);
  journal.forEach((e, i) => expect(e.seq).toBe(i + 1));
  const stored: string[] = [];
  for await (const r of s.exportDecisions({})) stored.push(r.json);
  let inForce = "";
  const outcomes: { policy: string; outcome: string }[] = [];
  for (const e of journal) {
    if (e.kind === "policy") inForce = e.policy;
    expect(e.policy).toBe(inForce);
    for (const j of await s.decisionsOf(e.seq)) {
      const d = JSON.parse(j) as { policyId: string; type: string; outcome: string; rule: string };
      expect(d.policyId).toBe(inForce);
      if (d.type === "message.post") outcomes.push({ policy: inForce, outcome: `${d.outcome}:${d.rule}` });
    }
  }
  await s.close();
  const counts = new Map<string, number>();
  for (const j of stored) counts.set(j, (counts.get(j) ?? 0) + 1);
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
  const missing = acked.filter((a) => !counts.has(a.json));
  expect(missing.length, `${label}: acknowledged decisions missing from the store`).toBe(0);
  for (const o of outcomes) expect(o.outcome).toBe(o.policy === REFERENCE_ID ? "deny:real-name/post" : "allow:permit/message.post");
  expect(new Set(outcomes.map((o) => o.policy)).size).toBe(2);
  console.log(`crash-serve (${label}): ${ROUNDS} kills, ${acked.length} acknowledged decisions, reloads acknowledged ${reloadsAcked.length}, ${journal.length} journal entries`);
}

const pgWhy = await postgresUnavailable();

describe("crash test: qungui serve under SIGKILL with a policy reload in flight", () => {
  let dir: string;
  let pg: TestServer | undefined;
  beforeAll(() => {
    if (!existsSync(join(ROOT, "dist", "cli", "serve.js"))) {
      execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.build.json")], { cwd: ROOT, stdio: "inherit" });
    }
    dir = mkdtempSync(join(tmpdir(), "qungui-crash-serve-"));
  });
  afterAll(() => {
    pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("SQLite", async () => crashServe(join(dir, "serve.db"), "sqlite"), 300_000);

  it.skipIf(pgWhy !== null)(`PostgreSQL${pgWhy === null ? "" : ` (skipped: ${pgWhy})`}`, async () => {
    pg = startPostgres();
    await crashServe(`${pg.url}${pg.url.includes("?") ? "&" : "?"}schema=crash_serve`, "postgres");
  }, 300_000);
});
