/**
 * The playground page: the policy in a CodeMirror editor with qungui highlighting, live
 * diagnostics (the language server's, src/lsp/diagnose.ts: the same messages as `qungui check`),
 * completion and hovers; an events editor; the decisions of the events (src/playground/session.ts,
 * the engine `qungui run` uses); explain on click with the source highlighted; coverage; verify in a
 * worker; a shareable link. Everything runs in the page: it makes no request after loading (the
 * Content-Security-Policy says `connect-src 'none'`), so nothing typed here leaves it.
 */
import { autocompletion, snippet, type Completion as CmCompletion, type CompletionContext } from "@codemirror/autocomplete";
import { linter, lintGutter, type Diagnostic as CmDiagnostic } from "@codemirror/lint";
import { EditorState, StateEffect, StateField, type Extension } from "@codemirror/state";
import { Decoration, EditorView, hoverTooltip, type DecorationSet } from "@codemirror/view";
import { basicSetup } from "codemirror";
import type { Explanation, ExprTrace } from "../../engine/index.js";
import type { SpanIR } from "../../ir/types.js";
import { complete } from "../../lsp/completion.js";
import { analyse, type Analysis } from "../../lsp/document.js";
import { hover } from "../../lsp/hover.js";
import { expandSnippet } from "../../lsp/keywords.js";
import type { RequirementResult, VerifyReport } from "../../verify/run.js";
import { compileForPlayground, explainLine, runEvents, type Compiled, type Row, type RunResult } from "../session.js";
import { qunguiLanguage } from "./highlight.js";
import { decodeShare, encodeShare } from "./share.js";

interface Initial {
  policy: string;
  policyName: string;
  events: string;
  starters: { name: string; events: string }[];
}

declare global {
  interface Window {
    QUNGUI_INITIAL: Initial;
    /** For tests and the curious: the last run's counts and the last verify report. */
    qungui: { counts: RunResult["counts"] | null; verify: VerifyReport | null };
  }
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const initial = window.QUNGUI_INITIAL;
const file = initial.policyName;
window.qungui = { counts: null, verify: null };

let analysis: Analysis = analyse(file, initial.policy);
let compiled: Compiled | null = null;
let lastRun: RunResult | null = null;

// ---------------------------------------------------------------------------------------------
// The policy editor

const setHighlight = StateEffect.define<{ from: number; to: number } | null>();
const highlightField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(value, tr) {
    value = value.map(tr.changes);
    for (const e of tr.effects) if (e.is(setHighlight)) value = e.value && e.value.to > e.value.from ? Decoration.set([Decoration.mark({ class: "cm-explain-highlight" }).range(e.value.from, e.value.to)]) : Decoration.none;
    return value;
  },
  provide: (f) => EditorView.decorations.from(f),
});

function analysed(text: string): Analysis {
  if (analysis.source.text !== text) analysis = analyse(file, text);
  return analysis;
}

const policyLint = linter(
  (view) => {
    const a = analysed(view.state.doc.toString());
    renderProblems(a);
    schedulePolicyRun();
    const len = view.state.doc.length;
    return a.diagnostics.map(
      (d): CmDiagnostic => ({
        from: Math.min(d.span.start.offset, len),
        to: Math.min(Math.max(d.span.end.offset, d.span.start.offset), len),
        severity: d.severity,
        source: d.code,
        message: `${d.code} ${d.message}${d.help ? `\nhelp: ${d.help}` : ""}${d.labels.map((l) => `\nline ${l.span.start.line}: ${l.message}`).join("")}`,
      }),
    );
  },
  { delay: 120 },
);

