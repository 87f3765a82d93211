/**
 * IR that passes the schema and the cross-reference checks but that the engine cannot run (here a
 * `because` template naming `event.rolex`) is refused by every command the one way `loadIR` does
 * (src/engine/runnable.ts): the diagnostic QG079 on stderr, exit 1, no stack trace — given as a
 * policy file, referenced by a test file, or stored in a store a later command reads.
 */
import { describe, expect, test, beforeAll, afterAll } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { loadIR } from "../../src/index.js";
import type { PolicyIR } from "../../src/ir/types.js";

const ROOT = join(import.meta.dirname, "..", "..");
const CLI = join(ROOT, "bin", "qungui.js");
const POLICY = join(ROOT, "policies", "cac-2017.qg");
if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.build.json")], { cwd: ROOT });

let dir: string;
let bad: string;
let badText: string;

function qungui(args: string[], input = ""): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, ...args], { input, encoding: "utf8", cwd: dir, timeout: 60_000 });
}

function expectQG079(r: { status: number | null; stderr: string }): void {
  expect(r.stderr).toContain("QG079");
  expect(r.stderr).toContain("event.rolex");
  expect(r.stderr).not.toMatch(/ProgramError|\n\s+at /);
  expect(r.status).toBe(1);
}

/** The compiled reference policy with one `because` path changed to one no event has. */
function mutate(ir: PolicyIR): PolicyIR {
  const copy = JSON.parse(JSON.stringify(ir)) as PolicyIR;
  for (const v of copy.versions) {
    for (const r of v.rules) {
      const i = r.because.findIndex((p) => typeof p === "object" && p !== null && "path" in p);
      if (i >= 0) {
        (r.because[i] as { path: string }).path = "event.rolex";
        return copy;
      }
    }
  }
  throw new Error("the reference policy has no template path to mutate");
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "qungui-ir-"));
  const good = join(dir, "good.json");
  expect(qungui(["compile", POLICY, "-o", good]).status).toBe(0);
  badText = JSON.stringify(mutate(JSON.parse(readFileSync(good, "utf8")) as PolicyIR));
  bad = join(dir, "bad.json");
  writeFileSync(bad, badText);
  writeFileSync(join(dir, "events.jsonl"), "");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("IR the engine cannot run is QG079 in every command", () => {
  test("the library's loadIR is the reference", () => {
    const r = loadIR(badText);
    expect(r.program).toBeNull();
    expect(r.diagnostics.map((d) => d.code)).toEqual(["QG079"]);
  });

  test.each([
    ["check", ["check", "bad.json"]],
    ["compile", ["compile", "bad.json"]],
    ["run", ["run", "bad.json", "events.jsonl"]],
    ["run --store", ["run", "bad.json", "events.jsonl", "--store", "s.db"]],
    ["explain", ["explain", "bad.json", "events.jsonl", "--event", "e1"]],
    ["verify", ["verify", "bad.json", "--runs", "1"]],
    ["docs", ["docs", "bad.json", "-o", "docs-out"]],
    ["serve", ["serve", "bad.json", "--port", "0"]],
  ])("%s", (_name, args) => {
    expectQG079(qungui(args));
  });

  test("test (a test file whose policy is the IR)", () => {
    writeFileSync(join(dir, "bad.test.yaml"), "policy: bad.json\nstart: 2017-10-09T09:00:00+08:00\ntests:\n  - name: t\n    steps:\n      - {type: user.verified, user: u1}\n");
    const r = qungui(["test", "bad.test.yaml"]);
    expect(r.stdout + r.stderr).toContain("QG079");
    expect(r.stderr).not.toMatch(/ProgramError|\n\s+at /);
    expect(r.status).toBe(1);
  });

  test("records and serve on a store whose policy was replaced by the IR", () => {
    const store = join(dir, "tampered.db");
    expect(qungui(["run", POLICY, "events.jsonl", "--store", store]).status).toBe(0);
    const db = new Database(store);
    db.prepare("UPDATE policies SET ir = ?").run(badText);
    db.close();
    for (const args of [
      ["records", "stats", "--store", store],
      ["records", "export", "--store", store],
      ["records", "purge", "--store", store, "--before", "2017-01-01T00:00:00+08:00"],
      ["serve", "--store", store, "--port", "0"],
    ]) {
      const r = qungui(args);
      expectQG079(r);
    }
  });
});
