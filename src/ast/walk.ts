/**
 * A generic walk over any AST node. Children are found by shape, not by a table per kind: every
 * property holding a node (an object with a `kind`) or an array of nodes is a child, in property
 * order (the order of src/ast/nodes.ts, which follows the usual order of the source). Comments are
 * not nodes and are not visited. A new node kind needs no change here.
 */
import type * as A from "./nodes.js";

/** Every node type of the AST, as a union that `switch (node.kind)` narrows. */
export type AnyNode =
  | A.PolicyFile
  | A.PolicyHeader
  | A.Amendment
  | A.Removal
  | A.Section
  | A.CategoryDecl
  | A.TierOverride
  | A.TierDecl
  | A.Qualification
  | A.CreditStepped
  | A.CreditStep
  | A.InfoPageLimit
  | A.ContentCategoryDecl
  | A.MeasureDecl
  | A.Trigger
  | A.Action
  | A.Target
  | A.RuleDecl
  | A.DottedName
  | A.Expr
  | A.IntRange
  | A.Ident
  | A.ReqRef
  | A.Serves
  | A.Zone;

function isNode(value: unknown): value is AnyNode {
  return typeof value === "object" && value !== null && typeof (value as { kind?: unknown }).kind === "string";
}

/**
 * Calls `fn` on each direct child of `node`, in property order. `key` is the property holding the
 * child and `index` its position when the property is a list.
 */
export function forEachChild(node: A.Node, fn: (child: AnyNode, key: string, index: number | null) => void): void {
  for (const [key, value] of Object.entries(node)) {
    if (key === "span") continue;
    if (Array.isArray(value)) {
      value.forEach((v, i) => {
        if (isNode(v)) fn(v, key, i);
      });
    } else if (isNode(value)) {
      fn(value, key, null);
    }
  }
}

/** The direct children of `node`, in property order. */
export function children(node: A.Node): AnyNode[] {
  const out: AnyNode[] = [];
  forEachChild(node, (c) => out.push(c));
  return out;
}

export interface Visitor {
  /** Called before the children; return `false` to skip them. */
  enter?(node: AnyNode, parent: AnyNode | null): void | boolean;
  /** Called after the children (also when `enter` skipped them). */
  leave?(node: AnyNode, parent: AnyNode | null): void;
}

/**
 * Visits `root` and every node below it, depth first, parents before children. A function is the
 * `enter` of a {@link Visitor}: returning `false` skips the node's children.
 */
export function walk(root: A.Node, visit: Visitor | ((node: AnyNode, parent: AnyNode | null) => void | boolean)): void {
  const v: Visitor = typeof visit === "function" ? { enter: visit } : visit;
  const go = (node: AnyNode, parent: AnyNode | null): void => {
    if (v.enter?.(node, parent) !== false) forEachChild(node, (c) => go(c, node));
    v.leave?.(node, parent);
  };
  go(root as AnyNode, null);
}

/** Every node of `kind` at or below `root`, in walk order. */
export function collect<K extends AnyNode["kind"]>(root: A.Node, kind: K): Extract<AnyNode, { kind: K }>[] {
  const out: Extract<AnyNode, { kind: K }>[] = [];
  walk(root, (n) => {
    if (n.kind === kind) out.push(n as Extract<AnyNode, { kind: K }>);
  });
  return out;
}
