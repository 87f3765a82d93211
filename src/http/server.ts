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
 *   and nothing is decided. No route answers 500 for anything a client sent.
 */
import { timingSafeEqual } from "node:crypto";
import { performance } from "node:perf_hooks";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from "fastify";
import { compilePolicyText } from "../compile.js";
import { compileProgram, ProgramError, type Program } from "../engine/index.js";
import type { Outcome } from "../engine/decision.js";
import { loadIR } from "../ir/load.js";
import { StoreError } from "../store/types.js";
import type { DecideOutput, Engine } from "../service/engine.js";
import { diagnosticsToJson, renderDiagnostics } from "../source/render.js";
import { hasErrors, type Diagnostic } from "../source/diagnostic.js";
import { formatInstant } from "../source/time.js";
import { EVENT_SCHEMA } from "../vocab/schemas.js";
import { Metrics } from "./metrics.js";
import { openApiDocument } from "./openapi.js";

export const API_VERSION = "0.1.0";

/** The label values of each outcome, made once (a decision counter is bumped per decision). */
const OUTCOME_LABELS: Readonly<Record<Outcome, readonly [Outcome]>> = { allow: ["allow"], deny: ["deny"], noted: ["noted"], measures: ["measures"], ungoverned: ["ungoverned"] };

/** How {@link buildServer} sets up the API. */
export interface ServerOptions {
  engine: Engine;
  /** Bearer token that guards `POST /v1/policy`; without one, reloading is disabled. */
  adminToken?: string;
  /** Largest request body, bytes. Default 4 MiB. */
  bodyLimit?: number;
  /** Most events in one batch. Default 10 000. */
  maxBatch?: number;
  /** Fastify's logger (pino) on or off. Default off. */
  logger?: boolean;
  /** File name used in diagnostics of a reloaded policy. */
  policyName?: string;
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
    pieces.push(r.deadLetterJson === undefined ? "]}" : `],"deadLetter":${r.deadLetterJson}}`);
  }
  if (isBatch) pieces.push("]}");
  return pieces.join("");
}

function sendError(reply: FastifyReply, statusCode: number, message: string, extra: Record<string, unknown> = {}): FastifyReply {
  const error = statusCode === 400 ? "Bad Request" : statusCode === 401 ? "Unauthorized" : statusCode === 403 ? "Forbidden" : statusCode === 404 ? "Not Found" : statusCode === 410 ? "Gone" : statusCode === 413 ? "Payload Too Large" : statusCode === 415 ? "Unsupported Media Type" : statusCode === 422 ? "Unprocessable Entity" : statusCode === 503 ? "Service Unavailable" : "Error";
  return reply.code(statusCode).type("application/json").send({ statusCode, error, message, ...extra });
}

function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const m = /^Bearer\s+(.+)$/i.exec(given.trim());
  if (m === null) return false;
  const a = Buffer.from(m[1]!);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function policyInfo(engine: Engine): { name: string; id: string; versions: { version: string; effective: string; zone: string }[] } {
  const p = engine.program;
  return { name: p.name, id: engine.policy, versions: p.versions.map((v) => ({ version: v.version, effective: v.effective, zone: v.zone })) };
}

/** Compiles a reloaded policy: `.qg` text, or IR as JSON. Throws ProgramError when the IR cannot run. */
function compileReload(body: unknown, name: string): { program: Program | null; diagnostics: Diagnostic[]; rendered?: string } {
  if (typeof body === "string") {
    const r = compilePolicyText(body, name);
    const rendered = r.diagnostics.length > 0 ? renderDiagnostics(r.diagnostics, r.source, { color: false }) : undefined;
    if (r.ir === null || hasErrors(r.diagnostics)) return { program: null, diagnostics: r.diagnostics, ...(rendered ? { rendered } : {}) };
    return { program: compileProgram(r.ir), diagnostics: r.diagnostics };
  }
  const r = loadIR(body);
  if (r.ir === null) return { program: null, diagnostics: r.diagnostics };
  return { program: compileProgram(r.ir), diagnostics: r.diagnostics };
}

