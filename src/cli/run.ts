/**
 * `qungui run POLICY [EVENTS.jsonl]`: decisions as JSON Lines on stdout, in input order; rejected
 * lines as dead letters (`--dead-letter FILE`, else stderr); a summary line on stderr. With
 * `--state FILE` the engine state is loaded before and saved after, so a stream processed in pieces
 * gives the same decisions as in one go.
 */
import { existsSync, readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { compileProgram, emptyState, restoreState, runStream, snapshotState, splitLines, type EngineState } from "../engine/index.js";
import { BufferedWriter, EXIT, fileWriter, readText, UsageError, writeText, type Io } from "./io.js";
import { requirePolicy } from "./load-policy.js";
import { runWithStore } from "./run-store.js";

export interface RunFlags {
  deadLetter?: string;
  state?: string;
  failOnDeadLetters?: boolean;
  /** Commit to this store (src/cli/run-store.ts) and continue where an earlier run stopped. */
  store?: string;
  durability?: string;
}



function loadState(path: string | undefined): EngineState {
  if (!path || !existsSync(path)) return emptyState();
  try {
    return restoreState(readText(path));
  } catch (e) {
    throw new UsageError(`cannot load state from ${path}: ${(e as Error).message}`);
  }
}

function readInput(file: string | undefined): string {
  if (file === undefined || file === "-") {
    try {
      return readFileSync(0, "utf8");
    } catch (e) {
      throw new UsageError(`cannot read standard input: ${(e as Error).message}`);
    }
  }
  return readText(file);
}

export function runRun(policyFile: string, eventsFile: string | undefined, flags: RunFlags, io: Io): number | Promise<number> {
  if (flags.store !== undefined) return runWithStore(policyFile, eventsFile, flags, io);
  const ir = requirePolicy(policyFile, io);
  if (!ir) return EXIT.diagnostics;
  const program = compileProgram(ir);
  const state = loadState(flags.state);
  const text = readInput(eventsFile);
  const t0 = performance.now();
  const out = new BufferedWriter((t) => io.out(t));
  const deadFile = flags.deadLetter ? fileWriter(flags.deadLetter) : undefined;
  const dead = new BufferedWriter(deadFile ? deadFile.write : (t) => io.err(t));
  let counts;
  try {
    counts = runStream(program, splitLines(text), state, {
      decision: (json) => out.line(json),
      deadLetter: (json) => dead.line(json),
    });
  } finally {
    out.flush();
    dead.flush();
    deadFile?.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  if (flags.state) writeText(flags.state, snapshotState(state));
  const rate = seconds > 0 ? Math.round(counts.inputs / seconds) : counts.inputs;
  io.err(
    `qungui run: ${counts.inputs} events → ${counts.primaryDecisions} decisions + ${counts.deadLetters} dead letters` +
      ` (accounting holds), ${counts.timerDecisions} timer decisions, ${rate.toLocaleString("en-US")} events/s\n`,
  );
  return flags.failOnDeadLetters && counts.deadLetters > 0 ? EXIT.diagnostics : EXIT.ok;
}
