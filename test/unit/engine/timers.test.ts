import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { cancelTimer, heapify, popDue, pushTimer } from "../../../src/engine/timers.js";
import type { Timer } from "../../../src/engine/state.js";

function timer(due: number, seq: number): Timer {
  return { due, seq, kind: "posting-resumes", version: 0, group: "g", user: null, complaint: null, message: null, rule: null, cites: null, actions: null, watch: null, mark: 0 };
}

function drain(h: Timer[]): [number, number][] {
  const out: [number, number][] = [];
  for (let t = popDue(h, Infinity); t; t = popDue(h, Infinity)) out.push([t.due, t.seq]);
  return out;
}

describe("timer heap", () => {
  test("pops in (due, seq) order and only what is due", () => {
    const h: Timer[] = [];
    const input: [number, number][] = [[5, 0], [3, 1], [5, 2], [1, 3], [3, 4], [9, 5], [0, 6]];
    for (const [d, s] of input) pushTimer(h, timer(d, s));
    expect(popDue(h, -1)).toBeUndefined();
    expect(drain(h)).toEqual([...input].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
  });

  test("cancel removes exactly that timer, wherever it sits", () => {
    for (let victim = 0; victim < 20; victim++) {
      const h: Timer[] = [];
      for (let i = 0; i < 20; i++) pushTimer(h, timer((i * 7) % 11, i));
      expect(cancelTimer(h, victim)).toBe(true);
      expect(cancelTimer(h, victim)).toBe(false);
      const out = drain(h);
      expect(out.map(([, s]) => s)).not.toContain(victim);
      expect(out).toEqual([...out].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
      expect(out).toHaveLength(19);
    }
  });

  test("heapify restores order of an arbitrary array", () => {
    const h = [9, 1, 8, 2, 7, 3].map((d, i) => timer(d, i));
    heapify(h);
    expect(drain(h).map(([d]) => d)).toEqual([1, 2, 3, 7, 8, 9]);
  });

  test("any mix of push, pop and cancel behaves like a sorted list (the position index never goes stale)", () => {
    const op = fc.oneof(
      fc.record({ op: fc.constant("push" as const), due: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ op: fc.constant("pop" as const), now: fc.integer({ min: -1, max: 20 }) }),
      fc.record({ op: fc.constant("cancel" as const), seq: fc.integer({ min: 0, max: 60 }) }),
      fc.constant({ op: "heapify" as const }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const h: Timer[] = [];
        let model: Timer[] = [];
        let seq = 0;
        for (const o of ops) {
          if (o.op === "push") {
            const t = timer(o.due, seq++);
            pushTimer(h, t);
            model.push(t);
            model.sort((a, b) => a.due - b.due || a.seq - b.seq);
          } else if (o.op === "pop") {
            const expected = model[0] !== undefined && model[0].due <= o.now ? model.shift() : undefined;
            expect(popDue(h, o.now)).toBe(expected);
          } else if (o.op === "cancel") {
            const present = model.some((t) => t.seq === o.seq);
            expect(cancelTimer(h, o.seq)).toBe(present);
            model = model.filter((t) => t.seq !== o.seq);
          } else heapify(h);
          expect(h).toHaveLength(model.length);
        }
        expect(drain(h)).toEqual(model.map((t) => [t.due, t.seq]));
      }),
      { numRuns: 500 },
    );
  });

  test("a heap edited from outside after a cancel still cancels the right timer", () => {
    const h: Timer[] = [];
    for (let i = 0; i < 10; i++) pushTimer(h, timer(i, i));
    expect(cancelTimer(h, 3)).toBe(true); // builds the position index
    // Another timer swapped in behind the heap's back (same length, so only the check of the slot can tell).
    const i = h.findIndex((t) => t.seq === 7);
    h[i] = timer(7, 70);
    expect(cancelTimer(h, 70)).toBe(true);
    expect(cancelTimer(h, 7)).toBe(false);
    expect(drain(h).map(([, s]) => s)).toEqual([0, 1, 2, 4, 5, 6, 8, 9]);
  });
});
