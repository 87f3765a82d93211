/**
 * The HTTP decision API on fastify 5 (`qungui serve`). Routes and their contract: the OpenAPI
 * document of ./openapi.ts, served at `GET /v1/openapi.json`.
 *
 * - Requests are validated with the JSON Schemas of src/vocab/schemas.ts (ajv, draft 2020-12, no
 *   type coercion): a bad request is a 400 with the validation error and nothing is decided; what
 *   only the policy can judge (a credit level of its scale, a duplicate id, an event too old) is a
 *   dead letter in the 200 answer, stored like every dead letter.
 * - The body parser refuses `__proto__` and `constructor.prototype` (400); the engine's intake
 *   dead-letters any `__proto__`, `constructor` or `prototype` key that remains, so none reaches
 *   state.
 * - Decisions are committed to the store before the response is sent; a store failure is a 503
 *   with `Retry-After` and nothing is decided. No route answers 500 for anything a client sent.
 * - Operability: liveness (`/v1/health/live`) apart from readiness (`/v1/health/ready`: 503 while
 *   the store fails, the engine starts or the server drains); a request id on every response
 *   (`x-request-id`, the client's when it sends a sane one); JSON logs through fastify's pino
 *   without bodies; request and header timeouts against slow clients; TLS; graceful drain
 *   ({@link drainServer}); prom-client metrics; a timer tick that fires deadlines by the wall clock.
 */
import { isUtf8 } from "node:buffer";
import { randomUUID, timingSafeEqual } from "node:crypto";
import { Server as NetServer } from "node:net";
import { performance } from "node:perf_hooks";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import sjson from "secure-json-parse";
import { compilePolicyText } from "../compile.js";
import { runnableProgram, type Program } from "../engine/index.js";
import { loadIR } from "../ir/load.js";
import { StoreError } from "../store/types.js";
import type { DecideOutput, Engine } from "../service/engine.js";
import { PurgedError } from "../service/replay.js";
import { diagnosticsToJson, renderDiagnostics } from "../source/render.js";
import type { Diagnostic } from "../source/diagnostic.js";
import { formatInstant } from "../source/time.js";
import { invalidUtf8Offset } from "../source/utf8.js";
import { EVENT_SCHEMA } from "../vocab/schemas.js";
import { Metrics } from "./metrics.js";
import { openApiDocument } from "./openapi.js";
import { nodeServerFactory } from "./node-server.js";

export const API_VERSION = "0.1.0";

/** The label values of each outcome, made once (a decision counter is bumped per decision). */

/** How {@link buildServer} sets up the API. */
export interface ServerOptions {
  /**
   * The engine, or its promise: the server can listen (live, not ready: 503 with `Retry-After`)
   * while a large store recovers.
   */
  engine: Engine | Promise<Engine>;
  /** Bearer token that guards `POST /v1/policy`; without one, reloading is disabled. */
  adminToken?: string;
  /** Largest request body, bytes. Default 4 MiB. */
  bodyLimit?: number;
  /** Most events in one batch. Default 10 000. */
  maxBatch?: number;
  /**
   * Fastify's logger (pino: JSON lines on stdout): false (default), true (level `info`), or pino
   * options. Bodies are never logged, and so no `identity`; the authorization header is redacted.
   */
  logger?: boolean | { level?: string; stream?: { write(line: string): void } };
  /** File name used in diagnostics of a reloaded policy. */
  policyName?: string;
  /** The wall clock, epoch ms (the timer tick reads it). Default `Date.now`. */
  clock?: () => number;
  /**
   * Every this many milliseconds, when a timer is due by the wall clock, the engine advances to
   * the wall clock (journaled as a clock event), so deadlines fire when no event comes. 0: off
   * (the default here; `qungui serve` ticks every second).
   */
  tickMs?: number;
  /** Seconds a client is told to wait (`Retry-After`) after a 503. Default 1. */
  retryAfterSeconds?: number;
  /** A request must be received whole within this many ms (else 408). Default 30 000. */
  requestTimeoutMs?: number;
  /** Its headers within this many ms (slow clients trickling headers). Default 10 000. */
  headersTimeoutMs?: number;
  /** An idle keep-alive connection is closed after this many ms. Default 5 000. */
  keepAliveTimeoutMs?: number;
  /** TLS: the server certificate (chain) and private key, PEM. Without them, plain HTTP. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** For `qungui_build_info`. Default the package version. */
  version?: string;
}

