/**
 * Exhaustive switches. A `switch` over a union that falls to `default` when a case is missing
 * does nothing, silently, for a new event type or action; these make `tsc` name every such place.
 */

/**
 * The `default` of a switch that handles every member of a union: `x` has type `never` there,
 * and when a member gains no case, `tsc` rejects the call. Reaching it at run time is a bug.
 */
export function assertNever(x: never, what: string): never {
  throw new Error(`unhandled ${what}: ${typeof x === "object" ? JSON.stringify(x) : String(x)}`);
}

/**
 * The `default` of a switch that handles every member of a union but `Handled`, the members
 * handled before the switch (or that need nothing): `tsc` rejects the call when a member that is
 * not in `Handled` gains no case. Does nothing at run time.
 */
export function handledElsewhere<Handled>(_x: Handled): void {}