function policyCompletions(ctx: CompletionContext) {
  const a = analysed(ctx.state.doc.toString());
  const r = complete(a, ctx.pos);
  if (r.items.length === 0 || (r.from === ctx.pos && !ctx.explicit && !/[\s.=]$/.test(ctx.state.sliceDoc(ctx.pos - 1, ctx.pos)))) return null;
  return {
    from: r.from,
    options: r.items.map(
      (c): CmCompletion => ({
        label: c.label,
        type: c.kind === "path" ? "property" : c.kind === "snippet" ? "text" : c.kind === "name" ? "enum" : "keyword",
        ...(c.detail ? { detail: c.detail } : {}),
        ...(c.doc ? { info: c.doc } : {}),
        // CodeMirror's fields are `${name}`; a default with braces in it is inserted as text.
        apply: c.snippet && !c.insert.includes("\\}") ? snippet(c.insert.replace(/\$\{(\d+):/g, "${")) : expandSnippet(c.insert),
      }),
    ),
  };
}

const policyHover = hoverTooltip((view, pos) => {
  const h = hover(analysed(view.state.doc.toString()), pos);
  if (!h) return null;
  return {
    pos: h.span.start.offset,
    end: h.span.end.offset,
    create: () => {
      const dom = document.createElement("div");
      dom.className = "hover";
      dom.textContent = h.markdown.replace(/\*\*|`|```qungui\n?|```/g, "");
      return { dom };
    },
  };
});

const policyExtensions: Extension[] = [basicSetup, qunguiLanguage, lintGutter(), policyLint, autocompletion({ override: [policyCompletions] }), policyHover, highlightField, EditorView.lineWrapping];
const policyView = new EditorView({ parent: $("policy-editor"), state: EditorState.create({ doc: initial.policy, extensions: policyExtensions }) });
const eventsView = new EditorView({
  parent: $("events-editor"),
  state: EditorState.create({ doc: initial.events, extensions: [basicSetup, EditorView.updateListener.of((u) => u.docChanged && scheduleEventsRun())] }),
});

function setEvents(text: string): void {
  eventsView.dispatch({ changes: { from: 0, to: eventsView.state.doc.length, insert: text } });
}

function renderProblems(a: Analysis): void {
  const list = $("problems");
  list.replaceChildren(
    ...a.diagnostics.map((d) => {
      const li = document.createElement("li");
      li.className = `problem ${d.severity}`;
      li.dataset["code"] = d.code;
      li.textContent = `${d.span.start.line}:${d.span.start.column} ${d.code} ${d.message}${d.help ? ` — ${d.help}` : ""}`;
      li.onclick = () => select(d.span.start.offset, d.span.end.offset);
      return li;
    }),
  );
  $("problem-count").textContent = a.diagnostics.length === 0 ? "no problems" : `${a.diagnostics.filter((d) => d.severity === "error").length} errors, ${a.diagnostics.filter((d) => d.severity === "warning").length} warnings`;
}

function select(from: number, to: number): void {
  policyView.dispatch({ selection: { anchor: from, head: to }, effects: [setHighlight.of({ from, to }), EditorView.scrollIntoView(from, { y: "center" })] });
}

function spanOffsets(span: SpanIR): { from: number; to: number } {
  const doc = policyView.state.doc;
  const at = (line: number, column: number) => {
    const l = doc.line(Math.max(1, Math.min(line, doc.lines)));
    return Math.min(l.from + column - 1, l.to);
  };
  return { from: at(span.line, span.column), to: at(span.endLine, span.endColumn) };
}

// ---------------------------------------------------------------------------------------------
// Running the events

let runTimer: number | undefined;
function schedulePolicyRun(): void {
  window.clearTimeout(runTimer);
  runTimer = window.setTimeout(run, 250);
}
function scheduleEventsRun(): void {
  window.clearTimeout(runTimer);
  runTimer = window.setTimeout(run, 400);
}

function run(): void {
  const text = policyView.state.doc.toString();
  compiled = compileForPlayground(text, file);
  const status = $("run-status");
  if (!compiled) {
    status.textContent = "the policy has errors: decisions are from the last version that compiled";
    status.className = "stale";
    return;
  }
  status.textContent = "";
  status.className = "";
  lastRun = runEvents(compiled, eventsView.state.doc.toString());
  window.qungui.counts = lastRun.counts;
  const c = lastRun.counts;
  const counts = $("counts");
  counts.textContent = `${c.inputs} events → ${c.primaryDecisions} decisions + ${c.deadLetters} dead letters, ${c.timerDecisions} timer decisions`;
  Object.assign(counts.dataset, { inputs: String(c.inputs), decisions: String(c.primaryDecisions), deadLetters: String(c.deadLetters), timerDecisions: String(c.timerDecisions) });
  renderDecisions();
  renderCoverage(lastRun);
}

function renderDecisions(): void {
  if (!lastRun) return;
  const outcome = ($("filter-outcome") as HTMLSelectElement).value;
  const text = ($("filter-text") as HTMLInputElement).value.trim().toLowerCase();
  const timersOnly = ($("filter-timers") as HTMLInputElement).checked;
  const shown = lastRun.rows.filter((r) => {
    const o = r.decision ? r.decision.outcome : "dead-letter";
    if (outcome !== "all" && o !== outcome) return false;
    if (timersOnly && r.decision?.trigger !== "timer") return false;
    if (text && !JSON.stringify(r.decision ?? r.deadLetter).toLowerCase().includes(text)) return false;
    return true;
  });
  const body = $("decisions-body");
  const limit = 2000;
  body.replaceChildren(...shown.slice(0, limit).map(rowElement));
  $("decisions-shown").textContent = shown.length > limit ? `showing ${limit} of ${shown.length}` : `${shown.length} shown`;
}

function cell(text: string, className?: string): HTMLTableCellElement {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function rowElement(r: Row): HTMLTableRowElement {
  const tr = document.createElement("tr");
  tr.dataset["line"] = String(r.line);
  if (r.decision) {
    const d = r.decision;
    const timer = d.trigger === "timer";
    tr.className = `decision outcome-${d.outcome}${timer ? " timer" : ""}`;
    tr.append(cell(String(r.line)), cell(d.event ?? "—"), cell(d.type), cell(timer ? `⏱ timer (due ${d.due ?? "?"})` : "event", timer ? "trigger timer-mark" : "trigger"), cell(d.outcome, "outcome"), cell(d.rule), cell(d.reason, "reason"));
    tr.onclick = () => showExplain(r);
  } else {
    tr.className = "decision outcome-dead-letter";
    tr.append(cell(String(r.line)), cell("—"), cell("—"), cell("input"), cell("dead letter", "outcome"), cell("—"), cell(r.deadLetter!.reason, "reason"));
  }
  return tr;
}

for (const id of ["filter-outcome", "filter-text", "filter-timers"]) $(id).addEventListener("input", renderDecisions);
$("run").onclick = run;

// ---------------------------------------------------------------------------------------------
// Explain

function showExplain(r: Row): void {
  const panel = $("explain");
  if (!compiled) return;
  const x = explainLine(compiled, eventsView.state.doc.toString(), r.line);
  panel.replaceChildren();
  if (!x) return;
  const head = document.createElement("div");
  head.className = "explain-head";
  head.textContent = `event ${x.event ?? "?"} (${x.type ?? "?"}) at ${x.at ?? "?"} — outcome ${x.outcome ?? "dead letter"} by ${x.rule ?? "—"}`;
  const why = document.createElement("div");
  why.className = "explain-why";
  why.textContent = x.why;
  panel.append(head, why, ...x.decisions.filter((d) => d.trigger === "timer").map((d) => Object.assign(document.createElement("div"), { className: "explain-timer", textContent: `⏱ timer first: ${d.rule} → ${d.outcome}: ${d.reason}` })));
  for (const rule of x.rules) panel.append(ruleElement(rule));
  const decided = x.rules.find((rule) => rule.rule === x.rule) ?? x.rules.find((rule) => rule.holds);
  if (decided?.span) {
    const { from, to } = spanOffsets(decided.span);
    select(from, to);
  }
  panel.dataset["event"] = x.event ?? "";
}

function ruleElement(rule: Explanation["rules"][number]): HTMLElement {
  const div = document.createElement("div");
  div.className = `explain-rule ${rule.holds ? "holds" : "not-holds"} effect-${rule.effect}`;
  const title = document.createElement("div");
  title.className = "explain-rule-title";
  title.textContent = `${rule.rule} [${rule.effect}, ${rule.origin}${rule.section ? ` ${rule.section}` : ""}] ${rule.holds ? `holds → ${rule.effect}` : "does not hold"}${rule.cites.length ? ` · cites ${rule.cites.map((c) => c.req).join(", ")}` : ""}`;
  if (rule.span) {
    const span = rule.span;
    title.classList.add("has-span");
    title.onclick = () => {
      const { from, to } = spanOffsets(span);
      select(from, to);
    };
  }
  div.append(title, traceElement(rule.condition, 0));
  return div;
}

function traceElement(t: ExprTrace, depth: number): HTMLElement {
  const el = document.createElement("div");
  el.className = `trace value-${t.value ?? "skipped"}`;
  el.style.paddingLeft = `${depth * 1.2}em`;
  el.textContent = `${t.text}  →  ${t.value ?? "not evaluated"}`;
  if (t.span) {
    const span = t.span;
    el.classList.add("has-span");
    el.onclick = (e) => {
      e.stopPropagation();
      const { from, to } = spanOffsets(span);
      select(from, to);
    };
  }
  const wrap = document.createElement("div");
  wrap.append(el);
  const kids = (t.args ?? []).filter((a) => (a.args && a.args.length > 0) || t.kind === "and" || t.kind === "or" || t.kind === "not");
  for (const k of kids) wrap.append(traceElement(k, depth + 1));
  return wrap;
}

// ---------------------------------------------------------------------------------------------
// Coverage

function renderCoverage(r: RunResult): void {
  const list = (items: RunResult["rules"], id: string, title: string) => {
    const hit = items.filter((i) => i.hits > 0).length;
    const box = $(id);
    const h = document.createElement("h3");
    h.textContent = `${title}: ${hit} of ${items.length} exercised`;
    const ul = document.createElement("ul");
    ul.append(
      ...items.map((i) => {
        const li = document.createElement("li");
        li.className = i.hits > 0 ? "covered" : "uncovered";
        li.textContent = `${i.hits > 0 ? "✓" : "·"} ${i.name} (${i.kind}) ${i.hits > 0 ? `× ${i.hits}` : ""}`;
        return li;
      }),
    );
    box.replaceChildren(h, ul);
  };
  list(r.rules, "coverage-rules", "rules, measures and timers");
  list(r.requirements, "coverage-reqs", "requirements cited by decisions");
}

// ---------------------------------------------------------------------------------------------
// Verify

let worker: Worker | null = null;
$("verify").onclick = () => {
  worker?.terminate();
  worker = new Worker("worker.js");
  const progress = $("verify-progress") as HTMLProgressElement;
  const status = $("verify-status");
  const results = $("verify-results");
  results.replaceChildren();
  progress.value = 0;
  status.textContent = "starting…";
  status.dataset["state"] = "running";
  worker.onmessage = (e: MessageEvent<{ kind: "progress"; done: number; total: number; phase: string } | { kind: "report"; report: VerifyReport } | { kind: "error"; message: string }>) => {
    const m = e.data;
    if (m.kind === "progress") {
      progress.max = m.total;
      progress.value = m.done;
      status.textContent = `${m.phase} ${m.done}/${m.total}`;
    } else if (m.kind === "error") {
      status.textContent = m.message;
      status.dataset["state"] = "error";
    } else {
      window.qungui.verify = m.report;
      const failed = m.report.results.filter((x) => x.status === "fail").length;
      status.textContent = m.report.ok ? `all ${m.report.results.length} requirements hold (seed ${m.report.seed}, ${m.report.runs} streams)` : `${failed} requirements fail`;
      status.dataset["state"] = m.report.ok ? "ok" : "fail";
      progress.value = progress.max;
      results.replaceChildren(...m.report.results.map(verifyRow));
      worker?.terminate();
      worker = null;
    }
  };
  worker.postMessage({ policy: policyView.state.doc.toString(), file, seed: Number(($("verify-seed") as HTMLInputElement).value) || 42, runs: Number(($("verify-runs") as HTMLSelectElement).value) });
};

function verifyRow(r: RequirementResult): HTMLTableRowElement {
  const tr = document.createElement("tr");
  tr.className = `req status-${r.status}`;
  tr.dataset["req"] = r.req;
  tr.append(cell(r.req), cell(`Art. ${r.article}`), cell(r.status, "status"), cell(r.runs ? String(r.runs) : "static"), cell(r.detail ?? r.counterexample?.violation.message ?? ""));
  const action = document.createElement("td");
  if (r.counterexample) {
    const ce = r.counterexample;
    const b = document.createElement("button");
    b.className = "load-counterexample";
    b.textContent = `load the ${ce.events.length}-event counterexample`;
    b.onclick = () => {
      setEvents(ce.events.map((ev) => JSON.stringify(ev)).join("\n") + "\n");
      run();
      if (ce.span) {
        const { from, to } = spanOffsets(ce.span);
        select(from, to);
      }
    };
    action.append(b);
  }
  tr.append(action);
  return tr;
}

// ---------------------------------------------------------------------------------------------
// Starters and sharing

const starters = $("starters") as HTMLSelectElement;
starters.append(...[{ name: "the sample stream", events: initial.events }, ...initial.starters].map((s, i) => Object.assign(document.createElement("option"), { value: String(i), textContent: s.name })));
starters.onchange = () => {
  const all = [{ name: "sample", events: initial.events }, ...initial.starters];
  setEvents(all[Number(starters.value)]!.events);
  run();
};

$("share").onclick = async () => {
  const hash = await encodeShare({ policy: policyView.state.doc.toString(), events: eventsView.state.doc.toString() });
  history.replaceState(null, "", hash);
  const link = $("share-link") as HTMLInputElement;
  link.value = location.href;
  link.hidden = false;
  link.select();
};

void (async () => {
  const shared = await decodeShare(location.hash);
  if (shared) {
    policyView.dispatch({ changes: { from: 0, to: policyView.state.doc.length, insert: shared.policy } });
    setEvents(shared.events);
  }
  renderProblems(analysed(policyView.state.doc.toString()));
  run();
  document.body.dataset["ready"] = "true";
})();

