/**
 * A policy read back from a store (its IR text, as the engine committed it) goes through the same
 * validation as any other IR — schema, cross-references and `compileProgram` (src/engine/runnable.ts)
 * — because a store is a file or a database that anything may have written to. Every reader of
 * stored policies comes here: replay and recovery, `serve` without a policy file, `records`.
 */
import { runnableProgram, type Program, type ProgramOptions } from "../engine/index.js";
import { loadIRText } from "../ir/load.js";
import type { PolicyIR } from "../ir/types.js";
import type { Diagnostic } from "../source/diagnostic.js";
import { StoreError } from "./types.js";

/** A stored policy that does not load; `diagnostics` say why (QG070–QG079). */
export class StoredPolicyError extends StoreError {
  override name = "StoredPolicyError";
  constructor(
    message: string,
    readonly diagnostics: Diagnostic[],
  ) {
    super(message);
  }
}

/** The IR and program of a stored policy, or a {@link StoredPolicyError}. */
export function loadStoredPolicy(key: string, text: string, options: ProgramOptions = {}): { ir: PolicyIR; program: Program } {
  const loaded = loadIRText(text);
  const { program, diagnostics } = runnableProgram(loaded.ir, loaded.diagnostics, `<store policy ${key.slice(0, 12)}>`, options);
  if (loaded.ir === null || program === null) {
    const first = diagnostics.find((d) => d.severity === "error");
    throw new StoredPolicyError(`stored policy ${key.slice(0, 12)}… does not load: ${first ? `${first.code} ${first.message}` : "invalid"}`, diagnostics);
  }
  return { ir: loaded.ir, program };
}
