/**
 * `qungui explain POLICY EVENTS.jsonl --event ID`: replays the stream up to the event with that id,
 * then shows every rule considered for it, which conditions held and which did not (node by node,
 * with source spans), and why the outcome won.
 */
import pc from "picocolors";
import { emptyState, splitLines, type Explanation, type ExprTrace, type RuleExplanation } from "../engine/index.js";
import type { SpanIR } from "../ir/types.js";
import { EXIT, readText, type Io } from "./io.js";
import { requirePolicy } from "./load-policy.js";

export interface ExplainFlags {
  event: string;
  format: string;
}

type Colors = ReturnType<typeof pc.createColors>;

const where = (span: SpanIR | undefined) => (span ? ` (${span.file}:${span.line}:${span.column})` : "");

function traceLines(t: ExprTrace, depth: number, c: Colors): string[] {
  const value = t.value === null ? c.dim("not evaluated") : t.value === "true" ? c.green("true") : t.value === "false" ? c.red("false") : c.cyan(t.value);
  const line = `${"  ".repeat(depth)}${t.text}  →  ${value}${c.dim(where(t.span))}`;
  // Leaves are shown inline in their parent's text; only composite conditions are unfolded.
  const children = (t.args ?? []).filter((a) => a.args && a.args.length > 0 ? true : t.kind === "and" || t.kind === "or" || t.kind === "not");
  return [line, ...children.flatMap((a) => traceLines(a, depth + 1, c))];
}

function ruleLines(r: RuleExplanation, c: Colors): string[] {
  const verdict = r.holds ? (r.effect === "deny" ? c.red("holds → deny") : c.green("holds → allow")) : c.dim("does not hold");
  const head = `${c.bold(r.rule)} [${r.effect}, ${r.origin}${r.section ? ` ${r.section}` : ""}] ${verdict}${c.dim(where(r.span))}`;
  const cites = r.cites.length ? [`    ${c.dim(`cites ${r.cites.map((x) => x.req).join(", ")}`)}`] : [];
  return [`  ${head}`, ...cites, ...traceLines(r.condition, 2, c)];
}

/** The explanation for people. */
export function renderExplanation(x: Explanation, color: boolean): string {
  const c = pc.createColors(color);
  const lines = [
    `event ${x.event ?? "?"} (${x.type ?? "?"}) at ${x.at ?? "?"}`,
    x.governed ? `judged by policy version ${x.policy} at engine time ${x.now}` : "not governed by the policy",
  ];
  if (x.deadLetter) lines.push(`dead letter: ${x.deadLetter.reason}`);
  for (const d of x.decisions.slice(0, -1)) lines.push(`timer first: ${d.rule} → ${d.outcome}: ${d.reason}`);
  if (x.rules.length) {
    lines.push("", `rules considered (${x.rules.length}, in precedence order):`);
    for (const r of x.rules) lines.push(...ruleLines(r, c));
  }
  const primary = x.decisions[x.decisions.length - 1];
  lines.push("", `outcome: ${c.bold(String(x.outcome))} by ${x.rule}`);
  if (primary) lines.push(`reason: ${primary.reason}`, `cites: ${primary.cites.map((x) => `${x.req} (Art. ${x.article})`).join(", ") || "none"}`);
  lines.push(`why: ${x.why}`);
  return lines.join("\n") + "\n";
}

export function runExplain(policyFile: string, eventsFile: string, flags: ExplainFlags, io: Io): number {
  const loaded = requirePolicy(policyFile, io);
  if (!loaded) return EXIT.diagnostics;
  const { program } = loaded;
  const state = emptyState();
  const lines = splitLines(readText(eventsFile));
  const needle = JSON.stringify(flags.event);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // A cheap filter first; the line is only parsed when it may be the one.
    if (line.includes(needle)) {
      let id: unknown;
      try {
        id = (JSON.parse(line) as { id?: unknown }).id;
      } catch {
        id = undefined;
      }
      if (id === flags.event) {
        const x = program.explain(line, state);
        io.out(flags.format === "json" ? JSON.stringify(x, null, 2) + "\n" : renderExplanation(x, io.color));
        return EXIT.ok;
      }
    }
    if (line.trim()) program.evaluateLine(line, i + 1, state);
  }
  io.err(`qungui: no event with id ${flags.event} in ${eventsFile}\n`);
  return EXIT.usage;
}
