/**
 * The library example runs as documented (`npx tsx examples/embed.ts`) and shows what it claims:
 * decisions, a restart that resumes, an explanation, an inspection export.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { openSqliteStore } from "../../src/store/sqlite.js";

const ROOT = join(import.meta.dirname, "..", "..");

it("examples/embed.ts runs and resumes from its store", async () => {
  const dir = mkdtempSync(join(tmpdir(), "qungui-example-"));
  try {
    const store = join(dir, "embed.db");
    const out = execFileSync(process.execPath, ["--import", "tsx", "examples/embed.ts", store], { cwd: ROOT, encoding: "utf8" });
    expect(out).toContain("e4 group.create → allow (permit/group.create)");
    expect(out).toContain("e7 group.join → allow (permit/group.join)");
    expect(out).toMatch(/e8 message\.post → deny \(real-name\/post\): user bob has no verified real identity/);
    expect(out).toMatch(/explain e8: deny: real-name\/post/);
    expect(out).toMatch(/\d+ decisions concern g1/);
    expect(out).toContain("retry of e7: replay true, allow");
    const s = openSqliteStore(store);
    // The policy entry (the store's first policy in force), then the example's nine events.
    expect((await s.stats()).head).toBe(10);
    await s.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
