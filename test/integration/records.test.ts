/**
 * `qungui run --store`, `qungui records export|purge|stats` through the CLI (in-process), and the
 * retention rule of Article 13 on a store.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import type { Io } from "../../src/cli/io.js";
import { emptyState, runStream, serializeDecision, type Decision } from "../../src/engine/index.js";
import type { PolicyIR } from "../../src/ir/types.js";
import { formatInstant, parseRfc3339 } from "../../src/source/time.js";
import { createEngine } from "../../src/service/engine.js";
import { purgeCutoff, purgeRecords, RetentionError, retentionOf } from "../../src/store/retention.js";
import { openSqliteStore } from "../../src/store/sqlite.js";
import { referenceIR, referenceProgram, streamLines, tickingClock } from "../service/fixtures.js";

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), color: false };
  const code = await main(["node", "qungui", ...args], io);
  return { code, out, err };
}

const lines = (text: string) => text.split("\n").filter((l) => l.length > 0);

/** An exported record without the place in the log the export appends: the decision as made. */
const RECORD_PLACE = /,"journalSeq":(\d+),"committedAt":"([^"]+)"\}$/;
const decisionOf = (line: string) => line.replace(RECORD_PLACE, "}");
const decisionsOf = (text: string) => lines(text).map(decisionOf);

interface Party {
  users: Set<string>;
  groups: Set<string>;
}

/**
 * The inspection model, computed from the input stream independently of the stores: whom each
 * decision concerns, in any role, and its time (a timer decision's `due`).
 */
function inspectionModel(input: string[]): { json: string; d: Decision; parties: Party; timeMs: number }[] {
  const program = referenceProgram();
  const state = emptyState();
  const complaints = new Map<string, { by?: string; user?: string; group?: string }>();
  const out: { json: string; d: Decision; parties: Party; timeMs: number }[] = [];
  input.forEach((line, i) => {
    const r = program.evaluateLine(line, i + 1, state);
    let event: Record<string, unknown> | null = null;
    if (r.deadLetter === undefined && r.decisions.length > 0) event = JSON.parse(line) as Record<string, unknown>;
    // A filing before the policy takes effect is not judged, and the engine keeps no complaint for
    // it: its resolution names the complaint only (a known limit, docs/services.md "Records").
    const governed = r.decisions.at(-1)?.outcome !== "ungoverned";
    if (event !== null && governed && event["type"] === "complaint.filed" && !complaints.has(event["complaint"] as string)) {
      complaints.set(event["complaint"] as string, { by: event["by"] as string | undefined, user: event["user"] as string | undefined, group: event["group"] as string | undefined });
    }
    for (const d of r.decisions) {
      const p: Party = { users: new Set(), groups: new Set() };
      const u = (x: unknown) => typeof x === "string" && p.users.add(x);
      const g = (x: unknown) => typeof x === "string" && p.groups.add(x);
      u(d.subject.user);
      g(d.subject.group);
      for (const e of d.effects as unknown as Record<string, unknown>[]) {
        const t = e["target"] as Record<string, unknown> | undefined;
        if (t !== undefined) {
          u(t["user"]);
          g(t["group"]);
        }
        if (e["kind"] === "tier" || (e["kind"] === "escalate" && e["what"] === "flag")) g(e["group"]);
      }
      let complaint = d.subject.complaint;
      if (d.trigger !== "timer" && event !== null) {
        for (const f of ["user", "actor", "by", "approvedBy"]) u(event[f]);
        if (event["type"] === "group.manage" && event["action"] !== "delete-message") u(event["target"]);
        g(event["group"]);
        complaint ??= event["complaint"] as string | undefined;
      }
      const c = complaint === undefined ? undefined : complaints.get(complaint);
      if (c !== undefined) {
        u(c.by);
        u(c.user);
        g(c.group);
      }
      out.push({ json: serializeDecision(d), d, parties: p, timeMs: parseRfc3339(d.due ?? d.at)! });
    }
  });
  return out;
}

