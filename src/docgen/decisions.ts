/**
 * The decision trail (Article 13, A13.inspection): the decisions of `qungui run` (JSON Lines) as a
 * readable table, with filters by outcome, rule, requirement id, group, user and time that run in
 * the page itself (plain inline script, no network). The group and user filters match as the
 * inspection export does (src/records/log.ts): the subject, or the target of an effect.
 *
 * Only the decision's documented fields are printed, escaped by the renderer; a line that is not a
 * decision is counted and named by its line number, never quoted (it could hold anything).
 */
import type { Decision, Effect } from "../engine/decision.js";
import { code, h, join, link, mark, p, ruleAnchor, type Block, type Cell, type Doc, type Inline, type TableBlock } from "./content.js";

/** What the decision trail is made from. */
export interface DecisionsInputs {
  /** The JSON Lines text. */
  text: string;
  /** The file name, for the title. */
  file: string;
  /** The policy the document is about, when known (the CLI has checked that the decisions are of it). */
  policy?: { name: string; id?: string };
  /**
   * The reviewer document generated alongside: each decision's rule (when the document has an
   * anchor for it) and requirement ids link into it.
   */
  reviewer?: { href: string; rules: ReadonlySet<string> };
}

/** Decisions shown per page of the trail (the filters apply to the whole trail, the pager to what they keep). */
export const TRAIL_PAGE_SIZE = 100;

/** The policies a trail's decisions name (`policyName`, `policyId`), with how many decisions name each. */
export interface TrailPolicies {
  named: { name: string; id: string; decisions: number }[];
  /** Decisions that name no policy (written before decisions carried `policyName` and `policyId`). */
  unnamed: number;
}

/** Which policies decided a trail, in order of first appearance. */
export function trailPolicies(parsed: ParsedDecisions): TrailPolicies {
  const named = new Map<string, { name: string; id: string; decisions: number }>();
  let unnamed = 0;
  for (const { d } of parsed.decisions) {
    const o = d as unknown as Record<string, unknown>;
    const name = o["policyName"];
    const id = o["policyId"];
    if (typeof name !== "string" || typeof id !== "string") {
      unnamed++;
      continue;
    }
    const key = `${name}\u0000${id}`;
    const hit = named.get(key);
    if (hit) hit.decisions++;
    else named.set(key, { name, id, decisions: 1 });
  }
  return { named: [...named.values()], unnamed };
}

/** A decisions JSONL, read. */
export interface ParsedDecisions {
  decisions: { line: number; d: Decision }[];
  /** Line numbers of lines that are not decisions. */
  unreadable: number[];
}

const OUTCOMES = ["allow", "deny", "noted", "measures", "ungoverned"];

function isDecision(o: unknown): o is Decision {
  if (typeof o !== "object" || o === null || Array.isArray(o)) return false;
  const d = o as Record<string, unknown>;
  return (
    typeof d["at"] === "string" &&
    typeof d["type"] === "string" &&
    typeof d["rule"] === "string" &&
    typeof d["reason"] === "string" &&
    typeof d["outcome"] === "string" &&
    OUTCOMES.includes(d["outcome"] as string) &&
    typeof d["subject"] === "object" &&
    d["subject"] !== null &&
    Array.isArray(d["cites"]) &&
    Array.isArray(d["effects"])
  );
}

/** Reads a decisions JSONL text; blank lines are skipped. */
export function parseDecisions(text: string): ParsedDecisions {
  const out: ParsedDecisions = { decisions: [], unreadable: [] };
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "") return;
    try {
      const o: unknown = JSON.parse(line);
      if (isDecision(o)) out.decisions.push({ line: i + 1, d: o });
      else out.unreadable.push(i + 1);
    } catch {
      out.unreadable.push(i + 1);
    }
  });
  return out;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : v === undefined || v === null ? "" : JSON.stringify(v);
}

function targetText(t: unknown): string {
  if (typeof t !== "object" || t === null) return "";
  const o = t as Record<string, unknown>;
  if (typeof o["group"] === "string") return `group ${o["group"]}`;
  if (typeof o["user"] === "string") return `user ${o["user"]}`;
  return "";
}

