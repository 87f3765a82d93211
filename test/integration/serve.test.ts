/**
 * `qungui serve` as an operator starts it (the built CLI, 127.0.0.1, a free port, a SQLite store, a
 * token file): it answers, stops cleanly on SIGTERM, and what it decided is in the store afterwards.
 */
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { whenServing } from "./serve-child.js";
import { openSqliteStore } from "../../src/store/sqlite.js";

const ROOT = join(import.meta.dirname, "..", "..");

it("serves, reloads with the token file, stops on SIGTERM, and keeps its decisions", async () => {
  if (!existsSync(join(ROOT, "dist", "cli", "serve.js"))) {
    execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.build.json")], { cwd: ROOT, stdio: "inherit" });
  }
  const dir = mkdtempSync(join(tmpdir(), "qungui-serve-"));
  try {
    const token = "a-token-of-sufficient-length";
    writeFileSync(join(dir, "token"), token + "\n");
    const store = join(dir, "serve.db");
    const child = spawn(process.execPath, [join(ROOT, "bin", "qungui.js"), "serve", "policies/cac-2017.qg", "--port", "0", "--store", store, "--token-file", join(dir, "token"), "--tick", "off", "--log-level", "silent"], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "pipe"],
    });
    const { url, exited, stderr } = await whenServing(child);
    expect(stderr()).toMatch(/policy reload enabled/);
    const health = await (await fetch(`${url}/v1/health`)).json();
    // Position 1: the store's first entry journals the policy in force.
    expect(health).toMatchObject({ status: "ok", ready: true, store: { kind: "sqlite" }, position: 1, policy: { name: "cac-2017", since: 1 } });
    const res = await fetch(`${url}/v1/decide`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        { id: "s1", type: "user.registered", at: "2017-10-09T09:00:00+08:00", user: "u1" },
        { id: "s2", type: "user.credit", at: "2017-10-09T09:00:01+08:00", user: "u1", level: "nope" },
      ]),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: { decisions: { outcome: string }[]; deadLetter?: unknown }[] };
    expect(body.results[0]!.decisions.at(-1)!.outcome).toBe("noted");
    expect(body.results[1]!.deadLetter).toBeDefined();
    const reload = await fetch(`${url}/v1/policy`, { method: "POST", headers: { "content-type": "text/plain", authorization: "Bearer wrong" }, body: "x" });
    expect(reload.status).toBe(401);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    const s = openSqliteStore(store);
    const stats = await s.stats();
    expect(stats).toMatchObject({ head: 2, decisions: 1, deadLetters: 1 });
    await s.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