/** Compiled request validators (ajv). */
export interface Validators {
  /** One event. */
  event: ValidateFunction;
  /** A batch: a non-empty array of events. */
  batch: ValidateFunction;
}

/** The request validators: one event, or a batch of at most `maxBatch` (ajv, draft 2020-12, no coercion). */
export function requestValidators(maxBatch: number): Validators {
  const ajv = new Ajv2020({ allErrors: false, strict: true, strictRequired: false, allowUnionTypes: true, discriminator: true, coerceTypes: false, useDefaults: false });
  const { $schema: _s, $id: _i, ...event } = EVENT_SCHEMA;
  const tagged = { ...event, discriminator: { propertyName: "type" } };
  ajv.addSchema(tagged, "event");
  return {
    event: ajv.compile({ $ref: "event" }),
    batch: ajv.compile({ type: "array", minItems: 1, maxItems: maxBatch, items: { $ref: "event" } }),
  };
}

function errorText(errors: ErrorObject[] | null | undefined): string {
  const e = errors?.[0];
  if (e === undefined) return "invalid request";
  const where = e.instancePath === "" ? "body" : `body${e.instancePath}`;
  if (e.keyword === "discriminator") return `${where}/type must be one of the event types of interface v1`;
  if (e.keyword === "required") return `${where} must have the field "${String(e.params["missingProperty"])}"`;
  return `${where} ${e.message ?? "is invalid"}`;
}

/**
 * The answer of `POST /v1/decide`: `{"decisions":[…],"deadLetter"?:…}` per event (in `{"results":[…]}`
 * for a batch), made of the decisions' JSON as the store kept it, byte for byte. The pieces are
 * joined once: nesting joins would copy every decision once per level.
 */
function decideAnswer(results: readonly DecideOutput[], isBatch: boolean): string {
  const pieces: string[] = [];
  if (isBatch) pieces.push('{"results":[');
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    pieces.push(i === 0 ? '{"decisions":[' : ',{"decisions":[');
    for (let j = 0; j < r.decisionJson.length; j++) {
      if (j > 0) pieces.push(",");
      pieces.push(r.decisionJson[j]!);
    }
    pieces.push(r.deadLetterJson !== undefined ? `],"deadLetter":${r.deadLetterJson}}` : r.replay === true ? '],"replay":true}' : "]}");
  }
  if (isBatch) pieces.push("]}");
  return pieces.join("");
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  408: "Request Timeout",
  410: "Gone",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  503: "Service Unavailable",
};

function sendError(reply: FastifyReply, statusCode: number, message: string, extra: Record<string, unknown> = {}): FastifyReply {
  return reply.code(statusCode).type("application/json").send({ statusCode, error: STATUS_TEXT[statusCode] ?? "Error", message, ...extra });
}
export function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const m = /^Bearer\s+(.+)$/i.exec(given.trim());
  if (m === null) return false;
  const a = Buffer.from(m[1]!);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The policy in force, as `/v1/health` and a reload answer name it. */
export interface PolicyInfo {
  name: string;
  /** `policyId`: SHA-256 of the IR, independent of the file it was compiled from. */
  id: string;
  /** The journal position where it took over. */
  since: number;
  versions: { version: string; effective: string; zone: string }[];
}

function policyInfo(engine: Engine): PolicyInfo {
  const p = engine.program;
  return { name: p.name, id: engine.policy, since: engine.policySince, versions: p.versions.map((v) => ({ version: v.version, effective: v.effective, zone: v.zone })) };
}

/** Compiles a reloaded policy: `.qg` text, or IR as JSON; IR the engine cannot run is QG079. */
export function compileReload(body: unknown, name: string, wallClock: () => number): { program: Program | null; diagnostics: Diagnostic[]; rendered?: string } {
  if (typeof body === "string") {
    const r = compilePolicyText(body, name);
    const c = runnableProgram(r.ir, r.diagnostics, name, { wallClock });
    const rendered = c.diagnostics.length > 0 ? renderDiagnostics(c.diagnostics, r.source, { color: false }) : undefined;
    return { ...c, ...(rendered ? { rendered } : {}) };
  }
  const r = loadIR(body);
  return runnableProgram(r.ir, r.diagnostics, "<ir>", { wallClock });
}

