/**
 * `qungui records …`: the decision log of a store as Article 13 sees it.
 *
 * - `export --store FILE [--from T] [--to T] [--group G] [--user U]`: the inspection set
 *   (A13.inspection) as JSON Lines, complete and in the order the decisions were made; the filter
 *   is src/records/log.ts's (`inRange`, `concerns`), the one every store uses. `--dead-letters`
 *   exports the dead letters instead.
 * - `purge --store FILE --before T`: deletes older records, refused when anything younger than six
 *   calendar months (or the policy's longer retention) would go (A13.retention, src/store/retention.ts).
 * - `stats --store FILE`: what the store holds.
 *
 * Times are RFC 3339 with an offset, or a local date/time (`2018-04-01`, `2018-04-01T08:00`) in the
 * zone of the store's policy.
 */
import { existsSync } from "node:fs";
import type { PolicyIR } from "../ir/types.js";
import type { InspectionFilter } from "../records/log.js";
import { formatInstant, parseRfc3339, zonedInstant } from "../source/time.js";
import { purgeRecords, RetentionError, retentionOf } from "../store/retention.js";
import { openSqliteStore, type SqliteStore } from "../store/sqlite.js";
import { StoreError } from "../store/types.js";
import { EXIT, fileWriter, LineWriter, stdoutBytes, UsageError, type Io } from "./io.js";

export interface ExportFlags {
  store: string;
  from?: string;
  to?: string;
  group?: string;
  user?: string;
  deadLetters?: boolean;
  output?: string;
}

export interface PurgeFlags {
  store: string;
  before: string;
}

/** Opens a store that must already exist (a typo must not create an empty one). */
export function openExistingStore(path: string): SqliteStore {
  if (!existsSync(path)) throw new UsageError(`no store at ${path}`);
  try {
    return openSqliteStore(path);
  } catch (e) {
    if (e instanceof StoreError) throw new UsageError(e.message);
    throw e;
  }
}

async function storeZone(store: SqliteStore): Promise<string> {
  const stats = await store.stats();
  const text = stats.policy === null ? null : await store.getPolicy(stats.policy);
  const ir = text === null ? null : (JSON.parse(text) as PolicyIR);
  return retentionOf(ir, stats.clock ?? 0).zone;
}

/** An instant from the command line: RFC 3339 with offset, or local time in `zone`. */
export function parseInstantArg(flag: string, value: string, zone: string): number {
  const ms = parseRfc3339(value) ?? zonedInstant(value, zone);
  if (ms === undefined) throw new UsageError(`${flag}: not a time: ${JSON.stringify(value)} (RFC 3339 with an offset, or a local date such as 2018-04-01 in ${zone})`);
  return ms;
}

/** The export's destination: a file, or standard output. */
function outputWriter(path: string | undefined, io: Io): { write: (b: Uint8Array) => void; close: () => void } {
  return path === undefined ? { write: stdoutBytes(io), close: () => undefined } : fileWriter(path);
}

async function guarded<T>(store: SqliteStore, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof StoreError) throw new UsageError(`${store.location}: ${e.message}`);
    throw e;
  } finally {
    await store.close();
  }
}

export async function runRecordsExport(flags: ExportFlags, io: Io): Promise<number> {
  const store = openExistingStore(flags.store);
  return guarded(store, async () => {
    const zone = await storeZone(store);
    const filter: InspectionFilter = {};
    if (flags.from !== undefined) filter.fromMs = parseInstantArg("--from", flags.from, zone);
    if (flags.to !== undefined) filter.toMs = parseInstantArg("--to", flags.to, zone);
    if (flags.group !== undefined) filter.group = flags.group;
    if (flags.user !== undefined) filter.user = flags.user;
    const sink = outputWriter(flags.output, io);
    const out = new LineWriter(sink.write);
    let n = 0;
    try {
      if (flags.deadLetters) {
        for await (const json of store.exportDeadLetters()) {
          out.line(json);
          n++;
        }
      } else {
        for await (const r of store.exportDecisions(filter)) {
          out.line(r.json);
          n++;
        }
      }
    } finally {
      out.flush();
      sink.close();
    }
    const range = `${filter.fromMs === undefined ? "the beginning" : formatInstant(filter.fromMs, zone)} to ${filter.toMs === undefined ? "now" : formatInstant(filter.toMs, zone)}`;
    const who = [flags.group !== undefined ? `group ${flags.group}` : "", flags.user !== undefined ? `user ${flags.user}` : ""].filter(Boolean).join(", ");
    io.err(`qungui records export: ${n} ${flags.deadLetters ? "dead letters" : `decisions from ${range}${who ? ` concerning ${who}` : ""}`}\n`);
    return EXIT.ok;
  });
}

export async function runRecordsPurge(flags: PurgeFlags, io: Io, wallNow: number): Promise<number> {
  const store = openExistingStore(flags.store);
  return guarded(store, async () => {
    const zone = await storeZone(store);
    const before = parseInstantArg("--before", flags.before, zone);
    try {
      const r = await purgeRecords(store, before, wallNow);
      io.err(
        `qungui records purge: before ${formatInstant(before, r.zone)}: ${r.decisions} decisions, ${r.deadLetters} dead letters, ${r.entries} journal entries, ${r.snapshots} snapshots removed` +
          ` (records stored less than the retention ago are kept)\n`,
      );
      return EXIT.ok;
    } catch (e) {
      if (e instanceof RetentionError) {
        io.err(`qungui records purge: ${e.message}\n`);
        return EXIT.diagnostics;
      }
      throw e;
    }
  });
}

export async function runRecordsStats(flags: { store: string; format?: string }, io: Io): Promise<number> {
  const store = openExistingStore(flags.store);
  return guarded(store, async () => {
    const s = await store.stats();
    if (flags.format === "json") io.out(JSON.stringify(s) + "\n");
    else {
      const zone = await storeZone(store);
      io.out(
        `store ${store.location}\n` +
          `  journal   ${s.entries} entries, last ${s.head}\n` +
          `  decisions ${s.decisions}\n` +
          `  dead      ${s.deadLetters}\n` +
          `  snapshots ${s.snapshots}${s.snapshotSeq === null ? "" : `, latest at ${s.snapshotSeq}`}\n` +
          `  clock     ${s.clock === null ? "-" : formatInstant(s.clock, zone)}\n` +
          `  policy    ${s.policy ?? "-"}\n`,
      );
    }
    return EXIT.ok;
  });
}