/** One effect in a few words: "suspend-posting group g1 until 2017-10-16T10:00:00+08:00". */
export function effectText(e: Effect): string {
  const o = e as unknown as Record<string, unknown>;
  switch (e.kind) {
    case "measure":
      return [str(o["measure"]), targetText(o["target"]), o["from"] !== undefined ? `from ${str(o["from"])} to ${str(o["to"])}` : "", o["until"] !== undefined ? `until ${str(o["until"])}` : ""].filter(Boolean).join(" ");
    case "record":
      return "record";
    case "report":
      return `report to ${str(o["to"])}`;
    case "obligation":
      return ["obligation", str(o["what"]), targetText(o["target"]), o["complaint"] !== undefined ? `complaint ${str(o["complaint"])}` : "", o["due"] !== undefined ? `due ${str(o["due"])}` : ""].filter(Boolean).join(" ");
    case "escalate":
      return o["what"] === "complaint" ? `escalate complaint ${str(o["complaint"])}` : `escalate flag in group ${str(o["group"])}`;
    case "remove-message":
      return `remove message ${str(o["message"])}`;
    case "tier":
      return `tier of group ${str(o["group"])}: ${str(o["from"]) || "none"} → ${str(o["to"]) || "none"}`;
    default:
      return str(o["kind"]);
  }
}

/** Groups and users a decision concerns, as the inspection filter counts them. */
function concerned(d: Decision): { groups: string[]; users: string[] } {
  const groups = new Set<string>();
  const users = new Set<string>();
  if (typeof d.subject.group === "string") groups.add(d.subject.group);
  if (typeof d.subject.user === "string") users.add(d.subject.user);
  for (const e of d.effects) {
    if (e.kind === "measure" && typeof e.target === "object" && e.target !== null) {
      if ("group" in e.target && typeof e.target.group === "string") groups.add(e.target.group);
      if ("user" in e.target && typeof e.target.user === "string") users.add(e.target.user);
    }
    if (e.kind === "tier" && typeof e.group === "string") groups.add(e.group);
  }
  return { groups: [...groups], users: [...users] };
}

function subjectCell(d: Decision): Cell {
  const s = d.subject;
  const parts: Inline[][] = [];
  if (s.user !== undefined) parts.push(["user ", code(str(s.user))]);
  if (s.group !== undefined) parts.push(["group ", code(str(s.group))]);
  if (s.role !== undefined) parts.push([`role ${str(s.role)}`]);
  if (s.complaint !== undefined) parts.push(["complaint ", code(str(s.complaint))]);
  return parts.length ? join(parts) : ["—"];
}

const OUTCOME_TONE: Record<string, "ok" | "gap" | "na" | "muted"> = { allow: "ok", deny: "gap", measures: "gap", noted: "muted", ungoverned: "na" };

