/**
 * Synthetic policies for the compile-time and rule-count benchmarks: the reference policy plus N
 * policy rules on `records.purge`, none of which can hold on a realistic stream (no user is in a
 * hundred thousand groups), so every other event type sees exactly the reference policy's rules.
 */
export const SYNTHETIC_EVENT = "records.purge";

export function syntheticRules(n: number): string {
  const parts: string[] = [];
  for (let i = 1; i <= n; i++) {
    parts.push(
      `rule synthetic-${i} {`,
      `  serves A8.user-caps`,
      `  on records.purge`,
      `  deny when user.groups-joined > ${100_000 + i} and user.credit >= B`,
      `  because "synthetic rule ${i}: {user} is in {user.groups-joined} groups"`,
      `}`,
      ``,
    );
  }
  return parts.join("\n");
}

export function syntheticPolicy(reference: string, n: number): string {
  return `${reference}\n${syntheticRules(n)}`;
}
