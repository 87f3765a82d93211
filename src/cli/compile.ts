/** `qungui compile FILE [-o out.json]`: the policy's IR as JSON. */
import { EXIT, writeText, type Io } from "./io.js";
import { requirePolicy } from "./load-policy.js";

export function runCompile(file: string, opts: { output?: string }, io: Io): number {
  const ir = requirePolicy(file, io);
  if (!ir) return EXIT.diagnostics;
  const text = JSON.stringify(ir, null, 2) + "\n";
  if (opts.output) writeText(opts.output, text);
  else io.out(text);
  return EXIT.ok;
}
