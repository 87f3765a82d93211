/**
 * `qungui records …`: the decision log of a store as Article 13 sees it.
 *
 * - `export --store STORE [--from T] [--to T] [--group G] [--user U]`: the inspection set
 *   (A13.inspection) as JSON Lines, complete and in the order the decisions were made: every
 *   decision concerning the user or group in any role (src/records/parties.ts), a timer decision
 *   placed at its `due`. Each line is the decision as made, with the record's place appended:
 *   `journalSeq` and `committedAt` (and, for decisions stored before decisions named their
 *   policy, `policyName` and `policyId`). `--dead-letters` exports the dead letters instead.
 * - `purge --store FILE --before T`: deletes older records, refused when anything younger than six
 *   calendar months (or the policy's longer retention) would go (A13.retention, src/store/retention.ts).
 * - `stats --store FILE`: what the store holds.
 *
 * The store is `--store` or QUNGUI_STORE: a SQLite file or a postgres:// URL (src/store/open.ts).
 * Times are RFC 3339 with an offset, or a local date/time (`2018-04-01`, `2018-04-01T08:00`) in the
 * zone of the store's policy.
 */
import { policyId } from "../ir/identity.js";
import type { InspectionFilter } from "../records/log.js";
import { formatInstant, parseRfc3339, zonedInstant } from "../source/time.js";
import { describeStore, openStore } from "../store/open.js";
import { purgeRecords, RetentionError, retentionOf } from "../store/retention.js";
import { renderDiagnostics } from "../source/render.js";
import { loadStoredPolicy, StoredPolicyError } from "../store/stored-policy.js";
import { StoreError, type ExportedRecord, type Store } from "../store/types.js";
import { EXIT, fileWriter, LineWriter, stdoutBytes, UsageError, type Io } from "./io.js";

export interface ExportFlags {
  store?: string;
  from?: string;
  to?: string;
  group?: string;
  user?: string;
  deadLetters?: boolean;
  output?: string;
}

export interface PurgeFlags {
  store?: string;
  before: string;
}

/** The store a `records` command names: `--store`, else QUNGUI_STORE. */
export function storeArg(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const s = flag ?? env["QUNGUI_STORE"];
  if (s === undefined || s === "") throw new UsageError("no store: give --store (a SQLite file or postgres://…) or set QUNGUI_STORE");
  return s;
}

/** Opens a store that must already exist (a typo must not create an empty one). */
export async function openExistingStore(where: string): Promise<Store> {
  try {
    return await openStore(where, { mustExist: true });
  } catch (e) {
    if (e instanceof StoreError) throw new UsageError(/no such store|no store in|unable to open|SQLITE_CANTOPEN/i.test(e.message) ? `no store at ${describeStore(where)}` : e.message);
    throw e;
  }
}

/** Name and id of the stored policies (for exports of decisions made before decisions named them). */
class PolicyNames {
  private readonly known = new Map<string, { name: string; id: string }>();
  constructor(private readonly store: Store) {}
  async of(key: string): Promise<{ name: string; id: string }> {
    let m = this.known.get(key);
    if (m === undefined) {
      const text = await this.store.getPolicy(key);
      const ir = text === null ? null : loadStoredPolicy(key, text).ir;
      m = ir === null ? { name: "", id: key } : { name: ir.name, id: policyId(ir) };
      this.known.set(key, m);
    }
    return m;
  }
}

/** Decisions stored with their policy named end in `"policyId":"<64 hex>"}`. */
const NAMES_POLICY = /"policyId":"[0-9a-f]{64}"\}$/;

/** One exported line: the decision, with its record's journal position and commit time. */
async function exportLine(r: ExportedRecord, zone: string, names: PolicyNames): Promise<string> {
  let json = r.json;
  if (!NAMES_POLICY.test(json)) {
    const p = await names.of(r.policy);
    json = `${json.slice(0, -1)},"policyName":${JSON.stringify(p.name)},"policyId":${JSON.stringify(p.id)}}`;
  }
  return `${json.slice(0, -1)},"journalSeq":${r.entry},"committedAt":${JSON.stringify(formatInstant(r.recordedAt, zone))}}`;
}

async function storeZone(store: Store): Promise<string> {
  const stats = await store.stats();
  const text = stats.policy === null ? null : await store.getPolicy(stats.policy);
  const ir = text === null ? null : loadStoredPolicy(stats.policy!, text).ir;
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

async function guarded<T extends number>(store: Store, io: Io, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    // A stored policy the engine cannot run is reported like any other policy's diagnostics (exit 1).
    if (e instanceof StoredPolicyError) {
      io.err(`${store.location}: ${e.message}\n` + renderDiagnostics(e.diagnostics, undefined, { color: io.color }) + "\n");
      return EXIT.diagnostics as T;
    }
    if (e instanceof StoreError) throw new UsageError(`${store.location}: ${e.message}`);
    throw e;
  } finally {
    await store.close();
  }
}

export async function runRecordsExport(flags: ExportFlags, io: Io): Promise<number> {
  const store = await openExistingStore(storeArg(flags.store));
  return guarded(store, io, async () => {
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
        const names = new PolicyNames(store);
        for await (const r of store.exportDecisions(filter)) {
          out.line(await exportLine(r, zone, names));
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
  const store = await openExistingStore(storeArg(flags.store));
  return guarded(store, io, async () => {
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

export async function runRecordsStats(flags: { store?: string; format?: string }, io: Io): Promise<number> {
  const store = await openExistingStore(storeArg(flags.store));
  return guarded(store, io, async () => {
    const s = await store.stats();
    const p = s.policy === null ? null : await new PolicyNames(store).of(s.policy);
    if (flags.format === "json") io.out(JSON.stringify({ ...s, policyName: p?.name ?? null, policyId: p?.id ?? null }) + "\n");
    else {
      const zone = await storeZone(store);
      io.out(
        `store ${store.location}\n` +
          `  journal   ${s.entries} entries, last ${s.head}\n` +
          `  decisions ${s.decisions}\n` +
          `  dead      ${s.deadLetters}\n` +
          `  snapshots ${s.snapshots}${s.snapshotSeq === null ? "" : `, latest at ${s.snapshotSeq}`}\n` +
          `  clock     ${s.clock === null ? "-" : formatInstant(s.clock, zone)}\n` +
          `  policy    ${p === null ? "-" : `${p.name} ${p.id}`}\n`,
      );
    }
    return EXIT.ok;
  });
}
