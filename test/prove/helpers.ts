/** Policies for the prove and diff tests: compiled from source, or IR mutants as stored. */
import { readFileSync } from "node:fs";
import { compilePolicyText } from "../../src/compile.js";
import { loadIRText } from "../../src/ir/load.js";
import type { PolicyIR } from "../../src/ir/types.js";

export const MUTANTS = "test/verify/mutants";
export const REFERENCE = "policies/cac-2017.qg";
export const EXAMPLES = ["policies/examples/forum.qg", "policies/examples/messenger.qg", "policies/examples/neighbourhood.qg", "examples/tutorial/campus.qg"];

export function load(file: string): PolicyIR {
  const text = readFileSync(file, "utf8");
  if (file.endsWith(".json")) {
    const { ir, diagnostics } = loadIRText(text);
    if (!ir) throw new Error(diagnostics.map((d) => d.message).join("; "));
    return ir;
  }
  const { ir, diagnostics } = compilePolicyText(text, file, { lenient: true });
  if (!ir) throw new Error(diagnostics.map((d) => d.message).join("; "));
  return ir;
}

export const manifest = JSON.parse(readFileSync(`${MUTANTS}/mutants.json`, "utf8")) as { file: string; req: string; what: string; /** false: the breach is an absence (a clause, a measure) that verify's static checks find; no event breaches it. */ stream?: boolean }[];
