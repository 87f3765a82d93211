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
});
