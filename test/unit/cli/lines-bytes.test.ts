/**
 * What the CLI's line reader (src/cli/lines.ts) does with bytes that are not a line of UTF-8 text
 * (issue 13, item 5): a line that is not well-formed UTF-8 is a dead letter naming the byte, never
 * repaired (`v\xff` and `v\xfe` stay two users, and neither becomes `v\uFFFD`); a line longer than
 * the maximum is a dead letter and the run goes on; an endless line (`/dev/zero`) ends the run with
 * its dead letter, in bounded memory. Accounting — every input is one decision or one dead letter,
 * blank means ASCII space/tab/CR only — holds over generated Unicode whitespace, invalid UTF-8
 * sequences, over-long lines and chunk sizes.
 */
import { spawnSync, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, test } from "vitest";
import { openLineSource } from "../../../src/cli/lines.js";
import { compilePolicyText } from "../../../src/compile.js";
import { compileProgram, emptyState, runStream, type DeadLetter, type RefusedLine } from "../../../src/engine/index.js";
import { createEngine } from "../../../src/service/engine.js";
import { invalidUtf8Offset } from "../../../src/source/utf8.js";
import { readFileSync } from "node:fs";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const CLI = join(ROOT, "bin", "qungui.js");
const POLICY = join(ROOT, "policies", "cac-2017.qg");
if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.build.json")], { cwd: ROOT });
const dir = mkdtempSync(join(tmpdir(), "qungui-bytes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const program = compileProgram(compilePolicyText(readFileSync(POLICY, "utf8"), "cac-2017.qg").ir!);

function linesOfBytes(bytes: Uint8Array, options: { chunkSize?: number; maxLineBytes?: number } = {}): { lines: (string | RefusedLine)[]; stopped: { line: number; bytes: number } | null } {
  const file = join(dir, "in.bin");
  writeFileSync(file, bytes);
  const src = openLineSource(file, options);
  try {
    return { lines: [...src.lines], stopped: src.stopped };
  } finally {
    src.close();
  }
}

/** A byte sequence that is never well-formed UTF-8 wherever it stands. */
const INVALID = fc.constantFrom(
  [0xff],
  [0xfe],
  [0x80], // a continuation byte alone
  [0xc0, 0xaf], // overlong "/"
  [0xe0, 0x80, 0xaf], // overlong 3-byte
  [0xed, 0xa0, 0x80], // a surrogate, U+D800
  [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
  [0xf8, 0x88, 0x80, 0x80, 0x80], // 5-byte form
  [0xc3], // truncated 2-byte (followed by ASCII or the end)
  [0xe6, 0x97], // truncated 3-byte
);

describe("UTF-8 well-formedness", () => {
  test("invalidUtf8Offset agrees with a fatal TextDecoder, and the bytes before the offset are well-formed", () => {
    const fatal = new TextDecoder("utf-8", { fatal: true });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), fc.string({ unit: "grapheme", maxLength: 6 }), (junk, text) => {
        const bytes = Buffer.concat([Buffer.from(text), junk]);
        let valid = true;
        try {
          fatal.decode(bytes);
        } catch {
          valid = false;
        }
        const at = invalidUtf8Offset(bytes);
        expect(at === -1).toBe(valid);
        if (at >= 0) expect(() => fatal.decode(bytes.subarray(0, at))).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });
});

describe("the line reader refuses what is not a line of UTF-8 text", () => {
  test("v\\xff and v\\xfe are dead letters naming the byte, not one repaired user", () => {
    const line = (b: number) => Buffer.concat([Buffer.from('{"id":"r1","type":"user.registered","at":"2018-01-01T09:00:00+08:00","user":"v'), Buffer.from([b]), Buffer.from('"}\n')]);
    const { lines } = linesOfBytes(Buffer.concat([line(0xff), line(0xfe)]));
    const n = line(0xff).length - 1;
    const at = n - 2;
    expect(lines).toEqual([
      { kind: "refused", reason: `not valid UTF-8 at byte ${at}`, raw: `[withheld: not valid UTF-8, ${n} bytes]` },
      { kind: "refused", reason: `not valid UTF-8 at byte ${at}`, raw: `[withheld: not valid UTF-8, ${n} bytes]` },
    ]);
    for (const l of lines) expect(JSON.stringify(l)).not.toContain("\uFFFD");
  });

  test("a line over the maximum is refused and the next line is read; one at the maximum is not", () => {
    const max = 100;
    const at = "a".repeat(max);
    const over = "b".repeat(max + 1);
    for (const chunkSize of [7, 64, 1 << 20]) {
      const { lines, stopped } = linesOfBytes(Buffer.from(`${at}\n${over}\nc\n${"d".repeat(5000)}\ne`), { chunkSize, maxLineBytes: max });
      expect(stopped).toBeNull();
      expect(lines.map((l) => (typeof l === "string" ? l : l.reason))).toEqual([at, "line longer than 100 bytes (the maximum line length)", "c", "line longer than 100 bytes (the maximum line length)", "e"]);
    }
  });

  test("a line that does not end within 64 times the maximum stops the reading, with its dead letter", () => {
    const { lines, stopped } = linesOfBytes(Buffer.concat([Buffer.from("x\n"), Buffer.alloc(10_000, 0)]), { maxLineBytes: 100, chunkSize: 256 });
    expect(lines[0]).toBe("x");
    expect(lines.slice(1).map((l) => typeof l !== "string" && l.reason)).toEqual(["line longer than 100 bytes (the maximum line length)"]);
    expect(stopped).toMatchObject({ line: 2 });
  });
});

describe("the library's maximum line length", () => {
  const long = `{"id":"e1","type":"user.registered","at":"2018-01-01T09:00:00+08:00","user":"${"群".repeat(30)}"}`;
  test("runStream counts UTF-8 bytes, not UTF-16 units", () => {
    const dead: DeadLetter[] = [];
    const counts = runStream(program, [long], emptyState(), { deadLetter: (_j, d) => void dead.push(d) }, { maxLineBytes: 120 });
    expect(long.length).toBeLessThan(120);
    expect(counts).toMatchObject({ inputs: 1, deadLetters: 1 });
    expect(dead[0]).toEqual({ line: 1, reason: "line longer than 120 bytes (the maximum line length)", raw: `[withheld: ${Buffer.byteLength(long)} bytes]` });
    expect(runStream(program, [long], emptyState(), {}, { maxLineBytes: Buffer.byteLength(long) })).toMatchObject({ deadLetters: 0, primaryDecisions: 1 });
  });

  test("Engine: a line input over maxLineBytes is a dead letter", async () => {
    const engine = await createEngine(program, { maxLineBytes: 120 });
    const [out] = await engine.decideRaw([{ kind: "line", line: long, lineNo: 7 }]);
    expect(out!.deadLetter).toEqual({ line: 7, reason: "line longer than 120 bytes (the maximum line length)", raw: `[withheld: ${Buffer.byteLength(long)} bytes]` });
  });
});

describe("accounting over hostile bytes", () => {
  const WHITESPACE = ["\u00a0", "\u3000", "\ufeff", "\u2028", "\u2029", "\f", "\v", "\u0085", "\u200b", "\u1680", "\u2003", " ", "\t", "\r", ""];
  const EVENT = '{"id":"e1","type":"user.registered","at":"2018-01-01T09:00:00+08:00","user":"u1"}';
  const piece = fc.oneof(
    fc.constantFrom(...WHITESPACE).map((s) => Buffer.from(s)),
    INVALID.map((b) => Buffer.from(b)),
    fc.constantFrom("\n", "\r\n", "\n\n", EVENT, "{", '"', "群", "x".repeat(70)).map((s) => Buffer.from(s)),
  );
  /** Blank by the one rule: empty or ASCII spaces, tabs and CRs (docs/events.md). */
  const blank = (line: Buffer) => line.every((b) => b === 0x20 || b === 0x09 || b === 0x0d);

  test("inputs = decisions + dead letters; every non-blank line is one of them; nothing is repaired", () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), fc.integer({ min: 1, max: 32 }), (pieces, chunkSize) => {
        const bytes = Buffer.concat(pieces);
        const maxLineBytes = 64;
        const src = linesOfBytes(bytes, { chunkSize, maxLineBytes });
        const dead: DeadLetter[] = [];
        let decisions = 0;
        const counts = runStream(program, src.lines, emptyState(), { decision: (_j, d) => void (d.trigger === "timer" || decisions++), deadLetter: (_j, dl) => void dead.push(dl) }, { maxLineBytes });
        expect(counts.inputs).toBe(decisions + dead.length);
        // The expected lines, split here independently: a leading BOM is not part of line 1.
        const body = bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])) ? bytes.subarray(3) : bytes;
        const parts: Buffer[] = [];
        let from = 0;
        for (let nl = body.indexOf(0x0a); nl >= 0; nl = body.indexOf(0x0a, from)) {
          parts.push(body.subarray(from, nl));
          from = nl + 1;
        }
        if (from < body.length) parts.push(body.subarray(from));
        expect(counts.inputs + counts.blankLines).toBe(parts.length);
        // A line over the maximum is refused before it is looked at, blank or not.
        expect(counts.blankLines).toBe(parts.filter((p) => blank(p) && p.length <= maxLineBytes).length);
        parts.forEach((p, i) => {
          const refusedAs = dead.find((d) => d.line === i + 1);
          if (p.length > maxLineBytes) expect(refusedAs?.reason).toMatch(/^line longer than 64 bytes/);
          else if (invalidUtf8Offset(p) >= 0) expect(refusedAs?.reason).toBe(`not valid UTF-8 at byte ${invalidUtf8Offset(p) + 1}`);
        });
        for (const d of dead) expect(d.raw + d.reason).not.toContain("\uFFFD");
      }),
      { numRuns: 400 },
    );
  });
});

