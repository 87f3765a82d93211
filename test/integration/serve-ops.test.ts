/**
 * `qungui serve` as an operator runs it (the built CLI as a child process, real HTTP over loopback,
 * real signals): SIGTERM drains keep-alive connections under load without resets; slow clients are
 * timed out; logs are JSON and never hold an identity; settings come from a config file and the
 * environment; TLS; timers fire by the wall clock; a bad store is one line and exit 2.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../src/store/sqlite.js";

const ROOT = join(import.meta.dirname, "..", "..");
const CLI = join(ROOT, "bin", "qungui.js");
const SECRET = "身份证号-SECRET-4711";

interface Served {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `qungui serve` and resolves once it is ready. */
function serve(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [CLI, "serve", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let out = "";
  let err = "";
  child.stdout!.on("data", (b: Buffer) => (out += b.toString("utf8")));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on("exit", (code, signal) => r({ code, signal })));
  return new Promise((resolve, reject) => {
    child.stderr!.on("data", (b: Buffer) => {
      err += b.toString("utf8");
      const m = /qungui serve: (https?:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m && /qungui serve: ready/.test(err)) resolve({ child, url: m[1]!, stdout: () => out, stderr: () => err, exited });
    });
    void exited.then(() => reject(new Error(`serve exited: ${err}`)));
  });
}

