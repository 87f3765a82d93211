/**
 * Policy versions as the checker sees them: the base file, then each amendment applied on top of
 * the version before (a section is restated clause by clause over the same section, see
 * ast/merge.ts; a rule or measure replaces the one of the same name, `remove` drops one). Names are resolved per version, because an amendment can
 * change the credit scale or the categories that inherited rules refer to.
 */
import type * as A from "../ast/nodes.js";
import { mergeSection } from "../ast/merge.js";

export type SectionKind = A.Section["kind"];

/** The keyword that opens each section, for messages. */
export const SECTION_KEYWORD: Readonly<Record<SectionKind, string>> = {
  AgreementSection: "agreement",
  IdentitySection: "identity",
  CreditSection: "credit",
  CategoriesSection: "categories",
  TiersSection: "tiers",
  LimitsSection: "limits",
  ProhibitedSection: "prohibited",
  ResponsibilitySection: "responsibility",
  ComplaintsSection: "complaints",
  RetentionSection: "retention",
  ManagementSection: "management",
  BlacklistSection: "blacklist",
};

export function isSection(item: A.TopItem | A.Section | A.RuleDecl | A.MeasureDecl): item is A.Section {
  return item.kind in SECTION_KEYWORD;
}

/** The names a version declares, each list in declaration order (levels and severities lowest first). */
export interface Symbols {
  levels: string[];
  categories: string[];
  /** Tier names of every tier table (the default one and each `for` block). */
  tiers: string[];
  severities: string[];
  contentCategories: string[];
}

export interface VersionView {
  /** 0 for the base file, then amendments in source order. */
  index: number;
  /** The version string: the header's, or the amendment's. */
  version: string;
  amendment: A.Amendment | null;
  /** The node that stands for the version in messages: the header, the amendment or the file. */
  node: A.Node;
  effective: A.DateTimeLit | null;
  /** The section of each kind in force (the last one written, as the emitter takes it). */
  sections: Map<SectionKind, A.Section>;
  rules: Map<string, A.RuleDecl>;
  measures: Map<string, A.MeasureDecl>;
  /** Every section, rule and measure to check in this version, duplicates included. */
  sectionNodes: A.Section[];
  ruleNodes: A.RuleDecl[];
  measureNodes: A.MeasureDecl[];
  /** Nodes this version writes itself (as opposed to inheriting them). */
  own: Set<A.Node>;
  symbols: Symbols;
}

function symbolsOf(sections: Map<SectionKind, A.Section>): Symbols {
  const credit = sections.get("CreditSection") as A.CreditSection | undefined;
  const categories = sections.get("CategoriesSection") as A.CategoriesSection | undefined;
  const tiers = sections.get("TiersSection") as A.TiersSection | undefined;
  const prohibited = sections.get("ProhibitedSection") as A.ProhibitedSection | undefined;
  const tierNames = new Set<string>();
  for (const t of tiers?.tiers ?? []) tierNames.add(t.name.name);
  for (const o of tiers?.overrides ?? []) for (const t of o.tiers) tierNames.add(t.name.name);
  return {
    levels: unique(credit?.levels.map((l) => l.name) ?? []),
    categories: unique(categories?.categories.map((c) => c.name.name) ?? []),
    tiers: [...tierNames],
    severities: unique(prohibited?.severities.map((s) => s.name) ?? []),
    contentCategories: unique(prohibited?.categories.map((c) => c.name.name) ?? []),
  };
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}

/** The base version and one version per amendment, in source order. */
export function buildVersions(ast: A.PolicyFile): VersionView[] {
  const baseItems = ast.items.filter((i): i is A.Section | A.RuleDecl | A.MeasureDecl => i.kind !== "Amendment");
  const views: VersionView[] = [];
  const base = apply(null, baseItems, [], 0, ast.header?.version.value ?? "", ast.header ?? ast, ast.header?.effective ?? null, null);
  views.push(base);
  let prev = base;
  for (const amendment of ast.items.filter((i): i is A.Amendment => i.kind === "Amendment")) {
    const next = apply(prev, amendment.items, amendment.removals, views.length, amendment.version.value, amendment, amendment.effective, amendment);
    views.push(next);
    prev = next;
  }
  return views;
}

function apply(
  prev: VersionView | null,
  items: readonly (A.Section | A.RuleDecl | A.MeasureDecl)[],
  removals: readonly A.Removal[],
  index: number,
  version: string,
  node: A.Node,
  effective: A.DateTimeLit | null,
  amendment: A.Amendment | null,
): VersionView {
  const sections = new Map(prev?.sections);
  const rules = new Map(prev?.rules);
  const measures = new Map(prev?.measures);
  const own = new Set<A.Node>();
  const ownSections: A.Section[] = [];
  const ownRules: A.RuleDecl[] = [];
  const ownMeasures: A.MeasureDecl[] = [];
  for (const item of items) {
    own.add(item);
    if (item.kind === "RuleDecl") {
      rules.set(item.name.name, item);
      ownRules.push(item);
    } else if (item.kind === "MeasureDecl") {
      measures.set(item.name.name, item);
      ownMeasures.push(item);
    } else {
      // An amendment restates a section clause by clause over the one in force (ast/merge.ts).
      const before = prev === null ? undefined : sections.get(item.kind);
      const section = before ? mergeSection(before, item) : item;
      own.add(section);
      sections.set(item.kind, section);
      ownSections.push(section);
    }
  }
  for (const r of removals) (r.what === "rule" ? rules : measures).delete(r.name.name);
  // The base version inherits nothing (and may have ten thousand rules to look up for nothing).
  const inherited = <T extends A.Node>(m: Map<unknown, T>): T[] => (prev === null ? [] : [...m.values()].filter((x) => !own.has(x)));
  const inheritedSections = inherited(sections);
  const inheritedRules = inherited(rules);
  const inheritedMeasures = inherited(measures);
  return {
    index,
    version,
    amendment,
    node,
    effective: effective ?? prev?.effective ?? null,
    sections,
    rules,
    measures,
    sectionNodes: [...inheritedSections, ...ownSections],
    ruleNodes: [...inheritedRules, ...ownRules],
    measureNodes: [...inheritedMeasures, ...ownMeasures],
    own,
    symbols: symbolsOf(sections),
  };
}

/** The section of a kind in force in a version, typed. */
export function sectionOf<K extends SectionKind>(v: VersionView, kind: K): Extract<A.Section, { kind: K }> | undefined {
  return v.sections.get(kind) as Extract<A.Section, { kind: K }> | undefined;
}
