/** "Did you mean …?" for misspelt names: the closest candidate by edit distance, if close enough. */

import { closest } from "../source/suggest.js";

export { closest, editDistance } from "../source/suggest.js";

/** `did you mean `x`?`, or undefined when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const c = closest(name, candidates);
  return c === undefined ? undefined : `did you mean \`${c}\`?`;
}

/** `a`, `a` or `b`, `a`, `b` or `c` — for help lines listing what is allowed. */
export function orList(items: readonly string[], quote = true): string {
  const q = items.map((i) => (quote ? `\`${i}\`` : i));
  if (q.length <= 1) return q.join("");
  return `${q.slice(0, -1).join(", ")} or ${q[q.length - 1]}`;
}

/** `a`, `a` and `b`, `a`, `b` and `c`. */
export function andList(items: readonly string[], quote = true): string {
  const q = items.map((i) => (quote ? `\`${i}\`` : i));
  if (q.length <= 1) return q.join("");
  return `${q.slice(0, -1).join(", ")} and ${q[q.length - 1]}`;
}