/** Builds the fastify application (not listening: call `listen`, or `inject` in tests). */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { engine } = options;
  const maxBatch = options.maxBatch ?? 10_000;
  const metrics = new Metrics();
  const v = requestValidators(maxBatch);
  const openapi = JSON.stringify(openApiDocument({ version: API_VERSION, maxBatch }));
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 4 * 1024 * 1024,
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
    return503OnClosing: true,
  });

  app.setErrorHandler((err: FastifyError, _req, reply) => {
    const status = err.statusCode ?? 500;
    if (err instanceof StoreError) {
      metrics.storeErrors.inc();
      return sendError(reply, 503, `the store could not commit; nothing was decided: ${err.message}`);
    }
    if (status >= 400 && status < 500) {
      metrics.rejected.inc([String(status)]);
      return sendError(reply, status, err.message, err.code ? { code: err.code } : {});
    }
    app.log.error(err);
    return sendError(reply, 503, "the server could not process the request; nothing was decided");
  });

  app.addHook("onResponse", async (req, reply) => {
    const route = req.routeOptions.url ?? "unmatched";
    metrics.requests.inc([req.method, route, String(reply.statusCode)]);
  });

  app.post("/v1/decide", async (req, reply) => {
    const t0 = performance.now();
    const body = req.body;
    const isBatch = Array.isArray(body);
    const ok = isBatch ? v.batch(body) : v.event(body);
    if (!ok) {
      metrics.rejected.inc(["400"]);
      return sendError(reply, 400, errorText(isBatch ? v.batch.errors : v.event.errors), { code: "QUNGUI_INVALID_EVENT" });
    }
    const events = isBatch ? (body as unknown[]) : [body];
    const results = await engine.decideRaw(events.map((value) => ({ kind: "value" as const, value })));
    metrics.events.inc([], events.length);
    for (const r of results) {
      for (const d of r.decisions) {
        metrics.decisions.inc(OUTCOME_LABELS[d.outcome]);
        if (d.trigger === "timer") metrics.timerDecisions.inc();
      }
      if (r.deadLetterJson !== undefined) metrics.deadLetters.inc();
    }
    metrics.latency.observe((performance.now() - t0) / 1000);
    return reply.type("application/json").send(decideAnswer(results, isBatch));
  });

  app.get<{ Params: { event: string } }>("/v1/explain/:event", async (req, reply) => {
    try {
      const ex = await engine.explainEvent(req.params.event);
      if (ex === null) return sendError(reply, 404, `no accepted event has the id ${JSON.stringify(req.params.event)}`);
      return reply.type("application/json").send(JSON.stringify(ex));
    } catch (e) {
      if (e instanceof StoreError && /purged/.test(e.message)) return sendError(reply, 410, e.message);
      throw e;
    }
  });

  app.post("/v1/explain", async (req, reply) => {
    if (!v.event(req.body)) return sendError(reply, 400, errorText(v.event.errors), { code: "QUNGUI_INVALID_EVENT" });
    return reply.type("application/json").send(JSON.stringify(await engine.explain(req.body)));
  });

  app.get("/v1/health", async (_req, reply) => {
    const clock = engine.clock;
    const zone = engine.program.versions[0]?.zone ?? "+00:00";
    return reply.send({
      status: "ok",
      policy: policyInfo(engine),
      store: { kind: engine.store.kind },
      position: engine.position,
      clock: clock === null ? null : formatInstant(clock, zone),
    });
  });

  app.get("/metrics", async (_req, reply) => reply.type("text/plain; version=0.0.4; charset=utf-8").send(metrics.render()));

  app.get("/v1/openapi.json", async (_req, reply) => reply.type("application/json").send(openapi));

  app.post("/v1/policy", async (req, reply) => {
    if (options.adminToken === undefined || options.adminToken === "") return sendError(reply, 403, "policy reload is disabled: the server was started without an admin token");
    if (!tokenMatches(req.headers.authorization, options.adminToken)) {
      reply.header("www-authenticate", 'Bearer realm="qungui"');
      return sendError(reply, 401, "a valid bearer token is needed to reload the policy");
    }
    let compiled: ReturnType<typeof compileReload>;
    try {
      compiled = compileReload(req.body, options.policyName ?? "policy.qg");
    } catch (e) {
      if (!(e instanceof ProgramError)) throw e;
      metrics.reloads.inc(["refused"]);
      return sendError(reply, 422, "the policy cannot run; the old one keeps serving", { diagnostics: [{ code: "QG079", severity: "error", message: e.message }] });
    }
    if (compiled.program === null) {
      metrics.reloads.inc(["refused"]);
      return sendError(reply, 422, "the policy has errors; the old one keeps serving", {
        diagnostics: diagnosticsToJson(compiled.diagnostics),
        ...(compiled.rendered !== undefined ? { rendered: compiled.rendered } : {}),
      });
    }
    await engine.setProgram(compiled.program);
    metrics.reloads.inc(["ok"]);
    return reply.send(policyInfo(engine));
  });

  return app;
}