describe("qungui run --store and qungui records", () => {
  let dir: string;
  let events: string;
  const LINES = streamLines(3000, 21, 2 * 3_600_000);
  const want: string[] = [];
  const wantDead: string[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "qungui-records-"));
    events = join(dir, "events.jsonl");
    writeFileSync(events, LINES.join("\n") + "\n");
    runStream(referenceProgram(), LINES, emptyState(), { decision: (j) => want.push(j), deadLetter: (j) => wantDead.push(j) });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes what qungui run writes, and a second run of the same input continues after the last line", async () => {
    const store = join(dir, "a.db");
    const first = await cli("run", "policies/cac-2017.qg", events, "--store", store, "--dead-letter", join(dir, "dead.jsonl"));
    expect(first.code, first.err).toBe(0);
    expect(lines(first.out)).toEqual(want);
    expect(first.err).toMatch(/stored in /);
    const again = await cli("run", "policies/cac-2017.qg", events, "--store", store);
    expect(again.code).toBe(0);
    expect(again.out).toBe("");
    expect(again.err).toMatch(/resumed after line 3000; 0 events/);
    const exported = await cli("records", "export", "--store", store);
    expect(decisionsOf(exported.out)).toEqual(want);
    // Each record carries its journal position (increasing) and commit time.
    const places = lines(exported.out).map((l) => RECORD_PLACE.exec(l));
    expect(places.every((m) => m !== null && parseRfc3339(m[2]!) !== undefined)).toBe(true);
    const seqs = places.map((m) => Number(m![1]));
    expect(seqs.every((q, i) => i === 0 || q >= seqs[i - 1]!)).toBe(true);
    const dead = await cli("records", "export", "--store", store, "--dead-letters");
    expect(lines(dead.out)).toEqual(wantDead);
    const stats = await cli("records", "stats", "--store", store, "--format", "json");
    expect(JSON.parse(stats.out)).toMatchObject({ decisions: want.length, deadLetters: wantDead.length });
  });

  it("continues a longer input and refuses a different one", async () => {
    const store = join(dir, "b.db");
    const part = join(dir, "part.jsonl");
    writeFileSync(part, LINES.slice(0, 1000).join("\n") + "\n");
    const a = await cli("run", "policies/cac-2017.qg", part, "--store", store);
    expect(a.code, a.err).toBe(0);
    writeFileSync(part, LINES.join("\n") + "\n");
    const b = await cli("run", "policies/cac-2017.qg", part, "--store", store);
    expect(b.code, b.err).toBe(0);
    expect(b.err).toMatch(/resumed after line 1000/);
    expect([...lines(a.out), ...lines(b.out)]).toEqual(want);
    writeFileSync(part, LINES.slice(1).join("\n") + "\n");
    const c = await cli("run", "policies/cac-2017.qg", part, "--store", store);
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/not the same input/);
    const d = await cli("run", "policies/cac-2017.qg", part, "--store", store, "--state", join(dir, "s.json"));
    expect(d.code).toBe(2);
    expect(d.err).toMatch(/--state and --store/);
  });

  it("A13.inspection: an export holds every decision concerning a user or group in any role, timer decisions at their due (against a model of the stream)", async () => {
    const store = join(dir, "a.db");
    const model = inspectionModel(LINES);
    expect(model.map((m) => m.json)).toEqual(want);
    const pick = (pred: (e: Record<string, unknown>) => boolean, field: string): string => {
      for (const l of LINES) {
        try {
          const e = JSON.parse(l) as Record<string, unknown>;
          if (pred(e) && typeof e[field] === "string") return e[field] as string;
        } catch {
          /* a malformed line */
        }
      }
      throw new Error(`the stream has no ${field}`);
    };
    const removed = pick((e) => e["type"] === "group.manage" && e["action"] === "remove-member", "target");
    const roleSubject = pick((e) => e["type"] === "group.role", "user");
    const complainant = pick((e) => e["type"] === "complaint.filed" && typeof e["by"] === "string", "by");
    const complainedGroup = pick((e) => e["type"] === "complaint.filed" && typeof e["group"] === "string", "group");
    const timers = model.filter((m) => m.d.trigger === "timer" && m.d.due !== undefined && m.d.due !== m.d.at);
    expect(timers.length).toBeGreaterThan(0);
    // A window that holds a timer's due but not the event that fired it (nor, then, the old filter's choice).
    const t = timers[Math.floor(timers.length / 2)]!;
    const fromMs = t.timeMs - 3_600_000;
    const toMs = t.timeMs + 1;
    expect(parseRfc3339(t.d.at)!).toBeGreaterThanOrEqual(toMs);
    const cases: { args: string[]; filter: { user?: string; group?: string; fromMs?: number; toMs?: number }; note: string }[] = [
      { args: ["--user", removed], filter: { user: removed }, note: "a removed member" },
      { args: ["--user", roleSubject], filter: { user: roleSubject }, note: "a role-change subject" },
      { args: ["--user", complainant], filter: { user: complainant }, note: "a complainant" },
      { args: ["--group", complainedGroup], filter: { group: complainedGroup }, note: "a group complained about" },
      { args: ["--from", formatInstant(fromMs, "+08:00"), "--to", formatInstant(toMs, "+08:00")], filter: { fromMs, toMs }, note: "timer decisions at their due" },
      { args: ["--user", complainant, "--from", "2017-11-01"], filter: { user: complainant, fromMs: parseRfc3339("2017-11-01T00:00:00+08:00")! }, note: "user and time" },
    ];
    for (const c of cases) {
      const r = await cli("records", "export", "--store", store, ...c.args);
      expect(r.code, r.err).toBe(0);
      const f = c.filter;
      const expected = model.filter(
        (m) =>
          (f.user === undefined || m.parties.users.has(f.user)) &&
          (f.group === undefined || m.parties.groups.has(f.group)) &&
          (f.fromMs === undefined || m.timeMs >= f.fromMs) &&
          (f.toMs === undefined || m.timeMs < f.toMs),
      );
      expect(expected.length, c.note).toBeGreaterThan(0);
      expect(decisionsOf(r.out), c.note).toEqual(expected.map((m) => m.json));
    }
    // The roles the decision alone does not show are there: the removed member is not the subject of every decision exported for them.
    const forRemoved = decisionsOf((await cli("records", "export", "--store", store, "--user", removed)).out).map((j) => JSON.parse(j) as Decision);
    expect(forRemoved.some((d) => d.subject.user !== removed && !JSON.stringify(d.effects).includes(removed))).toBe(true);
    expect(decisionsOf((await cli("records", "export", "--store", store, "--from", formatInstant(fromMs, "+08:00"), "--to", formatInstant(toMs, "+08:00"))).out)).toContain(t.json);
    const o = join(dir, "out.jsonl");
    expect((await cli("records", "export", "--store", store, "--group", "g3", "-o", o)).code).toBe(0);
    const missing = await cli("records", "export", "--store", join(dir, "missing.db"));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no store at/);
    expect((await cli("records", "export", "--store", store, "--from", "yesterday")).code).toBe(2);
    expect((await cli("records", "export", "--store", "postgresql:qungui")).err).toMatch(/unknown kind of store "postgresql:".*postgres:\/\//);
  });

  it("A13.retention: the CLI refuses to purge records younger than six calendar months", async () => {
    const store = join(dir, "a.db");
    const refused = await cli("records", "purge", "--store", store, "--before", "2018-06-01");
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/refused: .*younger than 6 months \(A13\.retention\)/);
    // Old enough in event time, but committed just now: nothing may go yet.
    const kept = await cli("records", "purge", "--store", store, "--before", "2017-10-15");
    expect(kept.code, kept.err).toBe(0);
    expect(kept.err).toMatch(/0 decisions/);
    expect(decisionsOf((await cli("records", "export", "--store", store)).out)).toEqual(want);
  });
});

