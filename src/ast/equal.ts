/**
 * Structural equality of ASTs, ignoring where things are: `span`s and the file's `comments` do not
 * count (as in Cedar), so a formatted policy can be compared with the text it came from.
 */

/** Keys that say where a node is or what surrounds it, not what it is. */
const POSITIONAL = new Set(["span", "comments"]);

/**
 * True if `a` and `b` are the same tree once `span` and `comments` are ignored. Accepts any
 * values (nodes, arrays of nodes, null) so it can compare parse results directly.
 */
export function astEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => astEqual(x, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = (r: Record<string, unknown>) => Object.keys(r).filter((k) => !POSITIONAL.has(k) && r[k] !== undefined);
  const ka = keys(ra);
  const kb = keys(rb);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && astEqual(ra[k], rb[k]));
}

/**
 * A deep copy of `node` without any `span` (comments keep their text), for snapshots that should
 * not change when whitespace does.
 */
export function stripSpans<T>(node: T): T {
  if (Array.isArray(node)) return node.map((x) => stripSpans(x)) as T;
  if (typeof node !== "object" || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) if (k !== "span") out[k] = stripSpans(v);
  return out as T;
}
