/** The compiled engine as verify drives it: one fresh state per stream, forks through state JSON. */
import { cloneState, compileProgram, emptyState, serializeDecision, snapshotState, type Decision, type EngineState, type Program } from "../engine/index.js";
import type { PolicyIR } from "../ir/types.js";
import type { GenEvent } from "./oracle.js";

/** One run of the engine over a stream, as verify needs it (an engine under test may bring its own). */
export interface EngineSession {
  /** Evaluates one event: its decisions (timer decisions first), or the reason it was refused. */
  feed(event: GenEvent): { decisions: Decision[]; serialized: string[] } | { refused: string };
  /** The state as JSON (checked for personal information). */
  snapshot(): string;
  /** An independent copy of this session (through the state's JSON form). */
  fork(): EngineSession;
}

export type EngineFactory = (ir: PolicyIR) => () => EngineSession;


function session(program: Program, state: EngineState): EngineSession {
  return {
    feed(event) {
      const r = program.evaluate(event, state);
      if (r.deadLetter) return { refused: r.deadLetter.reason };
      return { decisions: r.decisions, serialized: r.decisions.map(serializeDecision) };
    },
    snapshot: () => snapshotState(state),
    fork: () => session(program, cloneState(state)),
  };
}

/** Compiles the policy once; each call of the returned function starts an empty engine. */
export const compiledEngine: EngineFactory = (ir) => engineOf(compileProgram(ir))(ir);

/** The same for a program already compiled (the CLI compiles it once, in src/cli/load-policy.ts). */
export function engineOf(program: Program): EngineFactory {
  return () => () => session(program, emptyState());
}
