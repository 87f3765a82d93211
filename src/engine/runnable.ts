/**
 * The one way an IR becomes a program for every caller — the library's `compilePolicy`/`loadIR`,
 * every CLI command, the server (start, reload, the store's policies) and the policy test runner.
 * The IR schema and its cross-reference checks (src/ir/load.ts) cannot express everything
 * `compileProgram` needs (a template path in `because`, an action on the wrong kind of target…):
 * IR that passes them and still cannot run comes back as the diagnostic QG079, a value, never as
 * a `ProgramError` thrown past a command (issue 13, item 7).
 */
import type { PolicyIR } from "../ir/types.js";
import { error, hasErrors, type Diagnostic } from "../source/diagnostic.js";
import { syntheticSpan } from "../source/span.js";
import { compileProgram, type Program, type ProgramOptions } from "./program.js";
import { ProgramError } from "./version.js";

export interface Runnable {
  /** Null when the IR is null, has errors, or cannot run (then `diagnostics` holds QG079). */
  program: Program | null;
  diagnostics: Diagnostic[];
}

/** The QG079 diagnostic of IR the engine cannot run. */
export function unrunnableDiagnostic(file: string, problem: string): Diagnostic {
  return error("QG079", syntheticSpan(file), `internal error: the engine cannot run this IR: ${problem}`, { help: "this is a bug in qungui, or the IR was edited by hand; please report it with the policy" });
}

/**
 * Compiles `ir` for the engine unless it is null or `diagnostics` hold an error (`lenient`: an
 * error does not stop compilation, for `qungui verify`, which runs policies with requirement
 * errors). A `ProgramError` becomes QG079 appended to the diagnostics.
 */
export function runnableProgram(ir: PolicyIR | null, diagnostics: readonly Diagnostic[], file: string, options: ProgramOptions & { lenient?: boolean } = {}): Runnable {
  if (ir === null || (hasErrors(diagnostics) && !options.lenient)) return { program: null, diagnostics: [...diagnostics] };
  try {
    return { program: compileProgram(ir, options.wallClock ? { wallClock: options.wallClock } : {}), diagnostics: [...diagnostics] };
  } catch (e) {
    if (!(e instanceof ProgramError)) throw e;
    return { program: null, diagnostics: [...diagnostics, unrunnableDiagnostic(file, e.message)] };
  }
}
