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
import { emptyState, runStream, type Decision } from "../../src/engine/index.js";
import type { PolicyIR } from "../../src/ir/types.js";
import { DecisionLog } from "../../src/records/log.js";
import { parseRfc3339 } from "../../src/source/time.js";
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
    const again = await cli("run", "policies/cac-2017.qg", events, "--store", store);
    expect(again.code).toBe(0);
    expect(again.out).toBe("");
    expect(again.err).toMatch(/resumed after line 3000; 0 events/);
    const exported = await cli("records", "export", "--store", store);
    expect(lines(exported.out)).toEqual(want);
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

  it("A13.inspection: export filters by time, group and user as the decision log does", async () => {
    const store = join(dir, "a.db");
    const log = new DecisionLog();
    for (const j of want) log.append(JSON.parse(j) as Decision);
    const some = JSON.parse(want.find((j) => j.includes('"group":"g3"'))!) as Decision;
    const user = some.subject.user!;
    const cases: [string[], Parameters<DecisionLog["export"]>[0]][] = [
      [["--group", "g3"], { group: "g3" }],
      [["--user", user], { user }],
      [["--from", "2017-11-01", "--to", "2017-12-01T00:00:00+08:00"], { fromMs: parseRfc3339("2017-11-01T00:00:00+08:00")!, toMs: parseRfc3339("2017-12-01T00:00:00+08:00")! }],
      [["--from", "2017-11-01", "--group", "g3"], { fromMs: parseRfc3339("2017-11-01T00:00:00+08:00")!, group: "g3" }],
    ];
    for (const [args, filter] of cases) {
      const r = await cli("records", "export", "--store", store, ...args);
      expect(r.code, r.err).toBe(0);
      const got = lines(r.out);
      expect(got.length).toBeGreaterThan(0);
      expect(got.map((j) => JSON.stringify(JSON.parse(j)))).toEqual(log.export(filter).map((d) => JSON.stringify(d)));
    }
    const o = join(dir, "out.jsonl");
    expect((await cli("records", "export", "--store", store, "--group", "g3", "-o", o)).code).toBe(0);
    expect((await cli("records", "export", "--store", join(dir, "missing.db"))).code).toBe(2);
    expect((await cli("records", "export", "--store", store, "--from", "yesterday")).code).toBe(2);
  });

  it("A13.retention: the CLI refuses to purge records younger than six calendar months", async () => {
    const store = join(dir, "a.db");
    const refused = await cli("records", "purge", "--store", store, "--before", "2018-06-01");
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/refused: .*younger than 6 months .*A13\.retention/);
    // Old enough in event time, but committed just now: nothing may go yet.
    const kept = await cli("records", "purge", "--store", store, "--before", "2017-10-15");
    expect(kept.code, kept.err).toBe(0);
    expect(kept.err).toMatch(/0 decisions/);
    expect(lines((await cli("records", "export", "--store", store)).out)).toEqual(want);
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
