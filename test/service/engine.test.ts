/**
 * The durable engine over every store: the same decisions as the bare program, recovery that
 * resumes exactly (snapshot + journal replay gives the identical state), overlapping calls committed
 * together (and a failed group commit), several writers on one store, policy changes, explain of
 * past events, and personal information never stored.
 */
import { readFileSync, readdirSync } from "node:fs";
import { dirname } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { emptyState, runStream, serializeDeadLetter, serializeDecision, snapshotState } from "../../src/engine/index.js";
import { compileProgram } from "../../src/engine/index.js";
import { compilePolicyText } from "../../src/compile.js";
import { createEngine, type DecideOutput, type Engine, type EngineInput } from "../../src/service/engine.js";
import type { CommitBatch, JournalEntry, Store } from "../../src/store/types.js";
import { POLICY_PATH, referenceProgram, streamLines, tickingClock } from "./fixtures.js";
import { storeFactories } from "./stores.js";

function inputs(lines: string[], from = 0): EngineInput[] {
  return lines.map((line, i) => ({ kind: "line", line, lineNo: from + i + 1 }));
}

/** What `qungui run` (no store) writes for these lines. */
function reference(lines: string[]): { decisions: string[]; deadLetters: string[]; state: string } {
  const decisions: string[] = [];
  const deadLetters: string[] = [];
  const state = emptyState();
  runStream(referenceProgram(), lines, state, { decision: (j) => decisions.push(j), deadLetter: (j) => deadLetters.push(j) });
  return { decisions, deadLetters, state: snapshotState(state) };
}

async function feed(engine: Engine, lines: string[], from: number, chunk: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i += chunk) {
    const res = await engine.decideRaw(inputs(lines.slice(i, i + chunk), from + i));
    for (const r of res) out.push(...r.decisionJson);
  }
  return out;
}

async function log(store: Store): Promise<string[]> {
  const out: string[] = [];
  for await (const r of store.exportDecisions({})) out.push(r.json);
  return out;
}

async function deadLetters(store: Store): Promise<string[]> {
  const out: string[] = [];
  for await (const r of store.exportDeadLetters()) out.push(r);
  return out;
}

const LINES = streamLines(2500, 3);
const REF = reference(LINES);

const { factories, skipped } = await storeFactories();

for (const s of skipped) {
  describe.skip(`durable engine on ${s.name}: skipped, ${s.reason}`, () => {
    it("runs where its store is available", () => undefined);
  });
}

