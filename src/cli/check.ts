/** `qungui check FILE…`: every diagnostic of every file, as text with carets or as JSON. */
import { hasErrors } from "../source/diagnostic.js";
import { diagnosticsToJson, renderDiagnostics } from "../source/render.js";
import { EXIT, type Io } from "./io.js";
import { loadPolicyFile } from "./load-policy.js";

export function runCheck(files: string[], opts: { format: string }, io: Io): number {
  let failed = false;
  const json: object[] = [];
  for (const file of files) {
    const { diagnostics, source } = loadPolicyFile(file);
    failed ||= hasErrors(diagnostics);
    if (opts.format === "json") json.push(...diagnosticsToJson(diagnostics));
    else if (diagnostics.length) io.err(renderDiagnostics(diagnostics, source, { color: io.color }) + "\n");
    else io.err(`${file}: ok\n`);
  }
  if (opts.format === "json") io.out(JSON.stringify(json, null, 2) + "\n");
  return failed ? EXIT.diagnostics : EXIT.ok;
}
