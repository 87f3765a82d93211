/**
 * The SMT solver, loaded on first use. z3-solver is Z3 compiled to WebAssembly, slow to start
 * (docs/performance.md); only `verify` and `diff` ask for it, through a dynamic import, so `run`, `serve` and the
 * library's engine never load it.
 */
import type { Arith, Bool, Context, Model } from "z3-solver";

export type Z3 = Context;
export type B = Bool;
export type N = Arith;
export type { Model };

let ctx: Promise<Z3> | null = null;

/** The shared Z3 context (one per process: contexts are cheap to query, expensive to start). */
export function z3(): Promise<Z3> {
  ctx ??= import("z3-solver").then(async (m) => {
    const api = await m.init();
    return api.Context("main");
  });
  return ctx;
}

/** A model's value of an integer term (terms the model leaves free read as 0). */
export function intOf(m: Model, e: N): number {
  // Z3 prints negative integers as `(- 5)`.
  const s = m.eval(e, true).toString();
  const neg = /^\(- (\d+)\)$/.exec(s);
  return neg ? -Number(neg[1]) : Number(s);
}

/** A model's value of a boolean term. */
export function boolOf(m: Model, e: B): boolean {
  return m.eval(e, true).toString() === "true";
}
