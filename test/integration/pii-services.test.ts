/**
 * A6.pii through the services, on a real PostgreSQL server (test/service/postgres.ts): `qungui
 * serve` at debug log level is sent `user.verified` events with generated identities in hostile
 * framings — pretty-printed, identity nested or under a misspelt key, the name as the event type,
 * unquoted values, truncated, bad UTF-8 after the name, a retry with other content — and asked to
 * explain them (answers are decisions, dead letters or 400s, none may quote the identity); `qungui run --store postgres://…` gets the issue's split-line reproduction and
 * `records export` exports it. No identity substring of four characters may appear in any HTTP
 * response, the server's log (stdout and stderr), the CLI's output, any row of either schema, or
 * the bytes of the database's files (after a checkpoint: tables, indexes, WAL).
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { whenServing } from "./serve-child.js";
import { postgresUnavailable, startPostgres, type TestServer } from "../service/postgres.js";

const ROOT = join(import.meta.dirname, "..", "..");
const CLI = join(ROOT, "bin", "qungui.js");
const POLICY = join(ROOT, "policies", "cac-2017.qg");
if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.build.json")], { cwd: ROOT });

const unavailable = await postgresUnavailable();

const cjk = fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCharCode(c));
const identities = fc.sample(
  fc.record({
    name: fc.array(cjk, { minLength: 3, maxLength: 5 }).map((a) => a.join("")),
    idNumber: fc.stringMatching(/^[1-6][0-9]{16}[0-9X]$/),
    phone: fc.stringMatching(/^1[3-9][0-9]{9}$/),
  }),
  { numRuns: 6, seed: 13 },
);

/**
 * Every four-character substring of every identity value; for raw database files (`bytes`), whose
 * pages and WAL records are full of binary integers and catalog text, the substrings of four
 * characters that are not all digits and the digit substrings of eight.
 */
function secrets(kind: "text" | "bytes" = "text"): string[] {
  const out: string[] = [];
  for (const id of identities) {
    for (const v of Object.values(id)) {
      const chars = Array.from(v);
      for (let i = 0; i + 4 <= chars.length; i++) {
        const s = chars.slice(i, i + 4).join("");
        if (kind === "text" || !/^\d+$/.test(s)) out.push(s);
      }
      if (kind === "bytes") for (let i = 0; i + 8 <= chars.length; i++) out.push(chars.slice(i, i + 8).join(""));
    }
  }
  return out;
}

/** What the engine writes whatever the input (hashes, instants, request ids), where digits of an ID number may occur by chance. */
function scrubbed(text: string): string {
  return text
    .replace(/[0-9a-f]{64}/g, "")
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "")
    // Loopback addresses with the ports the test's servers drew at random (`127.0.0.1:29298`), in
    // log lines and store URLs: four digits of an ID number match a port by chance.
    .replace(/(?:\d{1,3}(?:\.\d{1,3}){3}|localhost|\[[0-9a-f:]*\]):\d{1,5}\b/g, "")
    .replace(/\bport[= ]\d{1,5}\b/gi, "")
    .replace(/\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))?/g, "")
    // Numbers the server measures (times, sizes, counters, metric samples), never input text.
    .replace(/":-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g, '":')
    .replace(/\d+\.\d+(?:e[-+]?\d+)?/g, "")
    .replace(/ -?\d+$/gm, "")
    // Short numbers written as strings (a content-length header); a phone or ID number is longer.
    .replace(/"\d{1,6}"/g, '""')
    // Integer columns of a row as text, `(12,event,…,1507482000000,…)`: sequence numbers and epoch ms.
    .replace(/(?<=[(,])-?\d+(?=[,)])/g, "");
}

function expectClean(where: string, text: string | Buffer): void {
  const buf = typeof text === "string" ? Buffer.from(scrubbed(text)) : text;
  for (const s of secrets(typeof text === "string" ? "text" : "bytes")) {
    const at = buf.indexOf(Buffer.from(s, "utf8"));
    expect(at < 0, `${where} contains ${JSON.stringify(s)}: …${buf.subarray(Math.max(0, at - 60), at + 60).toString("utf8")}…`).toBe(true);
    expect(buf.includes(Buffer.from(s, "utf16le")), `${where} contains ${JSON.stringify(s)} (UTF-16)`).toBe(false);
  }
}

/** The request bodies sent for identity `k`: hostile framings of one `user.verified` event. */
function bodies(k: number): Buffer[] {
  const id = identities[k]!;
  const e = { id: `v${k}`, type: "user.verified", at: "2017-10-09T01:00:00+08:00", user: `u${k}`, identity: id };
  const s = (x: unknown, indent?: number) => Buffer.from(JSON.stringify(x, null, indent));
  return [
    s(e, 2),
    s([{ id: `r${k}`, type: "user.registered", at: "2017-10-09T00:59:00+08:00", user: `u${k}` }, { ...e, id: `w${k}` }]),
    s({ ...e, id: `n${k}`, identity: undefined, extra: { deeper: [{ identity: id }] } }),
    s({ ...e, id: `m${k}`, identity: undefined, identiy: id }),
    s({ ...e, id: `t${k}`, type: id.name }),
    s({ ...e, identity: { ...id, name: id.name + "改" } }), // a retry of v{k} with other content
    Buffer.from(`{"id":"q${k}","type":"user.verified","at":"2017-10-09T01:00:00+08:00","user":"u${k}","identity":{"name":${id.name},"idNumber":${id.idNumber}}}`),
    Buffer.from(JSON.stringify(e).slice(0, 90 + k)),
    Buffer.concat([Buffer.from(`{"id":"b${k}","type":"user.verified","at":"2017-10-09T01:00:00+08:00","user":"u${k}","identity":{"name":"${id.name}`), Buffer.from([0xff]), Buffer.from('"}}')]),
  ];
}