describe("qungui run on bytes that are not lines of text", () => {
  test("/dev/zero as the events file ends with one dead letter, exit 1, memory bounded", () => {
    const r = spawnSync(process.execPath, ["--max-old-space-size=200", CLI, "run", POLICY, "/dev/zero"], { encoding: "utf8", timeout: 60_000 });
    expect(r.stdout).toBe("");
    const lines = r.stderr.trim().split("\n");
    expect(JSON.parse(lines[0]!)).toEqual({ line: 1, reason: "line longer than 1048576 bytes (the maximum line length)", raw: expect.stringMatching(/^\[withheld: at least \d+ bytes\]$/) });
    expect(lines[1]).toMatch(/^qungui run: line 1 of \/dev\/zero did not end within \d+ bytes: stopped reading there/);
    expect(lines[2]).toMatch(/^qungui run: 1 events → 0 decisions \+ 1 dead letters \(accounting holds\)/);
    expect(r.stderr).not.toMatch(/\n\s+at |heap/i);
    expect(r.status).toBe(1);
  });

  test("--max-line-bytes: a longer line is a dead letter and the run goes on", () => {
    const events = `${"x".repeat(300)}\n{"id":"e1","type":"user.registered","at":"2018-01-01T09:00:00+08:00","user":"u1"}\n`;
    const r = spawnSync(process.execPath, [CLI, "run", POLICY, "--max-line-bytes", "200", "--now", "2019-01-01T00:00:00Z"], { input: events, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ event: "e1", outcome: "noted" });
    expect(r.stderr).toContain('"reason":"line longer than 200 bytes (the maximum line length)","raw":"[withheld: 300 bytes]"');
    expect(r.stderr).toContain("2 events → 1 decisions + 1 dead letters (accounting holds)");
    const bad = spawnSync(process.execPath, [CLI, "run", POLICY, "--max-line-bytes", "0"], { input: "", encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--max-line-bytes takes a whole number/);
  });

  test("explain replays the stream as run decided it: a line that is not UTF-8 is not the event", () => {
    const file = join(dir, "explain.jsonl");
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from('{"id":"e1","type":"user.registered","at":"2018-01-01T09:00:00+08:00","user":"v'),
        Buffer.from([0xff]),
        Buffer.from('"}\n{"id":"e1","type":"user.registered","at":"2018-01-01T09:00:01+08:00","user":"u2"}\n'),
      ]),
    );
    const r = spawnSync(process.execPath, [CLI, "explain", POLICY, file, "--event", "e1", "--format", "json", "--now", "2019-01-01T00:00:00Z"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain("\uFFFD");
    expect(r.stdout).toContain('"u2"');
  });

  test("--store: an invalid line is a stored dead letter, the same as without a store", () => {
    const store = join(dir, "bytes.db");
    const input = Buffer.concat([Buffer.from('{"id":"e1","type":"user.registered","at":"2018-01-01T09:00:00+08:00","user":"v'), Buffer.from([0xff]), Buffer.from('"}\n')]);
    const r = spawnSync(process.execPath, [CLI, "run", POLICY, "--store", store, "--now", "2019-01-01T00:00:00Z"], { input, encoding: "utf8" });
    expect(r.status).toBe(0);
    const n = input.length - 1;
    expect(r.stderr).toContain(`{"line":1,"reason":"not valid UTF-8 at byte ${n - 2}","raw":"[withheld: not valid UTF-8, ${n} bytes]"}`);
    const exported = spawnSync(process.execPath, [CLI, "records", "export", "--store", store, "--dead-letters"], { encoding: "utf8" });
    expect(exported.stdout).toContain(`not valid UTF-8 at byte ${n - 2}`);
  });
});
