/**
 * The reviewer document lists every rule that decides: the reference policy over the whole sample
 * stream decides only by rules that are the policy's (rules, measures, timers) or the engine's own
 * (src/docgen/engine-rules.ts), and the document lists each engine rule with what it serves.
 */
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { main } from "../../../src/cli/main.js";
import type { Io } from "../../../src/cli/io.js";
import { render, reviewerDocument } from "../../../src/docgen/index.js";
import { timersOf } from "../../../src/docgen/matrix.js";
import { ENGINE_RULES } from "../../../src/docgen/engine-rules.js";
import { REQUIREMENTS } from "../../../src/law/articles.js";
import { compiled, REFERENCE } from "./helpers.js";

test("every rule that decides the sample stream is the policy's or listed as the engine's", async () => {
  let out = "";
  const io: Io = { out: (t) => void (out += t), err: () => undefined, color: false };
  expect(await main(["node", "qungui", "run", REFERENCE, "samples/events.jsonl", "--now", "2030-01-01T00:00:00Z"], io)).toBe(0);
  const { ir } = compiled(REFERENCE);
  const policy = new Set(ir.versions.flatMap((v) => [...v.rules.map((r) => r.name), ...v.measures.map((m) => m.name), ...timersOf(v).map((t) => t.name)]));
  const engine = new Set(ENGINE_RULES.map((r) => r.name));
  const used = new Map<string, number>();
  for (const line of out.split("\n").filter(Boolean)) {
    const rule = (JSON.parse(line) as { rule: string }).rule;
    used.set(rule, (used.get(rule) ?? 0) + 1);
  }
  const unknown = [...used.keys()].filter((r) => !policy.has(r) && !engine.has(r));
  expect(unknown).toEqual([]);
  // The engine's rules decide a large share of the stream: they are not a footnote.
  const byEngine = [...used].filter(([r]) => engine.has(r)).reduce((n, [, c]) => n + c, 0);
  expect(byEngine).toBeGreaterThan(1000);
});

test("the reviewer document lists every engine rule with the requirements it serves", () => {
  const { ir } = compiled(REFERENCE);
  const html = render(reviewerDocument({ ir }), "html");
  const table = html.slice(html.indexOf('id="engine-rules-table"'), html.indexOf("</table>", html.indexOf('id="engine-rules-table"')));
  for (const r of ENGINE_RULES) {
    expect(table).toContain(`<code>${r.name}</code>`);
    for (const c of r.cites) expect(REQUIREMENTS.some((q) => q.id === c), c).toBe(true);
  }
  expect(html).not.toContain("These are all the rules of the policy");
});