const FILTER_SCRIPT = `
(function () {
  var form = document.querySelector("form.filters");
  var table = document.getElementById("decisions");
  var status = document.getElementById("filter-status");
  if (!form || !table) return;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var controls = Array.prototype.slice.call(form.querySelectorAll("[data-filter]"));
  function values(row, key) {
    var raw = row.getAttribute("data-" + key);
    if (raw === null) return [];
    try { var v = JSON.parse(raw); return Array.isArray(v) ? v : [String(v)]; } catch (e) { return [raw]; }
  }
  function apply() {
    var shown = 0, bad = [];
    var active = controls.map(function (c) {
      var value = c.value.trim();
      var match = c.getAttribute("data-match") || "exact";
      var ms = NaN;
      if (value && match !== "exact") { ms = Date.parse(value); if (isNaN(ms)) bad.push(c); }
      c.setAttribute("aria-invalid", value && match !== "exact" && isNaN(ms) ? "true" : "false");
      return { key: c.getAttribute("data-filter"), value: value, match: match, ms: ms };
    }).filter(function (f) { return f.value !== "" && !(f.match !== "exact" && isNaN(f.ms)); });
    kept = rows.filter(function (row) {
      return active.every(function (f) {
        if (f.match === "time-from") return Number(row.getAttribute("data-at")) >= f.ms;
        if (f.match === "time-to") return Number(row.getAttribute("data-at")) < f.ms;
        return values(row, f.key).indexOf(f.value) >= 0;
      });
    });
    shown = kept.length;
    page = 0;
    paginate();
    status.textContent = "Showing " + shown + " of " + rows.length + " decisions" + (shown > pageSize ? ", " + pageSize + " per page." : ".") + (bad.length ? " A time could not be read: write RFC 3339 with an offset, e.g. 2017-10-09T00:00:00+08:00." : "");
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  var pageSize = ${TRAIL_PAGE_SIZE};
  var page = 0, kept = rows;
  var prev = document.getElementById("page-prev"), next = document.getElementById("page-next"), pageStatus = document.getElementById("page-status");
  function paginate() {
    var pages = Math.max(1, Math.ceil(kept.length / pageSize));
    if (page >= pages) page = pages - 1;
    rows.forEach(function (row) { row.hidden = true; });
    kept.slice(page * pageSize, (page + 1) * pageSize).forEach(function (row) { row.hidden = false; });
    if (pageStatus) pageStatus.textContent = "Page " + (page + 1) + " of " + pages;
    if (prev) prev.disabled = page === 0;
    if (next) next.disabled = page >= pages - 1;
  }
  if (prev) prev.addEventListener("click", function () { page--; paginate(); });
  if (next) next.addEventListener("click", function () { page++; paginate(); });
  apply();
})();
`;

function countTable(caption: string, head: string, counts: Map<string, number>, asCode: boolean): TableBlock {
  return {
    t: "table",
    caption,
    head: [head, "Decisions"],
    rowHeader: true,
    rows: [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, n]) => [[asCode ? code(k) : k], [String(n)]]),
  };
}

