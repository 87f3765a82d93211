/**
 * `npm run bench:lsp`: diagnostics latency of the language server on edits of the reference
 * policy. Starts the built `qungui lsp --stdio` and speaks to it through the same JSON-RPC client
 * as test/lsp (vscode-jsonrpc), opens policies/cac-2017.qg, then makes edits one at a time, each
 * as the single-character incremental change an editor sends for a keystroke, and times each from
 * sending `didChange` to receiving the `publishDiagnostics` of that version. The edits cycle
 * through a clean file, a syntax error (the slow path: chevrotain with recovery, then the checker
 * on the partial AST) and a checker error. Target: p99 ≤ 50 ms. Results in bench/lsp.json.
 *
 * Needs `npm run build` first. QUNGUI_BENCH_EDITS sets the number of edits (default 300).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { LspClient, positionOf } from "../test/lsp/client.js";

const EDITS = Number(process.env["QUNGUI_BENCH_EDITS"] ?? 300);
const TARGET_MS = 50;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const text = readFileSync("policies/cac-2017.qg", "utf8");
  const client = await LspClient.start(tmpdir());
  const uri = pathToFileURL(join(tmpdir(), "cac-2017-bench.qg")).href;
  await client.diagnostics(uri, await client.open(uri, text));
  // One character changed in place, then changed back: `members 101..500` → `members 101..50x` (syntax
  // error) → back; `keep logs 6 months` → `keep logs 3 months` (QG064) → back.
  const syntaxAt = positionOf(text, "members 101..500", "members 101..50".length);
  const checkAt = positionOf(text, "keep logs 6 months", "keep logs ".length);
  const cycle = [
    { at: syntaxAt, text: "x", codes: ["QG002"] },
    { at: syntaxAt, text: "0", codes: [] },
    { at: checkAt, text: "3", codes: ["QG064"] },
    { at: checkAt, text: "6", codes: [] },
  ];
  const times: Record<string, number[]> = { clean: [], "syntax error": [], "checker error": [] };
  for (let i = 0; i < EDITS; i++) {
    const edit = cycle[i % cycle.length]!;
    const t0 = performance.now();
    const version = await client.change(uri, [{ range: { start: edit.at, end: { line: edit.at.line, character: edit.at.character + 1 } }, text: edit.text }]);
    const published = await client.diagnostics(uri, version);
    const ms = performance.now() - t0;
    const codes = published.diagnostics.map((d) => String(d.code));
    if (JSON.stringify(codes) !== JSON.stringify(edit.codes)) throw new Error(`edit ${i}: expected ${edit.codes.join(",") || "no diagnostics"}, got ${codes.join(",")}`);
    times[edit.codes[0] === "QG002" ? "syntax error" : edit.codes.length ? "checker error" : "clean"]!.push(ms);
  }
  await client.stop();
  const all = Object.values(times).flat().sort((a, b) => a - b);
  const summary = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return { edits: s.length, p50: +percentile(s, 50).toFixed(2), p99: +percentile(s, 99).toFixed(2), max: +s[s.length - 1]!.toFixed(2) };
  };
  const result = {
    what: "qungui lsp: didChange → publishDiagnostics on policies/cac-2017.qg, one-character incremental edits",
    targetMs: TARGET_MS,
    all: summary(all),
    byKind: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, summary(v)])),
    loadavg: loadavg().map((x) => +x.toFixed(2)),
    node: process.version,
  };
  writeFileSync("bench/lsp.json", JSON.stringify(result, null, 2) + "\n");
  console.log(`qungui lsp diagnostics latency over ${all.length} edits of the reference policy: p50 ${result.all.p50} ms, p99 ${result.all.p99} ms, max ${result.all.max} ms (target p99 ≤ ${TARGET_MS} ms)`);
  for (const [k, v] of Object.entries(result.byKind)) console.log(`  ${k.padEnd(14)} ${v.edits} edits  p50 ${v.p50} ms  p99 ${v.p99} ms  max ${v.max} ms`);
  if (result.all.p99 > TARGET_MS) {
    console.error(`qungui: p99 ${result.all.p99} ms is above the target of ${TARGET_MS} ms (load average ${result.loadavg.join(" ")})`);
    process.exitCode = 1;
  }
}

await main();
