/**
 * The reviewer document works in a real browser: `qungui docs policies/cac-2017.qg --verify` is
 * opened in headless Chromium (Debian's `chromium` package, driven by playwright-core), which must
 * render the coverage matrix and all 15 article sections, load nothing from the network and raise
 * no script error; the decision trail's filters must work. Both the reviewer document and the
 * Chinese filing and its English rendering (`--lang en`) are printed to PDF (A4): every page must show every column header of the tables
 * on it (pdftotext), the page numbers, the test lists open; pages are rendered to PNG (pdftoppm).
 * Screenshots and PDFs go to test-output/docs/.
 *
 * When /usr/bin/chromium is missing, the setup installs it (`apt-get install chromium`, as root,
 * with a CJK font so the screenshots show the Chinese text). Only where it cannot be installed is
 * the test skipped, with the reason.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { BrowserContext } from "playwright-core";
import { main } from "../../src/cli/main.js";
import type { Io } from "../../src/cli/io.js";

const CHROMIUM = "/usr/bin/chromium";
const OUT = resolve("test-output/docs");
/** Streams per requirement for --verify (the CLI's default is 1000; enough here to exercise the path). */
const RUNS = process.env["QUNGUI_BROWSER_VERIFY_RUNS"] ?? "200";

function hasChineseFont(): boolean {
  try {
    return execFileSync("fc-list", [":lang=zh"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() !== "";
  } catch {
    return false;
  }
}

/** Installs what is missing; returns why Chromium is unavailable, or null when it is there. */
function ensureChromium(): string | null {
  const missing: string[] = [];
  if (!existsSync(CHROMIUM)) missing.push("chromium");
  if (!hasChineseFont()) missing.push("fonts-wqy-zenhei");
  if (missing.length === 0) return null;
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (!root) return existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing and cannot be installed (not root): apt-get install chromium`;
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    execFileSync("apt-get", ["update"], { stdio: "ignore", timeout: 300_000, env });
    execFileSync("apt-get", ["install", "-y", ...missing], { stdio: "ignore", timeout: 600_000, env });
  } catch (e) {
    if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing and apt-get install chromium failed: ${(e as Error).message.split("\n")[0]}`;
  }
  return existsSync(CHROMIUM) ? null : `${CHROMIUM} is still missing after apt-get install chromium`;
}

const unavailable = ensureChromium();
if (unavailable) console.warn(`SKIPPED test/browser/docs.test.ts: ${unavailable}`);

async function qungui(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), color: false };
  const code = await main(["node", "qungui", ...args], io);
  return { code, out, err };
}

