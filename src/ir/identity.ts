/**
 * A policy's identity: its name and an id that depends only on what the policy says, so a policy
 * compiled from three paths, or reformatted, or commented, has one id. Decisions, journals,
 * exports and `/v1/health` name the policy by it (docs/events.md, `policyId`).
 */
import { sha256Hex } from "../source/digest.js";
import type { PolicyIR } from "./types.js";

/**
 * The id of a policy: SHA-256 (hex) of its IR as JSON without `source` (file name and digest of
 * the text) and `spans` (where each node was written). What is left is everything that decides:
 * versions, sections, rules, measures, reasons and cites. So moving a rule down a line, adding a
 * comment or compiling from another path keeps the id; changing any condition, number or text
 * of a decision changes it.
 *
 * Spans are left out for a second reason: they are half the IR's JSON, and hashing them made
 * `compileProgram` on large policies much slower (docs/performance.md). A store that already holds an IR under an id
 * keeps its spans; `explain` of a stored decision then points at the lines of that copy.
 *
 * The JSON keeps the IR's key order: the emitter's order is fixed, and JSON round trips (the
 * store, `compile -o`) keep it.
 */
export function policyId(ir: PolicyIR): string {
  return sha256Hex(JSON.stringify({ ...ir, source: null, spans: null }));
}
