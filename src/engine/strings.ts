/**
 * One-byte copies of the policy strings every decision carries. A policy compiled from a `.qg`
 * file holds slices of the file's text, and a file with any Chinese in it (comments, `because`
 * texts) is a two-byte string in V8, and so are all its slices: rule names, requirement ids, the
 * version label, the literal parts of reasons. Every decision built from them, its JSON, the stored
 * row and the HTTP response then became two-byte too, which costs twice the memory and a slower
 * conversion on every write. The same policy loaded from IR JSON did not have the problem. Only
 * these strings are copied: copying the whole IR cost half a second at 10,000 rules.
 */
import type { Cite, PolicyIR, RuleIR, TemplatePart, VersionIR } from "../ir/types.js";

const WIDE = /[^\u0000-\u00ff]/;

/**
 * A one-byte copy through Node's Buffer; in a browser (the playground) there is no Buffer, and the
 * strings stay as they are: the same characters, only the memory saving is lost.
 */
const oneByte: (s: string) => string = typeof Buffer === "function" ? (s) => Buffer.from(s, "latin1").toString("latin1") : (s) => s;

/** `s` as a one-byte string when it fits in Latin-1 (the same characters either way). */
export function narrow(s: string): string {
  return typeof s !== "string" || WIDE.test(s) ? s : oneByte(s);
}

function narrowRule(r: RuleIR): RuleIR {
  const because = Array.isArray(r.because) ? r.because.map((p: TemplatePart) => (typeof p === "string" ? narrow(p) : p)) : r.because;
  const cites = Array.isArray(r.cites) ? r.cites.map((c: Cite) => (c !== null && typeof c === "object" ? { ...c, req: narrow(c.req) } : c)) : r.cites;
  return { ...r, name: narrow(r.name), because, cites };
}

function narrowVersion(v: VersionIR): VersionIR {
  if (v === null || typeof v !== "object") return v;
  return { ...v, version: narrow(v.version), rules: Array.isArray(v.rules) ? v.rules.map((r) => (r !== null && typeof r === "object" ? narrowRule(r) : r)) : v.rules };
}

/** The IR with its decision strings narrowed (shallow copies along the way; the input is not changed). */
export function withOneByteStrings(ir: PolicyIR): PolicyIR {
  if (ir === null || typeof ir !== "object" || !Array.isArray(ir.versions)) return ir;
  return { ...ir, versions: ir.versions.map(narrowVersion) };
}
