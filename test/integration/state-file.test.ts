/**
 * A malformed `--state` file through the real CLI: one line on stderr naming the file, the path in
 * the state and the reason, exit 2, no decisions, the file left as it was — and none of its values
 * in the message.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const CLI = join(ROOT, "bin", "qungui.js");
const POLICY = join(ROOT, "policies", "cac-2017.qg");
const EVENTS = join(ROOT, "samples", "events.jsonl");
if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.build.json")], { cwd: ROOT });

const STACK = /\n\s+at |node:internal|Unhandled/;
const SECRET = "身份证 110101199003077777";

function run(state: string) {
  return spawnSync(process.execPath, [CLI, "run", POLICY, EVENTS, "--state", state], { encoding: "utf8", timeout: 120_000, maxBuffer: 1 << 26 });
}

describe("qungui run --state with a malformed file", () => {
  const dir = mkdtempSync(join(tmpdir(), "qungui-state-"));
  const good = join(dir, "good.json");
  const first = run(good);
  const saved = JSON.parse(readFileSync(good, "utf8")) as Record<string, any>;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("the sample run saved a state with users", () => {
    expect(first.status).toBe(0);
    expect(Object.keys(saved["users"]).length).toBeGreaterThan(0);
  });

  test.each<[string, (s: any) => void, string]>([
    ["a wrong type", (s) => (s.users[Object.keys(s.users)[0]!].verified = SECRET), `state.users[${JSON.stringify(Object.keys(saved["users"])[0])}].verified: expected a boolean`],
    ["a kept identity", (s) => (s.users[Object.keys(s.users)[0]!].identity = { number: SECRET }), `state.users[${JSON.stringify(Object.keys(saved["users"])[0])}]: unknown field "identity"`],
    ["a negative count", (s) => (s.seq = -1), "state.seq: expected at least 0"],
    ["a missing field", (s) => delete s.timers, 'state: missing field "timers"'],
  ])("%s: one line, exit 2, the file unchanged", (name, mutate, where) => {
    const s = structuredClone(saved);
    mutate(s);
    const file = join(dir, `${name.replace(/ /g, "-")}.json`);
    const text = JSON.stringify(s);
    writeFileSync(file, text);
    const r = run(file);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).toBe(`qungui: cannot load state from ${file}: invalid engine state at ${where}\n`);
    expect(r.stderr).not.toContain("110101");
    expect(readFileSync(file, "utf8")).toBe(text);
  }, 120_000);
});
