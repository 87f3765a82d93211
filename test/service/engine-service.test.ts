/**
 * What a service relies on, over every store: calls run in call order whether awaited or not;
 * a retry (same id, same content) is answered with the original decisions and stores nothing; the
 * policy in force is journaled, so a restart and every engine on the store serve it and switch at
 * one position; engines opening a new store together journal one first policy; a closed engine or
 * store fails with StoreError; explaining a past event replays a bounded slice of the journal, in
 * a worker thread, while deciding goes on.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { afterAll, describe, expect, it } from "vitest";
import { compilePolicyText } from "../../src/compile.js";
import { compileProgram, type Program } from "../../src/engine/index.js";
import { createEngine, type EngineInput } from "../../src/service/engine.js";
import { explainInput, explainStored, Policies } from "../../src/service/replay.js";
import { StoreError, type Store } from "../../src/store/types.js";
import { amendedPolicyText, referenceProgram, streamLines, tickingClock, unverifiedMemberSetup } from "./fixtures.js";
import { storeFactories } from "./stores.js";

const lines = (ls: string[], from = 0): EngineInput[] => ls.map((line, i) => ({ kind: "line", line, lineNo: from + i + 1 }));

function amendedProgram(): Program {
  return compileProgram(compilePolicyText(amendedPolicyText(), "elsewhere/amended.qg").ir!);
}

const SETUP = unverifiedMemberSetup("pg1");
const post = (id: string, at = "2018-03-01T10:00:00+08:00") => ({ id, type: "message.post", at, user: "anon", group: "pg1", message: `m-${id}` });

const { factories, skipped } = await storeFactories();

for (const s of skipped) {
  describe.skip(`engine service guarantees on ${s.name}: skipped, ${s.reason}`, () => {
    it("runs where its store is available", () => undefined);
  });
}

for (const factory of factories) {
  describe(`engine service guarantees on ${factory.name}`, () => {
    afterAll(() => factory.cleanup());

    it("runs decide, advance and explain in call order, awaited or not", async () => {
      const store = await factory.create();
      const engine = await createEngine(referenceProgram(), { store });
      const e1 = engine.decide({ id: "o1", type: "user.registered", at: "2018-03-01T09:01:00+08:00", user: "ou" });
      const adv = engine.advance("2018-03-01T10:00:00+08:00");
      const what = engine.explain({ id: "o2", type: "user.registered", at: "2018-03-01T09:30:00+08:00", user: "ou2" });
      const late = engine.decide({ id: "o3", type: "user.registered", at: "2018-03-01T09:02:00+08:00", user: "ou3" });
      const again = engine.decisionsOf("o1");
      const [r1, , x, r3, d1] = await Promise.all([e1, adv, what, late, again]);
      expect(r1.deadLetter).toBeUndefined();
      expect(r1.decisions.at(-1)!.event).toBe("o1");
      // The explanation sees the state after the advance to 10:00: an event at 09:30 is older than the tolerance.
      expect(x.deadLetter?.reason ?? "").toMatch(/older than/);
      // Decided after the advance to 10:00, the 09:02 event is too old: order was kept.
      expect(r3.deadLetter?.reason).toMatch(/older than/);
      expect(d1).not.toBeNull();
      expect(engine.clock).toBe(Date.parse("2018-03-01T02:00:00Z"));
      await engine.close();
      await store.close();
    });

    it("answers a retry with the original decisions, marked replay, and stores nothing; other content is a dead letter", async () => {
      const store = await factory.create();
      const engine = await createEngine(referenceProgram(), { store, clock: tickingClock() });
      const first = await engine.decideRaw([...SETUP, post("p1")].map((value) => ({ kind: "value" as const, value })));
      const before = await store.stats();
      // A retry of one event, a retry inside a batch with a new event, and the same id twice in one batch.
      const retry = await engine.decideRaw([{ kind: "value", value: post("p1") }]);
      expect(retry[0]).toMatchObject({ replay: true, decisionJson: first.at(-1)!.decisionJson });
      expect(retry[0]!.decisions.map((d) => d.rule)).toEqual(first.at(-1)!.decisions.map((d) => d.rule));
      const mixed = await engine.decideRaw([post("p2"), post("p1"), post("p2")].map((value) => ({ kind: "value" as const, value })));
      expect(mixed.map((r) => r.replay === true)).toEqual([false, true, true]);
      expect(mixed[2]!.decisionJson).toEqual(mixed[0]!.decisionJson);
      // Identity is not kept, so it is not compared: a verification retried with another identity is the same event.
      const ver = await engine.decide({ ...SETUP[1], identity: { other: true } });
      expect(ver.replay).toBe(true);
      const other = await engine.decide({ ...post("p1"), message: "another message" });
      expect(other.deadLetter?.reason).toBe('duplicate event id "p1"');
      expect(other.replay).toBeUndefined();
      const after = await store.stats();
      expect(after.head).toBe(before.head + 1); // p2 only
      expect(after.deadLetters).toBe(before.deadLetters + 1); // the other content only
      // A stream (qungui run --store) dead-letters a repeated line, as qungui run does.
      const stream = await engine.decideRaw([{ kind: "value", value: post("p1") }], undefined, { idempotent: false });
      expect(stream[0]!.deadLetter?.reason).toBe('duplicate event id "p1"');
      await engine.close();
      await store.close();
    });

    it("journals the policy in force: a restart serves the reloaded policy, unless told to adopt the given one", async () => {
      const store = await factory.create();
      const reference = referenceProgram();
      const amended = amendedProgram();
      const a = await createEngine(reference, { store, clock: tickingClock() });
      await a.decideBatch(SETUP);
      expect((await a.decide(post("q1"))).decisions.at(-1)).toMatchObject({ outcome: "deny", rule: "real-name/post", policyId: reference.id });
      await a.setProgram(amended);
      const switchedAt = a.position;
      expect(a.policySince).toBe(switchedAt);
      expect((await a.decide(post("q2"))).decisions.at(-1)).toMatchObject({ outcome: "allow", policyId: amended.id });
      await a.close();
      // Restarted with the original policy file: the journal's policy serves.
      const b = await createEngine(reference, { store, clock: tickingClock() });
      expect(b.policy).toBe(amended.id);
      expect(b.policySince).toBe(switchedAt);
      expect((await b.decide(post("q3"))).decisions.at(-1)).toMatchObject({ outcome: "allow", policyId: amended.id });
      await b.close();
      const c = await createEngine(reference, { store, clock: tickingClock(), policy: "given" });
      expect(c.policy).toBe(reference.id);
      expect((await c.decide(post("q4"))).decisions.at(-1)).toMatchObject({ outcome: "deny", policyId: reference.id });
      const entries = (await store.journal(0)).filter((e) => e.kind === "policy").map((e) => e.policy);
      expect(entries).toEqual([reference.id, amended.id, reference.id]);
      expect((await store.stats()).policy).toBe(reference.id);
      await c.close();
      await store.close();
    });

    if (factory.reopen !== undefined) {
      it("every engine on the store switches policy at the same journal position", async () => {
        const sa = await factory.create();
        const sb = await factory.reopen!(sa);
        const reference = referenceProgram();
        const amended = amendedProgram();
        const a = await createEngine(reference, { store: sa, clock: tickingClock() });
        const b = await createEngine(reference, { store: sb, clock: tickingClock() });
        await a.decideBatch(SETUP);
        expect((await b.decide(post("w1"))).decisions.at(-1)!.outcome).toBe("deny");
        await a.setProgram(amended);
        // b has not loaded the amended policy: it meets the switch in the journal before deciding.
        const r = await b.decide(post("w2"));
        expect(r.decisions.at(-1)).toMatchObject({ outcome: "allow", policyId: amended.id });
        expect(b.policy).toBe(amended.id);
        expect(b.policySince).toBe(a.policySince);
        // An idle engine catches up with refresh() (the readiness probe), and retries others committed are replays.
        await a.decide(post("w3"));
        await b.refresh();
        expect(b.position).toBe(a.position);
        const retried = await b.decide(post("w3"));
        expect(retried.replay).toBe(true);
        expect(retried.decisions.at(-1)!.event).toBe("w3");
        // Every decision after the switch names the amended policy, every one before it the reference.
        const journal = await sa.journal(0);
        const switchSeq = journal.find((e) => e.kind === "policy" && e.policy === amended.id)!.seq;
        for (const e of journal) if (e.kind === "event") expect(e.policy).toBe(e.seq < switchSeq ? reference.id : amended.id);
        await a.close();
        await b.close();
        await sa.close();
        await sb.close();
      });

      it("engines opening a new store together journal one first policy", async () => {
        const first = await factory.create();
        const handles: Store[] = [first, ...(await Promise.all([1, 2, 3].map(() => factory.reopen!(first))))];
        const engines = await Promise.all(handles.map((store) => createEngine(referenceProgram(), { store })));
        expect((await first.journal(0)).map((e) => e.kind)).toEqual(["policy"]);
        for (const e of engines) await e.close();
        for (const h of handles) await h.close();
      });
    }

    it("a closed engine and a closed store fail with StoreError", async () => {
      const store = await factory.create();
      const engine = await createEngine(referenceProgram(), { store });
      await engine.close();
      await expect(engine.decide(post("c1"))).rejects.toBeInstanceOf(StoreError);
      await expect(engine.advance(0)).rejects.toBeInstanceOf(StoreError);
      await store.close();
      await expect(store.stats()).rejects.toBeInstanceOf(StoreError);
      await expect(store.commit(0, () => null)).rejects.toBeInstanceOf(StoreError);
      await expect(createEngine(referenceProgram(), { store })).rejects.toBeInstanceOf(StoreError);
    });

    it("explains a past event from the snapshot before it, in a worker, while deciding goes on", async () => {
      const store = await factory.create();
      const every = 600;
      const engine = await createEngine(referenceProgram(), { store, clock: tickingClock(), snapshotEvery: every });
      const stream = streamLines(4000, 17);
      for (let i = 0; i < stream.length; i += 200) await engine.decideRaw(lines(stream.slice(i, i + 200), i));
      const ids = (await store.journal(0)).filter((e) => e.kind === "event").map((e) => e.eventId!);
      // Bounded: whatever the event, what is replayed is at most one snapshot interval (all snapshots are kept).
      for (const id of [ids[10]!, ids[Math.floor(ids.length / 3)]!, ids[ids.length - 1]!]) {
        const input = await explainInput(store, id);
        expect(input!.journal.length).toBeLessThan(every);
      }
      const last = ids[ids.length - 1]!;
      const inThread = await explainStored(store, new Policies(store), last);
      const lag = monitorEventLoopDelay({ resolution: 5 });
      lag.enable();
      const explained = engine.explainEvent(last);
      const decided = engine.decide({ id: "during", type: "user.registered", at: "2019-06-01T09:00:00+08:00", user: "dx" });
      const [x, d] = await Promise.all([explained, decided]);
      lag.disable();
      expect(JSON.stringify(x)).toBe(JSON.stringify(inThread));
      expect(d.decisions.at(-1)!.event).toBe("during");
      // The replay ran elsewhere: the event loop never stalled for it (a replay in-thread takes much longer).
      expect(lag.max / 1e6).toBeLessThan(250);
      expect(await engine.explainEvent("no-such-event")).toBeNull();
      await engine.close();
      await store.close();
    });
  });
}
