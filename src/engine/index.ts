/**
 * The engine's public API: compile a policy IR into a program, keep an engine state, feed it
 * events, get decisions (docs/engine.md).
 */
export { compileProgram, type Program, type ProgramOptions, type EvaluateResult, type ProgramVersion } from "./program.js";
export { ProgramError } from "./version.js";
export { runnableProgram, unrunnableDiagnostic, type Runnable } from "./runnable.js";
export { cloneState, restoreState, StateError } from "./restore.js";
export {
  emptyState,
  snapshotState,
  type EngineState,
  type UserState,
  type GroupState,
  type ComplaintState,
  type Timer,
  type TimerKind,
  type FlagRecord,
  type PendingFlag,
  type MemberRole,
} from "./state.js";
export {
  serializeDecision,
  type Decision,
  type PolicyStamp,
  type Effect,
  type EffectTarget,
  type MeasureKind,
  type Outcome,
  type Subject,
} from "./decision.js";
export { parseEventLine, validateEvent, type DeadLetter, type IntakeContext, type IntakeResult, type IntakeVocab } from "./intake.js";
export type { Event } from "./event.js";
export type { Explanation, RuleExplanation, ExprTrace } from "./explain.js";
export type { MeasureTrace } from "./runtime.js";
export {
  runStream,
  inputLine,
  splitLines,
  serializeDeadLetter,
  boundedLine,
  invalidUtf8Line,
  overlongLine,
  refusedDeadLetter,
  MAX_LINE_BYTES,
  AccountingError,
  type RefusedLine,
  type StreamCounts,
  type StreamSinks,
  type StreamOptions,
} from "./stream.js";
export { addDuration, formatInstant, parseRfc3339, zoneOf, type Zone } from "../source/time.js";
