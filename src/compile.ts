/**
 * The compiler pipeline in its fixed order (OPA style): parse → check → emit, then optionally the
 * self-check of the emitted IR against its schema. Each stage returns values and diagnostics; a
 * stage runs only when the one before it produced no errors, except that `lenient` lets
 * requirement errors (diagnostics that carry `reqs`, such as a tier gap or a measure that does not
 * report) through to emission, so `qungui verify` can run such a policy and show the event stream
 * that breaks the law.
 */
import type { PolicyFile } from "./ast/nodes.js";
import { check, typeOfExprs } from "./check/index.js";
import { emitIR } from "./ir/emit.js";
import { irSchemaErrors } from "./ir/load.js";
import type { PolicyIR } from "./ir/types.js";
import { error, hasErrors, sortDiagnostics, type Diagnostic } from "./source/diagnostic.js";
import { Source, syntheticSpan } from "./source/span.js";
import { parse } from "./syntax/index.js";

export interface CompileOptions {
  /** Emit IR even when the only errors are requirement errors (used by verify). */
  lenient?: boolean;
  /**
   * Validate the emitted IR against the IR schema and report a schema failure as QG079 (a bug in
   * the emitter). Defaults to {@link selfCheckByDefault}.
   */
  selfCheck?: boolean;
}

/**
 * Whether compiles check their own output when the caller does not say: only when the environment
 * variable `QUNGUI_SELF_CHECK` is `1`, as the test suite sets it (vitest.config.ts). Like a
 * compiler's debug assertions, the self-check is for finding bugs in qungui, not in policies: the
 * emitter's output is valid by construction and the tests hold it to that, while validating it
 * is a good part of a compile's time (docs/performance.md). IR that comes from anywhere else is always
 * validated (src/ir/load.ts).
 */
export function selfCheckByDefault(): boolean {
  // `globalThis.process`: the playground runs the compiler in a browser, where there is none.
  return globalThis.process?.env?.["QUNGUI_SELF_CHECK"] === "1";
}

export interface CompileResult {
  source: Source;
  ast: PolicyFile | null;
  ir: PolicyIR | null;
  diagnostics: Diagnostic[];
}

/** Parses and checks a policy text: every diagnostic, no IR. */
export function checkPolicyText(text: string, file: string): { source: Source; ast: PolicyFile | null; diagnostics: Diagnostic[] } {
  const source = new Source(file, text);
  const parsed = parse(source);
  if (!parsed.ast || hasErrors(parsed.diagnostics)) return { source, ast: parsed.ast, diagnostics: sortDiagnostics(parsed.diagnostics) };
  return { source, ast: parsed.ast, diagnostics: sortDiagnostics([...parsed.diagnostics, ...check(parsed.ast)]) };
}

/** The whole front end: text → IR, or the diagnostics that prevent it. */
export function compilePolicyText(text: string, file: string, options: CompileOptions = {}): CompileResult {
  const checked = checkPolicyText(text, file);
  const { source, ast, diagnostics } = checked;
  if (!ast) return { source, ast, ir: null, diagnostics };
  const blocking = diagnostics.filter((d) => d.severity === "error" && !(options.lenient && d.reqs && d.reqs.length > 0));
  if (blocking.length > 0) return { source, ast, ir: null, diagnostics };
  const ir = emitIR(ast, typeOfExprs(ast), { text });
  const schemaErrors = (options.selfCheck ?? selfCheckByDefault()) ? irSchemaErrors(ir) : [];
  if (schemaErrors.length > 0) {
    const detail = schemaErrors.slice(0, 3).map((e) => `${e.instancePath} ${e.message ?? ""}`).join("; ");
    return {
      source,
      ast,
      ir: null,
      diagnostics: sortDiagnostics([...diagnostics, error("QG079", syntheticSpan(file), `internal error: emitted IR fails its schema: ${detail}`, { help: "this is a bug in qungui; please report it with the policy" })]),
    };
  }
  return { source, ast, ir, diagnostics };
}
