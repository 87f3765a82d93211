/**
 * Event streams for the cluster tests.
 *
 * {@link partitionedStream}: for "same decisions as one engine" every user must act in one
 * partition only. It takes P generated workloads (src/workload/generate.ts, one seed each) and
 * renames every user, group and complaint of workload k to an id the contract's partition function
 * sends to partition k (a numbered suffix, the first that hashes there), and every event id to a
 * workload-unique one; only workload 0 keeps its broadcast events (clock, agreement.published), and
 * `records.purge` is left out (it is partition-local in the cluster, global in one engine). The
 * workloads are merged by time, so timestamps never go backwards.
 *
 * {@link capScenario}: one user creating and joining groups in every partition at once.
 */
import { fnv1a } from "../../src/cluster/contract.js";
import type { PolicyIR } from "../../src/ir/types.js";
import { parseRfc3339, formatInstant } from "../../src/source/time.js";
import { generateLines } from "../../src/workload/generate.js";

const USER_FIELDS = ["user", "actor", "target", "by"];

/** The first `${base}.${n}` whose key hashes to partition `p`. */
export function idIn(prefix: "u" | "g" | "c", base: string, p: number, partitions: number): string {
  for (let n = 0; ; n++) {
    const id = `${base}.${n}`;
    if (fnv1a(`${prefix}:${id}`) % partitions === p) return id;
  }
}

export interface PartitionedStream {
  lines: string[];
  /** The `at` of the last event (epoch ms). */
  lastMs: number;
  agreementVersion: string;
}

export function partitionedStream(ir: PolicyIR, o: { partitions: number; eventsPerPartition: number; usersPerPartition: number; seed: number; startMs: number }): PartitionedStream {
  const tagged: { at: number; order: number; line: string }[] = [];
  let order = 0;
  for (let k = 0; k < o.partitions; k++) {
    const names = new Map<string, string>();
    const rename = (prefix: "u" | "g" | "c", v: unknown): unknown => {
      if (typeof v !== "string" || v === "") return v;
      const key = `${prefix}:${v}`;
      let r = names.get(key);
      if (r === undefined) {
        r = idIn(prefix, `${v}.w${k}`, k, o.partitions);
        names.set(key, r);
      }
      return r;
    };
    let lastAt = o.startMs;
    for (const line of generateLines(ir, {
      seed: o.seed + k,
      events: o.eventsPerPartition,
      users: o.usersPerPartition,
      startMs: o.startMs,
      meanGapMs: 55 * 60_000 * (4000 / o.eventsPerPartition),
      malformedPerMille: 2,
      zone: "Asia/Shanghai",
    })) {
      let ev: unknown;
      try {
        ev = JSON.parse(line);
      } catch {
        ev = undefined;
      }
      if (ev === null || typeof ev !== "object" || Array.isArray(ev)) {
        // Malformed: kept as it is, at the time of the line before it.
        tagged.push({ at: lastAt, order: order++, line });
        continue;
      }
      const e = ev as Record<string, unknown>;
      const type = e["type"];
      if (type === "records.purge") continue;
      if ((type === "clock" || type === "agreement.published") && k > 0) continue;
      if (typeof e["id"] === "string") e["id"] = `${e["id"]}.w${k}`;
      for (const f of USER_FIELDS) if (f in e) e[f] = rename("u", e[f]);
      if ("group" in e) e["group"] = rename("g", e["group"]);
      if ("complaint" in e) e["complaint"] = rename("c", e["complaint"]);
      const at = typeof e["at"] === "string" ? parseRfc3339(e["at"]) : undefined;
      if (at !== undefined && Number.isFinite(at)) lastAt = Math.max(lastAt, at);
      tagged.push({ at: at !== undefined && Number.isFinite(at) ? at : lastAt, order: order++, line: JSON.stringify(e) });
    }
  }
  tagged.sort((a, b) => a.at - b.at || a.order - b.order);
  const v = ir.versions[ir.versions.length - 1]!;
  return { lines: tagged.map((t) => t.line), lastMs: tagged.reduce((m, t) => Math.max(m, t.at), o.startMs), agreementVersion: v.agreement?.currentVersion ?? "1" };
}

export interface CapScenario {
  capper: string;
  /** Registration of the capper and of one creator per partition, and their groups. */
  setup: string[];
  /** The capper creating `createsPerPartition` groups in every partition. */
  creates: string[];
  /** The capper joining every creator's groups. */
  joins: string[];
  /** Ids of the groups involved (excluded from the comparison with one engine). */
  groups: Set<string>;
  users: Set<string>;
}

export function capScenario(o: { partitions: number; afterMs: number; agreementVersion: string; createsPerPartition: number; groupsPerPartition: number }): CapScenario {
  let n = 0;
  let t = o.afterMs + 60_000;
  const at = () => formatInstant((t += 1000), "Asia/Shanghai");
  const ev = (type: string, fields: Record<string, unknown>) => JSON.stringify({ id: `cap${++n}`, type, at: at(), ...fields });
  const capper = idIn("u", "capper", 0, o.partitions);
  const users = new Set([capper]);
  const groups = new Set<string>();
  const register = (u: string) => [
    ev("user.registered", { user: u }),
    ev("user.verified", { user: u, identity: { name: "测试", idNumber: "110101199001010000" } }),
    ev("agreement.accepted", { user: u, version: o.agreementVersion }),
  ];
  const setup = [...register(capper)];
  const joinable: string[] = [];
  for (let p = 0; p < o.partitions; p++) {
    const creator = idIn("u", `capcreator${p}`, p, o.partitions);
    users.add(creator);
    setup.push(...register(creator));
    for (let j = 0; j < o.groupsPerPartition; j++) {
      const g = idIn("g", `capgroup${p}-${j}`, p, o.partitions);
      groups.add(g);
      joinable.push(g);
      setup.push(ev("group.create", { user: creator, group: g, category: "general", name: `群${p}-${j}` }));
    }
  }
  const creates: string[] = [];
  for (let j = 0; j < o.createsPerPartition; j++) {
    for (let p = 0; p < o.partitions; p++) {
      const g = idIn("g", `capnew${p}-${j}`, p, o.partitions);
      groups.add(g);
      creates.push(ev("group.create", { user: capper, group: g, category: "general", name: `新${p}-${j}` }));
    }
  }
  const joins = joinable.map((g) => ev("group.join", { user: capper, group: g }));
  return { capper, setup, creates, joins, groups, users };
}
