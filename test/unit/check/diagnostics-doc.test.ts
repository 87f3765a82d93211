import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DOC_PATH, STAGES, renderDiagnosticsDoc } from "../../../scripts/diagnostics-doc.js";

describe("docs/diagnostics.md", () => {
  it("is up to date with the catalogues (regenerate: npx tsx scripts/diagnostics-doc.ts)", () => {
    const current = readFileSync(DOC_PATH, "utf8");
    expect(current === renderDiagnosticsDoc(), "docs/diagnostics.md is stale: run `npx tsx scripts/diagnostics-doc.ts`").toBe(true);
  });

  it("lists every code of every stage once, in order", () => {
    const codes = STAGES.flatMap((s) => s.codes.map((c) => c.code));
    expect(new Set(codes).size).toBe(codes.length);
    // In order within each stage (the lexer and parser have a second range, QG080–QG089).
    for (const s of STAGES) expect(s.codes.map((c) => c.code).sort()).toEqual(s.codes.map((c) => c.code));
    const doc = renderDiagnosticsDoc();
    for (const c of codes) expect(doc).toContain(`### ${c} — `);
  });
});