describe("A13.retention on a store", () => {
  it("counts six calendar months back in the policy's zone, clamping to month end", () => {
    const rule = retentionOf(referenceIR(), parseRfc3339("2018-08-31T10:00:00+08:00")!);
    expect(rule.zone).toBe("Asia/Shanghai");
    expect(purgeCutoff(parseRfc3339("2018-08-31T10:00:00+08:00")!, rule)).toBe(parseRfc3339("2018-02-28T10:00:00+08:00"));
    const longer = JSON.parse(JSON.stringify(referenceIR())) as PolicyIR;
    for (const v of longer.versions) if (v.retention) v.retention.keepLogs = { amount: 1, unit: "year" };
    expect(purgeCutoff(parseRfc3339("2018-08-31T10:00:00+08:00")!, retentionOf(longer, 0))).toBe(parseRfc3339("2017-08-31T10:00:00+08:00"));
    expect(retentionOf(null, 0).keep).toEqual([{ amount: 6, unit: "month" }]);
  });

  it("purges what both clocks call old, refuses anything younger, and keeps the store recoverable", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qungui-purge-"));
    try {
      const store = openSqliteStore(join(dir, "p.db"), { synchronous: "normal" });
      const wall = tickingClock(Date.UTC(2030, 0, 1));
      const engine = await createEngine(referenceProgram(), { store, clock: wall, snapshotEvery: 500 });
      const LINES = streamLines(2000, 4, 3 * 3_600_000);
      for (let i = 0; i < LINES.length; i += 200) await engine.decideRaw(LINES.slice(i, i + 200).map((line, k) => ({ kind: "line" as const, line, lineNo: i + k + 1 })));
      const clock = engine.clock!;
      const before = parseRfc3339("2017-11-15T00:00:00+08:00")!;
      const all: string[] = [];
      for await (const r of store.exportDecisions({})) all.push(r.json);
      // Six months before the engine clock (2018-05) is later than 2017-11-15: allowed.
      expect(clock).toBeGreaterThan(parseRfc3339("2018-05-16T00:00:00+08:00")!);
      await expect(purgeRecords(store, clock, Date.UTC(2031, 0, 1))).rejects.toThrow(RetentionError);
      // The records were committed in January 2030 (wall clock): in March 2030 they are too young.
      const early = await purgeRecords(store, before, Date.UTC(2030, 2, 1));
      expect(early.decisions).toBe(0);
      const r = await purgeRecords(store, before, Date.UTC(2031, 0, 1));
      const left: string[] = [];
      for await (const x of store.exportDecisions({})) left.push(x.json);
      const expected = all.filter((j) => parseRfc3339((JSON.parse(j) as Decision).at)! >= before);
      expect(r.decisions).toBe(all.length - expected.length);
      expect(r.decisions).toBeGreaterThan(0);
      expect(left).toEqual(expected);
      // Recovery still gives the engine's state.
      const again = await createEngine(referenceProgram(), { store });
      expect(again.snapshot()).toBe(engine.snapshot());
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
