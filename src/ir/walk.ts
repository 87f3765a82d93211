/**
 * Walking an IR expression. The one place that knows which kinds of expression hold others, so a
 * walk over conditions (the paths a rule reads, the literals it names, the durations it measures)
 * is a filter over `expressionNodes`, and a new kind of expression is handled here once: the
 * switch is exhaustive, and `tsc` names it.
 */
import type { ExprIR } from "./types.js";

/** The expressions directly inside `e`, in source order. */
export function subexpressions(e: ExprIR): readonly ExprIR[] {
  switch (e.kind) {
    case "lit":
    case "duration":
    case "time":
    case "path":
    case "window": // its path and duration are plain fields, not expressions
      return [];
    case "not":
      return [e.arg];
    case "and":
    case "or":
      return e.args;
    case "cmp":
    case "arith":
      return [e.left, e.right];
    case "in":
      return [e.left, ...e.items];
    case "between": // its bounds are numbers
      return [e.left];
    case "if":
      return [e.cond, e.then, e.else];
  }
}

/** `e` and every expression inside it, pre-order (a node before its parts, parts left to right). */
export function* expressionNodes(e: ExprIR): Generator<ExprIR> {
  yield e;
  for (const part of subexpressions(e)) yield* expressionNodes(part);
}
