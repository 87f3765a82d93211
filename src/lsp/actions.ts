/**
 * Quick fixes for the checker's findings: the did-you-mean replacements its help lines carry, a
 * band for a tier gap (extend the neighbouring tier, or add a tier), and the `record` and
 * `report to authority` an Article 11 action list lacks.
 */
import type * as A from "../ast/nodes.js";
import { walk } from "../ast/walk.js";
import { CODES } from "../check/index.js";
import type { Diagnostic } from "../source/diagnostic.js";
import { bandProblems } from "../vocab/tiers.js";
import type { Analysis } from "./document.js";

export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  title: string;
  /** The diagnostic it fixes. */
  diagnostic: Diagnostic;
  edits: TextEdit[];
  preferred: boolean;
}

const DID_YOU_MEAN = /did you mean `([^`]+)`\?/;

/** The fixes for the diagnostics that overlap [start, end]. */
export function fixes(a: Analysis, start: number, end: number): Fix[] {
  const out: Fix[] = [];
  for (const d of a.diagnostics) {
    if (d.span.end.offset < start || d.span.start.offset > end) continue;
    out.push(...fixesFor(a, d));
  }
  return out;
}

export function fixesFor(a: Analysis, d: Diagnostic): Fix[] {
  const out: Fix[] = [];
  const suggestion = d.help ? DID_YOU_MEAN.exec(d.help)?.[1] : undefined;
  const written = a.source.text.slice(d.span.start.offset, d.span.end.offset);
  if (suggestion && written !== "" && !/\s/.test(written)) {
    out.push({ title: `Change \`${written}\` to \`${suggestion}\``, diagnostic: d, edits: [{ start: d.span.start.offset, end: d.span.end.offset, newText: suggestion }], preferred: true });
  }
  if (!a.ast) return out;
  if (d.code === CODES.tierGap) out.push(...tierGapFixes(a, a.ast, d));
  if (d.code === CODES.noRecord || d.code === CODES.noReport) out.push(...recordReportFixes(a.ast, d));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Tier gaps

function tierGapFixes(a: Analysis, ast: A.PolicyFile, d: Diagnostic): Fix[] {
  const at = d.span.start.offset;
  const out: Fix[] = [];
  walk(ast, (n) => {
    if (n.kind !== "TiersSection") return;
    const caps: number[] = [];
    walk(ast, (m) => {
      if (m.kind === "LimitsSection" && m.membersPerGroup) caps.push(m.membersPerGroup.value);
    });
    for (const list of [n.tiers, ...n.overrides.map((o) => o.tiers)]) {
      const banded = list.filter((t): t is A.TierDecl & { members: A.IntRange } => t.members !== null);
      if (!banded.some((t) => t.span.start.offset <= at && at <= t.span.end.offset)) continue;
      const cap = caps[0] ?? Math.max(...banded.map((t) => t.members.to.value));
      const { gaps } = bandProblems({ tiers: banded.map((t) => ({ name: t.name.name, minMembers: t.members.from.value, maxMembers: t.members.to.value })) }, cap);
      for (const [lo, hi] of gaps) out.push(...gapFixes(a, banded, lo, hi, d));
    }
  });
  return out;
}

function gapFixes(a: Analysis, tiers: readonly (A.TierDecl & { members: A.IntRange })[], lo: number, hi: number, d: Diagnostic): Fix[] {
  const below = tiers.filter((t) => t.members.to.value === lo - 1).sort((x, y) => y.span.start.offset - x.span.start.offset)[0];
  const above = tiers.filter((t) => t.members.from.value === hi + 1)[0];
  const out: Fix[] = [];
  if (below) out.push({ title: `Extend tier \`${below.name.name}\` to ${hi} members`, diagnostic: d, edits: [{ start: below.members.to.span.start.offset, end: below.members.to.span.end.offset, newText: String(hi) }], preferred: true });
  else if (above) out.push({ title: `Start tier \`${above.name.name}\` at ${lo} members`, diagnostic: d, edits: [{ start: above.members.from.span.start.offset, end: above.members.from.span.end.offset, newText: String(lo) }], preferred: true });
  const neighbour = below ?? above;
  if (neighbour) {
    const names = new Set(tiers.map((t) => t.name.name));
    let name = `band-${lo}-${hi}`;
    for (let i = 2; names.has(name); i++) name = `band-${lo}-${hi}-${i}`;
    const text = a.source.text;
    const lineStart = text.lastIndexOf("\n", neighbour.span.start.offset - 1) + 1;
    const indent = text.slice(lineStart, neighbour.span.start.offset).replace(/\S.*$/, "");
    const quals = neighbour.creatorRequires.map((q) => (q.kind === "VerifiedQual" ? "verified" : `credit >= ${q.level.name}`));
    const decl = `tier ${name} { members ${lo}..${hi}${quals.length ? `  creator requires ${quals.join(", ")}` : ""}${neighbour.joinApproval ? "  join requires approval" : ""} }`;
    const edit = below ? { start: below.span.end.offset, end: below.span.end.offset, newText: `\n${indent}${decl}` } : { start: neighbour.span.start.offset, end: neighbour.span.start.offset, newText: `${decl}\n${indent}` };
    out.push({ title: `Add tier \`${name}\` for ${lo}..${hi} members (qualifications of \`${neighbour.name.name}\`)`, diagnostic: d, edits: [edit], preferred: false });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// record, report to authority

interface ActionList {
  owner: A.Node;
  actions: A.Action[];
}

function recordReportFixes(ast: A.PolicyFile, d: Diagnostic): Fix[] {
  const lists: ActionList[] = [];
  walk(ast, (n) => {
    if (n.kind === "MeasureDecl") lists.push({ owner: n, actions: n.actions });
    else if (n.kind === "ResponsibilitySection" || n.kind === "ComplaintsSection") lists.push({ owner: n, actions: n.otherwise });
    else if (n.kind === "WarnAction" && n.otherwise.length > 0) lists.push({ owner: n, actions: n.otherwise });
  });
  const at = d.span.start.offset;
  const containing = lists.filter((l) => l.actions.length > 0 && l.owner.span.start.offset <= at && at <= l.owner.span.end.offset);
  // The diagnostic is on the list's owner, or on the nested `otherwise` list it is about.
  const target = containing.sort((x, y) => y.owner.span.start.offset - x.owner.span.start.offset)[0];
  if (!target) return [];
  const missing: string[] = [];
  if (!target.actions.some((x) => x.kind === "RecordAction")) missing.push("record");
  if (!target.actions.some((x) => x.kind === "ReportAction" && x.to.name === "authority")) missing.push("report to authority");
  if (missing.length === 0) return [];
  const end = target.actions[target.actions.length - 1]!.span.end.offset;
  return [{ title: `Add \`${missing.join(", ")}\``, diagnostic: d, edits: [{ start: end, end, newText: `, ${missing.join(", ")}` }], preferred: true }];
}
