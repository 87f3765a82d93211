/**
 * The HTTP decision API through fastify.inject (no network): decide one event and batches with
 * the same answers as the engine, validation errors as 400 (never 500), body limit, prototype
 * poisoning, explain, health, metrics, the OpenAPI document, and policy reload with its token.
 */
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyState, runStream } from "../../src/engine/index.js";
import { buildServer, requestValidators } from "../../src/http/server.js";
import { createEngine, type Engine } from "../../src/service/engine.js";
import { openSqliteStore } from "../../src/store/sqlite.js";
import type { Store } from "../../src/store/types.js";
import { POLICY_PATH, referenceProgram, streamLines, tickingClock } from "./fixtures.js";
import { sqliteFactory } from "./stores.js";

const TOKEN = "s3cret-token-for-tests";
const LINES = streamLines(1200, 5);
const AT = "2017-10-09T09:00:00+08:00";

function referenceDecisions(lines: string[]): string[] {
  const out: string[] = [];
  runStream(referenceProgram(), lines, emptyState(), { decision: (j) => out.push(j) });
  return out;
}

const valid = requestValidators(1).event;

/** The generator's lines that pass the request schema (its malformed ones would be 400s over HTTP). */
function wellFormed(lines: string[]): unknown[] {
  const out: unknown[] = [];
  for (const l of lines) {
    try {
      const v = JSON.parse(l) as unknown;
      if (valid(v)) out.push(v);
    } catch {
      /* not JSON: a 400 */
    }
  }
  return out;
}

