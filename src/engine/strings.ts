/**
 * One-byte copies of a policy's strings. A policy compiled from a `.qg` file holds slices of the
 * file's text, and a file with any Chinese in it (comments, `because` texts) is a two-byte string
 * in V8, so are all its slices: rule names, requirement ids, the version. Every decision built from
 * them, its JSON, the stored row and the HTTP response then became two-byte too, which costs twice
 * the memory and a slower conversion on every write. The same policy loaded from IR JSON did not
 * have the problem, so the program normalises what it is given.
 */
const WIDE = /[^\u0000-\u00ff]/;

function narrow(s: string): string {
  return WIDE.test(s) ? s : Buffer.from(s, "latin1").toString("latin1");
}

/** A deep copy of JSON-shaped data in which every string that fits in Latin-1 is a one-byte string. */
export function oneByteStrings<T>(value: T): T {
  if (typeof value === "string") return narrow(value) as T;
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v: unknown) => oneByteStrings(v)) as T;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) {
    // Defined, not assigned: a key `__proto__` stays a key.
    Object.defineProperty(out, k, { value: oneByteStrings((value as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
  }
  return out as T;
}
