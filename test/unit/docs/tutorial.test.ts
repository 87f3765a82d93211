/**
 * docs/tutorial.md works: its policy is examples/tutorial/campus.qg, word for word; its first
 * draft gets exactly the diagnostics it shows; the tests pass; `run` decides as shown; `docs`
 * writes the three documents.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { fileHost } from "../../../src/cli/test.js";
import { main } from "../../../src/cli/main.js";
import type { Io } from "../../../src/cli/io.js";
import { compilePolicyText } from "../../../src/compile.js";
import { compileProgram, emptyState } from "../../../src/engine/index.js";
import { runSuite } from "../../../src/policytest/runner.js";

const TUTORIAL = readFileSync("docs/tutorial.md", "utf8");
const POLICY = readFileSync("examples/tutorial/campus.qg", "utf8");
const dir = mkdtempSync(join(tmpdir(), "qungui-tutorial-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fenced blocks of the tutorial, in order. */
function blocks(): string[] {
  return [...TUTORIAL.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

describe("docs/tutorial.md", () => {
  test("the complete policy in the tutorial is examples/tutorial/campus.qg", () => {
    expect(blocks()).toContain(POLICY);
  });

  test("the first draft gets exactly the two errors shown; with limits and retention it checks", () => {
    const draft = blocks().find((b) => b.startsWith('policy "campus"') && !b.includes("limits"))!;
    const codes = compilePolicyText(draft, "campus.qg").diagnostics.map((d) => `${d.code} ${d.severity}`);
    expect(codes).toEqual(["QG052 error", "QG065 error"]);
    const additions = blocks().find((b) => b.startsWith("limits {"))!;
    expect(compilePolicyText(`${draft}\n${additions}`, "campus.qg").diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  test("the policy checks, and its tests (the excerpts included) pass", () => {
    expect(compilePolicyText(POLICY, "campus.qg").diagnostics).toEqual([]);
    const suite = runSuite(["examples/tutorial/campus.test.yaml"], fileHost);
    expect(suite.files[0]!.problems).toEqual([]);
    expect(suite.failed).toBe(0);
    expect(suite.passed).toBe(7);
    const yaml = readFileSync("examples/tutorial/campus.test.yaml", "utf8");
    const excerpt = blocks().find((b) => b.startsWith("policy: campus.qg"))!;
    for (const name of [...excerpt.matchAll(/- name: (".*")/g)].map((m) => m[1]!)) expect(yaml).toContain(name);
  });

  test("run: the decision shown is the one the engine makes", () => {
    const ir = compilePolicyText(POLICY, "campus.qg").ir!;
    const program = compileProgram(ir);
    const state = emptyState();
    const lines = readFileSync("examples/tutorial/events.jsonl", "utf8").trim().split("\n");
    const decisions = lines.flatMap((l, i) => program.evaluateLine(l, i + 1, state).decisions);
    expect(decisions).toHaveLength(15);
    const shown = blocks().find((b) => b.includes('"event":"e6"'))!.trim();
    expect(JSON.stringify(decisions.find((d) => d.event === "e6"))).toBe(shown);
  });

  test("docs: the command of the tutorial writes the three documents", async () => {
    const decisions = join(dir, "campus-decisions.jsonl");
    let out = "";
    const io: Io = { out: (t) => void (out += t), err: () => {}, color: false };
    expect(await main(["node", "qungui", "run", "examples/tutorial/campus.qg", "examples/tutorial/events.jsonl"], { ...io, out: (t) => void (out += t) })).toBe(0);
    const { writeFileSync } = await import("node:fs");
    writeFileSync(decisions, out);
    out = "";
    const code = await main(["node", "qungui", "docs", "examples/tutorial/campus.qg", "--verify", "--runs", "200", "--filing", "--decisions", decisions, "-o", join(dir, "campus-docs")], io);
    expect(code).toBe(0);
    for (const f of ["reviewer.html", "filing.html", "decisions.html"]) expect(out).toContain(`wrote ${join(dir, "campus-docs", f)}`);
    expect(out).toContain("23 of 23 implemented, 6 of 23 fully tested, 23 of 23 verified.");
  });
});
