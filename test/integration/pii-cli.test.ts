/**
 * A6.pii through the real CLI: the reproduction — a `user.verified` event pretty-printed
 * over lines, and one with unquoted identity values — run by `qungui run` to stdout, stderr, a
 * `--dead-letter` file and a SQLite store, then exported with `records export --dead-letters`.
 * No identity substring of four characters may appear in any of them, the database file's bytes
 * included. (Framings in general: test/property/intake-pii.test.ts.)
 */
import { describe, expect, test } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");
const CLI = join(ROOT, "bin", "qungui.js");
const POLICY = join(ROOT, "policies", "cac-2017.qg");
if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.build.json")], { cwd: ROOT });

const NAME = "诸葛孔明";
const ID = "330106198807074321";
const PRETTY = `{\n "id":"v1","type":"user.verified","at":"2017-10-09T01:00:00+08:00","user":"u1",\n "identity":{\n  "name":"${NAME}",\n  "idNumber":"${ID}"\n }\n}\n`;
const UNQUOTED = `{"id":"v2","type":"user.verified","at":"2017-10-09T01:00:00+08:00","user":"u2","identity":{"name":${NAME},"idNumber":${ID}x}}\n`;

function secrets(): string[] {
  const out: string[] = [];
  for (const v of [NAME, ID]) for (let i = 0; i + 4 <= v.length; i++) out.push(v.slice(i, i + 4));
  return out;
}

function expectClean(where: string, bytes: Buffer | string): void {
  const buf = typeof bytes === "string" ? Buffer.from(bytes) : bytes;
  for (const s of secrets()) {
    expect(buf.includes(Buffer.from(s, "utf8")), `${where} contains ${JSON.stringify(s)}`).toBe(false);
    expect(buf.includes(Buffer.from(s, "utf16le")), `${where} contains ${JSON.stringify(s)} (UTF-16)`).toBe(false);
  }
}

describe("A6.pii: the CLI's channels never carry identity, whatever the framing", () => {
  test("stdout, stderr, --dead-letter file, SQLite store bytes and the dead-letter export", () => {
    const dir = mkdtempSync(join(tmpdir(), "qungui-pii-"));
    try {
      const input = PRETTY + UNQUOTED;
      const plain = spawnSync(process.execPath, [CLI, "run", POLICY], { input, encoding: "utf8" });
      expect(plain.status).toBe(0);
      expectClean("stdout", plain.stdout);
      expectClean("stderr", plain.stderr);
      expect(plain.stderr).toContain("8 events → 0 decisions + 8 dead letters (accounting holds)");

      const deadFile = join(dir, "dead.jsonl");
      const store = join(dir, "store.db");
      const stored = spawnSync(process.execPath, [CLI, "run", POLICY, "--dead-letter", deadFile, "--store", store], { input, encoding: "utf8" });
      expect(stored.status, stored.stderr).toBe(0);
      expectClean("stdout (--store)", stored.stdout);
      expectClean("stderr (--store)", stored.stderr);
      expectClean("--dead-letter file", readFileSync(deadFile));
      expect(readFileSync(deadFile, "utf8").trim().split("\n")).toHaveLength(8);
      for (const f of readdirSync(dir)) if (f.startsWith("store.db")) expectClean(`database file ${f}`, readFileSync(join(dir, f)));

      const exported = spawnSync(process.execPath, [CLI, "records", "export", "--store", store, "--dead-letters"], { encoding: "utf8" });
      expect(exported.status, exported.stderr).toBe(0);
      expect(exported.stdout.trim().split("\n")).toHaveLength(8);
      expectClean("records export --dead-letters", exported.stdout);
      expectClean("records export stderr", exported.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
