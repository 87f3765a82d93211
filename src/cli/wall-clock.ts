/** The wall clock of a CLI run: the only place besides the server that reads the system clock for intake. */
import { parseTimestamp } from "../source/time.js";
import { UsageError } from "./io.js";

/**
 * The wall clock intake compares events with (docs/engine.md, "Intake"): the system clock, or the
 * fixed instant of `--now` (a simulation of another day, or a replay of an old stream).
 */
export function wallClockOf(now: string | undefined): () => number {
  if (now === undefined) return () => Date.now();
  const ms = parseTimestamp(now);
  if (Number.isNaN(ms)) throw new UsageError(`--now must be an RFC 3339 timestamp with an offset, e.g. 2017-10-09T00:00:00+08:00`);
  return () => ms;
}
