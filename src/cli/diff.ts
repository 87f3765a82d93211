/**
 * `qungui diff OLD [NEW] [--from V] [--to V] [--events FILE]`: what changes between two policies,
 * or two versions of one. The comparison is proved over every state by the SMT solver (loaded only
 * here); `--events` adds the impact on a recorded stream. Exit 0 when equivalent (and no replayed
 * decision differs), 1 when something changes, 2 for a usage error.
 */
import type { PolicyIR, VersionIR } from "../ir/types.js";
import { EXIT, readText, UsageError, writeText, type Io } from "./io.js";
import { requirePolicy } from "./load-policy.js";

export interface DiffFlags {
  from?: string;
  to?: string;
  events?: string;
  format: string;
  output?: string;
}

function versionOf(ir: PolicyIR, label: string | undefined, file: string): VersionIR {
  if (label === undefined) return ir.versions[ir.versions.length - 1]!;
  const v = ir.versions.find((x) => x.version === label);
  if (!v) throw new UsageError(`${file} has no version ${label} (it has ${ir.versions.map((x) => x.version).join(", ")})`);
  return v;
}

export async function runDiff(oldFile: string, newFile: string | undefined, flags: DiffFlags, io: Io): Promise<number> {
  if (newFile === undefined && flags.from === undefined && flags.to === undefined) throw new UsageError("diff needs two policies, or one policy with --from and --to");
  const oldIr = requirePolicy(oldFile, io)?.ir;
  const newIr = newFile === undefined ? oldIr : requirePolicy(newFile, io)?.ir;
  if (!oldIr || !newIr) return EXIT.diagnostics;
  const a = { ir: oldIr, version: versionOf(oldIr, flags.from, oldFile) };
  const b = { ir: newIr, version: versionOf(newIr, flags.to, newFile ?? oldFile) };
  const { semanticDiff } = await import("../diff/semantic.js");
  const { replayDiff, pinnedTo } = await import("../diff/replay.js");
  const { renderDiffJson, renderDiffText } = await import("../diff/render.js");
  const d = await semanticDiff(a, b);
  // Versions of one policy are replayed pinned to each; two policies each judge by their own versions.
  const pinned = newFile === undefined || flags.from !== undefined || flags.to !== undefined;
  const replay = flags.events === undefined ? null : replayDiff(pinned ? pinnedTo(oldIr, a.version) : oldIr, pinned ? pinnedTo(newIr, b.version) : newIr, readText(flags.events));
  const text = flags.format === "json" ? renderDiffJson(d, replay) : renderDiffText(d, replay);
  if (flags.output) writeText(flags.output, text);
  else io.out(text);
  return d.equivalent && (replay === null || replay.differing === 0) ? EXIT.ok : EXIT.diagnostics;
}
