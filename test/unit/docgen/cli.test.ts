/** `qungui docs`: options, files written, exit codes. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { main } from "../../../src/cli/main.js";
import type { Io } from "../../../src/cli/io.js";
import { testFileFor } from "../../../src/cli/docs.js";
import { checkHtml } from "./wellformed.js";

const dir = mkdtempSync(join(tmpdir(), "qungui-docs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function qungui(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), color: false };
  const code = await main(["node", "qungui", ...args], io);
  return { code, out, err };
}

const run = (...args: string[]) => qungui("docs", ...args);

/** The decisions of the reference policy on the first 60 sample events, as `qungui run` writes them. */
async function referenceTrail(): Promise<string> {
  const events = join(dir, "events.jsonl");
  writeFileSync(events, readFileSync("samples/events.jsonl", "utf8").split("\n").slice(0, 60).join("\n") + "\n");
  const r = await qungui("run", "policies/cac-2017.qg", events, "--now", "2030-01-01T00:00:00Z");
  expect(r.code, r.err).toBe(0);
  const file = join(dir, "cac-2017.decisions.jsonl");
  writeFileSync(file, r.out);
  return file;
}

describe("qungui docs", () => {
  test("writes the reviewer, filing and decision documents as HTML; runs the tests beside the policy", async () => {
    const decisions = join(dir, "d.jsonl");
    writeFileSync(decisions, `${JSON.stringify({ v: 1, event: "e1", at: "2017-10-09T09:00:00+08:00", type: "group.create", outcome: "deny", subject: { user: "u1", group: "g1", role: "none" }, rule: "real-name/create", reason: "user u1 has no verified real identity", cites: [{ article: 6, req: "A6.real-name" }], effects: [], policy: "1.0" })}\n`);
    const out = join(dir, "html");
    const r = await run("test/golden/docs/small.qg", "-o", out, "--filing", "--decisions", decisions);
    expect(r.code).toBe(0);
    expect(r.err).toContain("test/golden/docs/small.test.yaml: 3 passed, 0 failed");
    expect(r.out).toContain(`wrote ${out}/reviewer.html`);
    expect(r.out).toContain("Not every requirement is implemented, tested and verified");
    expect(r.out).toMatch(/gaps: .*A7\.credit/);
    for (const f of ["reviewer.html", "filing.html", "decisions.html"]) expect(checkHtml(readFileSync(join(out, f), "utf8")).problems).toEqual([]);
    const reviewer = readFileSync(join(out, "reviewer.html"), "utf8");
    expect(reviewer).toContain('<a href="filing.html">Filing document</a>');
    expect(reviewer).toContain('<a href="decisions.html">Decision trail</a>');
  });

  test("Markdown, without tests; --strict fails when the matrix has gaps", async () => {
    const out = join(dir, "md");
    const r = await run("test/golden/docs/small.qg", "-o", out, "--format", "md", "--no-tests", "--strict");
    expect(r.code).toBe(1);
    expect(r.err).not.toContain("passed");
    const md = readFileSync(join(out, "reviewer.md"), "utf8");
    expect(md).toContain("# Reviewer document: Small \\<test\\> policy \\& friends");
    expect(md).toMatch(/\]\([^)]*test\/golden\/docs\/small\.qg#L\d+\)/);
    expect(existsSync(join(out, "filing.md"))).toBe(false);
  });

  test("--verify runs verify with the given seed and runs", async () => {
    const out = join(dir, "verify");
    const r = await run("test/golden/docs/small.qg", "-o", out, "--verify", "--runs", "20", "--seed", "7", "--no-tests");
    expect(r.code).toBe(0);
    expect(r.err).toContain("verifying test/golden/docs/small.qg (seed 7, 20 runs)");
    expect(readFileSync(join(out, "reviewer.html"), "utf8")).toContain("Verification (seed 7, 20 generated streams)");
  });

  test("usage errors: bad format, bad number, missing test file", async () => {
    expect((await run("test/golden/docs/small.qg", "--format", "pdf")).code).toBe(2);
    expect((await run("test/golden/docs/small.qg", "--runs", "x", "-o", join(dir, "x"))).code).toBe(2);
    expect((await run("test/golden/docs/small.qg", "--tests", "nope.test.yaml", "-o", join(dir, "x"))).code).toBe(2);
    expect((await run("no-such-policy.qg", "-o", join(dir, "x"))).code).toBe(2);
  });

  test("a policy that does not parse: diagnostics and exit 1", async () => {
    const bad = join(dir, "bad.qg");
    writeFileSync(bad, "policy {");
    const r = await run(bad, "-o", join(dir, "bad"));
    expect(r.code).toBe(1);
    expect(r.err).toContain("error");
  });

  test("--filing refuses a policy with compiler errors: exit 1, every diagnostic, nothing written", async () => {
    // The reference policy with a member cap above its top tiers: two QG040 tier gaps.
    const gap = join(dir, "gap.qg");
    writeFileSync(gap, readFileSync("policies/cac-2017.qg", "utf8").replace("members per group 2000", "members per group 3000"));
    const out = join(dir, "gap-filing");
    const r = await run(gap, "-o", out, "--filing", "--no-tests");
    expect(r.code).toBe(1);
    expect(r.err.match(/error\[QG040\]/g)).toHaveLength(2);
    expect(r.err).toContain("no tier for 2001..3000 members in categories general, business, hobby");
    expect(r.err).toContain("no tier for 2001..3000 members in category news-discussion");
    expect(r.err).toContain("no filing document is written for a policy that does not compile");
    expect(existsSync(out)).toBe(false);
  });

  test("without --filing, compiler errors are red gaps in the matrix rows they concern", async () => {
    const gap = join(dir, "gap.qg");
    writeFileSync(gap, readFileSync("policies/cac-2017.qg", "utf8").replace("members per group 2000", "members per group 3000"));
    const out = join(dir, "gap-reviewer");
    const r = await run(gap, "-o", out, "--no-tests");
    expect(r.code).toBe(0);
    expect(r.out).toContain("the policy has 2 compiler errors");
    expect(r.out).toMatch(/gaps: .*A7\.tiers/);
    const html = readFileSync(join(out, "reviewer.html"), "utf8");
    const row = html.split("\n").find((l) => l.includes('href="#req-A7.tiers"') && l.startsWith("<tr>"))!;
    expect(row).toContain('<span class="tone-gap">compiler error</span>');
    expect(row).toContain('<span class="tone-gap">compiler error QG040 (line 59): no tier for 2001..3000 members in categories general, business, hobby; compiler error QG040 (line 72)');
    // A7.filing, too: the filing is refused while the errors stand.
    const filing = html.split("\n").find((l) => l.includes('href="#req-A7.filing"') && l.startsWith("<tr>"))!;
    expect(filing).toContain("the filing document is refused while the policy has 2 compiler errors");
    // Rows the errors do not concern keep no such gap.
    const other = html.split("\n").find((l) => l.includes('href="#req-A6.real-name"') && l.startsWith("<tr>"))!;
    expect(other).not.toContain("compiler error");
  });

  test("--decisions refuses a trail of another policy, and names it", async () => {
    const trail = await referenceTrail();
    const out = join(dir, "forum-trail");
    const r = await run("policies/examples/forum.qg", "-o", out, "--no-tests", "--decisions", trail);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/the trail is not of policies\/examples\/forum\.qg: 60 decisions of policy "cac-2017" \(id [0-9a-f]{64}\); policies\/examples\/forum\.qg is policy "forum" \(id [0-9a-f]{64}\)/);
    expect(existsSync(out)).toBe(false);

    // Its own policy accepts it, and the trail names the policy and its id.
    const own = join(dir, "own-trail");
    const ok = await run("policies/cac-2017.qg", "-o", own, "--no-tests", "--decisions", trail);
    expect(ok.code, ok.err).toBe(0);
    const html = readFileSync(join(own, "decisions.html"), "utf8");
    const id = JSON.parse(readFileSync(trail, "utf8").split("\n")[0]!).policyId as string;
    expect(html).toContain(`60 decisions of policy <code>cac-2017</code> (id <code>${id}</code>)`);
    expect(html).not.toContain("do not name their policy");
  });

  test("--decisions refuses a trail of another text of the same policy name", async () => {
    const trail = await referenceTrail();
    const edited = join(dir, "cac-2017-edited.qg");
    writeFileSync(edited, readFileSync("policies/cac-2017.qg", "utf8").replace("resolve within 48 hours", "resolve within 12 hours"));
    const r = await run(edited, "-o", join(dir, "edited"), "--no-tests", "--decisions", trail);
    expect(r.code).toBe(1);
    expect(r.err).toContain('60 decisions of another text of policy "cac-2017"');
  });

  test("a trail whose decisions name no policy is shown, marked as unchecked", async () => {
    const out = join(dir, "legacy");
    const r = await run("policies/cac-2017.qg", "-o", out, "--no-tests", "--decisions", "test/golden/docs/decisions.jsonl");
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain("6 decisions name no policy (no policyName and policyId)");
    expect(readFileSync(join(out, "decisions.html"), "utf8")).toContain('<span class="tone-gap">6 decisions do not name their policy</span>');
  });

  test("the test file beside a policy", () => {
    expect(testFileFor("policies/cac-2017.qg")).toBe("policies/cac-2017.test.yaml");
    expect(testFileFor("test/golden/docs/nothing.qg")).toBeUndefined();
  });
});
