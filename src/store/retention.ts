/**
 * Article 13 on a store: records are kept at least six calendar months (longer when the policy's
 * `retention` says so), so a purge of anything younger is refused. "Younger" is judged on both
 * clocks: the decision's own time (`at`, the engine's clock) and the time it was committed (the
 * wall clock), because a stream replayed today has old `at`s but records made today.
 */
import type { PolicyIR, VersionIR } from "../ir/types.js";
import { addDuration, formatInstant, type CalendarDuration } from "../source/time.js";
import { loadStoredPolicy } from "./stored-policy.js";
import { StoreError, type PurgeCounts, type Store } from "./types.js";

/** The regulation's floor (A13.retention). */
export const MINIMUM_RETENTION: CalendarDuration = { amount: 6, unit: "month" };

/** A purge refused because it would remove records younger than the retention (A13.retention). */
export class RetentionError extends Error {
  /** Always `RetentionError`. */
  override name = "RetentionError";
}

/** The version of a policy in force at `ms` (the first before its effective date). */
function versionAt(ir: PolicyIR, ms: number): VersionIR {
  const sorted = [...ir.versions].sort((a, b) => Date.parse(a.effective) - Date.parse(b.effective));
  let v = sorted[0]!;
  for (const x of sorted) if (Date.parse(x.effective) <= ms) v = x;
  return v;
}

/** How long records must be kept, and in which zone months are counted. */
export interface RetentionRule {
  /** The time zone calendar months are counted in. */
  zone: string;
  /** Every duration records must be kept for (the floor and the policy's own). */
  keep: CalendarDuration[];
}

/** The retention a policy asks for at `ms` (never less than six calendar months). */
export function retentionOf(ir: PolicyIR | null, ms: number): RetentionRule {
  if (ir === null) return { zone: "+00:00", keep: [MINIMUM_RETENTION] };
  const v = versionAt(ir, ms);
  return { zone: v.zone, keep: v.retention ? [MINIMUM_RETENTION, v.retention.keepLogs] : [MINIMUM_RETENTION] };
}

/** The latest instant whose records may go when it is `now`: now minus the longest retention, in the zone. */
export function purgeCutoff(now: number, rule: RetentionRule): number {
  return Math.min(...rule.keep.map((d) => addDuration(now, d, rule.zone, -1)));
}

/** What {@link purgeRecords} removed, and the cutoff it checked against. */
export interface PurgeResult extends PurgeCounts {
  /** The cutoff on the records' own time that the request was checked against. */
  cutoffMs: number;
  /** The zone calendar months were counted in. */
  zone: string;
}

/**
 * Purges the records before `beforeMs` from a store, or throws a {@link RetentionError} when that
 * would remove anything younger than the retention. `wallNow` is the wall clock (the CLI's); the
 * records' time is judged against the earlier of the wall clock and the store's engine clock.
 */
export async function purgeRecords(store: Store, beforeMs: number, wallNow: number): Promise<PurgeResult> {
  const stats = await store.stats();
  const irText = stats.policy === null ? null : await store.getPolicy(stats.policy);
  if (stats.policy !== null && irText === null) throw new StoreError(`the store does not hold its policy ${stats.policy.slice(0, 12)}…`);
  const ir = irText === null ? null : loadStoredPolicy(stats.policy!, irText).ir;
  const engineNow = stats.clock === null ? wallNow : Math.min(stats.clock, wallNow);
  const rule = retentionOf(ir, engineNow);
  const cutoffMs = purgeCutoff(engineNow, rule);
  if (beforeMs > cutoffMs) {
    // The floor and the policy's own retention are often the same six months: named once.
    const keep = [...new Set(rule.keep.map((d) => `${d.amount} ${d.unit}${d.amount === 1 ? "" : "s"}`))].join(" and ");
    throw new RetentionError(
      `refused: records before ${formatInstant(beforeMs, rule.zone)} include records younger than ${keep} (A13.retention); the latest allowed is ${formatInstant(cutoffMs, rule.zone)}`,
    );
  }
  const recordedBeforeMs = purgeCutoff(wallNow, rule);
  const counts = await store.purge({ beforeMs, recordedBeforeMs, now: wallNow });
  return { ...counts, cutoffMs, zone: rule.zone };
}