for (const factory of factories) {
  describe(`durable engine on ${factory.name}`, () => {
    afterAll(() => factory.cleanup());

    it("decides exactly as the bare program, and stores every decision and dead letter", async () => {
      const store = await factory.create();
      const engine = await createEngine(referenceProgram(), { store, clock: tickingClock(), snapshotEvery: 400 });
      const returned = await feed(engine, LINES, 0, 97);
      expect(returned).toEqual(REF.decisions);
      expect(await log(store)).toEqual(REF.decisions);
      expect(await deadLetters(store)).toEqual(REF.deadLetters);
      expect(engine.snapshot()).toBe(REF.state);
      await store.close();
    });

    it("resumes after a restart: snapshot + journal replay give the identical state", async () => {
      const store = await factory.create();
      const first = await createEngine(referenceProgram(), { store, clock: tickingClock(), snapshotEvery: 300 });
      await feed(first, LINES.slice(0, 1234), 0, 50);
      const stats = await store.stats();
      expect(stats.snapshotSeq).not.toBeNull();
      expect(stats.head).toBeGreaterThan(stats.snapshotSeq!);
      const second = await createEngine(referenceProgram(), { store, clock: tickingClock(), snapshotEvery: 300 });
      expect(second.snapshot()).toBe(first.snapshot());
      await feed(second, LINES.slice(1234), 1234, 50);
      expect(await log(store)).toEqual(REF.decisions);
      expect(second.snapshot()).toBe(REF.state);
      await store.close();
    });

    it("single events and batches through decide/decideBatch, and advance() with the injected clock", async () => {
      const store = await factory.create();
      let wall = Date.parse("2017-10-09T02:00:00Z");
      const engine = await createEngine(referenceProgram(), { store, clock: () => wall });
      const at = "2017-10-09T09:00:00+08:00";
      const r1 = await engine.decide({ id: "a1", type: "user.registered", at, user: "u1" });
      expect(r1.decisions.map((d) => d.outcome)).toEqual(["noted"]);
      const rs = await engine.decideBatch([
        { id: "a2", type: "complaint.filed", at, complaint: "c1", by: "u1" },
        { id: "a2", type: "clock", at },
        { id: "a3", type: "clock", at, constructor: { prototype: 1 } },
      ]);
      expect(rs.map((r) => r.deadLetter?.reason ?? r.decisions.at(-1)!.outcome)).toEqual(["noted", 'duplicate event id "a2"', 'reserved key "constructor" in event']);
      wall += 60 * 86_400_000;
      const adv = await engine.advance();
      expect(adv.decisions.map((d) => [d.trigger, d.rule])).toEqual([["timer", "complaints/overdue"]]);
      expect(engine.clock).toBe(wall);
      const again = await createEngine(referenceProgram(), { store });
      expect(again.snapshot()).toBe(engine.snapshot());
      expect((await store.stats()).deadLetters).toBe(2);
      await store.close();
    });

    it("explains a past event as it was decided", async () => {
      const store = await factory.create();
      const engine = await createEngine(referenceProgram(), { store, clock: tickingClock(), snapshotEvery: 200 });
      await feed(engine, LINES.slice(0, 900), 0, 100);
      const events = LINES.slice(0, 900).flatMap((l) => {
        try {
          const v = JSON.parse(l) as { id?: unknown; type?: unknown };
          return typeof v.id === "string" && (v.type === "message.post" || v.type === "group.join") ? [v.id] : [];
        } catch {
          return [];
        }
      });
      for (const id of [events[Math.floor(events.length / 4)]!, events[Math.floor(events.length / 2)]!, events[events.length - 1]!]) {
        const ex = await engine.explainEvent(id);
        const stored = await engine.decisionsOf(id);
        expect(ex).not.toBeNull();
        expect(ex!.event).toBe(id);
        expect(ex!.rules.length).toBeGreaterThan(0);
        expect(ex!.decisions.map((d) => JSON.stringify(d))).toEqual(stored!.map((j) => JSON.stringify(JSON.parse(j))));
      }
      expect(await engine.explainEvent("no-such-event")).toBeNull();
      await store.close();
    });

    it("A6.pii: the identity of user.verified is stored nowhere", async () => {
      const store = await factory.create();
      const engine = await createEngine(referenceProgram(), { store, clock: tickingClock(), snapshotEvery: 100 });
      const verified = LINES.filter((l) => l.includes('"user.verified"')).slice(0, 20);
      expect(verified.length).toBeGreaterThan(5);
      await feed(engine, LINES.slice(0, 600), 0, 60);
      await engine.decide(JSON.parse(verified[0]!.replace(/"id":"[^"]+"/, '"id":"dup-free-1"')) as unknown);
      const texts: string[] = [...(await log(store)), ...(await deadLetters(store)), ...(await store.journal(0)).map((e) => e.body)];
      const snap = await store.snapshotAtOrBefore(Number.MAX_SAFE_INTEGER);
      if (snap) texts.push(snap.state);
      const all = texts.join("\n");
      expect(all).not.toMatch(/idNumber|测试用户/);
      if (factory.name === "sqlite") {
        const dir = dirname(store.location);
        for (const f of readdirSync(dir)) {
          if (!f.startsWith(store.location.slice(dir.length + 1))) continue;
          const bytes = readFileSync(`${dir}/${f}`);
          expect(bytes.includes(Buffer.from("idNumber"))).toBe(false);
          expect(bytes.includes(Buffer.from("测试用户"))).toBe(false);
        }
      }
      await store.close();
    });

    it("replays each journal entry with the policy that judged it after a policy change", async () => {
      const store = await factory.create();
      // The amended policy no longer requires a verified identity to post: visibly different decisions.
      const text = readFileSync(POLICY_PATH, "utf8").replace("verified required for post, create, set-info", "verified required for create, set-info");
      const amended = compilePolicyText(text, POLICY_PATH).ir;
      expect(amended).not.toBeNull();
      const engine = await createEngine(referenceProgram(), { store, clock: tickingClock(), snapshotEvery: 10_000 });
      await feed(engine, LINES.slice(0, 700), 0, 70);
      const before = await log(store);
      expect(before.some((j) => j.includes('"rule":"real-name/post"'))).toBe(true);
      await engine.setProgram(compileProgram(amended!));
      const after = await feed(engine, LINES.slice(700, 1400), 700, 70);
      expect(after.some((j) => j.includes('"rule":"real-name/post"'))).toBe(false);
      const restarted = await createEngine(referenceProgram(), { store, clock: tickingClock() });
      expect(restarted.snapshot()).toBe(engine.snapshot());
      await store.close();
    });

    it("after a failed commit the engine recovers the store's state before going on", async () => {
      const inner = await factory.create();
      let failNext = false;
      const flaky: Store = Object.create(inner) as Store;
      flaky.commit = (after: number, build: (m: JournalEntry[]) => CommitBatch | null) =>
        inner.commit(after, (m) => {
          const b = build(m);
          if (failNext) {
            failNext = false;
            throw new Error("disk full");
          }
          return b;
        });
      const engine = await createEngine(referenceProgram(), { store: flaky, clock: tickingClock() });
      await feed(engine, LINES.slice(0, 300), 0, 50);
      failNext = true;
      await expect(engine.decideRaw(inputs(LINES.slice(300, 350), 300))).rejects.toThrow("disk full");
      await feed(engine, LINES.slice(300), 300, 50);
      expect(await log(inner)).toEqual(REF.decisions);
      expect(engine.snapshot()).toBe(REF.state);
      await inner.close();
    });

    it("answers overlapping calls in call order, exactly as the bare program (group commit)", async () => {
      const store = await factory.create();
      const engine = await createEngine(referenceProgram(), { store, clock: tickingClock(), snapshotEvery: 300, groupCommitLimit: 200 });
      const calls: Promise<DecideOutput[]>[] = [];
      for (let i = 0; i < LINES.length; i += 41) {
        calls.push(engine.decideRaw(inputs(LINES.slice(i, i + 41), i)));
        if (i % 410 === 0) await new Promise((r) => setImmediate(r)); // some calls arrive while others are being committed
      }
      const returned = (await Promise.all(calls)).flatMap((out) => out.flatMap((r) => r.decisionJson));
      expect(returned).toEqual(REF.decisions);
      expect(await log(store)).toEqual(REF.decisions);
      expect(await deadLetters(store)).toEqual(REF.deadLetters);
      expect(engine.snapshot()).toBe(REF.state);
      const restarted = await createEngine(referenceProgram(), { store });
      expect(restarted.snapshot()).toBe(REF.state);
      await store.close();
    });

    it("when a commit fails with calls waiting, its calls get the error and the later ones are decided", async () => {
      const inner = await factory.create();
      const store: Store = Object.create(inner) as Store;
      let commits = 0;
      store.commit = (after, build) =>
        inner.commit(after, (m) => {
          const b = build(m);
          if (b !== null && ++commits === 4) throw new Error("disk full");
          return b;
        });
      const engine = await createEngine(referenceProgram(), { store, clock: tickingClock(), groupCommitLimit: 50 });
      const settled = await Promise.allSettled(Array.from({ length: 12 }, (_, k) => engine.decideRaw(inputs(LINES.slice(k * 50, k * 50 + 50), k * 50))));
      const rejected = settled.filter((r) => r.status === "rejected");
      expect(rejected.length).toBe(1);
      expect(String((rejected[0] as PromiseRejectedResult).reason)).toMatch(/disk full/);
      const answered = settled.flatMap((r) => (r.status === "fulfilled" ? r.value.flatMap((o) => o.decisionJson) : []));
      expect(await log(inner)).toEqual(answered);
      const restarted = await createEngine(referenceProgram(), { store: inner });
      expect(restarted.snapshot()).toBe(engine.snapshot());
      await inner.close();
    });

    if (factory.reopen !== undefined) {
      it("two engines deciding at once: every answer is in the log, and the log is the replay of the journal", async () => {
        const a = await factory.create();
        const b = await factory.reopen!(a);
        const ea = await createEngine(referenceProgram(), { store: a, clock: tickingClock(), snapshotEvery: 250, groupCommitLimit: 80 });
        const eb = await createEngine(referenceProgram(), { store: b, clock: tickingClock(), snapshotEvery: 250, groupCommitLimit: 80 });
        const calls: Promise<DecideOutput[]>[] = [];
        for (let i = 0, k = 0; i < LINES.length; i += 37, k++) calls.push((k % 2 === 0 ? ea : eb).decideRaw(inputs(LINES.slice(i, i + 37), i)));
        const answered = (await Promise.all(calls)).flatMap((out) => out.flatMap((r) => r.decisionJson));
        const stored = await log(a);
        expect([...stored].sort()).toEqual([...answered].sort());
        const program = referenceProgram();
        const state = emptyState();
        const replayed = (await a.journal(0)).filter((e) => e.kind === "event").flatMap((e) => program.evaluate(JSON.parse(e.body) as unknown, state).decisions.map(serializeDecision));
        expect(replayed).toEqual(stored);
        const fresh = await createEngine(referenceProgram(), { store: a });
        expect(fresh.snapshot()).toBe(snapshotState(state));
        await a.close();
        await b.close();
      });

      it("two engines on one store decide against the whole journal", async () => {
        const a = await factory.create();
        const b = await factory.reopen!(a);
        const ea = await createEngine(referenceProgram(), { store: a, clock: tickingClock(), snapshotEvery: 250 });
        const eb = await createEngine(referenceProgram(), { store: b, clock: tickingClock(), snapshotEvery: 250 });
        for (let i = 0, k = 0; i < LINES.length; i += 37, k++) {
          await (k % 3 === 0 ? eb : ea).decideRaw(inputs(LINES.slice(i, i + 37), i));
        }
        expect(await log(a)).toEqual(REF.decisions);
        expect(await deadLetters(a)).toEqual(REF.deadLetters);
        const fresh = await createEngine(referenceProgram(), { store: a });
        expect(fresh.snapshot()).toBe(REF.state);
        await a.close();
        await b.close();
      });
    }
  });
}

describe("dead letters carry their line numbers", () => {
  it("as qungui run writes them", () => {
    expect(REF.deadLetters.length).toBeGreaterThan(0);
    expect(REF.deadLetters[0]).toBe(serializeDeadLetter(JSON.parse(REF.deadLetters[0]!) as never));
  });
});
