/**
 * The names a policy declares and every place it uses them: credit levels, group categories,
 * tiers, severities, content categories, measures and rules. Definition, references, rename,
 * hover and the outline all read this one index, built from the AST (partial ASTs included) and
 * the checker's expression types (a bare name in a condition is a level, category or tier only by
 * the type of what it is compared with).
 */
import type * as A from "../ast/nodes.js";
import { walk, type AnyNode } from "../ast/walk.js";
import { isEnumLiteral } from "../check/index.js";
import type { ValueType } from "../vocab/paths.js";

export const NAME_KINDS = ["level", "category", "tier", "severity", "content", "measure", "rule"] as const;
export type NameKind = (typeof NAME_KINDS)[number];

/** What each kind is called in messages and hovers. */
export const KIND_TITLE: Record<NameKind, string> = {
  level: "credit level",
  category: "group category",
  tier: "tier",
  severity: "severity",
  content: "prohibited content category",
  measure: "measure",
  rule: "rule",
};

/** The expression types whose literals name a declared thing. */
const KIND_OF_TYPE: Partial<Record<ValueType, NameKind>> = { level: "level", category: "category", tier: "tier", severity: "severity" };

export interface Declaration {
  kind: NameKind;
  name: string;
  /** The name as written in the declaration. */
  nameSpan: A.Ident["span"];
  /** The whole declaring node (a tier's block, a category line, a rule). */
  node: AnyNode;
  /** The section or block it is declared in (for hovers that describe the whole scale). */
  container: AnyNode | null;
}

export interface Reference {
  kind: NameKind;
  name: string;
  span: A.Ident["span"];
  /** True for the declaration's own name. */
  declaration: boolean;
}

export class SymbolIndex {
  readonly declarations: Declaration[] = [];
  readonly references: Reference[] = [];

  /** Declarations of a name of a kind (amendments may declare a section again). */
  declarationsOf(kind: NameKind, name: string): Declaration[] {
    return this.declarations.filter((d) => d.kind === kind && d.name === name);
  }

  /** Every occurrence of a name of a kind, declarations first, in source order. */
  occurrencesOf(kind: NameKind, name: string): Reference[] {
    return this.references.filter((r) => r.kind === kind && r.name === name).sort((a, b) => Number(b.declaration) - Number(a.declaration) || a.span.start.offset - b.span.start.offset);
  }

  /** The occurrence at an offset (a declaration's name or a use), if any. */
  at(offset: number): Reference | undefined {
    return this.references.find((r) => r.span.start.offset <= offset && offset <= r.span.end.offset);
  }

  /** Declared names of a kind, without repeats, in source order. */
  names(kind: NameKind): string[] {
    return [...new Set(this.declarations.filter((d) => d.kind === kind).map((d) => d.name))];
  }
}

export function indexSymbols(ast: A.PolicyFile, types: ReadonlyMap<A.Expr, ValueType>): SymbolIndex {
  const index = new SymbolIndex();
  const declare = (kind: NameKind, ident: A.Ident, node: AnyNode, container: AnyNode | null) => {
    index.declarations.push({ kind, name: ident.name, nameSpan: ident.span, node, container });
    index.references.push({ kind, name: ident.name, span: ident.span, declaration: true });
  };
  const use = (kind: NameKind, ident: A.Ident | null) => {
    if (ident) index.references.push({ kind, name: ident.name, span: ident.span, declaration: false });
  };
  walk(ast, (node, parent) => {
    switch (node.kind) {
      case "CreditSection":
        for (const l of node.levels) declare("level", l, l, node);
        use("level", node.default);
        break;
      case "CategoriesSection":
        for (const c of node.categories) declare("category", c.name, c, node);
        break;
      case "TierDecl":
        declare("tier", node.name, node, parent);
        break;
      case "TierOverride":
        for (const c of node.categories) use("category", c);
        break;
      case "CreditQual":
        use("level", node.level);
        break;
      case "CreditStep":
        use("level", node.atLeast);
        break;
      case "ProhibitedSection":
        for (const s of node.severities) declare("severity", s, s, node);
        break;
      case "ContentCategoryDecl":
        declare("content", node.name, node, parent);
        use("severity", node.severity);
        break;
      case "Trigger":
        use("severity", node.severity);
        for (const c of node.categories) use("content", c);
        break;
      case "MeasureDecl":
        declare("measure", node.name, node, parent);
        break;
      case "RuleDecl":
        declare("rule", node.name, node, parent);
        break;
      case "Removal":
        use(node.what, node.name);
        break;
      case "PathExpr": {
        const kind = isEnumLiteral(node, types) ? KIND_OF_TYPE[types.get(node)!] : undefined;
        if (kind) index.references.push({ kind, name: node.parts[0]!, span: node.span, declaration: false });
        break;
      }
      default:
        break;
    }
  });
  return index;
}
