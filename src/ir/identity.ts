/**
 * A policy's identity: its name and an id that depends only on what the policy says, so a policy
 * compiled from three paths, or an IR file whose keys were reordered, has one id. Decisions,
 * journals, exports and `/v1/health` name the policy by it (docs/events.md, `policyId`).
 */
import { sha256Hex } from "../source/digest.js";
import type { PolicyIR } from "./types.js";

/**
 * The id of a policy: SHA-256 (hex) of its IR in canonical JSON (keys sorted), without what
 * depends on where it was compiled: `source` (file name and digest of the text, which changes
 * with comments and layout) and the file name in each span. Spans' lines and columns stay in:
 * they are what `explain` shows, so two IRs with one id explain alike.
 */
export function policyId(ir: PolicyIR): string {
  const spans: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(ir.spans ?? {})) spans[k] = { line: s.line, column: s.column, endLine: s.endLine, endColumn: s.endColumn };
  return sha256Hex(canonicalJson({ ...ir, source: null, spans }));
}

/** JSON with object keys sorted (UTF-16 code-unit order, as `Array.prototype.sort`) at every depth; `undefined` members are left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return "[" + value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",") + "]";
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return "{" + keys.map((k) => JSON.stringify(k) + ":" + canonicalJson(obj[k])).join(",") + "}";
}