/** The decision trail as a tree. */
export function decisionsDocument(inputs: DecisionsInputs): Doc {
  const parsed = parseDecisions(inputs.text);
  const ds = parsed.decisions;
  const title = `Decision trail: ${inputs.file}`;
  const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();
  const outcomes = new Map<string, number>();
  const rules = new Map<string, number>();
  for (const { d } of ds) {
    outcomes.set(d.outcome, (outcomes.get(d.outcome) ?? 0) + 1);
    rules.set(d.rule, (rules.get(d.rule) ?? 0) + 1);
  }
  const rows: Cell[][] = [];
  const rowData: Record<string, string>[] = [];
  for (const { line, d } of ds) {
    const c = concerned(d);
    const reqs = d.cites.map((x) => str(x.req));
    rows.push([
      [String(line)],
      [d.at, ...(d.trigger === "timer" ? [` (timer, due ${str(d.due)})`] : [])],
      [d.event === null ? "—" : code(str(d.event))],
      [code(d.type)],
      [mark(OUTCOME_TONE[d.outcome] ?? "muted", d.outcome)],
      subjectCell(d),
      [d.policy === null || d.policy === undefined ? "—" : str(d.policy)],
      [inputs.reviewer?.rules.has(d.rule) ? link(`${inputs.reviewer.href}#${ruleAnchor(d.rule)}`, code(d.rule)) : code(d.rule)],
      [d.reason],
      reqs.length ? join(reqs.map((r) => [inputs.reviewer ? link(`${inputs.reviewer.href}#req-${r}`, code(r)) : code(r)])) : ["—"],
      d.effects.length ? join(d.effects.map((e) => [effectText(e)]), "; ") : ["—"],
    ]);
    const at = Date.parse(d.at);
    rowData.push({
      outcome: JSON.stringify([d.outcome]),
      rule: JSON.stringify([d.rule]),
      reqs: JSON.stringify(reqs),
      groups: JSON.stringify(c.groups),
      users: JSON.stringify(c.users),
      at: Number.isNaN(at) ? "" : String(at),
    });
  }
  const allGroups = sorted(ds.flatMap(({ d }) => concerned(d).groups));
  const allUsers = sorted(ds.flatMap(({ d }) => concerned(d).users));
  const blocks: Block[] = [
    h(1, "top", title),
    p(
      `${ds.length} decision${ds.length === 1 ? "" : "s"}`,
      ...(inputs.policy ? [" of policy ", code(inputs.policy.name), ...(inputs.policy.id ? [" (id ", code(inputs.policy.id), ")"] : [])] : []),
      `, in the order they were made, from ${ds.length ? `${ds[0]!.d.at} to ${ds[ds.length - 1]!.d.at}` : "—"}. `,
      "Every decision is a record kept for inspection (Article 13, ",
      code("A13.inspection"),
      `); filter by outcome, rule, requirement, group, user (${allGroups.length} groups and ${allUsers.length} users appear, as subjects or as targets of measures) or time.`,
    ),
  ];
  const unnamed = trailPolicies(parsed).unnamed;
  if (unnamed && inputs.policy) {
    blocks.push({ t: "p", children: [mark("gap", unnamed === 1 ? "1 decision does not name its policy" : `${unnamed} decisions do not name their policy`), " (no ", code("policyName"), " and ", code("policyId"), `): nothing shows that ${unnamed === 1 ? "it was" : "they were"} decided by this policy.`] });
  }
  if (parsed.unreadable.length) {
    const shown = parsed.unreadable.slice(0, 20).join(", ");
    const one = parsed.unreadable.length === 1;
    blocks.push({ t: "p", children: [mark("gap", one ? "1 line is not a decision" : `${parsed.unreadable.length} lines are not decisions`), ` and ${one ? "is" : "are"} left out: line${one ? "" : "s"} ${shown}${parsed.unreadable.length > 20 ? ", …" : ""}.`] });
  }
  blocks.push(
    { t: "details", summary: ["Counts by outcome and by rule"], blocks: [{ t: "section", cls: "counts", label: "Counts", blocks: [countTable("Decisions by outcome", "Outcome", outcomes, false), countTable("Decisions by rule", "Rule", rules, true)] }] },
    h(2, "trail", "Decisions"),
    {
      t: "filters",
      fields: [
        { key: "outcome", label: "Outcome", options: sorted(outcomes.keys()) },
        { key: "rule", label: "Rule", options: sorted(rules.keys()) },
        { key: "reqs", label: "Requirement", options: sorted(ds.flatMap(({ d }) => d.cites.map((x) => str(x.req)))) },
        { key: "groups", label: "Group", match: "exact", placeholder: "group id" },
        { key: "users", label: "User", match: "exact", placeholder: "user id" },
        { key: "from", label: "From (inclusive)", match: "time-from", placeholder: "2017-10-09T00:00:00+08:00" },
        { key: "to", label: "To (exclusive)", match: "time-to", placeholder: "2017-10-10T00:00:00+08:00" },
      ],
    },
    {
      t: "table",
      id: "decisions",
      cls: "trail",
      caption: "Decisions, in order",
      head: ["Line", "Time", "Event", "Type", "Outcome", "Subject", "Version", "Rule", "Reason", "Cites", "Effects"],
      rowHeader: true,
      rows,
      rowData,
      pageSize: TRAIL_PAGE_SIZE,
    },
  );
  return {
    title,
    blocks,
    css: `
.filters { display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: end; margin: .8rem 0; padding: .6rem; background: var(--bg-soft); }
.filter { display: flex; flex-direction: column; font-size: .9rem; }
.filter input, .filter select, .filter button { font: inherit; padding: .2rem .3rem; min-width: 10rem; }
.filter input[aria-invalid="true"] { border: 2px solid var(--gap); }
.filter input[data-match^="time"] { min-width: 17rem; }
.counts { display: flex; flex-wrap: wrap; gap: 1.5rem; }
.counts .table-wrap { flex: 1 1 18rem; }
table.trail { font-size: .85rem; }
table.trail td:nth-child(9) { min-width: 16rem; }
.pager { display: flex; gap: .8rem; align-items: center; margin: .4rem 0; }
`,
    script: FILTER_SCRIPT,
    cls: "decisions",
  };
}