describe("HTTP decision API", () => {
  const factory = sqliteFactory();
  let store: Store;
  let engine: Engine;
  let app: FastifyInstance;

  beforeAll(async () => {
    store = await factory.create();
    engine = await createEngine(referenceProgram(), { store, clock: tickingClock() });
    app = await buildServer({ engine, adminToken: TOKEN, bodyLimit: 256 * 1024, maxBatch: 500 });
  });

  afterAll(async () => {
    await app.close();
    await store.close();
    factory.cleanup();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: "POST", url, payload: typeof payload === "string" ? payload : JSON.stringify(payload), headers: { "content-type": "application/json", ...headers } });

  it("decides batches exactly as the engine decides the stream, committed to the store", async () => {
    const events = wellFormed(LINES);
    const want = referenceDecisions(events.map((e) => JSON.stringify(e)));
    const got: string[] = [];
    for (let i = 0; i < events.length; i += 100) {
      const res = await post("/v1/decide", events.slice(i, i + 100));
      expect(res.statusCode).toBe(200);
      const body = res.json() as { results: { decisions: unknown[]; deadLetter?: unknown }[] };
      expect(body.results.length).toBe(Math.min(100, events.length - i));
      for (const r of body.results) for (const d of r.decisions) got.push(JSON.stringify(d));
    }
    expect(got).toEqual(want.map((j) => JSON.stringify(JSON.parse(j))));
    const stored: string[] = [];
    for await (const r of store.exportDecisions({})) stored.push(r.json);
    expect(stored).toEqual(want);
  });

  it("decides one event; a policy-level problem is a dead letter in a 200", async () => {
    const one = await post("/v1/decide", { id: "h-1", type: "user.registered", at: "2018-06-01T09:00:00+08:00", user: "hu1" });
    expect(one.statusCode).toBe(200);
    const decisions = (one.json() as { decisions: { event: string; trigger?: string; outcome: string; rule: string }[] }).decisions;
    expect(decisions.slice(0, -1).every((d) => d.trigger === "timer")).toBe(true);
    expect(decisions.at(-1)).toMatchObject({ event: "h-1", outcome: "noted", rule: "facts/registered" });
    // A retry (same id, same content) gets the original decisions, marked as a replay, byte for byte.
    const retry = await post("/v1/decide", { id: "h-1", type: "user.registered", at: "2018-06-01T09:00:00+08:00", user: "hu1", ignored: 1 });
    expect(retry.statusCode).toBe(200);
    expect(retry.body).toBe(one.body.replace(/\]\}$/, '],"replay":true}'));
    // The same id with other content is the dead letter.
    const dup = await post("/v1/decide", { id: "h-1", type: "user.registered", at: "2018-06-01T09:00:00+08:00", user: "hu2" });
    expect(dup.json()).toEqual({ decisions: [], deadLetter: { line: null, reason: 'duplicate event id "h-1"', raw: expect.any(String) } });
    const level = await post("/v1/decide", { id: "h-2", type: "user.credit", at: "2018-06-01T09:00:00+08:00", user: "hu1", level: "platinum" });
    expect(level.statusCode).toBe(200);
    expect((level.json() as { deadLetter: { reason: string } }).deadLetter.reason).toMatch(/credit level of the policy/);
  });

  it("refuses invalid requests with 400 and the validation error, never 500", async () => {
    const cases: [unknown, RegExp][] = [
      ["{not json", /JSON/i],
      [{ id: "x", type: "group.dissolve", at: AT }, /type/],
      [{ id: "x", type: "group.join", at: AT, user: 42, group: "g1" }, /body\/user must be string/],
      [{ id: "x", type: "group.join", at: AT, group: "g1" }, /"user"/],
      [{ id: "x", type: "clock", at: "2017-10-09T09:00:00" }, /body\/at must match pattern/],
      [{ id: "", type: "clock", at: AT }, /body\/id/],
      [[], /body must NOT have fewer than 1 items/],
      [[{ id: "x", type: "clock", at: AT }, { type: "clock", at: AT }], /body\/1 must have the field "id"/],
      [42, /body/],
      ["null", /body/],
      [{ id: "x", type: "group.manage", at: AT, actor: "u", group: "g", action: "ban", target: "v" }, /body\/action/],
    ];
    for (const [payload, message] of cases) {
      const res = await post("/v1/decide", payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect((res.json() as { message: string }).message).toMatch(message);
    }
    const tooMany = await post("/v1/decide", Array.from({ length: 501 }, (_, i) => ({ id: `m${i}`, type: "clock", at: AT })));
    expect(tooMany.statusCode).toBe(400);
    const huge = await post("/v1/decide", { id: "big", type: "clock", at: AT, pad: "x".repeat(300 * 1024) });
    expect(huge.statusCode).toBe(413);
    for (const type of ["text/csv", "text/plain", "application/x-www-form-urlencoded"]) {
      const text = await app.inject({ method: "POST", url: "/v1/decide", payload: "hello", headers: { "content-type": type } });
      expect(text.statusCode, type).toBe(415);
      const explain = await app.inject({ method: "POST", url: "/v1/explain", payload: "hello", headers: { "content-type": type } });
      expect(explain.statusCode, type).toBe(415);
    }
    // A parse error never quotes the body (it may carry an identity).
    const broken = await post("/v1/decide", '{"id":"b","type":"user.verified","at":"2018-06-01T09:00:00+08:00","user":"u","identity":{"name":"张三秘密"} x');
    expect(broken.statusCode).toBe(400);
    expect(broken.body).not.toContain("张三秘密");
    expect(broken.json()).toMatchObject({ code: "QUNGUI_INVALID_JSON", message: expect.stringMatching(/not valid JSON \(at character \d+\)/) });
    // Bytes that are not UTF-8 are refused, never repaired: `v\xff` and `v\xfe` must not become one user `v\ufffd`.
    for (const bad of [0xff, 0xfe, 0xc3, 0xed]) {
      const head = Buffer.from('{"id":"u8","type":"user.registered","at":"2018-06-01T09:00:00+08:00","user":"v');
      const body = Buffer.concat([head, Buffer.from([bad]), Buffer.from('"}')]);
      const r = await app.inject({ method: "POST", url: "/v1/decide", payload: body, headers: { "content-type": "application/json" } });
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ code: "QUNGUI_INVALID_UTF8", message: `the body is not valid UTF-8 at byte ${head.length + 1}` });
    }
    const policyBytes = await app.inject({ method: "POST", url: "/v1/policy", payload: Buffer.from([0x70, 0x6f, 0xff]), headers: { "content-type": "text/plain", authorization: "Bearer x" } });
    expect(policyBytes.statusCode).toBe(400);
    expect(policyBytes.json()).toMatchObject({ code: "QUNGUI_INVALID_UTF8" });
  });

  it("keeps __proto__ and constructor away from state", async () => {
    const proto = await post("/v1/decide", '{"id":"p1","type":"user.registered","at":"2018-06-01T09:00:00+08:00","user":"pu","__proto__":{"polluted":true}}');
    expect(proto.statusCode).toBe(400);
    expect(proto.json()).toMatchObject({ code: "QUNGUI_FORBIDDEN_KEY", message: expect.stringMatching(/__proto__/) });
    const escaped = await post("/v1/decide", '{"id":"p1","type":"user.registered","at":"2018-06-01T09:00:00+08:00","user":"pu","\\u005f_proto__":{"polluted":true}}');
    expect(escaped.statusCode).toBe(400);
    const ctor = await post("/v1/decide", '{"id":"p2","type":"user.registered","at":"2018-06-01T09:00:00+08:00","user":"pu","constructor":{"prototype":{"polluted":true}}}');
    expect(ctor.statusCode).toBe(400);
    const plain = await post("/v1/decide", '{"id":"p3","type":"user.registered","at":"2018-06-01T09:00:00+08:00","user":"pu","extra":{"constructor":1}}');
    expect(plain.statusCode).toBe(200);
    expect((plain.json() as { deadLetter: { reason: string } }).deadLetter.reason).toBe('reserved key "constructor" in event');
    const nested = await post("/v1/decide", '{"id":"p4","type":"user.registered","at":"2018-06-01T09:00:00+08:00","user":"__proto__"}');
    expect(nested.statusCode).toBe(200);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(JSON.parse(engine.snapshot()).users["pu"]).toBeUndefined();
  });

  it("explains a decided event by id, 404 for an unknown one", async () => {
    const events = wellFormed(LINES) as { id: string; type: string }[];
    const post1 = events.filter((e) => e.type === "message.post").at(-1)!;
    const res = await app.inject({ method: "GET", url: `/v1/explain/${encodeURIComponent(post1.id)}` });
    expect(res.statusCode).toBe(200);
    const ex = res.json() as { event: string; rules: unknown[]; decisions: unknown[] };
    expect(ex.event).toBe(post1.id);
    expect(ex.rules.length).toBeGreaterThan(0);
    const stored = await engine.decisionsOf(post1.id);
    expect(ex.decisions).toEqual(stored!.map((j) => JSON.parse(j)));
    expect((await app.inject({ method: "GET", url: "/v1/explain/nope" })).statusCode).toBe(404);
    const what = await post("/v1/explain", { id: "what-if", type: "message.post", at: "2018-06-01T10:00:00+08:00", user: "nobody", group: "g1", message: "m" });
    expect(what.statusCode).toBe(200);
    expect((what.json() as { outcome: string }).outcome).toBe("deny");
    expect(await engine.decisionsOf("what-if")).toBeNull();
  });

  it("gives every response a request id: the client's when it is sane, else a new one", async () => {
    const given = await app.inject({ method: "GET", url: "/v1/health", headers: { "x-request-id": "client-42" } });
    expect(given.headers["x-request-id"]).toBe("client-42");
    const forged = await app.inject({ method: "GET", url: "/nope", headers: { "x-request-id": "a\tb" } });
    expect(forged.statusCode).toBe(404);
    expect(forged.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    const bad = await post("/v1/decide", "{");
    expect(bad.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("reports health (live, ready, policy and store) and Prometheus metrics", async () => {
    const h = await app.inject({ method: "GET", url: "/v1/health" });
    expect(h.statusCode).toBe(200);
    expect(h.json()).toMatchObject({ status: "ok", ready: true, policy: { name: "cac-2017", id: engine.policy, since: 1 }, store: { kind: "sqlite" } });
    expect((await app.inject({ method: "GET", url: "/v1/health/live" })).json()).toEqual({ status: "live" });
    const ready = await app.inject({ method: "GET", url: "/v1/health/ready" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: "ready", policy: { id: engine.policy } });
    const m = await app.inject({ method: "GET", url: "/metrics" });
    expect(m.statusCode).toBe(200);
    expect(m.headers["content-type"]).toMatch(/^text\/plain/);
    const text = m.body;
    expect(text).toMatch(/^qungui_decisions_total\{outcome="allow"\} \d+$/m);
    expect(text).toMatch(/^qungui_decisions_total\{outcome="deny"\} \d+$/m);
    expect(text).toMatch(/^qungui_http_requests_total\{method="POST",route="\/v1\/decide",status="200"\} \d+$/m);
    expect(text).toMatch(/^qungui_dead_letters_total \d+$/m);
    expect(text).toMatch(/^qungui_decide_duration_seconds_bucket\{le="\+Inf"\} \d+$/m);
    expect(text).toMatch(/^qungui_rejected_requests_total\{status="400"\} \d+$/m);
    expect(text).toMatch(/^qungui_replays_total [1-9]\d*$/m);
    expect(text).toMatch(new RegExp(`^qungui_journal_position ${engine.position}$`, "m"));
    expect(text).toMatch(/^qungui_build_info\{version="[^"]+",node="[^"]+",store="sqlite"\} 1$/m);
    expect(text).toMatch(new RegExp(`^qungui_policy_info\{name="cac-2017",id="${engine.policy}"\} 1$`, "m"));
    expect(text).toMatch(/^qungui_commit_duration_seconds_count [1-9]\d*$/m);
    expect(text).toMatch(/^qungui_ready 1$/m);
    // Node's process and runtime metrics.
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes /m);
    for (const line of text.split("\n")) if (line && !line.startsWith("#")) expect(line).toMatch(/^[a-z_0-9]+(\{[a-z_0-9]+="[^"]*"(,[a-z_0-9]+="[^"]*")*\})? ([0-9.e+-]+|NaN)$/);
  });

  it("serves an OpenAPI 3.1 document whose schemas compile and whose refs resolve", async () => {
    const res = await app.inject({ method: "GET", url: "/v1/openapi.json" });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual(["/metrics", "/v1/decide", "/v1/explain", "/v1/explain/{event}", "/v1/health", "/v1/health/live", "/v1/health/ready", "/v1/openapi.json", "/v1/policy"]);
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const r of refs) {
      const name = /#\/components\/schemas\/([^"]+)/.exec(r)?.[1];
      expect(name && doc.components.schemas[name], r).toBeTruthy();
    }
    const ajv = new Ajv2020({ strict: false, allowUnionTypes: true });
    ajv.addSchema({ $id: "doc", components: doc.components } as never);
    const decision = ajv.compile({ $ref: "doc#/components/schemas/DecideResult" });
    const one = await post("/v1/decide", { id: "oa-1", type: "user.registered", at: "2018-06-02T09:00:00+08:00", user: "oa" });
    expect(decision(one.json())).toBe(true);
    const retried = await post("/v1/decide", { id: "oa-1", type: "user.registered", at: "2018-06-02T09:00:00+08:00", user: "oa" });
    expect(decision(retried.json())).toBe(true);
    const health = ajv.compile({ $ref: "doc#/components/schemas/Health" });
    expect(health((await app.inject({ method: "GET", url: "/v1/health" })).json())).toBe(true);
    expect(health((await app.inject({ method: "GET", url: "/v1/health/ready" })).json())).toBe(true);
  });

  it("reloads the policy with the token, keeps state, refuses a broken policy with its diagnostics", async () => {
    const text = readFileSync(POLICY_PATH, "utf8");
    const before = engine.snapshot();
    const noToken = await app.inject({ method: "POST", url: "/v1/policy", payload: text, headers: { "content-type": "text/plain" } });
    expect(noToken.statusCode).toBe(401);
    const wrong = await app.inject({ method: "POST", url: "/v1/policy", payload: text, headers: { "content-type": "text/plain", authorization: "Bearer nope" } });
    expect(wrong.statusCode).toBe(401);
    const oldId = engine.policy;
    const broken = await app.inject({ method: "POST", url: "/v1/policy", payload: text.replace(/keep logs 6 months/, "keep logs 3 months"), headers: { "content-type": "text/plain", authorization: `Bearer ${TOKEN}` } });
    expect(broken.statusCode).toBe(422);
    const diags = (broken.json() as { diagnostics: { code: string; message: string }[] }).diagnostics;
    expect(diags.length).toBeGreaterThan(0);
    expect(engine.policy).toBe(oldId);
    const amended = text.replace("verified required for post, create, set-info", "verified required for create, set-info");
    const ok = await app.inject({ method: "POST", url: "/v1/policy", payload: amended, headers: { "content-type": "text/plain", authorization: `Bearer ${TOKEN}` } });
    expect(ok.statusCode).toBe(200);
    expect(engine.policy).not.toBe(oldId);
    expect(engine.snapshot()).toBe(before);
    // An unverified user may now post: the amended policy decides.
    const d = await post("/v1/decide", [
      { id: "r-1", type: "user.registered", at: "2018-06-03T09:00:00+08:00", user: "ru1" },
      { id: "r-2", type: "agreement.accepted", at: "2018-06-03T09:00:01+08:00", user: "ru1", version: "1" },
      { id: "r-3", type: "group.create", at: "2018-06-03T09:00:02+08:00", user: "ru1", group: "rg1", category: "general" },
    ]);
    expect(d.statusCode).toBe(200);
    // IR JSON is accepted too.
    const ir = JSON.stringify(referenceProgram().ir);
    const back = await app.inject({ method: "POST", url: "/v1/policy", payload: ir, headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` } });
    expect(back.statusCode).toBe(200);
    expect(engine.policy).toBe(oldId);
    const badIr = await app.inject({ method: "POST", url: "/v1/policy", payload: '{"kind":"policy"}', headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` } });
    expect(badIr.statusCode).toBe(422);
    // IR that loads but that the engine cannot run: 422 with QG079, as loadIR reports it (issue 13).
    const unrunnable = ir.replace(/"because":\[("[^"]*",)?\{"path":"[^"]+"\}/, (m) => m.replace(/\{"path":"[^"]+"\}/, '{"path":"event.rolex"}'));
    expect(unrunnable).not.toBe(ir);
    const refused = await app.inject({ method: "POST", url: "/v1/policy", payload: unrunnable, headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` } });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().diagnostics.map((d: { code: string }) => d.code)).toContain("QG079");
    expect(engine.policy).toBe(oldId);
  });

  it("without a token, reloading is disabled", async () => {
    const s = openSqliteStore(":memory:");
    const e = await createEngine(referenceProgram(), { store: s });
    const a = await buildServer({ engine: e });
    const res = await a.inject({ method: "POST", url: "/v1/policy", payload: "x", headers: { "content-type": "text/plain", authorization: "Bearer x" } });
    expect(res.statusCode).toBe(403);
    await a.close();
    await s.close();
  });

  it("a store failure is a 503 with Retry-After, decides nothing, and the server is not ready", async () => {
    const s = openSqliteStore(":memory:");
    const e = await createEngine(referenceProgram(), { store: s });
    const a = await buildServer({ engine: e, retryAfterSeconds: 3 });
    await s.close();
    const res = await a.inject({ method: "POST", url: "/v1/decide", payload: JSON.stringify({ id: "z", type: "clock", at: AT }), headers: { "content-type": "application/json" } });
    expect(res.statusCode).toBe(503);
    expect(res.headers["retry-after"]).toBe("3");
    const ready = await a.inject({ method: "GET", url: "/v1/health/ready" });
    expect(ready.statusCode).toBe(503);
    expect((await a.inject({ method: "GET", url: "/v1/health/live" })).statusCode).toBe(200);
    await a.close();
  });

  it("while the engine starts, it is live but not ready, and decide is a 503", async () => {
    let open!: (e: Engine) => void;
    const pending = new Promise<Engine>((r) => (open = r));
    const a = await buildServer({ engine: pending });
    const d = await a.inject({ method: "POST", url: "/v1/decide", payload: JSON.stringify({ id: "z", type: "clock", at: AT }), headers: { "content-type": "application/json" } });
    expect(d.statusCode).toBe(503);
    expect(d.headers["retry-after"]).toBe("1");
    expect((await a.inject({ method: "GET", url: "/v1/health/ready" })).statusCode).toBe(503);
    expect((await a.inject({ method: "GET", url: "/v1/health" })).json()).toMatchObject({ status: "starting", ready: false });
    const s = openSqliteStore(":memory:");
    open(await createEngine(referenceProgram(), { store: s }));
    await pending;
    await new Promise((r) => setImmediate(r));
    expect((await a.inject({ method: "GET", url: "/v1/health/ready" })).statusCode).toBe(200);
    await a.close();
    await s.close();
  });

  it("fires due timers by the injected wall clock, journaled as clock events, when no event comes", async () => {
    const s = openSqliteStore(":memory:");
    let wall = Date.parse("2018-06-01T01:00:00Z");
    const e = await createEngine(referenceProgram(), { store: s, clock: () => wall });
    const a = await buildServer({ engine: e, clock: () => wall, tickMs: 20 });
    const filed = await a.inject({
      method: "POST",
      url: "/v1/decide",
      payload: JSON.stringify({ id: "t1", type: "complaint.filed", at: "2018-06-01T09:00:00+08:00", complaint: "tc1", by: "tu1" }),
      headers: { "content-type": "application/json" },
    });
    expect(filed.statusCode).toBe(200);
    const due = e.nextDue!;
    expect(due).toBeGreaterThan(wall);
    await new Promise((r) => setTimeout(r, 100));
    expect((await s.journal(0)).map((x) => x.kind)).toEqual(["policy", "event"]);
    wall = due + 1;
    for (let i = 0; i < 50 && (await s.stats()).head < 3; i++) await new Promise((r) => setTimeout(r, 20));
    const journal = await s.journal(0);
    expect(journal.map((x) => x.kind)).toEqual(["policy", "event", "advance"]);
    expect(Number(journal[2]!.body)).toBe(wall);
    const fired = await s.decisionsOf(3);
    expect(fired.map((j) => JSON.parse(j) as { trigger: string; rule: string; event: null })).toEqual([expect.objectContaining({ trigger: "timer", rule: "complaints/overdue", event: null })]);
    const metrics = (await a.inject({ method: "GET", url: "/metrics" })).body;
    expect(metrics).toMatch(/^qungui_timer_decisions_total 1$/m);
    expect(metrics).toMatch(/^qungui_timer_ticks_total 1$/m);
    await a.close();
    await s.close();
  });
});
