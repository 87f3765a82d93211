/**
 * One-byte copies of the policy strings every decision carries. A policy compiled from a `.qg`
 * file holds slices of the file's text, and a file with any Chinese in it (comments, `because`
 * texts) is a two-byte string in V8, and so are all its slices: rule names, requirement ids, the
 * version label, the literal parts of reasons. Every decision built from them, its JSON, the stored
 * row and the HTTP response then became two-byte too, which costs twice the memory and a slower
 * conversion on every write. The same policy loaded from IR JSON did not have the problem. Only
 * these strings are copied: copying the whole IR costs far more (docs/performance.md).
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

/**
 * Every string of `strings` that fits in Latin-1 as a one-byte string, in one copy for them all
 * rather than a `Buffer` round trip for each: joined by a character none of them holds, copied,
 * and split again. A policy has a few strings per rule, tens of thousands in a large one.
 */
function narrowAll(strings: string[]): string[] {
  const SEP = "\u0000";
  const fit: number[] = [];
  const parts: string[] = [];
  for (let i = 0; i < strings.length; i++) {
    const s = strings[i]!;
    if (typeof s === "string" && !WIDE.test(s) && s.indexOf(SEP) < 0) {
      fit.push(i);
      parts.push(s);
    }
  }
  if (parts.length === 0) return strings;
  const copied = oneByte(parts.join(SEP)).split(SEP);
  const out = strings.slice();
  for (let j = 0; j < fit.length; j++) out[fit[j]!] = copied[j]!;
  return out;
}

/** The decision strings of a rule, in the order {@link rebuildRule} takes them back. */
function ruleStrings(r: RuleIR, out: string[]): void {
  out.push(r.name);
  if (Array.isArray(r.because)) for (const p of r.because) if (typeof p === "string") out.push(p);
  if (Array.isArray(r.cites)) for (const c of r.cites) if (c !== null && typeof c === "object") out.push(c.req);
}

/** A copy of `r` with its decision strings taken from `strings` from position `at` on; returns the next position. */
function rebuildRule(r: RuleIR, strings: readonly string[], at: { i: number }): RuleIR {
  const name = strings[at.i++]!;
  const because = Array.isArray(r.because) ? r.because.map((p: TemplatePart) => (typeof p === "string" ? strings[at.i++]! : p)) : r.because;
  const cites = Array.isArray(r.cites) ? r.cites.map((c: Cite) => (c !== null && typeof c === "object" ? { ...c, req: strings[at.i++]! } : c)) : r.cites;
  return { ...r, name, because, cites };
}

function narrowVersion(v: VersionIR): VersionIR {
  if (v === null || typeof v !== "object") return v;
  if (!Array.isArray(v.rules)) return { ...v, version: narrow(v.version) };
  const isRule = (r: RuleIR): boolean => r !== null && typeof r === "object";
  const strings: string[] = [v.version];
  for (const r of v.rules) if (isRule(r)) ruleStrings(r, strings);
  const narrowed = narrowAll(strings);
  const at = { i: 1 };
  return { ...v, version: narrowed[0]!, rules: v.rules.map((r) => (isRule(r) ? rebuildRule(r, narrowed, at) : r)) };
}

/** The IR with its decision strings narrowed (shallow copies along the way; the input is not changed). */
export function withOneByteStrings(ir: PolicyIR): PolicyIR {
  if (ir === null || typeof ir !== "object" || !Array.isArray(ir.versions)) return ir;
  return { ...ir, versions: ir.versions.map(narrowVersion) };
}
