/**
 * `qungui test [PATH…]`: runs policy tests (docs/testing.md). Paths are test files or directories,
 * searched recursively for `*.test.yaml` (node_modules and dot-directories skipped). Prints pass or
 * fail per test with a diff for every failure, then rule and requirement coverage per policy.
 * Exit 1 when a test fails, a file has errors, or coverage is below `--coverage-min`.
 */
import { readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { coverageMet, renderJson, renderText, runSuite, type TestHost } from "../policytest/index.js";
import { EXIT, readText, UsageError, type Io } from "./io.js";

export interface TestFlags {
  format: string;
  coverageMin?: string;
}

const TEST_FILE = /\.test\.ya?ml$/;

function findTests(dir: string, out: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    throw new UsageError(`cannot read ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  for (const name of names) {
    if (name.startsWith(".") || name === "node_modules") continue;
    const p = join(dir, name);
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      continue;
    }
    if (isDir) findTests(p, out);
    else if (TEST_FILE.test(name)) out.push(p);
  }
}

/** The test files named by the arguments, in order, without duplicates. */
export function testFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      throw new UsageError(`cannot read ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (st.isDirectory()) findTests(p, out);
    else out.push(p);
  }
  return [...new Set(out)];
}

export const fileHost: TestHost = {
  // Bounded like every input file of the CLI (src/cli/io.ts): a device is an error, not bad_alloc.
  readFile: (path) => readText(path),
  resolve: (testFile, policy) => {
    const p = join(dirname(testFile), policy);
    // Keep paths relative when they were given relative, so reports read like the command line.
    return resolve(p) === p ? p : p.replace(/\\/g, "/");
  },
};

export function runTest(paths: string[], flags: TestFlags, io: Io): number {
  let min: number | undefined;
  if (flags.coverageMin !== undefined) {
    min = Number(flags.coverageMin);
    if (!Number.isFinite(min) || min < 0 || min > 100) throw new UsageError(`--coverage-min takes a percentage from 0 to 100, got ${flags.coverageMin}`);
  }
  const files = testFiles(paths.length ? paths : ["."]);
  if (files.length === 0) throw new UsageError(`no test files (*.test.yaml) under ${paths.join(", ") || "."}`);
  const result = runSuite(files, fileHost);
  const covered = min === undefined || coverageMet(result, min);
  io.out(flags.format === "json" ? renderJson(result, min) : renderText(result, { color: io.color, ...(min === undefined ? {} : { coverageMin: min }) }));
  return result.ok && covered ? EXIT.ok : EXIT.diagnostics;
}
