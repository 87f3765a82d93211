import { mkdtempSync, writeFileSync, copyFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { main } from "../../../src/cli/main.js";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s), color: false }, out, err };
}

const dir = mkdtempSync(join(tmpdir(), "qungui-test-"));
copyFileSync("policies/cac-2017.qg", join(dir, "p.qg"));
mkdirSync(join(dir, "sub"));
mkdirSync(join(dir, "node_modules"));
const PASSING = `policy: p.qg
start: 2017-10-09T09:00:00+08:00
tests:
  - name: "A12.complaints: accepted"
    steps:
      - {type: complaint.filed, complaint: c1, expect: {outcome: noted, rule: complaints/accepted}}
`;
writeFileSync(join(dir, "ok.test.yaml"), PASSING);
writeFileSync(join(dir, "sub", "bad.test.yaml"), PASSING.replace("rule: complaints/accepted", "rule: complaints/rejected").replace("policy: p.qg", "policy: ../p.qg"));
writeFileSync(join(dir, "node_modules", "ignored.test.yaml"), "not: [valid");

const run = async (...args: string[]) => {
  const c = capture();
  const code = await main(["node", "qungui", "test", ...args], c.io);
  return { code, out: c.out.join(""), err: c.err.join("") };
};

describe("qungui test", () => {
  test("a passing file exits 0 and prints coverage", async () => {
    const r = await run(join(dir, "ok.test.yaml"));
    expect(r.code).toBe(0);
    expect(r.out).toContain("✓ A12.complaints: accepted");
    expect(r.out).toMatch(/rules: +\d+\/\d+ exercised/);
    expect(r.out).toContain("1 passed (1 file(s))");
  });

  test("a directory is searched for *.test.yaml (node_modules skipped); a failing test exits 1", async () => {
    const r = await run(dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain("✗ A12.complaints: accepted");
    expect(r.out).toContain("- rule: complaints/rejected");
    expect(r.out).toContain("+ rule: complaints/accepted");
    expect(r.out).not.toContain("ignored");
    expect(r.out).toContain("1 passed, 1 failed (2 file(s))");
  });

  test("--coverage-min fails below the percentage; --format json", async () => {
    const r = await run(join(dir, "ok.test.yaml"), "--coverage-min", "90", "--format", "json");
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as { ok: boolean; coverageMet: boolean; coverage: { rules: { percent: number } }[] };
    expect(j.ok).toBe(true);
    expect(j.coverageMet).toBe(false);
    expect(j.coverage[0]!.rules.percent).toBeLessThan(90);
    expect((await run(join(dir, "ok.test.yaml"), "--coverage-min", "0")).code).toBe(0);
  });

  test("usage errors exit 2", async () => {
    expect((await run(join(dir, "missing.test.yaml"))).code).toBe(2);
    expect((await run(join(dir, "ok.test.yaml"), "--coverage-min", "lots")).code).toBe(2);
  });
});
