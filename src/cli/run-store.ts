/**
 * `qungui run POLICY EVENTS --store FILE`: the same decisions as `qungui run`, committed to a
 * durable store (src/store/sqlite.ts) before they are written to stdout, so a run killed at any
 * point and started again continues where it stopped: nothing lost, nothing decided twice.
 *
 * Restart: the store keeps, per input (`file:<absolute path>` or `stdin`), how many lines were
 * consumed and the sha256 of the last of them, in the same transaction as their decisions. A new
 * run of the same input skips that many lines, after checking that the line there has the same
 * digest (otherwise it is another input and the run is refused). Decisions of lines committed
 * before the kill are in the store (`qungui records export`) even if they never reached stdout;
 * stdout carries the decisions of this run only. See docs/architecture.md, "Durable state".
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { compileProgram, splitLines } from "../engine/index.js";
import { createEngine, type EngineInput } from "../service/engine.js";
import { openSqliteStore } from "../store/sqlite.js";
import { StoreError } from "../store/types.js";
import { BufferedWriter, EXIT, readText, UsageError, type Io } from "./io.js";
import { requirePolicy } from "./load-policy.js";
import type { RunFlags } from "./run.js";

/** Lines per commit: large enough to amortise the fsync, small enough to lose little on a kill. */
const CHUNK = 1000;

export function lineDigest(line: string): string {
  return createHash("sha256").update(line).digest("hex");
}

function appendWriter(path: string): { write: (t: string) => void; close: () => void } {
  let fd: number;
  try {
    fd = openSync(path, "a");
  } catch (e) {
    throw new UsageError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return { write: (t) => void writeSync(fd, t), close: () => closeSync(fd) };
}

export function parseDurability(value: string | undefined): "full" | "normal" {
  if (value === undefined || value === "full") return "full";
  if (value === "normal") return "normal";
  throw new UsageError(`--durability must be full or normal, not ${JSON.stringify(value)}`);
}

export async function runWithStore(policyFile: string, eventsFile: string | undefined, flags: RunFlags, io: Io): Promise<number> {
  if (flags.state !== undefined) throw new UsageError("--state and --store cannot be used together: the store keeps the state");
  const storePath = flags.store!;
  const ir = requirePolicy(policyFile, io);
  if (!ir) return EXIT.diagnostics;
  const program = compileProgram(ir);
  const stdin = eventsFile === undefined || eventsFile === "-";
  const inputKey = stdin ? "stdin" : `file:${resolve(eventsFile)}`;
  let text: string;
  if (stdin) {
    try {
      text = readFileSync(0, "utf8");
    } catch (e) {
      throw new UsageError(`cannot read standard input: ${(e as Error).message}`);
    }
  } else text = readText(eventsFile);
  const lines = splitLines(text);

  let store;
  try {
    store = openSqliteStore(storePath, { synchronous: parseDurability(flags.durability) });
  } catch (e) {
    if (e instanceof StoreError) throw new UsageError(e.message);
    throw e;
  }
  const t0 = performance.now();
  const out = new BufferedWriter((t) => io.out(t));
  const deadFile = flags.deadLetter ? appendWriter(flags.deadLetter) : undefined;
  const dead = new BufferedWriter(deadFile ? deadFile.write : (t) => io.err(t));
  const counts = { inputs: 0, blankLines: 0, decisions: 0, primary: 0, timers: 0, deadLetters: 0 };
  let skipped = 0;
  try {
    const engine = await createEngine(program, { store, clock: () => Date.now() });
    const cursor = await store.cursor(inputKey);
    if (cursor !== null) {
      if (cursor.line > lines.length || lineDigest(lines[cursor.line - 1]!) !== cursor.digest) {
        throw new UsageError(
          `${storePath} has consumed ${cursor.line} lines of ${stdin ? "standard input" : eventsFile} but line ${cursor.line} of this input differs: it is not the same input (use another store)`,
        );
      }
      skipped = cursor.line;
    }
    for (let start = skipped; start < lines.length; ) {
      const inputs: EngineInput[] = [];
      let i = start;
      for (; i < lines.length && inputs.length < CHUNK; i++) {
        const raw = lines[i]!;
        const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
        if (line.trim().length === 0) {
          counts.blankLines++;
          continue;
        }
        inputs.push({ kind: "line", line, lineNo: i + 1 });
      }
      const results = await engine.decideRaw(inputs, { input: inputKey, line: i, digest: lineDigest(lines[i - 1]!) });
      // Committed: now, and only now, the decisions go out.
      for (const r of results) {
        counts.inputs++;
        for (let k = 0; k < r.decisionJson.length; k++) {
          counts.decisions++;
          if (r.decisions[k]!.trigger === "timer") counts.timers++;
          else counts.primary++;
          out.line(r.decisionJson[k]!);
        }
        if (r.deadLetterJson !== undefined) {
          counts.deadLetters++;
          dead.line(r.deadLetterJson);
        }
      }
      out.flush();
      dead.flush();
      start = i;
    }
  } catch (e) {
    if (e instanceof StoreError) throw new UsageError(`${storePath}: ${e.message}`);
    throw e;
  } finally {
    out.flush();
    dead.flush();
    deadFile?.close();
    await store.close();
  }
  if (counts.inputs !== counts.primary + counts.deadLetters) {
    throw new Error(`accounting violated: ${counts.inputs} inputs, ${counts.primary} primary decisions, ${counts.deadLetters} dead letters`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const rate = seconds > 0 ? Math.round(counts.inputs / seconds) : counts.inputs;
  const resumed = skipped > 0 ? `resumed after line ${skipped}; ` : "";
  io.err(
    `qungui run: ${resumed}${counts.inputs} events → ${counts.primary} decisions + ${counts.deadLetters} dead letters` +
      ` (accounting holds), ${counts.timers} timer decisions, ${rate.toLocaleString("en-US")} events/s, stored in ${storePath}\n`,
  );
  return flags.failOnDeadLetters && counts.deadLetters > 0 ? EXIT.diagnostics : EXIT.ok;
}
