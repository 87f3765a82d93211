/**
 * `qungui explain POLICY EVENTS.jsonl --event ID`: replays the stream up to the event with that id,
 * then shows every rule considered for it, which conditions held and which did not (node by node,
 * with source spans), and why the outcome won.
 */
import pc from "picocolors";
import { boundedLine, emptyState, inputLine, type EngineState, type Explanation, type ExprTrace, type MeasureTrace, type Program, type RefusedLine, type RuleExplanation } from "../engine/index.js";
import type { SpanIR } from "../ir/types.js";
import { EXIT, type Io } from "./io.js";
import { maxLineBytesOf, openLineSource } from "./lines.js";
import { requirePolicy } from "./load-policy.js";
import { wallClockOf } from "./wall-clock.js";

export interface ExplainFlags {
  event: string;
  format: string;
  /** The wall clock's reading (RFC 3339), as `qungui run --now`; default the system clock. */
  now?: string;
  /** The longest line read as an event, as `qungui run --max-line-bytes`. */
  maxLineBytes?: string;
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

/** One measure's trigger against the flag: severity, categories, the count in the window, applied or not. */
function measureLines(m: MeasureTrace, decidedBy: string | null, c: Colors): string[] {
  const mark = (ok: boolean) => (ok ? "matches" : c.red("does not match"));
  const verdict = m.applied ? c.green(m.measure === decidedBy ? "applies (names the decision)" : "applies") : c.dim("does not apply");
  const window = m.within ? ` within ${m.within.amount} ${m.within.unit}${m.within.amount === 1 ? "" : "s"}` : "";
  return [
    `  ${c.bold(m.measure)} ${verdict}`,
    `    severity ${m.severity ?? "any (ranks lowest)"}: ${mark(m.severityMatched)}`,
    `    category ${m.categories.length ? m.categories.join(", ") : "any"}: ${mark(m.categoryMatched)}`,
    `    flags ${m.scope === "group" ? "in the group" : "by the user"}${window}: ${m.severityMatched && m.categoryMatched ? `${m.counted} counted, ${m.needed} needed` : "not counted"}`,
  ];
}

/** The explanation for people. */
export function renderExplanation(x: Explanation, color: boolean): string {
  const c = pc.createColors(color);
  // A dead letter has no event, no version and no decision: say what was refused and why, not "?" and null.
  if (x.deadLetter) {
    const dl = x.deadLetter;
    return (
      [
        `input${dl.line !== null ? ` at line ${dl.line}` : ""} was dead-lettered: it is not a valid event, so no rule judged it`,
        `reason: ${dl.reason}`,
        `input: ${dl.raw}`,
        ...x.decisions.map((d) => `timer first: ${d.rule} → ${d.outcome}: ${d.reason}`),
        "",
        `outcome: ${c.bold("none")} (dead letter)`,
      ].join("\n") + "\n"
    );
  }
  const lines = [
    `event ${x.event ?? "?"} (${x.type ?? "?"}) at ${x.at ?? "?"}`,
    x.governed ? `judged by policy version ${x.policy} at engine time ${x.now}` : "not governed by the policy",
  ];
  for (const d of x.decisions.slice(0, -1)) lines.push(`timer first: ${d.rule} → ${d.outcome}: ${d.reason}`);
  if (x.rules.length) {
    lines.push("", `rules considered (${x.rules.length}, in precedence order):`);
    for (const r of x.rules) lines.push(...ruleLines(r, c));
  }
  if (x.measures?.length) {
    lines.push("", `measures considered (${x.measures.length}, in source order):`);
    for (const m of x.measures) lines.push(...measureLines(m, x.rule, c));
  }
  const primary = x.decisions[x.decisions.length - 1];
  lines.push("", `outcome: ${c.bold(String(x.outcome))} by ${x.rule}`);
  if (primary) lines.push(`reason: ${primary.reason}`, `cites: ${primary.cites.map((x) => `${x.req} (Art. ${x.article})`).join(", ") || "none"}`);
  lines.push(`why: ${x.why}`);
  return lines.join("\n") + "\n";
}

export function runExplain(policyFile: string, eventsFile: string, flags: ExplainFlags, io: Io): number {
  // The same program, wall clock and line reader as `qungui run`, so the stream replayed up to the
  // event is the one `run` decided: the same lines refused (not UTF-8, too long, too far in the
  // future), the same blank lines skipped.
  const loaded = requirePolicy(policyFile, io, { wallClock: wallClockOf(flags.now) });
  if (!loaded) return EXIT.diagnostics;
  const { program } = loaded;
  const state = emptyState();
  const maxLineBytes = maxLineBytesOf(flags.maxLineBytes);
  const source = openLineSource(eventsFile, { maxLineBytes });
  try {
    return explainIn(source.lines, program, state, flags, eventsFile, maxLineBytes, io);
  } finally {
    source.close();
  }
}

function explainIn(lines: Iterable<string | RefusedLine>, program: Program, state: EngineState, flags: ExplainFlags, eventsFile: string, maxLineBytes: number, io: Io): number {
  const needle = JSON.stringify(flags.event);
  let i = -1;
  for (const raw of lines) {
    i++;
    // A refused line is a dead letter: it changes nothing and cannot be the event.
    const line = typeof raw === "string" ? inputLine(raw) : null;
    if (line === null || typeof boundedLine(line, maxLineBytes) !== "string") continue;
    // A cheap filter first; the line is only parsed when it may be the one.
    if (line.includes(needle)) {
      let id: unknown;
      try {
        id = (JSON.parse(line) as { id?: unknown }).id;
      } catch {
        id = undefined;
      }
      if (id === flags.event) {
        const explained = program.explain(line, state);
        // The engine explains a line without knowing where it came from; the file's line number is ours.
        const x = explained.deadLetter && explained.deadLetter.line === null ? { ...explained, deadLetter: { ...explained.deadLetter, line: i + 1 } } : explained;
        io.out(flags.format === "json" ? JSON.stringify(x, null, 2) + "\n" : renderExplanation(x, io.color));
        return EXIT.ok;
      }
    }
    program.evaluateLine(line, i + 1, state);
  }
  io.err(`qungui: no event with id ${flags.event} in ${eventsFile}\n`);
  return EXIT.usage;
}
