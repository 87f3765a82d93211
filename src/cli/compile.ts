/**
 * `qungui compile FILE [-o out.json] [--target ir|json-rules-engine]`: the policy's IR as JSON, or
 * its rules as json-rules-engine 7 rules (docs/export.md).
 */
import { exportJsonRulesEngine } from "../export/json-rules-engine.js";
import { EXIT, writeText, type Io } from "./io.js";
import { requirePolicy } from "./load-policy.js";

export const COMPILE_TARGETS = ["ir", "json-rules-engine"] as const;

export function runCompile(file: string, opts: { output?: string; target?: string }, io: Io): number {
  const loaded = requirePolicy(file, io);
  if (!loaded) return EXIT.diagnostics;
  const { ir } = loaded;
  let value: unknown = ir;
  if (opts.target === "json-rules-engine") {
    const r = exportJsonRulesEngine(ir);
    if (r.export === null) {
      io.err(r.problems.map((p) => `qungui compile: cannot export: ${p}\n`).join(""));
      return EXIT.diagnostics;
    }
    value = r.export;
  }
  const text = JSON.stringify(value, null, 2) + "\n";
  if (opts.output) writeText(opts.output, text);
  else io.out(text);
  return EXIT.ok;
}
