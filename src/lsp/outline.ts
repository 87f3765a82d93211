/**
 * The outline (document symbols) and folding ranges. Both follow the file's blocks: the header,
 * sections, tiers and `for` blocks, measures, rules and amendments; folding adds runs of line
 * comments.
 */
import type * as A from "../ast/nodes.js";
import { walk, type AnyNode } from "../ast/walk.js";
import { SECTION_KEYWORD as SECTION_WORD } from "../check/versions.js";
import type { Span } from "../source/span.js";

export type OutlineKind = "policy" | "section" | "tier" | "for" | "measure" | "rule" | "amendment" | "category" | "level";

export interface OutlineItem {
  name: string;
  detail: string;
  kind: OutlineKind;
  span: Span;
  selection: Span;
  children: OutlineItem[];
}


const cites = (s: A.Serves | null) => (s ? s.reqs.map((r) => r.id).join(", ") : "");

export function outline(ast: A.PolicyFile): OutlineItem[] {
  const items: OutlineItem[] = [];
  if (ast.header) items.push({ name: `policy "${ast.header.name.value}"`, detail: `version ${ast.header.version.value}`, kind: "policy", span: ast.header.span, selection: ast.header.name.span, children: [] });
  for (const item of ast.items) items.push(topItem(item));
  return items;
}

function topItem(item: A.TopItem): OutlineItem {
  switch (item.kind) {
    case "Amendment":
      return { name: `amendment "${item.version.value}"`, detail: cites(item.serves), kind: "amendment", span: item.span, selection: item.version.span, children: [...item.items.map(topItem)] };
    case "RuleDecl":
      return { name: item.name.name, detail: `rule · ${item.effect} · ${item.on.map((o) => o.parts.join(".")).join(", ")}`, kind: "rule", span: item.span, selection: item.name.span, children: [] };
    case "MeasureDecl":
      return { name: item.name.name, detail: `measure · ${cites(item.serves)}`, kind: "measure", span: item.span, selection: item.name.span, children: [] };
    default:
      return section(item);
  }
}

function section(s: A.Section): OutlineItem {
  const tier = (t: A.TierDecl): OutlineItem => ({ name: t.name.name, detail: t.members ? `members ${t.members.from.value}..${t.members.to.value}` : "tier", kind: "tier", span: t.span, selection: t.name.span, children: [] });
  let children: OutlineItem[] = [];
  if (s.kind === "TiersSection") {
    children = [...s.tiers.map(tier), ...s.overrides.map((o) => ({ name: `for ${o.categories.map((c) => c.name).join(", ")}`, detail: "tiers of these categories", kind: "for" as const, span: o.span, selection: o.categories[0]?.span ?? o.span, children: o.tiers.map(tier) }))];
  } else if (s.kind === "CategoriesSection") {
    children = s.categories.map((c) => ({ name: c.name.name, detail: c.label?.value ?? "", kind: "category" as const, span: c.span, selection: c.name.span, children: [] }));
  } else if (s.kind === "CreditSection") {
    children = s.levels.map((l) => ({ name: l.name, detail: "credit level", kind: "level" as const, span: l.span, selection: l.span, children: [] }));
  }
  return { name: SECTION_WORD[s.kind], detail: cites(s.serves), kind: "section", span: s.span, selection: s.span, children };
}

export interface Fold {
  /** 1-based lines, inclusive. */
  startLine: number;
  endLine: number;
  comment: boolean;
}

const FOLDED: ReadonlySet<AnyNode["kind"]> = new Set([
  "PolicyHeader",
  "Amendment",
  "TierOverride",
  "TierDecl",
  "MeasureDecl",
  "RuleDecl",
  ...(Object.keys(SECTION_WORD) as A.Section["kind"][]),
]);

export function folds(ast: A.PolicyFile, comments: readonly A.Comment[]): Fold[] {
  const out: Fold[] = [];
  walk(ast, (n) => {
    if (FOLDED.has(n.kind) && n.span.end.line > n.span.start.line) out.push({ startLine: n.span.start.line, endLine: n.span.end.line, comment: false });
  });
  // Runs of consecutive line comments (and multi-line block comments).
  let run: { start: number; end: number } | null = null;
  const flush = () => {
    if (run && run.end > run.start) out.push({ startLine: run.start, endLine: run.end, comment: true });
    run = null;
  };
  for (const c of [...comments].sort((a, b) => a.span.start.offset - b.span.start.offset)) {
    if (run && c.span.start.line === run.end + 1) run.end = c.span.end.line;
    else {
      flush();
      run = { start: c.span.start.line, end: c.span.end.line };
    }
  }
  flush();
  return out.sort((a, b) => a.startLine - b.startLine);
}
