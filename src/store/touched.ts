/**
 * Which users, groups and complaints an engine has reached since its last commit, for a store that
 * keeps the engine state as one row per entry (the PostgreSQL store, src/store/partition-rows.ts):
 * the commit writes those rows, not the whole state. The engine mutates entries in place through
 * its id-keyed tables, so every access to a table names the key it reaches; recording the keys of
 * reads as well as writes gives a superset of the entries that changed, which is all a row write
 * needs. The tables stay the engine's own null-prototype records behind the proxies: enumerating,
 * serialising and snapshotting them see exactly what they held before.
 */
import type { EngineState } from "../engine/state.js";

/** The id-keyed tables of the engine state that the PostgreSQL store keeps as rows. */
export const ROW_TABLES = ["complaints", "groups", "users"] as const;
export type RowTable = (typeof ROW_TABLES)[number];

/**
 * Keys reached per table since the last {@link clearTouched}; while `quiet`, nothing is recorded
 * (serialising a snapshot reads every entry and changes none).
 */
export type Touched = Record<RowTable, Set<string>> & { quiet: boolean };

export function noneTouched(): Touched {
  return { complaints: new Set(), groups: new Set(), users: new Set(), quiet: false };
}

/** Runs `f` (a reader of the whole state, such as a snapshot) without recording what it reaches. */
export function quietly<T>(touched: Touched | null, f: () => T): T {
  if (touched === null) return f();
  const before = touched.quiet;
  touched.quiet = true;
  try {
    return f();
  } finally {
    touched.quiet = before;
  }
}

export function clearTouched(t: Touched): void {
  for (const table of ROW_TABLES) t[table].clear();
}

function recording<T extends object>(target: T, touched: Touched, keys: Set<string>): T {
  return keyNoting(target, (k) => {
    if (!touched.quiet) keys.add(k);
  });
}

/**
 * `target` behind a proxy that calls `note` with every string key an access names (read, test,
 * write, delete, define) and otherwise behaves as `target`. `extra` adds traps (the cluster's
 * partial state refuses enumeration). The PostgreSQL store and the cluster's batch decider both
 * learn which rows the engine reached this way.
 */
export function keyNoting<T extends object>(target: T, note: (key: string) => void, extra: ProxyHandler<T> = {}): T {
  const noteKey = (k: string | symbol): void => {
    if (typeof k === "string") note(k);
  };
  return new Proxy(target, {
    get(t, k) {
      noteKey(k);
      return Reflect.get(t, k);
    },
    has(t, k) {
      noteKey(k);
      return Reflect.has(t, k);
    },
    set(t, k, v) {
      noteKey(k);
      return Reflect.set(t, k, v);
    },
    deleteProperty(t, k) {
      noteKey(k);
      return Reflect.deleteProperty(t, k);
    },
    defineProperty(t, k, d) {
      noteKey(k);
      return Reflect.defineProperty(t, k, d);
    },
    ...extra,
  });
}

/**
 * Makes `state`'s users, groups and complaints record the keys the engine reaches into `touched`
 * (in place: the state object stays the same). Call it once per state, after restoring it.
 */
export function trackTouches(state: EngineState, touched: Touched): void {
  state.users = recording(state.users, touched, touched.users);
  state.groups = recording(state.groups, touched, touched.groups);
  state.complaints = recording(state.complaints, touched, touched.complaints);
}
