/**
 * The store contract (src/store/types.ts), run against every store: atomic commits, contiguous
 * journal, recovery = latest snapshot + the journal after it, catching up with other writers,
 * cursors, the inspection export (A13.inspection) and purge.
 */
import { afterAll, describe, expect, it } from "vitest";
import { DecisionLog } from "../../src/records/log.js";
import { parseRfc3339 } from "../../src/source/time.js";
import { createEngine } from "../../src/service/engine.js";
import type { CommitBatch, JournalEntry, Store } from "../../src/store/types.js";
import type { Decision } from "../../src/engine/index.js";
import { referenceProgram, streamLines, tickingClock } from "./fixtures.js";
import { storeFactories } from "./stores.js";

function entry(seq: number, over: Partial<JournalEntry> = {}): JournalEntry {
  return { seq, kind: "event", body: `{"id":"e${seq}"}`, eventId: `e${seq}`, atMs: 1000 * seq, policy: "p", recordedAt: 0, ...over };
}

function batch(entries: JournalEntry[], extra: Partial<CommitBatch> = {}): CommitBatch {
  return {
    entries,
    decisions: entries.map((e) => ({ entry: e.seq, json: `{"event":"${e.eventId}"}`, atMs: e.atMs, parties: { users: [], groups: [] } })),
    deadLetters: [],
    recordedAt: 5,
    ...extra,
  };
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const { factories, skipped } = await storeFactories();

for (const s of skipped) {
  describe.skip(`store contract ${s.name}: skipped, ${s.reason}`, () => {
    it("runs where its store is available", () => undefined);
  });
}

for (const factory of factories) {
  describe(`store contract: ${factory.name}`, () => {
    afterAll(() => factory.cleanup());

    it("commits a batch and recovers it", async () => {
      const s = await factory.create();
      await s.commit(0, (missed) => {
        expect(missed).toEqual([]);
        return batch([entry(1), entry(2)]);
      });
      const r = await s.recovery();
      expect(r.snapshot).toBeNull();
      expect(r.journal.map((e) => e.seq)).toEqual([1, 2]);
      expect(r.journal[0]).toMatchObject({ kind: "event", eventId: "e1", atMs: 1000, policy: "p", recordedAt: 5 });
      expect((await s.stats()).head).toBe(2);
      await s.close();
    });

    it("writes nothing when build throws, and nothing of a batch with a gap", async () => {
      const s = await factory.create();
      await expect(
        s.commit(0, () => {
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      await expect(s.commit(0, () => batch([entry(1), entry(3)]))).rejects.toThrow(/does not follow/);
      await expect(s.commit(0, () => batch([entry(1)], { snapshot: { seq: 2, policy: "p", state: "{}", recordedAt: 0 } }))).rejects.toThrow(/snapshot/);
      const st = await s.stats();
      expect(st).toMatchObject({ head: 0, entries: 0, decisions: 0, deadLetters: 0, snapshots: 0 });
      await s.close();
    });

    it("hands a writer the entries others appended since its position", async () => {
      const s = await factory.create();
      await s.commit(0, () => batch([entry(1), entry(2), entry(3)]));
      let seen: number[] = [];
      await s.commit(1, (missed) => {
        seen = missed.map((e) => e.seq);
        return batch([entry(4)]);
      });
      expect(seen).toEqual([2, 3]);
      await expect(s.commit(9, () => null)).rejects.toThrow(/ends at 4/);
      await s.close();
    });

    it("recovers from the latest snapshot and keeps a bounded number of them", async () => {
      const s = await factory.create();
      for (let i = 1; i <= 7; i++) {
        await s.commit(i - 1, () => batch([entry(i)], { snapshot: i % 2 === 0 ? { seq: i, policy: "p", state: `{"n":${i}}`, recordedAt: 0 } : undefined }));
      }
      const r = await s.recovery();
      expect(r.snapshot).toMatchObject({ seq: 6, state: '{"n":6}' });
      expect(r.journal.map((e) => e.seq)).toEqual([7]);
      expect((await s.snapshotAtOrBefore(5))?.seq).toBe(4);
      expect((await s.stats()).snapshots).toBeLessThanOrEqual(4);
      await s.close();
    });

    it("keeps input cursors", async () => {
      const s = await factory.create();
      expect(await s.cursor("stdin")).toBeNull();
      await s.commit(0, () => batch([entry(1)], { cursor: { input: "stdin", line: 10, digest: "abc" } }));
      await s.commit(1, () => ({ entries: [], decisions: [], deadLetters: [{ json: "{}", afterSeq: 1 }], recordedAt: 6, cursor: { input: "stdin", line: 12, digest: "def" } }));
      expect(await s.cursor("stdin")).toEqual({ input: "stdin", line: 12, digest: "def" });
      expect(await all(s.exportDeadLetters())).toEqual(["{}"]);
      await s.close();
    });

    it("keeps policies by id", async () => {
      const s = await factory.create();
      await s.putPolicy("a", '{"x":1}');
      await s.putPolicy("a", '{"x":2}');
      expect(await s.getPolicy("a")).toBe('{"x":1}');
      expect(await s.getPolicy("b")).toBeNull();
      await s.close();
    });

    it("A13.inspection: exports the same set, in the same order, as the in-memory decision log", async () => {
      const s = await factory.create();
      const engine = await createEngine(referenceProgram(), { store: s, clock: tickingClock(), snapshotEvery: 300 });
      const log = new DecisionLog();
      const lines = streamLines(1500, 11);
      for (let i = 0; i < lines.length; i += 100) {
        const out = await engine.decideRaw(lines.slice(i, i + 100).map((line, k) => ({ kind: "line" as const, line, lineNo: i + k + 1 })));
        for (const o of out) for (const d of o.decisions) log.append(d);
      }
      const decisions = await all(s.exportDecisions({}));
      expect(decisions.length).toBe(log.size);
      const sample = JSON.parse(decisions[Math.floor(decisions.length / 2)]!.json) as Decision;
      const group = sample.subject.group ?? "g1";
      const user = sample.subject.user ?? "u1";
      const fromMs = parseRfc3339("2017-10-20T00:00:00+08:00")!;
      const toMs = parseRfc3339("2017-11-20T00:00:00+08:00")!;
      for (const f of [{}, { fromMs, toMs }, { group }, { user }, { fromMs, toMs, group }, { fromMs, user }]) {
        const got = (await all(s.exportDecisions(f))).map((r) => r.json);
        const want = log.export(f).map((d) => JSON.stringify(d));
        expect(got.map((j) => JSON.stringify(JSON.parse(j)))).toEqual(want);
      }
      await s.close();
    });

    it("A13.retention: purges only what both clocks call old, keeps what recovery needs", async () => {
      const s = await factory.create();
      for (let i = 1; i <= 6; i++) {
        await s.commit(i - 1, () => ({ ...batch([entry(i)], { snapshot: i === 4 ? { seq: 4, policy: "p", state: "{}", recordedAt: 0 } : undefined }), recordedAt: i * 10 }));
      }
      // Records 1–5 are before 5500 in event time; only those committed before wall time 35 go.
      const counts = await s.purge({ beforeMs: 5500, recordedBeforeMs: 35, now: 100 });
      expect(counts.decisions).toBe(3);
      expect(counts.entries).toBe(3);
      const left = (await all(s.exportDecisions({}))).map((r) => r.entry);
      expect(left).toEqual([4, 5, 6]);
      const r = await s.recovery();
      expect(r.snapshot?.seq).toBe(4);
      expect(r.journal.map((e) => e.seq)).toEqual([5, 6]);
      expect(await s.journalStart()).toBe(4);
      await s.close();
    });

    if (factory.reopen !== undefined) {
      it("two handles on one store see one journal", async () => {
        const a = await factory.create();
        const b = await factory.reopen!(a);
        await a.commit(0, () => batch([entry(1)]));
        let missed: number[] = [];
        await b.commit(0, (m) => {
          missed = m.map((e) => e.seq);
          return batch([entry(2)]);
        });
        expect(missed).toEqual([1]);
        expect((await a.recovery()).journal.map((e) => e.seq)).toEqual([1, 2]);
        await a.close();
        await b.close();
      });
    }
  });
}

export type { Store };
