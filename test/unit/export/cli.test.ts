/** `qungui compile --target json-rules-engine`: the export on stdout or in a file. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { main } from "../../../src/cli/main.js";
import type { Io } from "../../../src/cli/io.js";

function io(): Io & { stdout: string; stderr: string } {
  const x = { stdout: "", stderr: "", color: false, out: (t: string) => void (x.stdout += t), err: (t: string) => void (x.stderr += t) };
  return x;
}

describe("qungui compile --target json-rules-engine", () => {
  test("writes the export to a file with -o", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qungui-export-"));
    try {
      const out = join(dir, "rules.json");
      const x = io();
      const code = await main(["node", "qungui", "compile", "policies/cac-2017.qg", "--target", "json-rules-engine", "-o", out], x);
      expect(code).toBe(0);
      const exp = JSON.parse(readFileSync(out, "utf8"));
      expect(exp).toMatchObject({ format: "qungui/json-rules-engine", formatVersion: 1, engine: "json-rules-engine@7", policy: "cac-2017" });
      expect(exp.versions[0].rules.length).toBeGreaterThan(50);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the default target is still the IR; an unknown target is a usage error", async () => {
    const x = io();
    expect(await main(["node", "qungui", "compile", "policies/cac-2017.qg"], x)).toBe(0);
    expect(JSON.parse(x.stdout).kind).toBe("policy");
    const y = io();
    expect(await main(["node", "qungui", "compile", "policies/cac-2017.qg", "--target", "drools"], y)).toBe(2);
    expect(y.stderr).toContain("Allowed choices are ir, json-rules-engine");
  });
});
