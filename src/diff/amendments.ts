/**
 * What each amendment of a policy changes in decisions: each version against the version before,
 * by label of the later one. For the reviewer document's change history and the Chinese filing;
 * the solver is loaded by the caller's dynamic import of this module, so documents of a policy
 * with one version never load it.
 */
import type { PolicyIR } from "../ir/types.js";
import { semanticDiff, type SemanticDiff } from "./semantic.js";

export async function amendmentDiffs(ir: PolicyIR): Promise<Map<string, SemanticDiff>> {
  const out = new Map<string, SemanticDiff>();
  for (let i = 1; i < ir.versions.length; i++) out.set(ir.versions[i]!.version, await semanticDiff({ ir, version: ir.versions[i - 1]! }, { ir, version: ir.versions[i]! }));
  return out;
}
