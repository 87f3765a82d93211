/**
 * The playground in headless Chromium (Debian's, driven by playwright-core): `qungui playground`
 * is started as a real process and its page loaded; typing a mistake shows the diagnostic with its
 * code within a second; fixing it clears it; the sample events give the decision counts of
 * `qungui run`; a decision opens its explanation with the rule highlighted in the editor; the
 * filters, the share link and verify (with a counterexample loaded into the events editor) work;
 * the page requests nothing but its own files. Screenshots go to test-output/playground/.
 * CI installs Chromium when it is missing (.ci/run); without it the test is skipped, saying so.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { main } from "../../src/cli/main.js";
import { encodeShare } from "../../src/playground/app/share.js";
import { STARTERS } from "../../src/playground/starters.js";

const CHROMIUM = "/usr/bin/chromium";
const OUT = resolve("test-output/playground");
const unavailable = existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing (apt-get install chromium)`;
if (unavailable) console.warn(`SKIPPED test/browser/playground.test.ts: ${unavailable}`);

async function qungui(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(["node", "qungui", ...args], { out: (t) => void (out += t), err: (t) => void (err += t), color: false });
  return { code, out, err };
}

/** `qungui run`'s summary line as numbers. */
async function runCounts(events: string): Promise<{ inputs: number; decisions: number; deadLetters: number; timerDecisions: number }> {
  const dir = mkdtempSync(join(tmpdir(), "qungui-pg-run-"));
  const r = await qungui("run", "policies/cac-2017.qg", events, "--dead-letter", join(dir, "dl.jsonl"));
  rmSync(dir, { recursive: true, force: true });
  const m = /(\d+) events → (\d+) decisions \+ (\d+) dead letters .*?, (\d+) timer decisions/.exec(r.err);
  if (!m) throw new Error(`no summary in ${r.err}`);
  return { inputs: Number(m[1]), decisions: Number(m[2]), deadLetters: Number(m[3]), timerDecisions: Number(m[4]) };
}