/** `application/json`, or a `+json` type. */
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** A request id a client may choose: short, printable, nothing a log line could be forged with. */
const CLIENT_REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/** A body's text, or a 400 error naming the first byte that is not UTF-8 (never the bytes themselves). */
function utf8Body(body: Buffer): string {
  if (isUtf8(body)) return body.toString("utf8");
  const at = invalidUtf8Offset(body) + 1;
  throw Object.assign(new Error(`the body is not valid UTF-8 at byte ${at}`), { statusCode: 400, code: "QUNGUI_INVALID_UTF8" });
}

/** The JSON body parser: secure-json-parse refuses prototype keys; errors never quote the body (it may hold an identity). */
function parseJsonBody(text: string): unknown {
  try {
    return sjson.parse(text, undefined, { protoAction: "error", constructorAction: "error" });
  } catch (e) {
    const msg = e instanceof Error ? e.message : "";
    if (/prototype/i.test(msg)) {
      throw Object.assign(new Error("the body has a __proto__ or constructor.prototype key, which is refused"), { statusCode: 400, code: "QUNGUI_FORBIDDEN_KEY" });
    }
    const at = /position (\d+)/.exec(msg)?.[1];
    throw Object.assign(new Error(`the body is not valid JSON${at === undefined ? "" : ` (at character ${at})`}`), { statusCode: 400, code: "QUNGUI_INVALID_JSON" });
  }
}

interface Lifecycle {
  draining: boolean;
  inFlight: number;
  stopTick: () => void;
  idle: () => void;
}

const LIFECYCLES = new WeakMap<FastifyInstance, Lifecycle>();

