/**
 * `qungui verify POLICY`: the regulation's requirements as checks on the policy, with shrunk
 * counterexamples. A non-compliant policy is compiled leniently so that a tier gap or a measure
 * that does not report can still be run and shown.
 */
import { performance } from "node:perf_hooks";
import cliProgress from "cli-progress";
import { engineOf } from "../verify/session.js";
import { renderJson, renderSarif, renderText } from "../verify/report.js";
import { verify } from "../verify/run.js";
import { EXIT, UsageError, writeText, type Io } from "./io.js";
import { loadPolicyFile } from "./load-policy.js";
import { checkerFindings } from "../verify/checker.js";
import { hasErrors } from "../source/diagnostic.js";
import { renderDiagnostics } from "../source/render.js";

export interface VerifyFlags {
  format: string;
  seed: string;
  runs: string;
  only?: string[];
  output?: string;
  progress?: boolean;
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} takes a whole number, got ${text}`);
  return n;
}

export function runVerify(file: string, flags: VerifyFlags, io: Io, isTty: boolean): number {
  const loaded = loadPolicyFile(file, { lenient: true });
  const { ir, program } = loaded;
  if (loaded.diagnostics.length && (hasErrors(loaded.diagnostics) || !ir)) io.err(renderDiagnostics(loaded.diagnostics, loaded.source, { color: io.color }) + "\n");
  if (!ir || !program) return EXIT.diagnostics;
  const seed = positiveInt(flags.seed, "--seed");
  const runs = positiveInt(flags.runs, "--runs");
  const bar = isTty && flags.progress !== false ? new cliProgress.SingleBar({ format: "  {phase} [{bar}] {value}/{total}", clearOnComplete: true, stream: process.stderr }, cliProgress.Presets.shades_classic) : undefined;
  bar?.start(runs, 0, { phase: "exploring" });
  const report = verify(ir, engineOf(program), {
    seed,
    runs,
    ...(flags.only ? { only: flags.only } : {}),
    checker: checkerFindings(loaded.diagnostics),
    now: () => performance.now(),
    onProgress: (done, total, phase) => {
      bar?.setTotal(total);
      bar?.update(done, { phase });
    },
  });
  bar?.stop();
  const text = flags.format === "json" ? renderJson(report, file) : flags.format === "sarif" ? renderSarif(report, file) : renderText(report, file, io.color);
  if (flags.output) writeText(flags.output, text);
  else io.out(text);
  return report.ok ? EXIT.ok : EXIT.diagnostics;
}
