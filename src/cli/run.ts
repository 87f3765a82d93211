/**
 * `qungui run POLICY [EVENTS.jsonl]`: decisions as JSON Lines on stdout, in input order; rejected
 * lines as dead letters (`--dead-letter FILE`, else stderr); a summary line on stderr. The input is
 * read in chunks and decided as it arrives (src/cli/lines.ts), so a pipe that stays open gets its
 * decisions without waiting for its end. With `--state FILE` the engine state is loaded before and
 * saved after, so a stream processed in pieces gives the same decisions as in one go.
 */
import { existsSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { emptyState, restoreState, runStream, snapshotState, type EngineState } from "../engine/index.js";
import { decoding, EXIT, fileWriter, settleAll, LineWriter, readText, stdoutBytes, UsageError, writeText, type Io } from "./io.js";
import { maxLineBytesOf, openLineSource, stoppedNotice } from "./lines.js";
import { wallClockOf } from "./wall-clock.js";
import { requirePolicy } from "./load-policy.js";

export type { RunFlags } from "./run-flags.js";
import type { RunFlags } from "./run-flags.js";

function loadState(path: string | undefined): EngineState {
  if (!path || !existsSync(path)) return emptyState();
  const text = readText(path);
  try {
    return restoreState(text);
  } catch (e) {
    throw new UsageError(`cannot load state from ${path}: ${(e as Error).message}`);
  }
}

export function runRun(policyFile: string, eventsFile: string | undefined, flags: RunFlags, io: Io): number | Promise<number> {
  // The store (and SQLite) is loaded only when asked for.
  if (flags.store !== undefined || (process.env["QUNGUI_STORE"] ?? "") !== "") return import("./run-store.js").then((m) => m.runWithStore(policyFile, eventsFile, flags, io));
  const loaded = requirePolicy(policyFile, io, { wallClock: wallClockOf(flags.now) });
  if (!loaded) return EXIT.diagnostics;
  const { program } = loaded;
  const state = loadState(flags.state);
  const t0 = performance.now();
  // Decisions go out before each read that may wait, so a live pipe gets them as its events arrive.
  const maxLineBytes = maxLineBytesOf(flags.maxLineBytes);
  const input = openLineSource(eventsFile, {
    maxLineBytes,
    beforeRead: () => {
      out.flush();
      dead.flush();
    },
  });
  const out = new LineWriter(stdoutBytes(io));
  const deadFile = flags.deadLetter ? fileWriter(flags.deadLetter) : undefined;
  const dead = new LineWriter(deadFile ? deadFile.write : decoding((t) => io.err(t)));
  let counts;
  try {
    counts = runStream(program, input.lines, state, {
      decision: (json) => out.line(json),
      deadLetter: (json) => dead.line(json),
    }, { maxLineBytes });
  } finally {
    input.close();
    // Each is tried even when one fails (a full disk for stdout must not lose the dead letters).
    settleAll([() => out.flush(), () => dead.flush(), () => deadFile?.close()]);
  }
  const seconds = (performance.now() - t0) / 1000;
  if (flags.state) writeText(flags.state, snapshotState(state));
  const rate = seconds > 0 ? Math.round(counts.inputs / seconds) : counts.inputs;
  const stopped = stoppedNotice(input.stopped, eventsFile);
  io.err(
    stopped +
    `qungui run: ${counts.inputs} events → ${counts.primaryDecisions} decisions + ${counts.deadLetters} dead letters` +
      ` (accounting holds), ${counts.timerDecisions} timer decisions, ${rate.toLocaleString("en-US")} events/s\n`,
  );
  return stopped !== "" || (flags.failOnDeadLetters && counts.deadLetters > 0) ? EXIT.diagnostics : EXIT.ok;
}
