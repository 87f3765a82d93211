/**
 * `qungui/http`: the HTTP decision API as a library, for a service that mounts it in its own
 * process (`qungui serve` is the command-line way). A subpath of its own so that importing `qungui`
 * for the engine does not load fastify.
 *
 * @example
 * ```ts
 * import { compilePolicy, createEngine, openSqliteStore } from "qungui";
 * import { buildServer } from "qungui/http";
 *
 * const engine = await createEngine(program, { store: openSqliteStore("qungui.db"), clock: Date.now });
 * const app = await buildServer({ engine, adminToken: process.env.QUNGUI_TOKEN });
 * await app.listen({ port: 8080 });
 * ```
 *
 * @module
 */
export { buildServer, requestValidators, type ServerOptions, type Validators } from "./server.js";
export { openApiDocument } from "./openapi.js";
