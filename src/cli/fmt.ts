/**
 * `qungui fmt [--check | --write] FILE…`: canonical formatting. Without a flag, prints the result;
 * `--check` lists files that are not formatted and exits 1; `--write` rewrites them in place.
 * A file with syntax errors is never rewritten: its diagnostics are printed instead.
 */
import { format } from "../ast/print.js";
import { hasErrors } from "../source/diagnostic.js";
import { renderDiagnostics } from "../source/render.js";
import { Source } from "../source/span.js";
import { parse } from "../syntax/index.js";
import { EXIT, readText, UsageError, writeText, type Io } from "./io.js";

export function runFmt(files: string[], opts: { check?: boolean; write?: boolean }, io: Io): number {
  if (opts.check && opts.write) throw new UsageError("--check and --write cannot be combined");
  let status: number = EXIT.ok;
  for (const file of files) {
    const text = readText(file);
    const source = new Source(file, text);
    const parsed = parse(source);
    if (!parsed.ast || hasErrors(parsed.diagnostics)) {
      io.err(renderDiagnostics(parsed.diagnostics, source, { color: io.color }) + "\n");
      status = EXIT.diagnostics;
      continue;
    }
    const formatted = format(parsed.ast, parsed.comments, text);
    if (opts.check) {
      if (formatted !== text) {
        io.out(`${file}\n`);
        status = EXIT.diagnostics;
      }
    } else if (opts.write) {
      if (formatted !== text) writeText(file, formatted);
    } else io.out(formatted);
  }
  return status;
}
