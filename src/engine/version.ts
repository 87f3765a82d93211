/**
 * The data side of one compiled policy version: its instant, zone, scales as indices, tier tables
 * and the vocabulary intake validates against. Rules are compiled separately (./program.ts).
 */
import type { MeasureIR, TierIR, VersionIR } from "../ir/types.js";
import type { IntakeVocab } from "./intake.js";
import { parseTimestamp, zoneOf, type Zone } from "../source/time.js";

/** Thrown by `compileProgram` for IR it cannot run, listing every problem found. */
export class ProgramError extends Error {
  override name = "ProgramError";
}

export interface TierTable {
  /** Null: the default table. */
  categories: ReadonlySet<string> | null;
  /** Ordered by `minMembers`. */
  tiers: readonly TierIR[];
}

export interface VersionData {
  index: number;
  ir: VersionIR;
  version: string;
  effectiveMs: number;
  zone: Zone;
  toleranceMs: number;
  levels: readonly string[];
  levelIndex: ReadonlyMap<string, number>;
  defaultLevel: number;
  severities: readonly string[];
  severityIndex: ReadonlyMap<string, number>;
  /** Prohibited category → default severity. */
  flagSeverity: ReadonlyMap<string, string>;
  categoryNames: ReadonlySet<string>;
  /** Tier name → rank (order of first appearance, default table first), for ordering comparisons. */
  tierRank: ReadonlyMap<string, number>;
  tierNames: readonly string[];
  tables: readonly TierTable[];
  defaultTable: TierTable | null;
  tableOf: ReadonlyMap<string, TierTable>;
  measures: readonly MeasureIR[];
  vocab: IntakeVocab;
}

export function compileVersionData(ir: VersionIR, index: number): VersionData {
  const effectiveMs = parseTimestamp(ir.effective);
  if (Number.isNaN(effectiveMs)) throw new ProgramError(`version ${ir.version}: effective ${JSON.stringify(ir.effective)} is not an RFC 3339 instant with offset`);
  const zone = zoneOf(ir.zone);
  if (zone === undefined) throw new ProgramError(`version ${ir.version}: unknown time zone ${JSON.stringify(ir.zone)}`);
  if (!(ir.toleranceMs >= 0)) throw new ProgramError(`version ${ir.version}: tolerance must not be negative`);
  const levels = ir.credit.levels;
  if (levels.length === 0) throw new ProgramError(`version ${ir.version}: the credit scale has no levels`);
  const levelIndex = new Map(levels.map((l, i) => [l, i] as const));
  const defaultLevel = levelIndex.get(ir.credit.default);
  if (defaultLevel === undefined) throw new ProgramError(`version ${ir.version}: default credit ${ir.credit.default} is not a level`);
  const severities = ir.prohibited.severities;
  const severityIndex = new Map(severities.map((s, i) => [s, i] as const));
  const flagSeverity = new Map<string, string>();
  for (const c of ir.prohibited.categories) {
    if (!severityIndex.has(c.severity)) throw new ProgramError(`version ${ir.version}: category ${c.name} has unknown severity ${c.severity}`);
    flagSeverity.set(c.name, c.severity);
  }
  const tierRank = new Map<string, number>();
  const tables: TierTable[] = [];
  let defaultTable: TierTable | null = null;
  const tableOf = new Map<string, TierTable>();
  const ordered = [...ir.tiers].sort((a, b) => (a.categories === null ? 0 : 1) - (b.categories === null ? 0 : 1));
  for (const t of ordered) {
    const table: TierTable = {
      categories: t.categories === null ? null : new Set(t.categories),
      tiers: [...t.tiers].sort((a, b) => a.minMembers - b.minMembers),
    };
    for (const tier of table.tiers) {
      if (tier.creator.minCredit !== null && !levelIndex.has(tier.creator.minCredit)) {
        throw new ProgramError(`version ${ir.version}: tier ${tier.name} needs unknown credit ${tier.creator.minCredit}`);
      }
      if (!tierRank.has(tier.name)) tierRank.set(tier.name, tierRank.size);
    }
    tables.push(table);
    if (t.categories === null) defaultTable ??= table;
    else for (const c of t.categories) if (!tableOf.has(c)) tableOf.set(c, table);
  }
  for (const m of ir.measures) {
    if (m.trigger.severity !== null && !severityIndex.has(m.trigger.severity)) {
      throw new ProgramError(`version ${ir.version}: measure ${m.name} triggers on unknown severity ${m.trigger.severity}`);
    }
  }
  return {
    index,
    ir,
    version: ir.version,
    effectiveMs,
    zone,
    toleranceMs: ir.toleranceMs,
    levels,
    levelIndex,
    defaultLevel,
    severities,
    severityIndex,
    flagSeverity,
    categoryNames: new Set(ir.categories.map((c) => c.name)),
    tierRank,
    tierNames: [...tierRank.keys()],
    tables,
    defaultTable,
    tableOf,
    measures: ir.measures,
    vocab: {
      levels,
      severities,
      flagCategories: ir.prohibited.categories.map((c) => c.name),
      toleranceMs: ir.toleranceMs,
    },
  };
}

/**
 * The tier of a group (A7.tiers): the band of its table that holds its member count, promoted to
 * the highest later tier whose `activity from` threshold its last-24-hour message count reaches.
 * Null when no table applies or the count is outside every band.
 */
export function tierOf(v: VersionData, category: string | null, members: number, activity: number): TierIR | null {
  const table = (category === null ? undefined : v.tableOf.get(category)) ?? v.defaultTable;
  if (table === null) return null;
  const tiers = table.tiers;
  let band = -1;
  for (let i = 0; i < tiers.length; i++) {
    const t = tiers[i]!;
    if (members >= t.minMembers && members <= t.maxMembers) {
      band = i;
      break;
    }
  }
  if (band < 0) return null;
  for (let i = tiers.length - 1; i > band; i--) {
    const from = tiers[i]!.activityFrom;
    if (from !== null && activity >= from) return tiers[i]!;
  }
  return tiers[band]!;
}