/** A POST over a keep-alive agent; resolves with the status, or the socket error's code. */
function postOn(agent: Agent, url: string, body: string): Promise<{ status: number; connection?: string } | { error: string }> {
  return new Promise((resolve) => {
    const u = new URL(url);
    const req = httpRequest({ host: u.hostname, port: u.port, path: "/v1/decide", method: "POST", agent, headers: { "content-type": "application/json" } }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
    });
    req.on("error", (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end(body);
  });
}

describe("qungui serve, operated", () => {
  let dir: string;
  beforeAll(() => {
    if (!existsSync(join(ROOT, "dist", "cli", "serve.js")) || !existsSync(join(ROOT, "dist", "service", "explain-worker.js"))) {
      execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.build.json")], { cwd: ROOT, stdio: "inherit" });
    }
    dir = mkdtempSync(join(tmpdir(), "qungui-serve-ops-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("drains on SIGTERM: every request sent on an open connection is answered, then it exits 0 within the grace", async () => {
    const store = join(dir, "drain.db");
    const s = await serve(["policies/cac-2017.qg", "--port", "0", "--store", store, "--tick", "off", "--log-level", "warn", "--grace", "5s"]);
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const answered: string[] = [];
    const failures: string[] = [];
    let n = 0;
    let stop = false;
    const client = async (k: number) => {
      while (!stop) {
        const id = `d${k}-${n++}`;
        const r = await postOn(agent, s.url, JSON.stringify({ id, type: "user.registered", at: "2018-06-01T09:00:00+08:00", user: id }));
        if ("error" in r) {
          // After the drain began, new connections are refused: that is the only acceptable error.
          if (r.error !== "ECONNREFUSED") failures.push(r.error);
          return;
        }
        if (r.status === 200) answered.push(id);
        else if (r.status !== 503) failures.push(String(r.status));
      }
    };
    const clients = Array.from({ length: 16 }, (_, k) => client(k));
    await new Promise((r) => setTimeout(r, 700));
    const t0 = Date.now();
    s.child.kill("SIGTERM");
    const exit = await s.exited;
    const took = Date.now() - t0;
    stop = true;
    await Promise.all(clients);
    agent.destroy();
    expect(exit.code, s.stderr()).toBe(0);
    expect(took).toBeLessThan(5_000);
    expect(failures).toEqual([]);
    expect(answered.length).toBeGreaterThan(16);
    // Every answered decision is in the store.
    const st = openSqliteStore(store);
    const ids = new Set((await st.journal(0)).map((e) => e.eventId));
    await st.close();
    expect(answered.filter((id) => !ids.has(id))).toEqual([]);
  }, 60_000);

  it("times out slow clients trickling headers", async () => {
    const s = await serve(["policies/cac-2017.qg", "--port", "0", "--tick", "off", "--log-level", "silent", "--headers-timeout", "1s", "--request-timeout", "2s"]);
    const u = new URL(s.url);
    const t0 = Date.now();
    const closedAfter = await Promise.all(
      Array.from({ length: 20 }, () => {
        return new Promise<number>((resolve) => {
          const sock = connect(Number(u.port), u.hostname, () => sock.write("POST /v1/decide HTTP/1.1\r\nHost: x\r\n"));
          const drip = setInterval(() => sock.write("X-Slow: a\r\n"), 200);
          sock.on("error", () => undefined);
          sock.on("close", () => {
            clearInterval(drip);
            resolve(Date.now() - t0);
          });
          setTimeout(() => sock.destroy(), 20_000).unref();
        });
      }),
    );
    expect(Math.max(...closedAfter)).toBeLessThan(5_000);
    s.child.kill("SIGTERM");
    expect((await s.exited).code).toBe(0);
  }, 60_000);

  it("reads settings from a config file and the environment, logs JSON without identity, serves TLS, fires timers by the wall clock", async () => {
    const key = join(dir, "key.pem");
    const cert = join(dir, "cert.pem");
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1"], { stdio: "ignore" });
    const store = join(dir, "ops.db");
    const config = join(dir, "qungui.yaml");
    writeFileSync(config, `policy: policies/cac-2017.qg\nstore: ${store}\nport: 1\ntick: 200ms\nlogLevel: trace\ntlsCert: ${cert}\ntlsKey: ${key}\n`);
    // The environment overrides the file (port 1 would fail).
    const s = await serve(["--config", config], { QUNGUI_PORT: "0" });
    expect(s.url).toMatch(/^https:/);
    const call = (path: string, body?: string): Promise<{ status: number; text: string; headers: Record<string, unknown> }> =>
      new Promise((resolve, reject) => {
        const u = new URL(path, s.url);
        const req = httpsRequest({ host: u.hostname, port: u.port, path: u.pathname, method: body === undefined ? "GET" : "POST", rejectUnauthorized: false, headers: { "content-type": "application/json" } }, (res) => {
          let text = "";
          res.on("data", (b: Buffer) => (text += b.toString("utf8")));
          res.on("end", () => resolve({ status: res.statusCode!, text, headers: res.headers }));
        });
        req.on("error", reject);
        req.end(body);
      });
    expect((await call("/v1/health/ready")).status).toBe(200);
    // Identity in accepted events, in malformed bodies, in an explain: none of it may reach a log.
    const verified = await call("/v1/decide", JSON.stringify({ id: "v1", type: "user.verified", at: "2017-10-09T09:00:00+08:00", user: "vu", identity: { name: SECRET } }));
    expect(verified.status).toBe(200);
    expect((await call("/v1/decide", `{"id":"v2","type":"user.verified","at":"2017-10-09T09:00:00+08:00","user":"vu","identity":{"name":"${SECRET}"} oops`)).status).toBe(400);
    expect((await call("/v1/decide", JSON.stringify({ id: "v3", type: "user.verified", at: "2017-10-09T09:00:00+08:00", user: 5, identity: { name: SECRET } }))).status).toBe(400);
    expect((await call("/v1/explain", JSON.stringify({ id: "v4", type: "user.verified", at: "2017-10-09T09:00:00+08:00", user: "vu", identity: { name: SECRET } }))).status).toBe(200);
    // A complaint filed in 2017 is long overdue by the wall clock: the tick fires its deadline with no event.
    expect((await call("/v1/decide", JSON.stringify({ id: "c1", type: "complaint.filed", at: "2017-10-09T09:00:00+08:00", complaint: "k1", by: "vu" }))).status).toBe(200);
    let fired = false;
    for (let i = 0; i < 50 && !fired; i++) {
      await new Promise((r) => setTimeout(r, 100));
      fired = JSON.parse((await call("/v1/health")).text).position >= 4;
    }
    expect(fired).toBe(true);
    s.child.kill("SIGTERM");
    expect((await s.exited).code).toBe(0);
    const logs = s.stdout().split("\n").filter(Boolean);
    expect(logs.length).toBeGreaterThan(5);
    for (const l of logs) expect(() => JSON.parse(l), l).not.toThrow();
    expect(logs.some((l) => (JSON.parse(l) as { requestId?: string }).requestId !== undefined)).toBe(true);
    expect(s.stdout() + s.stderr()).not.toContain(SECRET);
    // What an operator reads on stderr is the server's own lines: no library's deprecation warnings.
    expect(s.stderr()).not.toMatch(/Deprecation|\[FSTDEP\d+\]/);
    const st = openSqliteStore(store);
    const journal = await st.journal(0);
    const advance = journal.find((e) => e.kind === "advance");
    expect(advance).toBeDefined();
    expect((await st.decisionsOf(advance!.seq)).some((j) => j.includes('"rule":"complaints/overdue"'))).toBe(true);
    await st.close();
  }, 60_000);

  it("a store it cannot open is one line and exit 2", async () => {
    for (const [storeArg, message] of [
      ["/nonexistent/dir/x.db", /cannot open \/nonexistent\/dir\/x\.db/],
      ["postgresql:qungui", /unknown kind of store "postgresql:"/],
    ] as const) {
      let err = "";
      const child = spawn(process.execPath, [CLI, "serve", "policies/cac-2017.qg", "--port", "0", "--store", storeArg], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
      child.stderr.on("data", (b: Buffer) => (err += b.toString("utf8")));
      const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
      expect(code).toBe(2);
      expect(err).toMatch(message);
      expect(err.trim().split("\n")).toHaveLength(1);
      expect(err).not.toMatch(/TypeError|at .*\.js:\d+/);
    }
  }, 30_000);
});
