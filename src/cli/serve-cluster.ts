/**
 * `qungui serve --cluster`: the decision API in front of the cluster (src/http/cluster-server.ts).
 * No engine runs here: the workers decide; this process publishes and waits for their commits.
 * The admin token (policy reload) and TLS are read as `qungui serve` reads them. Stops on
 * SIGTERM/SIGINT after answering the requests in flight (up to --grace).
 */
import { buildClusterServer } from "../http/cluster-server.js";
import { connectNats, natsServers, streamPartitions } from "../cluster/nats.js";
import { newPool, pgTarget } from "../cluster/schema.js";
import { StoreError } from "../store/types.js";
import { EXIT, UsageError, type Io } from "./io.js";
import type { ServeConfig } from "./serve-config.js";
import { adminToken, readPem } from "./serve-secrets.js";

export async function runServeCluster(c: ServeConfig, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const servers = natsServers(c.nats === undefined ? [] : [c.nats]);
  if (servers.length === 0) throw new UsageError("serve --cluster needs the NATS servers: --nats nats://host:4222,… (or QUNGUI_NATS)");
  if (c.store === undefined) throw new UsageError("serve --cluster needs the cluster's PostgreSQL: --store postgres://user@host:port/db?schema=qungui");
  if (c.policy !== undefined) throw new UsageError("serve --cluster takes no policy: the cluster's is in PostgreSQL (qungui cluster policy FILE switches it)");
  const token = adminToken(c, env);
  const tls = c.tlsCert !== undefined && c.tlsKey !== undefined ? { cert: readPem(c.tlsCert), key: readPem(c.tlsKey) } : undefined;
  let target;
  try {
    target = pgTarget(c.store);
  } catch (e) {
    if (e instanceof StoreError) throw new UsageError(e.message);
    throw e;
  }
  const nats = await connectNats(servers, "qungui-serve-cluster").catch((e: Error) => {
    throw new UsageError(`cannot connect to NATS (${servers.join(", ")}): ${e.message}`);
  });
  const pool = newPool(target, 4, "qungui-serve-cluster");
  try {
    const partitions = await streamPartitions(nats.jsm).catch((e: Error) => {
      throw new UsageError(e.message);
    });
    const app = await buildClusterServer({
      nats,
      partitions,
      pool,
      schema: target.schema,
      timeoutMs: c.decideTimeout,
      bodyLimit: c.bodyLimit,
      maxBatch: c.maxBatch,
      logger: c.logLevel === "silent" ? false : { level: c.logLevel },
      clock: () => Date.now(),
      requestTimeoutMs: c.requestTimeout,
      headersTimeoutMs: c.headersTimeout,
      keepAliveTimeoutMs: c.keepAliveTimeout,
      ...(token !== undefined ? { adminToken: token } : {}),
      ...(tls !== undefined ? { tls } : {}),
    });
    let address: string;
    try {
      address = await app.listen({ port: c.port, host: c.host });
      // fastify names the scheme from its own https option; this server's TLS is its factory's.
      if (tls !== undefined) address = address.replace(/^http:/, "https:");
    } catch (e) {
      throw new UsageError(`cannot listen on ${c.host}:${c.port}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    io.err(
      `qungui serve --cluster: ${address} — ${partitions} partitions, answers within ${c.decideTimeout} ms or 504, policy reload ${token === undefined ? "disabled (no token)" : "enabled (recorded in PostgreSQL, switched at one point of every partition's log)"}\n`,
    );
    await new Promise<void>((resolve) => {
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    });
    const closing = app.close();
    const grace = new Promise<"cut">((r) => setTimeout(() => r("cut"), c.grace).unref());
    const cut = (await Promise.race([closing.then(() => "closed" as const), grace])) === "cut";
    io.err(`qungui serve --cluster: stopped${cut ? ` (requests still in flight after ${c.grace} ms were cut)` : ""}\n`);
    return EXIT.ok;
  } finally {
    await nats.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
  }
}
