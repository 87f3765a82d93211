/**
 * `qungui run POLICY EVENTS --store STORE`: the same decisions as `qungui run`, committed to a
 * durable store (a SQLite file or a postgres:// URL, src/store/open.ts; or QUNGUI_STORE) before
 * they are written to stdout, so a run killed at any point and started again continues where it
 * stopped: nothing lost, nothing decided twice. A repeated event id is a dead letter, as in
 * `qungui run` (the engine's retry answers are for services, not for streams).
 *
 * The store's policy in force decides when it has one (with a note on stderr when that is not
 * POLICY); `--adopt-policy` journals POLICY as the policy in force first.
 *
 * Restart: the store keeps, per input (`file:<absolute path>` or `stdin`), how many lines were
 * consumed and the sha256 of the last of them, in the same transaction as their decisions. A new
 * run of the same input skips that many lines, after checking that the line there has the same
 * digest (otherwise it is another input and the run is refused). Decisions of lines committed
 * before the kill are in the store (`qungui records export`) even if they never reached stdout;
 * stdout carries the decisions of this run only. See docs/architecture.md, "Durable state".
 */
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { inputLine, type RefusedLine } from "../engine/index.js";
import { createEngine, type EngineInput } from "../service/engine.js";
import { describeStore, openStore } from "../store/open.js";
import { StoreError, type Store } from "../store/types.js";
import { decoding, EXIT, fileWriter, LineWriter, settleAll, stdoutBytes, UsageError, type Io } from "./io.js";
import { maxLineBytesOf, openLineSource, stoppedNotice } from "./lines.js";
import { requirePolicy } from "./load-policy.js";
import type { RunFlags } from "./run-flags.js";
import { wallClockOf } from "./wall-clock.js";

/** Lines per commit: large enough to amortise the fsync, small enough to lose little on a kill. */
const CHUNK = 1000;

export function lineDigest(line: string | RefusedLine): string {
  // A refused line is known by what was refused (its length, where its bytes go wrong).
  return createHash("sha256").update(typeof line === "string" ? line : `\0${line.reason}\0${line.raw}`).digest("hex");
}

export function parseDurability(value: string | undefined): "full" | "normal" {
  if (value === undefined || value === "full") return "full";
  if (value === "normal") return "normal";
  throw new UsageError(`--durability must be full or normal, not ${JSON.stringify(value)}`);
}

export async function runWithStore(policyFile: string, eventsFile: string | undefined, flags: RunFlags, io: Io): Promise<number> {
  if (flags.state !== undefined) throw new UsageError("--state and --store cannot be used together: the store keeps the state");
  const storePath = flags.store ?? process.env["QUNGUI_STORE"]!;
  const where = describeStore(storePath);
  const loaded = requirePolicy(policyFile, io, { wallClock: wallClockOf(flags.now) });
  if (!loaded) return EXIT.diagnostics;
  const { program } = loaded;
  const stdin = eventsFile === undefined || eventsFile === "-";
  const inputKey = stdin ? "stdin" : `file:${resolve(eventsFile)}`;
  const maxLineBytes = maxLineBytesOf(flags.maxLineBytes);
  const input = openLineSource(eventsFile, { maxLineBytes });
  const lines = input.lines[Symbol.iterator]();
  let store: Store;
  try {
    store = await openStore(storePath, { durability: parseDurability(flags.durability) });
  } catch (e) {
    input.close();
    if (e instanceof StoreError) throw new UsageError(e.message);
    throw e;
  }
  const t0 = performance.now();
  const out = new LineWriter(stdoutBytes(io));
  const deadFile = flags.deadLetter ? fileWriter(flags.deadLetter, "a") : undefined;
  const dead = new LineWriter(deadFile ? deadFile.write : decoding((t) => io.err(t)));
  const counts = { inputs: 0, blankLines: 0, decisions: 0, primary: 0, timers: 0, deadLetters: 0 };
  let skipped = 0;
  let lineNo = 0;
  try {
    const engine = await createEngine(program, { store, clock: () => Date.now(), policy: flags.adoptPolicy ? "given" : "stored", maxLineBytes });
    if (engine.policy !== program.id) {
      io.err(`qungui run: ${where} has the policy ${engine.program.name} (${engine.policy.slice(0, 12)}) in force, not ${policyFile} (${program.id.slice(0, 12)}): deciding with the store's (--adopt-policy switches)\n`);
    }
    const cursor = await store.cursor(inputKey);
    if (cursor !== null) {
      let last: string | RefusedLine | undefined;
      while (lineNo < cursor.line) {
        const r = lines.next();
        if (r.done) break;
        lineNo++;
        last = r.value;
      }
      if (lineNo < cursor.line || last === undefined || lineDigest(last) !== cursor.digest) {
        throw new UsageError(
          `${where} has consumed ${cursor.line} lines of ${stdin ? "standard input" : eventsFile} but line ${cursor.line} of this input differs: it is not the same input (use another store)`,
        );
      }
      skipped = cursor.line;
    }
    for (let ended = false; !ended; ) {
      const inputs: EngineInput[] = [];
      let last: string | RefusedLine | undefined;
      while (inputs.length < CHUNK) {
        const r = lines.next();
        if (r.done) {
          ended = true;
          break;
        }
        lineNo++;
        last = r.value;
        const line = typeof last === "string" ? inputLine(last) : last;
        if (line === null) {
          counts.blankLines++;
          continue;
        }
        inputs.push(typeof line === "string" ? { kind: "line", line, lineNo } : { kind: "refused", refused: line, lineNo });
      }
      if (last === undefined) break;
      const results = await engine.decideRaw(inputs, { input: inputKey, line: lineNo, digest: lineDigest(last) }, { idempotent: false });
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
    }
  } catch (e) {
    if (e instanceof StoreError) throw new UsageError(`${where}: ${e.message}`);
    throw e;
  } finally {
    try {
      settleAll([() => out.flush(), () => dead.flush(), () => deadFile?.close()]);
    } finally {
      input.close();
      await store.close();
    }
  }
  if (counts.inputs !== counts.primary + counts.deadLetters) {
    throw new Error(`accounting violated: ${counts.inputs} inputs, ${counts.primary} primary decisions, ${counts.deadLetters} dead letters`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const rate = seconds > 0 ? Math.round(counts.inputs / seconds) : counts.inputs;
  const resumed = skipped > 0 ? `resumed after line ${skipped}; ` : "";
  const stopped = stoppedNotice(input.stopped, eventsFile);
  io.err(
    stopped +
    `qungui run: ${resumed}${counts.inputs} events → ${counts.primary} decisions + ${counts.deadLetters} dead letters` +
      ` (accounting holds), ${counts.timers} timer decisions, ${rate.toLocaleString("en-US")} events/s, stored in ${where}\n`,
  );
  return stopped !== "" || (flags.failOnDeadLetters && counts.deadLetters > 0) ? EXIT.diagnostics : EXIT.ok;
}