/** Builds the fastify application (not listening: call `listen`, or `inject` in tests). */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  let engine: Engine | null = null;
  let startFailure: Error | null = null;
  const engineReady = Promise.resolve(options.engine).then(
    (e) => {
      engine = e;
      return e;
    },
    (e: unknown) => {
      startFailure = e instanceof Error ? e : new Error(String(e));
      return null;
    },
  );
  if (!(options.engine instanceof Promise)) engine = options.engine;
  const maxBatch = options.maxBatch ?? 10_000;
  const retryAfter = String(options.retryAfterSeconds ?? 1);
  const clock = options.clock ?? Date.now;
  const life: Lifecycle = { draining: false, inFlight: 0, stopTick: () => undefined, idle: () => undefined };
  const ready = (): boolean => engine !== null && !life.draining && engine.lastFailure === null;
  const metrics = new Metrics(options.version ?? API_VERSION, { position: () => (engine === null ? null : engine.position), ready });
  void engineReady.then((e) => {
    if (e === null) return;
    metrics.setPolicy(e.program.name, e.policy);
    metrics.setStore(e.store.kind);
    e.onCommit((c) => {
      metrics.commitLatency.observe(c.seconds);
      if (c.error !== undefined) metrics.storeErrors.inc();
    });
  });
  const v = requestValidators(maxBatch);
  const openapi = JSON.stringify(openApiDocument({ version: API_VERSION, maxBatch }));
  const logger =
    options.logger === undefined || options.logger === false
      ? false
      : { level: options.logger === true ? "info" : (options.logger.level ?? "info"), ...(options.logger !== true && options.logger.stream ? { stream: options.logger.stream } : {}), redact: ["req.headers.authorization", "req.headers.cookie"] };
  const serverFactory = nodeServerFactory(options);
  const app = Fastify({
    logger,
    bodyLimit: options.bodyLimit ?? 4 * 1024 * 1024,
    serverFactory,
    forceCloseConnections: false,
    return503OnClosing: true,
    requestIdHeader: false,
    // Through a log controller: the top-level `requestIdLogLabel` and `disableRequestLogging`
    // options are deprecated, and each printed a deprecation warning on every start.
    logController: new LogController({ requestIdLogLabel: "requestId" }),
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  LIFECYCLES.set(app, life);

  // Bodies are taken as bytes and decoded only when they are well-formed UTF-8: decoding with
  // U+FFFD for bad bytes would make the user ids `v\xff` and `v\xfe` one user (docs/events.md).
  app.removeContentTypeParser(["application/json", "text/plain"]);
  app.addContentTypeParser(JSON_TYPE, { parseAs: "buffer" }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(utf8Body(body as Buffer)));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
  app.addContentTypeParser("text/plain", { parseAs: "buffer" }, (_req, body, done) => {
    try {
      done(null, utf8Body(body as Buffer));
    } catch (e) {
      done(e as Error, undefined);
    }
  });

  const unavailable = (reply: FastifyReply, message: string) => {
    reply.header("retry-after", retryAfter);
    return sendError(reply, 503, message);
  };
  /** The engine, or a 503 answer while it starts (recovering the store) or after it could not. */
  const need = (reply: FastifyReply): Engine | null => {
    if (engine !== null) return engine;
    void unavailable(reply, startFailure === null ? "the server is starting: the store is being recovered" : `the server could not start: ${startFailure.message}`);
    return null;
  };
  const requireJson = (req: FastifyRequest, reply: FastifyReply): boolean => {
    if (JSON_TYPE.test(req.headers["content-type"] ?? "")) return true;
    metrics.reject(415);
    void sendError(reply, 415, "the body must be application/json", { code: "QUNGUI_UNSUPPORTED_MEDIA_TYPE" });
    return false;
  };

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode ?? 500;
    if (err instanceof StoreError) {
      metrics.storeErrors.inc();
      req.log.warn({ err: { message: err.message, transient: err.transient } }, "store failure");
      return unavailable(reply, `the store could not commit; nothing was decided: ${err.message}`);
    }
    if (status >= 400 && status < 500) {
      metrics.reject(status);
      return sendError(reply, status, err.message, err.code ? { code: err.code } : {});
    }
    // Not something the client sent: logged without the request's body, answered without details.
    req.log.error({ err: { message: err.message, stack: err.stack } }, "unexpected error");
    return unavailable(reply, "the server could not process the request; nothing was decided");
  });

  app.addHook("onRequest", async (req, reply) => {
    life.inFlight++;
    reply.header("x-request-id", req.id);
  });
  app.addHook("onSend", async (_req, reply) => {
    // While draining, every answer closes its connection: the client opens its next elsewhere.
    if (life.draining) reply.header("connection", "close");
  });
  app.addHook("onResponse", async (req, reply) => {
    life.inFlight--;
    if (life.inFlight === 0) life.idle();
    const route = req.routeOptions.url ?? "unmatched";
    metrics.requests.inc({ method: req.method, route, status: String(reply.statusCode) });
  });

  app.post("/v1/decide", async (req, reply) => {
    if (!requireJson(req, reply)) return reply;
    const e = need(reply);
    if (e === null) return reply;
    const t0 = performance.now();
    const body = req.body;
    const isBatch = Array.isArray(body);
    const ok = isBatch ? v.batch(body) : v.event(body);
    if (!ok) {
      metrics.reject(400);
      return sendError(reply, 400, errorText(isBatch ? v.batch.errors : v.event.errors), { code: "QUNGUI_INVALID_EVENT" });
    }
    const events = isBatch ? (body as unknown[]) : [body];
    const results = await e.decideRaw(events.map((value) => ({ kind: "value" as const, value })));
    metrics.events.inc(events.length);
    metrics.countResults(results);
    metrics.latency.observe((performance.now() - t0) / 1000);
    return reply.type("application/json").send(decideAnswer(results, isBatch));
  });

  app.get<{ Params: { event: string } }>("/v1/explain/:event", async (req, reply) => {
    const e = need(reply);
    if (e === null) return reply;
    try {
      const ex = await e.explainEventJson(req.params.event);
      if (ex === null) return sendError(reply, 404, `no accepted event has the id ${JSON.stringify(req.params.event)}`);
      return reply.type("application/json").send(ex);
    } catch (err) {
      if (err instanceof PurgedError) return sendError(reply, 410, err.message);
      throw err;
    }
  });

  app.post("/v1/explain", async (req, reply) => {
    if (!requireJson(req, reply)) return reply;
    const e = need(reply);
    if (e === null) return reply;
    if (!v.event(req.body)) return sendError(reply, 400, errorText(v.event.errors), { code: "QUNGUI_INVALID_EVENT" });
    return reply.type("application/json").send(JSON.stringify(await e.explain(req.body)));
  });

  const healthBody = (e: Engine) => {
    const clockMs = e.clock;
    const zone = e.program.versions[0]?.zone ?? "+00:00";
    return {
      policy: policyInfo(e),
      store: { kind: e.store.kind, location: e.store.location },
      position: e.position,
      clock: clockMs === null ? null : formatInstant(clockMs, zone),
    };
  };

  app.get("/v1/health", async (_req, reply) => {
    if (engine === null) return reply.send({ status: "starting", ready: false });
    return reply.send({ status: "ok", ready: ready(), ...healthBody(engine) });
  });

  app.get("/v1/health/live", async (_req, reply) => reply.send({ status: "live" }));

  app.get("/v1/health/ready", async (_req, reply) => {
    if (life.draining) return unavailable(reply, "draining: the server is stopping");
    const e = need(reply);
    if (e === null) return reply;
    // Catch up with the store (a read: it fails while the database is down), but a busy engine
    // (the probe waits behind the calls before it) is not an unready one.
    const probe = e.refresh().then(
      () => null,
      (err: unknown) => err,
    );
    const err = await Promise.race([probe, new Promise<null>((r) => setTimeout(() => r(null), 2_000).unref())]);
    if (err !== null || e.lastFailure !== null) return unavailable(reply, `the store is not available: ${(e.lastFailure ?? (err as Error)).message}`);
    return reply.send({ status: "ready", ...healthBody(e) });
  });

  app.get("/metrics", async (_req, reply) => {
    const m = await metrics.render();
    return reply.type(m.contentType).send(m.text);
  });

  app.get("/v1/openapi.json", async (_req, reply) => reply.type("application/json").send(openapi));

  app.post("/v1/policy", async (req, reply) => {
    if (options.adminToken === undefined || options.adminToken === "") return sendError(reply, 403, "policy reload is disabled: the server was started without an admin token");
    if (!tokenMatches(req.headers.authorization, options.adminToken)) {
      reply.header("www-authenticate", 'Bearer realm="qungui"');
      return sendError(reply, 401, "a valid bearer token is needed to reload the policy");
    }
    const e = need(reply);
    if (e === null) return reply;
    const compiled = compileReload(req.body, options.policyName ?? "policy.qg", clock);
    if (compiled.program === null) {
      metrics.reloads.inc({ result: "refused" });
      return sendError(reply, 422, "the policy has errors; the old one keeps serving", {
        diagnostics: diagnosticsToJson(compiled.diagnostics),
        ...(compiled.rendered !== undefined ? { rendered: compiled.rendered } : {}),
      });
    }
    await e.setProgram(compiled.program);
    metrics.reloads.inc({ result: "ok" });
    metrics.setPolicy(e.program.name, e.policy);
    req.log.info({ policy: { name: e.program.name, id: e.policy, since: e.policySince } }, "policy reloaded");
    return reply.send(policyInfo(e));
  });

  // The timer tick: deadlines fire by the wall clock when no event comes (docs/services.md).
  const tickMs = options.tickMs ?? 0;
  if (tickMs > 0) {
    let busy = false;
    const timer = setInterval(() => {
      const e = engine;
      if (busy || e === null || life.draining) return;
      const due = e.nextDue;
      const now = clock();
      if (due === null || due > now) return;
      busy = true;
      e.advance(now).then(
        (r) => {
          metrics.ticks.inc();
          metrics.countResults([{ ...r, decisionJson: [] }]);
          if (r.decisions.length > 0) app.log.info({ decisions: r.decisions.length, position: e.position }, "timers fired by the clock");
        },
        (err: unknown) => {
          metrics.storeErrors.inc();
          app.log.warn({ err: { message: (err as Error).message } }, "the timer tick could not commit");
        },
      ).finally(() => (busy = false));
    }, tickMs);
    timer.unref();
    life.stopTick = () => clearInterval(timer);
  }
  app.addHook("onClose", async () => life.stopTick());

  return app;
}

/**
 * Stops a listening server gracefully (SIGTERM): readiness turns 503, no new connection is
 * accepted, the requests in flight are finished and answered (with `Connection: close`), idle
 * keep-alive connections are closed, and whatever is still open after `graceMs` is cut. Resolves
 * when the server is closed; the engine and store are the caller's to close after.
 */
export async function drainServer(app: FastifyInstance, graceMs: number): Promise<{ cut: number }> {
  const life = LIFECYCLES.get(app);
  if (life === undefined) {
    await app.close();
    return { cut: 0 };
  }
  life.draining = true;
  life.stopTick();
  const server = app.server;
  // net.Server.close stops accepting without http.Server's closing of idle connections at once: a
  // request a client has just written on one would meet a reset. They are closed a moment later.
  const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
  const settle = setInterval(() => server.closeIdleConnections(), 200);
  const deadline = new Promise<"cut">((resolve) => setTimeout(() => resolve("cut"), graceMs).unref());
  const outcome = await Promise.race([closed.then(() => "closed" as const), deadline]);
  clearInterval(settle);
  let cut = 0;
  if (outcome === "cut") {
    cut = life.inFlight;
    server.closeAllConnections();
    await closed;
  }
  await app.close();
  return { cut };
}
