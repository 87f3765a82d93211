/**
 * Tier bands as numbers: which member counts from 1 to a cap no tier admits, and which two tiers
 * both admit. The emitter uses it to know when joins can fall outside every tier, and verify to
 * report A7.tiers; both read the same arithmetic.
 */

/** A tier's member band, inclusive at both ends. */
export interface Band {
  name: string;
  minMembers: number;
  maxMembers: number;
}

/** Gaps and overlaps of a table's bands over 1..cap, as readable ranges. */
export function bandProblems(table: { tiers: readonly Band[] }, cap: number): { gaps: [number, number][]; overlaps: [number, number, string, string][] } {
  const tiers = [...table.tiers].sort((a, b) => a.minMembers - b.minMembers);
  const gaps: [number, number][] = [];
  const overlaps: [number, number, string, string][] = [];
  let covered = 0;
  let lastName = "";
  for (const t of tiers) {
    if (t.minMembers > covered + 1 && covered + 1 <= cap) gaps.push([covered + 1, Math.min(t.minMembers - 1, cap)]);
    if (t.minMembers <= covered) overlaps.push([t.minMembers, Math.min(covered, t.maxMembers), lastName, t.name]);
    if (t.maxMembers > covered) {
      covered = t.maxMembers;
      lastName = t.name;
    }
  }
  if (covered < cap) gaps.push([covered + 1, cap]);
  return { gaps, overlaps };
}
