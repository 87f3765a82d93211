/**
 * A policy's identity: its name and an id that depends only on what the policy says, so a policy
 * compiled from three paths has one id. Decisions, journals, exports and `/v1/health` name the
 * policy by it (docs/events.md, `policyId`).
 */
import { sha256Hex } from "../source/digest.js";
import type { PolicyIR, SpanIR } from "./types.js";

/**
 * The id of a policy: SHA-256 (hex) of its IR as JSON, without what depends on where it was
 * compiled: `source` (the file name, and the digest of the text, which changes with comments and
 * layout) and the file name in each span. Spans' lines and columns stay in: they are what
 * `explain` shows, so two IRs with one id explain alike.
 *
 * The JSON keeps the IR's key order: the emitter's order is fixed, and JSON round trips (the
 * store, `compile -o`) keep it. Sorting keys at every depth would also make a hand-reordered IR
 * file the same policy, but it made hashing several times slower than `JSON.stringify`, which is
 * already the whole cost here.
 */
export function policyId(ir: PolicyIR): string {
  const spans: Record<string, Omit<SpanIR, "file">> = {};
  for (const k in ir.spans) {
    const s = ir.spans[k]!;
    spans[k] = { line: s.line, column: s.column, endLine: s.endLine, endColumn: s.endColumn };
  }
  return sha256Hex(JSON.stringify({ ...ir, source: null, spans }));
}
