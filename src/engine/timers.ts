/**
 * The timer queue: a binary min-heap over a plain array, ordered by (due, seq), so it serialises
 * with the state as it is. Cancelling removes the timer (a cancelled timer is gone, not skipped).
 *
 * Cancelling needs the timer's place in the heap. A scan is linear in the pending timers (tens of
 * thousands on a large platform: complaint deadlines, suspensions), so the heap keeps a map from
 * sequence number to index beside it, under a non-enumerable symbol that serialisation and
 * equality skip. The map is built on the first cancel and kept up to date by every move; a cancel
 * that misses or finds it wrong (the array was edited from outside) rebuilds it.
 */
/** What the queue orders by; the engine's timers (`Timer`, ./state.ts) have both. */
export interface Queued {
  /** When it falls due, epoch ms. */
  due: number;
  /** Orders entries due at the same instant, and names one for cancelling. */
  seq: number;
}

const POSITIONS = Symbol("timer positions");

type Indexed = Queued[] & { [POSITIONS]?: Map<number, number> };

function before(a: Queued, b: Queued): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

function up<T extends Queued>(h: T[], i: number): void {
  const pos = (h as Indexed)[POSITIONS];
  const t = h[i]!;
  while (i > 0) {
    const p = (i - 1) >> 1;
    const parent = h[p]!;
    if (!before(t, parent)) break;
    h[i] = parent;
    pos?.set(parent.seq, i);
    i = p;
  }
  h[i] = t;
  pos?.set(t.seq, i);
}

function down<T extends Queued>(h: T[], i: number): void {
  const pos = (h as Indexed)[POSITIONS];
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
    pos?.set(child.seq, i);
    i = c;
  }
  h[i] = t;
  pos?.set(t.seq, i);
}

export function pushTimer<T extends Queued>(h: T[], t: T): void {
  h.push(t);
  up(h, h.length - 1);
}

/** The earliest timer if it is due at or before `now`, removed from the heap; else undefined. */
export function popDue<T extends Queued>(h: T[], now: number): T | undefined {
  const top = h[0];
  if (top === undefined || top.due > now) return undefined;
  removeAt(h, 0);
  return top;
}

export function peekTimer<T extends Queued>(h: readonly T[]): T | undefined {
  return h[0];
}

/** Removes the timer with this sequence number; false when it is not pending (fired or cancelled). */
export function cancelTimer<T extends Queued>(h: T[], seq: number): boolean {
  let pos = (h as Indexed)[POSITIONS];
  let i = pos?.get(seq);
  // A miss is rare (the engine cancels timers it knows are pending), so it is checked the slow way.
  if (pos === undefined || i === undefined || h[i]?.seq !== seq || pos.size !== h.length) {
    pos = indexPositions(h);
    i = pos.get(seq);
  }
  if (i === undefined) return false;
  removeAt(h, i);
  return true;
}

function removeAt<T extends Queued>(h: T[], i: number): void {
  const removed = h[i]!;
  (h as Indexed)[POSITIONS]?.delete(removed.seq);
  const last = h.pop()!;
  if (i < h.length) {
    h[i] = last;
    if (i > 0 && before(last, h[(i - 1) >> 1]!)) up(h, i);
    else down(h, i);
  }
}

function indexPositions<T extends Queued>(h: T[]): Map<number, number> {
  const pos = new Map<number, number>();
  for (let i = 0; i < h.length; i++) pos.set(h[i]!.seq, i);
  Object.defineProperty(h, POSITIONS, { value: pos, enumerable: false, writable: true, configurable: true });
  return pos;
}

/** Restores the heap property of an array (after loading a state someone may have edited). */
export function heapify<T extends Queued>(h: T[]): void {
  for (let i = (h.length >> 1) - 1; i >= 0; i--) down(h, i);
}