describe.skipIf(unavailable !== null)("reviewer document in headless Chromium", () => {
  let ctx: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    const r = await qungui("docs", "policies/cac-2017.qg", "--verify", "--runs", RUNS, "--seed", "42", "--filing", "--provider", "test/golden/docs/provider.yaml", "--decisions", "test/golden/docs/decisions.jsonl", "-o", OUT);
    expect(r.code, r.err).toBe(0);
    // The English rendering of the filing (`--lang en`), printed the same way.
    const en = await qungui("docs", "policies/cac-2017.qg", "--no-tests", "--filing", "--lang", "en", "--provider", "test/golden/docs/provider.yaml", "-o", join(OUT, "en"));
    expect(en.code, en.err).toBe(0);
    const { chromium } = await import("playwright-core");
    profile = mkdtempSync(join(tmpdir(), "qungui-chromium-"));
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      viewport: { width: 1280, height: 900 },
    });
  });

  afterAll(async () => {
    await ctx?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  test("the matrix and all 15 article sections render, from the file alone", async () => {
    const page = await ctx.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("request", (r) => requests.push(r.url()));
    const url = pathToFileURL(join(OUT, "reviewer.html")).href;
    await page.goto(url);

    expect(await page.getAttribute("html", "lang")).toBe("en");
    expect(await page.title()).toBe("Reviewer document: 互联网群组信息服务管理规定 reference policy");
    await expect.poll(() => page.locator("#coverage-matrix").isVisible()).toBe(true);
    expect(await page.locator("#coverage-matrix tbody tr").count()).toBe(29);
    expect(await page.locator("#coverage-matrix thead th[scope=col]").count()).toBe(6);
    expect(await page.locator("section.article").count()).toBe(15);
    for (let n = 1; n <= 15; n++) {
      const article = page.locator(`#article-${n}`);
      expect(await article.locator("h3").innerText()).toMatch(new RegExp(`^Article ${n} \\(第.+条\\): `));
      expect(await article.locator('blockquote[lang="zh-CN"]').count()).toBe(1);
    }
    // The verdict on the first screen, and the verify column filled in by --verify.
    const status = page.locator("#status-box");
    expect(await status.isVisible()).toBe(true);
    expect((await status.boundingBox())!.y).toBeLessThan(900);
    expect(await status.innerText()).toMatch(/Verification \(seed 42, \d+ generated streams\)/);
    expect(await page.locator("#coverage-matrix tbody").innerText()).toContain("PASS");
    expect(await page.locator("#coverage-matrix tbody").innerText()).not.toContain("not run");
    // Source links land on their line.
    // (the real-name rules link to their own clause, "verified required for", line 27)
    await page.click('#coverage-matrix a[href="#L27"] >> nth=0');
    expect(new URL(page.url()).hash).toBe("#L27");
    expect(await page.locator("#L27").isVisible()).toBe(true);

    // No table scrolls or clips a column on screen, at 1400 px and at 1024 px.
    for (const width of [1400, 1024]) {
      await page.setViewportSize({ width, height: 900 });
      const overflowing = await page.evaluate(`Array.from(document.querySelectorAll(".table-wrap")).filter((w) => w.scrollWidth > w.clientWidth + 1).map((w) => w.querySelector("caption").textContent)`);
      expect(overflowing, `at ${width} px`).toEqual([]);
    }
    await page.setViewportSize({ width: 1280, height: 900 });

    expect(errors).toEqual([]);
    expect(requests.filter((u) => u !== url && !u.startsWith(`${url}#`))).toEqual([]);
    await page.goto(url);
    await page.screenshot({ path: join(OUT, "reviewer.png") });
    await page.screenshot({ path: join(OUT, "reviewer-full.png"), fullPage: true });
    expect(statSync(join(OUT, "reviewer.png")).size).toBeGreaterThan(10_000);
    await page.close();
  });

  test("the decision trail filters in the page", async () => {
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(pathToFileURL(join(OUT, "decisions.html")).href);
    const shown = () => page.locator("#decisions tbody tr:not([hidden])").count();
    expect(await shown()).toBe(6);
    expect(await page.locator("#filter-status").innerText()).toBe("Showing 6 of 6 decisions.");
    await page.selectOption("#filter-outcome", "noted");
    expect(await shown()).toBe(2);
    await page.selectOption("#filter-outcome", "");
    await page.fill("#filter-groups", "g1");
    expect(await shown()).toBe(2);
    await page.fill("#filter-groups", "");
    await page.selectOption("#filter-reqs", "A5.agreement");
    expect(await shown()).toBe(2);
    await page.fill("#filter-from", "2017-10-09T00:00:00+08:00");
    expect(await shown()).toBe(1);
    await page.click("button[type=reset]");
    await expect.poll(shown).toBe(6);
    await page.screenshot({ path: join(OUT, "decisions.png") });
    expect(errors).toEqual([]);
    await page.close();
  });

  test("a long decision trail is paginated, names each decision's policy version, and links into the reviewer document", async () => {
    // The reference policy over the first 1200 sample events: a dozen pages.
    const trail = join(OUT, "trail");
    mkdirSync(trail, { recursive: true });
    writeFileSync(join(trail, "events.jsonl"), readFileSync("samples/events.jsonl", "utf8").split("\n").slice(0, 1200).join("\n") + "\n");
    const run = await qungui("run", "policies/cac-2017.qg", join(trail, "events.jsonl"), "--now", "2030-01-01T00:00:00Z");
    expect(run.code, run.err).toBe(0);
    writeFileSync(join(trail, "decisions.jsonl"), run.out);
    const total = run.out.split("\n").filter(Boolean).length;
    const r = await qungui("docs", "policies/cac-2017.qg", "--no-tests", "--decisions", join(trail, "decisions.jsonl"), "-o", trail);
    expect(r.code, r.err).toBe(0);
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(pathToFileURL(join(trail, "decisions.html")).href);
    const pages = Math.ceil(total / 100);
    expect(await page.locator("#page-status").innerText()).toBe(`Page 1 of ${pages}`);
    expect(await page.locator("#filter-status").innerText()).toBe(`Showing ${total} of ${total} decisions, 100 per page.`);
    expect(await page.locator("#decisions tbody tr:not([hidden])").count()).toBe(100);
    // One page of rows, not the whole trail: the page stays short.
    expect((await page.evaluate("document.documentElement.scrollHeight")) as number).toBeLessThan(20_000);
    await page.click("#page-next");
    expect(await page.locator("#page-status").innerText()).toBe(`Page 2 of ${pages}`);
    await page.selectOption("#filter-outcome", "deny");
    expect(await page.locator("#page-status").innerText()).toMatch(/^Page 1 of \d+$/);
    expect(await page.locator("#decisions thead th").allInnerTexts()).toContain("Version");
    expect(await page.locator("#decisions tbody tr:not([hidden]) td:nth-of-type(6)").first().innerText()).toBe("1.0");
    // Every link from a rule or a requirement id lands on an element of the reviewer document.
    const hrefs = (await page.evaluate(`Array.from(new Set(Array.from(document.querySelectorAll("#decisions a")).map((a) => a.getAttribute("href"))))`)) as string[];
    expect(hrefs.some((h) => h.startsWith("reviewer.html#rule-"))).toBe(true);
    expect(hrefs.some((h) => h.startsWith("reviewer.html#req-"))).toBe(true);
    const reviewer = await ctx.newPage();
    await reviewer.goto(pathToFileURL(join(trail, "reviewer.html")).href);
    const ids = new Set((await reviewer.evaluate(`Array.from(document.querySelectorAll("[id]")).map((e) => e.id)`)) as string[]);
    expect(hrefs.filter((h) => !ids.has(h.split("#")[1]!))).toEqual([]);
    await page.screenshot({ path: join(OUT, "trail.png") });
    expect(errors).toEqual([]);
    await reviewer.close();
    await page.close();
  });

  test("the reviewer document prints on A4: every column on every page, test lists open, page numbers", async () => {
    const page = await ctx.newPage();
    await page.goto(pathToFileURL(join(OUT, "reviewer.html")).href);
    await page.emulateMedia({ media: "print" });
    // What the print must keep: the tests listed under every "Tests that exercise …".
    const listed = await page.locator("details li").allInnerTexts();
    expect(listed.length).toBeGreaterThan(50);
    const tables = await markTables(page);
    expect(tables.length).toBeGreaterThan(25);
    await page.pdf({ path: join(OUT, "reviewer.pdf"), preferCSSPageSize: true, printBackground: true });
    const pdf = readPdf(join(OUT, "reviewer.pdf"));
    expect(pdf.size).toBe("A4");
    expect(pdf.pages.length).toBeGreaterThan(10);
    checkColumns(pdf.pages, tables);
    pdf.pages.forEach((t, i) => expect(squash(t), `page ${i + 1}`).toContain(squash(`Page ${i + 1} of ${pdf.pages.length}`)));
    const all = squash(pdf.pages.join(""));
    for (const t of listed) expect(all, t).toContain(squash(t));
    renderPages(join(OUT, "reviewer.pdf"), "reviewer-print", [1, 2, 3, pdf.pages.length]);
    await page.close();
  });

  test("the Chinese filing prints on A4: readable type, page numbers, every column, no near-empty last page", async () => {
    const page = await ctx.newPage();
    await page.goto(pathToFileURL(join(OUT, "filing.html")).href);
    await page.emulateMedia({ media: "print" });
    expect(await page.getAttribute("html", "lang")).toBe("zh-CN");
    expect(await page.locator("nav").count()).toBe(0);
    expect(await page.locator("table caption").allInnerTexts()).toContain("表2 “新闻讨论群”的分级标准");
    // 10.5 pt (五号) is 14 CSS px.
    const sizes = (await page.evaluate(`Array.from(document.querySelectorAll("main p, main td")).map((e) => parseFloat(getComputedStyle(e).fontSize))`)) as number[];
    expect(sizes.length).toBeGreaterThan(50);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(14);
    const tables = await markTables(page);
    await page.pdf({ path: join(OUT, "filing.pdf"), preferCSSPageSize: true, printBackground: true });
    const pdf = readPdf(join(OUT, "filing.pdf"));
    expect(pdf.size).toBe("A4");
    checkColumns(pdf.pages, tables);
    pdf.pages.forEach((t, i) => expect(squash(t), `page ${i + 1}`).toContain(`第${i + 1}页，共${pdf.pages.length}页`));
    // The last page holds more than the footer and the page number.
    const last = squash(pdf.pages[pdf.pages.length - 1]!).replace(/第\d+页，共\d+页/, "").replace(squash("本文件由 qungui docs 根据策略生成。"), "");
    expect(last.length).toBeGreaterThan(150);
    renderPages(join(OUT, "filing.pdf"), "filing-print", pdf.pages.map((_, i) => i + 1));
    await page.close();
  });

  test("the English filing prints on A4: page numbers, every column header on every page", async () => {
    const page = await ctx.newPage();
    await page.goto(pathToFileURL(join(OUT, "en", "filing.html")).href);
    await page.emulateMedia({ media: "print" });
    expect(await page.getAttribute("html", "lang")).toBe("en");
    const tables = await markTables(page);
    expect(tables.length).toBeGreaterThan(5);
    await page.pdf({ path: join(OUT, "filing-en.pdf"), preferCSSPageSize: true, printBackground: true });
    const pdf = readPdf(join(OUT, "filing-en.pdf"));
    expect(pdf.size).toBe("A4");
    checkColumns(pdf.pages, tables);
    pdf.pages.forEach((t, i) => expect(squash(t), `page ${i + 1}`).toContain(squash(`Page ${i + 1} of ${pdf.pages.length}`)));
    // The last page holds more than the footer and the page number.
    const last = squash(pdf.pages[pdf.pages.length - 1]!).replace(/Page\d+of\d+/, "").replace(squash("Generated by qungui docs."), "");
    expect(last.length).toBeGreaterThan(150);
    renderPages(join(OUT, "filing-en.pdf"), "filing-en-print", pdf.pages.map((_, i) => i + 1));
    await page.close();
  });
});

