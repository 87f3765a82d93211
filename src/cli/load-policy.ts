/**
 * Every command that needs a compiled policy gets it here: a `.qg` file is compiled, a `.json` file
 * is loaded as IR. Diagnostics are printed the same way for both.
 */
import { compilePolicyText } from "../compile.js";
import { loadIRText } from "../ir/load.js";
import type { PolicyIR } from "../ir/types.js";
import { hasErrors, type Diagnostic } from "../source/diagnostic.js";
import { renderDiagnostics } from "../source/render.js";
import type { Source } from "../source/span.js";
import { readText, type Io } from "./io.js";

export interface LoadedPolicy {
  ir: PolicyIR | null;
  diagnostics: Diagnostic[];
  source?: Source;
}

export function loadPolicyFile(path: string, options: { lenient?: boolean } = {}): LoadedPolicy {
  const text = readText(path);
  if (path.endsWith(".json")) return loadIRText(text);
  const result = compilePolicyText(text, path, options);
  return { ir: result.ir, diagnostics: result.diagnostics, source: result.source };
}

/** Loads a policy for a command that cannot go on without it; prints diagnostics to stderr. */
export function requirePolicy(path: string, io: Io, options: { lenient?: boolean } = {}): PolicyIR | null {
  const loaded = loadPolicyFile(path, options);
  if (loaded.diagnostics.length && (hasErrors(loaded.diagnostics) || !loaded.ir)) {
    io.err(renderDiagnostics(loaded.diagnostics, loaded.source, { color: io.color }) + "\n");
  }
  return loaded.ir;
}
