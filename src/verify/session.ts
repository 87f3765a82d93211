/** The compiled engine as verify drives it: one fresh state per stream, forks through state JSON. */
import { compileProgram, emptyState, restoreState, serializeDecision, snapshotState, type EngineState, type Program } from "../engine/index.js";
import type { EngineFactory, EngineSession } from "./run.js";

function session(program: Program, state: EngineState): EngineSession {
  return {
    feed(event) {
      const r = program.evaluate(event, state);
      if (r.deadLetter) return { refused: r.deadLetter.reason };
      return { decisions: r.decisions, serialized: r.decisions.map(serializeDecision) };
    },
    snapshot: () => snapshotState(state),
    fork: () => session(program, restoreState(snapshotState(state))),
  };
}

/** Compiles the policy once; each call of the returned function starts an empty engine. */
export const compiledEngine: EngineFactory = (ir) => engineOf(compileProgram(ir))(ir);

/** The same for a program already compiled (the CLI compiles it once, in src/cli/load-policy.ts). */
export function engineOf(program: Program): EngineFactory {
  return () => () => session(program, emptyState());
}
