/**
 * `qungui bench [--quick] [--no-memory] [--no-run] [--output FILE]`: the benchmark of
 * docs/performance.md, the same run as `npm run bench`. It compares qungui with json-rules-engine
 * and a hand-written evaluator, which are development dependencies and test code, so it needs a
 * source checkout with its dev dependencies installed. Like `npm run bench`, it compiles the
 * benchmark with tsc (tsconfig.bench.json, into node_modules/.cache/qungui-bench) and runs the
 * JavaScript in a child process, with a large heap and the garbage collector exposed. Unlike
 * `npm run bench` it does not rebuild dist/, which `qungui run` is timed from.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { EXIT, UsageError, type Io } from "./io.js";

export interface BenchFlags {
  quick?: boolean;
  memory?: boolean;
  run?: boolean;
  output?: string;
}

/** The repository root: this file is src/cli/bench.ts (tsx) or dist/cli/bench.js (built). */
function root(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "../..");
}

/** Runs a child process, streaming its output to `io`; resolves to its exit code. */
function child(args: string[], cwd: string, io: Io): Promise<number> {
  const c = spawn(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  c.stdout.on("data", (b: Buffer) => io.out(b.toString()));
  c.stderr.on("data", (b: Buffer) => io.err(b.toString()));
  return new Promise<number>((res) => {
    c.on("error", () => res(EXIT.usage));
    c.on("close", (code) => res(code ?? EXIT.usage));
  });
}

export async function runBench(flags: BenchFlags, io: Io): Promise<number> {
  const dir = root();
  if (!existsSync(join(dir, "test/bench/run.ts")) || !existsSync(join(dir, "tsconfig.bench.json"))) {
    throw new UsageError("qungui bench needs a source checkout: test/bench/ is not here (it is not part of the published package)");
  }
  const req = createRequire(join(dir, "package.json"));
  let tsc: string;
  try {
    req.resolve("json-rules-engine");
    tsc = req.resolve("typescript/bin/tsc");
  } catch {
    throw new UsageError("qungui bench needs the dev dependencies (typescript, json-rules-engine): run `npm install` in the checkout");
  }
  io.err("qungui bench: compiling the benchmark (tsc -p tsconfig.bench.json)\n");
  const built = await child([tsc, "-p", "tsconfig.bench.json"], dir, io);
  const script = join(dir, "node_modules/.cache/qungui-bench/test/bench/run.js");
  if (!existsSync(script)) return EXIT.usage;
  if (built !== 0) io.err("qungui bench: tsc reported errors; running what it emitted\n");
  const args = ["--max-old-space-size=8192", "--expose-gc", script];
  if (flags.quick) args.push("--quick");
  if (flags.memory === false) args.push("--no-memory");
  if (flags.run === false) args.push("--no-run");
  if (flags.output) args.push("--output", resolve(flags.output));
  const code = await child(args, dir, io);
  return code === 0 ? EXIT.ok : code === EXIT.diagnostics ? EXIT.diagnostics : EXIT.usage;
}
