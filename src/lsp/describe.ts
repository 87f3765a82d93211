/**
 * What a thing in a policy means, as Markdown for hovers (the language server) and tooltips (the
 * playground): requirement ids with the article's Chinese text, paths with their type and meaning,
 * declared names with their declaration, durations normalised.
 */
import type * as A from "../ast/nodes.js";
import { ARTICLES, requirement, type Requirement } from "../law/articles.js";
import { addDuration, fixedDurationMs, UNIT_MS } from "../source/time.js";
import { PATHS, type ValueType } from "../vocab/paths.js";
import { KIND_TITLE, type Declaration, type SymbolIndex } from "./symbols.js";

/** What a value of each type is, for path hovers. */
const TYPE_MEANING: Record<ValueType, string> = {
  bool: "true or false",
  count: "a whole number (a count)",
  duration: "a duration: compare with one such as `30 days`",
  time: "an instant: compare with `now - 6 months` or a date",
  level: "a credit level of the `credit` section",
  category: "a group category of the `categories` section",
  tier: "a tier of the `tiers` section (`none` when no tier fits)",
  severity: "a severity of the `prohibited` section",
  role: "a role: `creator`, `manager`, `member` or `none`",
  action: "a management action: `remove-member`, `delete-message` or `mute`",
  string: "a string",
};

/** A requirement id: the requirement, the article's Chinese text and qungui's English summary. */
export function describeRequirement(id: string): string {
  const r = requirement(id);
  if (!r) return `\`${id}\`: not a requirement id of the regulation (see docs/regulation)`;
  const article = ARTICLES[r.article - 1]!;
  const also = r.alsoArticles?.length ? ` (also Article ${r.alsoArticles.join(", ")})` : "";
  return [
    `**${r.id}** — Article ${r.article} ${article.titleZh}${also} · ${kindText(r)}`,
    "",
    r.summary,
    "",
    `> ${article.textZh}`,
    "",
    `*Article ${r.article}, in qungui's own summary (not a translation):* ${article.summaryEn}`,
  ].join("\n");
}

function kindText(r: Requirement): string {
  if (r.declaratory) return "declaratory";
  switch (r.kind) {
    case "static":
      return "checked on the policy";
    case "stream":
      return "checked on event streams";
    case "static+stream":
      return "checked on the policy and on event streams";
    case "doc":
      return "shown in the reviewer documents";
  }
}

/** A path such as `group.members`: its type, what the type means, and the events it is defined on. */
export function describePath(path: string): string | undefined {
  const info = PATHS[path];
  if (!info) return undefined;
  const events = info.events ? `defined on ${info.events.map((e) => `\`${e}\``).join(", ")}` : "defined on every decided event";
  const window = info.window ? "\n\nA window path: write it with `within`, e.g. `" + path + " within 30 days`." : "";
  return `\`${path}\`: **${info.type}** — ${info.doc}\n\n${TYPE_MEANING[info.type]}; ${events}.${window}`;
}

/** `30 days = 720 h`; calendar units say how long they can be. */
export function describeDuration(d: Pick<A.Duration, "amount" | "unit">): string {
  const written = `${d.amount} ${d.unit}${d.amount === 1 ? "" : "s"}`;
  const fixed = fixedDurationMs(d);
  if (fixed !== undefined) {
    const hours = fixed / UNIT_MS.hour;
    const parts = [written];
    if (d.unit === "week") parts.push(`${d.amount * 7} days`);
    if (d.unit !== "hour") parts.push(`${trim(hours)} h`);
    if (hours < 1) parts.push(`${trim(fixed / 1000)} s`);
    return `**${parts.join(" = ")}** (exact elapsed time)`;
  }
  const [lo, hi] = calendarDays(d);
  return `**${written}**: calendar ${d.unit}s in the policy's time zone, ${lo === hi ? `${lo} days` : `${lo}–${hi} days`} (${lo * 24 === hi * 24 ? lo * 24 : `${(lo * 24).toLocaleString("en-US")}–${(hi * 24).toLocaleString("en-US")}`} h) depending on the start; the day of month is kept, clamped to the end of a shorter month`;
}

function trim(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString("en-US") : n.toFixed(2).replace(/0+$/, "");
}

/** The fewest and most whole days a calendar duration spans, over every start day of four years (one leap year). */
function calendarDays(d: Pick<A.Duration, "amount" | "unit">): [number, number] {
  const day = UNIT_MS.day;
  const from = Date.UTC(2016, 0, 1);
  let lo = Infinity;
  let hi = 0;
  for (let t = from; t < from + 1461 * day; t += day) {
    const days = Math.round((addDuration(t, { amount: d.amount, unit: d.unit }, "+00:00") - t) / day);
    lo = Math.min(lo, days);
    hi = Math.max(hi, days);
  }
  return [lo, hi];
}

/** A declared name: what it is, its declaration as written, and its place in its scale. */
export function describeDeclaration(decl: Declaration, symbols: SymbolIndex, text: string): string {
  const head = `${KIND_TITLE[decl.kind]} **${decl.name}**`;
  const lines = [head];
  const uses = symbols.occurrencesOf(decl.kind, decl.name).filter((r) => !r.declaration).length;
  switch (decl.kind) {
    case "level": {
      const c = decl.container as A.CreditSection;
      const pos = c.levels.findIndex((l) => l.name === decl.name);
      lines.push(`${ordinal(pos + 1)} lowest of ${c.levels.length}: ${c.levels.map((l) => l.name).join(" < ")}${c.default ? ` (new users start at ${c.default.name})` : ""}`);
      break;
    }
    case "severity": {
      const p = decl.container as A.ProhibitedSection;
      lines.push(`severities ${p.severities.map((s) => s.name).join(" < ")}; content categories of this severity: ${p.categories.filter((c) => c.severity.name === decl.name).map((c) => `\`${c.name.name}\``).join(", ") || "none"}`);
      break;
    }
    case "category":
    case "content":
    case "tier":
    case "measure":
    case "rule":
      break;
  }
  if (decl.kind !== "level" && decl.kind !== "severity") lines.push("```qungui\n" + excerpt(text, decl.node.span) + "\n```");
  lines.push(`${uses} use${uses === 1 ? "" : "s"} in this file · declared at line ${decl.nameSpan.start.line}`);
  return lines.join("\n\n");
}

function ordinal(n: number): string {
  return n === 1 ? "1st" : n === 2 ? "2nd" : n === 3 ? "3rd" : `${n}th`;
}

/** The source of a node, at most a dozen lines, with its indentation removed. */
function excerpt(text: string, span: A.Node["span"]): string {
  const lineStart = text.lastIndexOf("\n", span.start.offset - 1) + 1;
  const lines = text.slice(lineStart, span.end.offset).split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  const shown = lines.map((l) => l.slice(indent).replace(/\r$/, ""));
  return shown.length > 12 ? [...shown.slice(0, 11), "  …"].join("\n") : shown.join("\n");
}
