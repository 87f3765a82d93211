/**
 * One incremental solver per comparison: the assumptions of both sides' facts are asserted once,
 * and every question (is this region empty, is there a situation in it with this value) is asked
 * inside a push/pop scope. A fresh solver per question would re-read the whole
 * encoding each time; the scoped one keeps what it learnt about the assumptions.
 */
import type { B, Model, Z3 } from "../prove/solver.js";

export type Answer = "sat" | "unsat" | "unknown";

export class Query {
  private readonly solver;

  constructor(
    readonly z: Z3,
    assumptions: readonly B[],
  ) {
    this.solver = new z.Solver();
    for (const a of assumptions) this.solver.add(a);
  }

  /**
   * Runs `fn` with `base` asserted once for all its questions (a region's formula holds the whole
   * decision of both sides: asserting it once is much cheaper than with every question).
   */
  async within<T>(base: readonly B[], fn: () => Promise<T>): Promise<T> {
    this.solver.push();
    try {
      this.solver.add(...base);
      return await fn();
    } finally {
      this.solver.pop();
    }
  }

  /** Whether some situation satisfies all of `extra` under the assumptions. */
  async answer(...extra: B[]): Promise<Answer> {
    this.solver.push();
    try {
      this.solver.add(...extra);
      return await this.solver.check();
    } finally {
      this.solver.pop();
    }
  }

  /** A situation satisfying all of `extra`, or null (unsatisfiable, or no answer from the solver). */
  async model(...extra: B[]): Promise<Model | null> {
    this.solver.push();
    try {
      this.solver.add(...extra);
        return (await this.solver.check()) === "sat" ? this.solver.model() : null;
    } finally {
      this.solver.pop();
    }
  }
}
