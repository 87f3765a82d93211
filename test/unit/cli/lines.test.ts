/**
 * `qungui run` reads its input in chunks (src/cli/lines.ts): the lines it sees must be exactly those
 * of splitting the whole text, whatever the chunk size and wherever a multi-byte character or a
 * CRLF falls; and a pipe that stays open gets each decision while it is still open.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, test } from "vitest";
import { main } from "../../../src/cli/main.js";
import { openLineSource } from "../../../src/cli/lines.js";
import type { Io } from "../../../src/cli/io.js";
import { compileProgram, emptyState, runStream, splitLines, type RefusedLine } from "../../../src/engine/index.js";
import { compilePolicyText } from "../../../src/compile.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const dir = mkdtempSync(join(tmpdir(), "qungui-lines-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function linesOfFile(text: string, chunkSize: number): (string | RefusedLine)[] {
  const file = join(dir, "in.txt");
  writeFileSync(file, text);
  const src = openLineSource(file, { chunkSize });
  try {
    return [...src.lines];
  } finally {
    src.close();
  }
}

describe("chunked line source", () => {
  test("yields the lines of splitLines for any text and chunk size", () => {
    const piece = fc.constantFrom("a", "\n", "\r\n", "群", "规", "😀", '{"id":"e1"}', "", " ");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 80 }), fc.integer({ min: 1, max: 16 }), (pieces, chunk) => {
        const text = pieces.join("");
        expect(linesOfFile(text, chunk)).toEqual(splitLines(text));
      }),
      { numRuns: 300 },
    );
  });

  test("a line longer than the buffer is yielded whole", () => {
    const long = "x".repeat(5000) + "群".repeat(3000);
    expect(linesOfFile(`a\n${long}\nb`, 64)).toEqual(["a", long, "b"]);
  });

  test("a missing file is a usage error naming it", () => {
    expect(() => openLineSource(join(dir, "nope.jsonl"))).toThrow(/cannot read .*nope\.jsonl: ENOENT/);
  });
});

describe("qungui run", () => {
  test("writes exactly what the stream runner decides, and the dead letters", async () => {
    let out = "";
    let err = "";
    const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), color: false };
    const dead = join(dir, "dead.jsonl");
    const code = await main(["node", "qungui", "run", "policies/cac-2017.qg", "samples/events.jsonl", "--dead-letter", dead], io);
    expect(code).toBe(0);
    const ir = compilePolicyText(readFileSync(join(ROOT, "policies/cac-2017.qg"), "utf8"), "policies/cac-2017.qg").ir!;
    const decisions: string[] = [];
    const deadLetters: string[] = [];
    const counts = runStream(compileProgram(ir), splitLines(readFileSync(join(ROOT, "samples/events.jsonl"), "utf8")), emptyState(), {
      decision: (j) => decisions.push(j),
      deadLetter: (j) => deadLetters.push(j),
    });
    expect(out).toBe(decisions.map((d) => d + "\n").join(""));
    expect(readFileSync(dead, "utf8")).toBe(deadLetters.map((d) => d + "\n").join(""));
    expect(counts.deadLetters).toBeGreaterThan(0);
    expect(err).toContain(`${counts.inputs} events → ${counts.primaryDecisions} decisions + ${counts.deadLetters} dead letters`);
  });

  test("decides each line of an open pipe before the pipe is closed", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "test/unit/cli/qungui-src.ts", "run", "policies/cac-2017.qg", "-"], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    const nextLine = (): Promise<string> =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const nl = out.indexOf("\n");
          if (nl < 0) return;
          const line = out.slice(0, nl);
          out = out.slice(nl + 1);
          child.stdout.off("data", onData);
          resolve(line);
        };
        const onData = (b: Buffer): void => {
          out += b.toString("utf8");
          check();
        };
        child.stdout.on("data", onData);
        child.once("exit", (code) => reject(new Error(`qungui run exited (${code}) before deciding`)));
        check();
      });
    try {
      child.stdin.write('{"id":"e1","type":"user.registered","at":"2018-01-01T09:00:00+08:00","user":"u1"}\n');
      expect(JSON.parse(await nextLine())).toMatchObject({ event: "e1", outcome: "noted", rule: "facts/registered" });
      child.stdin.write('{"id":"e2","type":"group.join","at":"2018-01-01T09:01:00+08:00","user":"u1","group":"nope"}\n');
      expect(JSON.parse(await nextLine())).toMatchObject({ event: "e2", outcome: "deny" });
    } finally {
      child.stdin.end();
      await new Promise((r) => child.once("close", r));
    }
  }, 60_000);
});
