/**
 * `qungui/http`: the HTTP decision API as a library, for a service that mounts it in its own
 * process (`qungui serve` is the command-line way). A subpath of its own so that importing `qungui`
 * for the engine does not load fastify.
 *
 * @example
 * ```ts
 * import { compilePolicy, createEngine, openStore } from "qungui";
 * import { buildServer, drainServer } from "qungui/http";
 *
 * const engine = await createEngine(program, { store: await openStore("qungui.db"), clock: Date.now });
 * const app = await buildServer({ engine, adminToken: process.env.QUNGUI_ADMIN_TOKEN, logger: true, tickMs: 1000 });
 * await app.listen({ port: 8080 });
 * process.once("SIGTERM", async () => {
 *   await drainServer(app, 10_000);
 *   await engine.close();
 * });
 * ```
 *
 * @module
 */
export { buildServer, drainServer, requestValidators, type ServerOptions, type Validators, type PolicyInfo } from "./server.js";
export { openApiDocument } from "./openapi.js";