/** Every file under `dir`, read as bytes (the database's tables, indexes and WAL). */
function filesUnder(dir: string): { path: string; bytes: Buffer }[] {
  const out: { path: string; bytes: Buffer }[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...filesUnder(p));
    else if (st.isFile()) out.push({ path: p, bytes: readFileSync(p) });
  }
  return out;
}

describe.skipIf(unavailable !== null)("A6.pii: HTTP responses, server logs and PostgreSQL never carry identity", () => {
  let pg: TestServer;
  beforeAll(() => {
    pg = startPostgres();
  }, 120_000);
  afterAll(() => pg?.stop());

  test("serve on PostgreSQL, then run --store and records export on PostgreSQL", async () => {
    const serveStore = `${pg.url}&schema=pii_serve`;
    const child = spawn(process.execPath, [CLI, "serve", POLICY, "--port", "0", "--store", serveStore, "--tick", "off", "--log-level", "debug"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString("utf8")));
    const { url, exited, stderr } = await whenServing(child);
    const answers: string[] = [];
    const statuses = new Set<number>();
    for (let k = 0; k < identities.length; k++) {
      for (const body of bodies(k)) {
        for (const path of ["/v1/decide", "/v1/explain"]) {
          const res = await fetch(url + path, { method: "POST", headers: { "content-type": "application/json" }, body });
          statuses.add(res.status);
          answers.push(`${res.status} ${[...res.headers].join(";")} ${await res.text()}`);
        }
      }
      for (const id of [`v${k}`, `w${k}`, `n${k}`]) {
        const res = await fetch(`${url}/v1/explain/${id}`);
        answers.push(`${res.status} ${await res.text()}`);
      }
    }
    // The framings reached the engine (decisions and dead letters) and the body parser (400).
    expect([...statuses].sort()).toEqual([200, 400]);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(out.length).toBeGreaterThan(0); // debug logging was on
    expectClean("HTTP responses", answers.join("\n"));
    expectClean("metrics", metrics);
    expectClean("server stdout (log)", out);
    expectClean("server stderr", stderr());

    // The CLI's reproduction on PostgreSQL: pretty-printed over lines, and unquoted values.
    const runStore = `${pg.url}&schema=pii_run`;
    const input = identities
      .map((id, k) => `${JSON.stringify({ id: `p${k}`, type: "user.verified", at: "2017-10-09T01:00:00+08:00", user: `u${k}`, identity: id }, null, 1)}\n{"id":"x${k}","type":"user.verified","at":"2017-10-09T01:00:00+08:00","user":"u${k}","identity":{"name":${id.name},"idNumber":${id.idNumber}x}}\n`)
      .join("");
    const run = spawnSync(process.execPath, [CLI, "run", POLICY, "--store", runStore], { input, encoding: "utf8" });
    expect(run.status).toBe(0);
    expectClean("run stdout", run.stdout);
    expectClean("run stderr", run.stderr);
    for (const flag of [[], ["--dead-letters"]]) {
      const ex = spawnSync(process.execPath, [CLI, "records", "export", "--store", runStore, ...flag], { encoding: "utf8" });
      expect(ex.status).toBe(0);
      expectClean(`records export ${flag.join(" ")}`, ex.stdout + ex.stderr);
    }
    const deadExport = spawnSync(process.execPath, [CLI, "records", "export", "--store", serveStore, "--dead-letters"], { encoding: "utf8" });
    // The HTTP API refuses malformed events with 400 (schema at the edge); what it accepted is journaled.
    expectClean("records export --dead-letters (serve)", deadExport.stdout);

    // Every row of every table of both schemas, as text.
    const { default: pgDriver } = await import("pg");
    const client = new pgDriver.Client({ connectionString: pg.url });
    await client.connect();
    try {
      const tables = await client.query<{ schema: string; name: string }>("SELECT table_schema AS schema, table_name AS name FROM information_schema.tables WHERE table_schema IN ('pii_serve', 'pii_run')");
      expect(tables.rows.length).toBeGreaterThan(4);
      let rows = 0;
      for (const t of tables.rows) {
        const r = await client.query<{ row: string }>(`SELECT t::text AS row FROM "${t.schema}"."${t.name}" t`);
        rows += r.rows.length;
        expectClean(`${t.schema}.${t.name}`, r.rows.map((x) => x.row).join("\n"));
      }
      expect(rows).toBeGreaterThan(identities.length * 4);
      await client.query("CHECKPOINT");
      // The files of our tables, their indexes and TOAST relations, and the WAL: every byte written.
      const rels = await client.query<{ path: string }>(
        `SELECT pg_relation_filepath(c.oid) AS path FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('pii_serve', 'pii_run')
         UNION SELECT pg_relation_filepath(c.reltoastrelid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('pii_serve', 'pii_run') AND c.reltoastrelid <> 0`,
      );
      const dataDir = join(decodeURIComponent(new URL(pg.url).searchParams.get("host") ?? ""), "data");
      if (existsSync(dataDir)) {
        const files = rels.rows.filter((r) => r.path !== null && existsSync(join(dataDir, r.path))).map((r) => ({ path: r.path, bytes: readFileSync(join(dataDir, r.path)) }));
        expect(files.length).toBeGreaterThan(4);
        for (const f of [...files, ...filesUnder(join(dataDir, "pg_wal"))]) expectClean(f.path, f.bytes);
      }
    } finally {
      await client.end();
    }
  }, 240_000);
});
