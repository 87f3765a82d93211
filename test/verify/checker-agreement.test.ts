/**
 * Issue 14, class 1: when `check` reports an error that carries a requirement id, verify fails that
 * requirement with the diagnostic and exits non-zero; a PASS never stands beside a checker error.
 */
import { readFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { compilePolicyText } from "../../src/compile.js";

const base = readFileSync("test/verify/mutants/base.qg", "utf8");

async function verifyJson(text: string) {
  const dir = mkdtempSync(join(tmpdir(), "qg-agree-"));
  const file = join(dir, "p.qg");
  writeFileSync(file, text);
  const out: string[] = [];
  const io = { out: (s: string) => void out.push(s), err: () => undefined, color: false };
  const code = await main(["node", "qungui", "verify", "--no-progress", "--runs", "50", "--format", "json", file], io);
  return { code, file, report: JSON.parse(out.join("")) as { ok: boolean; results: { req: string; status: string; detail?: string; findings?: { code?: string }[] }[] } };
}

describe("verify agrees with the checker", () => {
  it("activity thresholds out of order: QG045 fails A7.tiers in verify, exit 1", async () => {
    const text = base.replace("activity from 5000 messages per day", "activity from 500 messages per day");
    expect(text).not.toBe(base);
    const diagnostics = compilePolicyText(text, "p.qg", { lenient: true }).diagnostics.filter((d) => d.severity === "error" && d.reqs?.length);
    expect(diagnostics.map((d) => d.code)).toContain("QG045");
    const { code, report } = await verifyJson(text);
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    const tiers = report.results.find((r) => r.req === "A7.tiers")!;
    expect(tiers.status).toBe("fail");
    expect(tiers.findings?.some((f) => f.code === "QG045")).toBe(true);
  });

  it("no requirement passes while a checker error names it", async () => {
    const text = base.replace("activity from 5000 messages per day", "activity from 500 messages per day");
    const errors = compilePolicyText(text, "p.qg", { lenient: true }).diagnostics.filter((d) => d.severity === "error" && d.reqs?.length);
    const { report } = await verifyJson(text);
    for (const d of errors) for (const req of d.reqs!) expect(report.results.find((r) => r.req === req)?.status, `${d.code} names ${req}`).toBe("fail");
  });
});