/** Text without any white space: pdftotext breaks lines and cells where the layout wraps them. */
function squash(t: string): string {
  return t.replace(/\s+/g, "");
}

/**
 * Marks the first cell of every body row of every table with `QQT<i>QQ` (so that a page's text
 * shows which tables it holds) and returns each table's column headers. The first cell is the
 * one that can never be clipped; a clipped later column shows as a missing header.
 */
async function markTables(page: import("playwright-core").Page): Promise<string[][]> {
  // A string: the test is compiled without the DOM library.
  return (await page.evaluate(`Array.from(document.querySelectorAll("table")).map((table, i) => {
    for (const row of Array.from(table.tBodies[0] ? table.tBodies[0].rows : [])) {
      const mark = document.createElement("span");
      mark.textContent = "QQT" + i + "QQ";
      mark.style.whiteSpace = "nowrap";
      if (row.cells[0]) row.cells[0].prepend(mark);
    }
    return Array.from(table.tHead && table.tHead.rows[0] ? table.tHead.rows[0].cells : []).map((c) => (c.textContent || "").trim());
  })`)) as string[][];
}

/** Every table on every page shows all its column headers there. */
function checkColumns(pages: string[], tables: string[][]): void {
  let seen = 0;
  pages.forEach((text, i) => {
    const t = squash(text);
    tables.forEach((head, n) => {
      if (!t.includes(`QQT${n}QQ`)) return;
      seen++;
      for (const col of head) expect(t, `page ${i + 1}, table ${n}: column "${col}"`).toContain(squash(col));
    });
  });
  expect(seen).toBeGreaterThanOrEqual(tables.length);
}

/** The text of each page (pdftotext) and the page size (pdfinfo). */
function readPdf(file: string): { pages: string[]; size: string } {
  const info = execFileSync("pdfinfo", [file], { encoding: "utf8" });
  const size = /Page size:.*\((\w+)\)/.exec(info)?.[1] ?? info;
  const pages = execFileSync("pdftotext", ["-raw", file, "-"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }).split("\f");
  if (pages[pages.length - 1]!.trim() === "") pages.pop();
  return { pages, size };
}

/** Renders pages to PNG in test-output/docs (to be looked at) and checks that none is blank. */
function renderPages(file: string, prefix: string, pages: number[]): void {
  for (const n of pages) {
    execFileSync("pdftoppm", ["-r", "60", "-png", "-singlefile", "-f", String(n), "-l", String(n), file, join(OUT, `${prefix}-${n}`)]);
    expect(statSync(join(OUT, `${prefix}-${n}.png`)).size).toBeGreaterThan(5_000);
  }
}
