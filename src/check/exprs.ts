/** Small helpers over expressions: children, pre-order visits, and the source-like text used in messages. */
import type * as A from "../ast/nodes.js";
import { ENUM_TYPES, ROOTS, type ValueType } from "../vocab/paths.js";
import { assertNever } from "../source/exhaustive.js";

export function children(e: A.Expr): A.Expr[] {
  switch (e.kind) {
    case "BinaryExpr":
    case "CompareExpr":
    case "ArithExpr":
      return [e.left, e.right];
    case "NotExpr":
      return [e.operand];
    case "InExpr":
      return e.right.kind === "ListExpr" ? [e.left, e.right] : [e.left];
    case "IfExpr":
      return [e.cond, e.then, e.else];
    case "WindowExpr":
      return [e.path];
    case "ListExpr":
      return e.items;
    case "ParenExpr":
      return [e.inner];
    default:
      return [];
  }
}

export function visitExpr(e: A.Expr, fn: (e: A.Expr) => void): void {
  fn(e);
  // The children in the order of `children`, without an array per node: checks visit every
  // expression of every rule.
  switch (e.kind) {
    case "BinaryExpr":
    case "CompareExpr":
    case "ArithExpr":
      visitExpr(e.left, fn);
      visitExpr(e.right, fn);
      return;
    case "NotExpr":
      visitExpr(e.operand, fn);
      return;
    case "InExpr":
      visitExpr(e.left, fn);
      if (e.right.kind === "ListExpr") visitExpr(e.right, fn);
      return;
    case "IfExpr":
      visitExpr(e.cond, fn);
      visitExpr(e.then, fn);
      visitExpr(e.else, fn);
      return;
    case "WindowExpr":
      visitExpr(e.path, fn);
      return;
    case "ListExpr":
      for (const item of e.items) visitExpr(item, fn);
      return;
    case "ParenExpr":
      visitExpr(e.inner, fn);
      return;
    case "PathExpr":
    case "IntLit":
    case "Duration":
    case "StringLit":
    case "BoolLit":
    case "DateTimeLit":
      return;
    default:
      assertNever(e, "expression");
  }
}

/** A single name that is not a path root: an enumeration literal (`B`, `news-discussion`, `manager`). */
export function isBareName(e: A.Expr): boolean {
  return e.kind === "PathExpr" && e.parts.length === 1 && !(ROOTS as readonly string[]).includes(e.parts[0]!);
}

/**
 * A single name other than `now`: a bare enumeration literal, or a root written alone. The root
 * `creator` is also a role, so `user.role == creator` reads it as the role (types.ts decides).
 */
export function isNameLike(e: A.Expr): boolean {
  return e.kind === "PathExpr" && e.parts.length === 1 && e.parts[0] !== "now";
}

/** The name of an enumeration literal: a single name the checker typed as an enumeration. */
export function enumLiteralName(e: A.Expr, types: ReadonlyMap<A.Expr, ValueType>): string | undefined {
  if (e.kind !== "PathExpr" || e.parts.length !== 1) return undefined;
  const t = types.get(e);
  return t !== undefined && ENUM_TYPES.includes(t) ? e.parts[0] : undefined;
}

/** Skips parentheses. */
export function unparen(e: A.Expr): A.Expr {
  return e.kind === "ParenExpr" ? unparen(e.inner) : e;
}

const PREC: Partial<Record<A.Expr["kind"], number>> = { BinaryExpr: 1, NotExpr: 3, CompareExpr: 4, InExpr: 4, ArithExpr: 5, IfExpr: 0 };

function prec(e: A.Expr): number {
  if (e.kind === "BinaryExpr") return e.op === "or" ? 1 : 2;
  return PREC[e.kind] ?? 9;
}

/** The expression as a person would write it (normalised spacing), for messages. */
export function show(e: A.Expr): string {
  const wrap = (c: A.Expr, min: number) => (prec(c) < min ? `(${show(c)})` : show(c));
  switch (e.kind) {
    case "BinaryExpr": {
      const p = prec(e);
      return `${wrap(e.left, p)} ${e.op} ${wrap(e.right, p + 1)}`;
    }
    case "NotExpr":
      return `not ${wrap(e.operand, 3)}`;
    case "CompareExpr":
      return `${wrap(e.left, 5)} ${e.op} ${wrap(e.right, 5)}`;
    case "InExpr": {
      const right = e.right.kind === "IntRange" ? `${e.right.from.value}..${e.right.to.value}` : show(e.right);
      return `${wrap(e.left, 5)} ${e.negated ? "not in" : "in"} ${right}`;
    }
    case "IfExpr":
      return `if ${show(e.cond)} then ${show(e.then)} else ${show(e.else)}`;
    case "ArithExpr":
      return `${wrap(e.left, 5)} ${e.op} ${wrap(e.right, 6)}`;
    case "PathExpr":
      return e.parts.join(".");
    case "WindowExpr":
      return `${e.path.parts.join(".")} within ${showDuration(e.within)}`;
    case "IntLit":
      return String(e.value);
    case "Duration":
      return showDuration(e);
    case "StringLit":
      return JSON.stringify(e.value);
    case "BoolLit":
      return String(e.value);
    case "DateTimeLit":
      return `${e.text} ${e.zone.name.startsWith("+") || e.zone.name.startsWith("-") ? e.zone.name : `in ${e.zone.name}`}`;
    case "ListExpr":
      return `[${e.items.map(show).join(", ")}]`;
    case "ParenExpr":
      return `(${show(e.inner)})`;
  }
}

export function showDuration(d: { amount: number; unit: string }): string {
  return `${d.amount} ${d.unit}${d.amount === 1 ? "" : "s"}`;
}
