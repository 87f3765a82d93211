/**
 * Every command that needs a compiled policy gets it here: a `.qg` file is compiled, a `.json` file
 * is loaded as IR, and either is then compiled for the engine by `runnableProgram` — the one way
 * the library's `loadIR` does it — so IR the engine cannot run is the diagnostic QG079 (exit 1) in
 * every command, never a `ProgramError` stack trace. Diagnostics are printed the same way for both.
 */
import { compilePolicyText } from "../compile.js";
import { runnableProgram, type Program } from "../engine/index.js";
import { loadIRText } from "../ir/load.js";
import type { PolicyIR } from "../ir/types.js";
import { hasErrors, type Diagnostic } from "../source/diagnostic.js";
import { renderDiagnostics } from "../source/render.js";
import type { Source } from "../source/span.js";
import { readText, type Io } from "./io.js";

export interface LoadedPolicy {
  ir: PolicyIR | null;
  /** Null when the policy has errors or its IR cannot run (QG079 is then among the diagnostics). */
  program: Program | null;
  diagnostics: Diagnostic[];
  source?: Source;
}

export interface LoadOptions {
  /** Let requirement errors through to the IR and the program (`qungui verify`). */
  lenient?: boolean;
  /** The wall clock the program's intake compares event times with (`run`, `serve`). */
  wallClock?: () => number;
}

/** The IR of a policy file (and its source, for `.qg`), before the engine has seen it. */
export function loadPolicyIR(path: string, text: string, options: { lenient?: boolean } = {}): { ir: PolicyIR | null; diagnostics: Diagnostic[]; source?: Source } {
  if (path.endsWith(".json")) return loadIRText(text);
  const result = compilePolicyText(text, path, options);
  return { ir: result.ir, diagnostics: result.diagnostics, source: result.source };
}

export function loadPolicyFile(path: string, options: LoadOptions = {}): LoadedPolicy {
  const loaded = loadPolicyIR(path, readText(path), options);
  const runnable = runnableProgram(loaded.ir, loaded.diagnostics, path, options);
  // QG079 takes the IR with it: no command may go on (check, docs, verify…) with IR the engine refuses.
  const refused = runnable.diagnostics.length > loaded.diagnostics.length;
  return { ir: refused ? null : loaded.ir, program: runnable.program, diagnostics: runnable.diagnostics, ...(loaded.source ? { source: loaded.source } : {}) };
}

/** Loads a policy for a command that cannot go on without it; prints diagnostics to stderr. */
export function requirePolicy(path: string, io: Io, options: LoadOptions = {}): { ir: PolicyIR; program: Program } | null {
  const loaded = loadPolicyFile(path, options);
  if (loaded.diagnostics.length && (hasErrors(loaded.diagnostics) || !loaded.program)) {
    io.err(renderDiagnostics(loaded.diagnostics, loaded.source, { color: io.color }) + "\n");
  }
  return loaded.ir !== null && loaded.program !== null ? { ir: loaded.ir, program: loaded.program } : null;
}
