/**
 * The Node HTTP(S) server under Fastify, for the single server and `serve --cluster` alike: the
 * same timeouts (a slow or silent client cannot hold a connection open) and the same TLS.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";

export interface NodeServerOptions {
  /** A request must arrive whole within this (default 30 s). */
  requestTimeoutMs?: number;
  /** Its headers within this (default 10 s, never more than the request timeout). */
  headersTimeoutMs?: number;
  /** An idle keep-alive connection is closed after this (default 5 s). */
  keepAliveTimeoutMs?: number;
  /** HTTPS with this certificate and key; plain HTTP without. */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

/** Fastify's `serverFactory`: builds the Node server with {@link NodeServerOptions}. */
export function nodeServerFactory(o: NodeServerOptions): (handler: (req: IncomingMessage, res: ServerResponse) => void) => Server {
  return (handler) => {
    const timeouts = {
      requestTimeout: o.requestTimeoutMs ?? 30_000,
      headersTimeout: Math.min(o.headersTimeoutMs ?? 10_000, o.requestTimeoutMs ?? 30_000),
      keepAliveTimeout: o.keepAliveTimeoutMs ?? 5_000,
      // How often Node checks the two timeouts above (its default, 30 s, lets a slow client stay
      // up to 30 s past them).
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor((o.headersTimeoutMs ?? 10_000) / 4))),
    };
    const server = o.tls === undefined ? createHttpServer(timeouts, handler) : createHttpsServer({ ...timeouts, cert: o.tls.cert, key: o.tls.key }, handler);
    server.keepAliveTimeout = timeouts.keepAliveTimeout;
    return server;
  };
}
