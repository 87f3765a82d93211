/**
 * The timer queue: a binary min-heap over a plain array, ordered by (due, seq), so it serialises
 * with the state as it is. Cancelling removes the timer (a cancelled timer is gone, not skipped).
 */
import type { Timer } from "./state.js";

function before(a: Timer, b: Timer): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

function up(h: Timer[], i: number): void {
  const t = h[i]!;
  while (i > 0) {
    const p = (i - 1) >> 1;
    const parent = h[p]!;
    if (!before(t, parent)) break;
    h[i] = parent;
    i = p;
  }
  h[i] = t;
}

function down(h: Timer[], i: number): void {
  const n = h.length;
  const t = h[i]!;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    const r = l + 1;
    let c = l;
    if (r < n && before(h[r]!, h[l]!)) c = r;
    const child = h[c]!;
    if (!before(child, t)) break;
    h[i] = child;
    i = c;
  }
  h[i] = t;
}

export function pushTimer(h: Timer[], t: Timer): void {
  h.push(t);
  up(h, h.length - 1);
}

/** The earliest timer if it is due at or before `now`, removed from the heap; else undefined. */
export function popDue(h: Timer[], now: number): Timer | undefined {
  const top = h[0];
  if (top === undefined || top.due > now) return undefined;
  const last = h.pop()!;
  if (h.length > 0) {
    h[0] = last;
    down(h, 0);
  }
  return top;
}

export function peekTimer(h: readonly Timer[]): Timer | undefined {
  return h[0];
}

/** Removes the timer with this sequence number; false when it is not pending (fired or cancelled). */
export function cancelTimer(h: Timer[], seq: number): boolean {
  const i = h.findIndex((t) => t.seq === seq);
  if (i < 0) return false;
  const last = h.pop()!;
  if (i < h.length) {
    h[i] = last;
    if (i > 0 && before(last, h[(i - 1) >> 1]!)) up(h, i);
    else down(h, i);
  }
  return true;
}

/** Restores the heap property of an array (after loading a state someone may have edited). */
export function heapify(h: Timer[]): void {
  for (let i = (h.length >> 1) - 1; i >= 0; i--) down(h, i);
}