describe.skipIf(unavailable !== null)("the playground in headless Chromium", () => {
  let server: ChildProcess;
  let url: string;
  let ctx: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    server = spawn(process.execPath, ["bin/qungui.js", "playground", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    url = await new Promise<string>((ok, fail) => {
      let out = "";
      server.stdout!.on("data", (b: Buffer) => {
        out += b.toString();
        const m = /http:\/\/\S+/.exec(out);
        if (m) ok(m[0]);
      });
      server.once("exit", (code) => fail(new Error(`qungui playground exited with ${code}`)));
    });
    const { chromium } = await import("playwright-core");
    profile = mkdtempSync(join(tmpdir(), "qungui-chromium-"));
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      viewport: { width: 1400, height: 1000 },
    });
  });

  afterAll(async () => {
    await ctx?.close();
    server?.kill("SIGTERM");
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  async function open(hash = ""): Promise<{ page: Page; errors: string[]; foreign: string[] }> {
    const page = await ctx.newPage();
    const errors: string[] = [];
    const foreign: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("request", (r) => {
      if (!r.url().startsWith(url)) foreign.push(r.url());
    });
    await page.goto(url + hash);
    await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
    return { page, errors, foreign };
  }

  test("live diagnostics, the sample's decisions as `qungui run` counts them, explain, filters", async () => {
    const { page, errors, foreign } = await open();
    expect(await page.locator("#problem-count").innerText()).toBe("no problems");

    // The sample events have run: the counts are `qungui run`'s.
    const expected = await runCounts("samples/events.jsonl");
    const counts = page.locator("#counts");
    await expect.poll(() => counts.getAttribute("data-inputs")).toBe(String(expected.inputs));
    expect(await counts.getAttribute("data-decisions")).toBe(String(expected.decisions));
    expect(await counts.getAttribute("data-dead-letters")).toBe(String(expected.deadLetters));
    expect(await counts.getAttribute("data-timer-decisions")).toBe(String(expected.timerDecisions));
    await page.screenshot({ path: join(OUT, "loaded.png") });

    // Type a mistake: `tolerance 5 minutes` becomes `tolerance 5 minuets`.
    const line = page.locator(".cm-line", { hasText: "tolerance 5 minutes" });
    await line.click();
    await page.keyboard.press("End");
    for (let i = 0; i < "minutes".length; i++) await page.keyboard.press("Backspace");
    const typed = Date.now();
    await page.keyboard.type("minuets");
    const problem = page.locator('#problems li[data-code="QG080"]');
    await problem.waitFor({ timeout: 1000 });
    expect(Date.now() - typed).toBeLessThan(1000 + 200 /* the six keystrokes themselves */);
    // A misspelt keyword (QG080), with the keyword it most likely is.
    expect(await problem.innerText()).toContain("QG080");
    expect(await problem.innerText()).toContain("minutes");
    await expect.poll(() => page.locator(".cm-lint-marker-error").count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(OUT, "diagnostic.png") });

    // Fix it.
    for (let i = 0; i < "minuets".length; i++) await page.keyboard.press("Backspace");
    await page.keyboard.type("minutes");
    await expect.poll(() => page.locator("#problem-count").innerText()).toBe("no problems");

    // Explain a deny: the rule is highlighted in the policy editor.
    await page.click("#run");
    await expect.poll(() => counts.getAttribute("data-decisions")).toBe(String(expected.decisions));
    const deny = page.locator("tr.decision.outcome-deny").first();
    const denyEvent = await deny.locator("td").nth(1).innerText();
    await deny.click();
    await expect.poll(() => page.locator("#explain").getAttribute("data-event")).toBe(denyEvent);
    expect(await page.locator("#explain .explain-head").innerText()).toContain("outcome deny");
    expect(await page.locator("#explain .explain-rule.holds").count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator(".cm-explain-highlight").count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(OUT, "explain.png") });

    // Filters: outcome, and timer decisions only.
    await page.selectOption("#filter-outcome", "deny");
    const rows = page.locator("#decisions-body tr");
    expect(await rows.count()).toBeGreaterThan(0);
    expect(await page.locator("#decisions-body tr:not(.outcome-deny)").count()).toBe(0);
    await page.selectOption("#filter-outcome", "all");
    await page.check("#filter-timers");
    expect(await rows.count()).toBe(Math.min(expected.timerDecisions, 2000));
    expect(await page.locator("#decisions-body tr:not(.timer)").count()).toBe(0);
    expect(await page.locator("#coverage-rules h3").innerText()).toMatch(/\d+ of \d+ exercised/);

    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    await page.close();
  });

  test("starters run as `qungui run` runs them", async () => {
    const { page, errors } = await open();
    const dir = mkdtempSync(join(tmpdir(), "qungui-pg-starters-"));
    for (let i = 0; i < STARTERS.length; i++) {
      const file = join(dir, `${i}.jsonl`);
      writeFileSync(file, STARTERS[i]!.events + "\n");
      const expected = await runCounts(file);
      expect(expected.deadLetters).toBe(0);
      await page.selectOption("#starters", String(i + 1));
      await expect.poll(() => page.locator("#counts").getAttribute("data-inputs")).toBe(String(expected.inputs));
      expect(await page.locator("#counts").getAttribute("data-timer-decisions")).toBe(String(expected.timerDecisions));
    }
    rmSync(dir, { recursive: true, force: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  test("the share link carries policy and events, without identities", async () => {
    const { page, errors } = await open();
    await page.selectOption("#starters", "1");
    await page.click("#share");
    await expect.poll(() => page.locator("#share-link").inputValue()).toMatch(/#s=/);
    const link = await page.locator("#share-link").inputValue();
    expect(link.startsWith(url + "#s=")).toBe(true);
    const { page: shared } = await open(link.slice(url.length));
    const events = (await shared.evaluate('document.querySelector("#events-editor .cm-content").innerText')) as string;
    expect(events).toContain('"identity":{}');
    expect(await shared.locator("#counts").getAttribute("data-inputs")).toBe(String(STARTERS[0]!.events.split("\n").length));
    expect(errors).toEqual([]);
    await shared.close();
    await page.close();
  });

  test("verify runs in the page, and a counterexample loads into the events editor", async () => {
    // A policy that lets users join without the agreement: A5.agreement fails on a generated stream.
    const policy = readFileSync("policies/cac-2017.qg", "utf8").replace("required for create, join, post, manage, set-info", "required for create, post, manage, set-info");
    const { page, errors, foreign } = await open(await encodeShare({ policy, events: STARTERS[0]!.events }));
    await page.selectOption("#verify-runs", "50");
    await page.click("#verify");
    const status = page.locator("#verify-status");
    await expect.poll(() => status.getAttribute("data-state"), { timeout: 180_000, interval: 500 }).toMatch(/ok|fail/);
    expect(await status.getAttribute("data-state")).toBe("fail");
    const report = (await page.evaluate("window.qungui.verify")) as { results: { req: string; status: string }[] };
    expect(await page.locator("#verify-results tr.req").count()).toBe(report.results.length);
    expect(report.results.find((r) => r.req === "A5.agreement")?.status).toBe("fail");
    await page.screenshot({ path: join(OUT, "verify.png") });
    await page.locator('tr.req[data-req="A5.agreement"] button.load-counterexample').click();
    const events = (await page.evaluate('document.querySelector("#events-editor .cm-content").innerText')) as string;
    expect(events).toContain('"type":"group.join"');
    await expect.poll(() => page.locator("#counts").getAttribute("data-inputs")).toBe(String(events.trim().split("\n").length));
    // The breach is in the table: a join allowed to a user who never accepted the agreement.
    expect(await page.locator("#decisions-body tr.outcome-allow", { hasText: "group.join" }).count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(OUT, "counterexample.png") });
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    await page.close();
  });

  test("--build writes a static site", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qungui-pg-site-"));
    const r = await qungui("playground", "--build", dir);
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(expect.arrayContaining(["app.js", "index.html", "initial.js", "style.css", "worker.js"]));
    expect(readFileSync(join(dir, "index.html"), "utf8")).toContain("connect-src 'none'");
    expect(readFileSync(join(dir, "initial.js"), "utf8")).toContain('"policyName":"cac-2017.qg"');
    rmSync(dir, { recursive: true, force: true });
  });
});
