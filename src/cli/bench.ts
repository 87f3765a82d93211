/**
 * `qungui bench [--quick] [--no-memory] [--no-run] [--output FILE]`: the benchmark of
 * docs/performance.md, the same run as `npm run bench`. It compares qungui with json-rules-engine
 * and a hand-written evaluator, which are development dependencies and test code, so it needs a
 * source checkout with its dev dependencies installed; it runs test/bench/run.ts in a child
 * process (with a large heap, and the garbage collector exposed for clean measurements).
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

export async function runBench(flags: BenchFlags, io: Io): Promise<number> {
  const dir = root();
  const script = join(dir, "test/bench/run.ts");
  if (!existsSync(script)) throw new UsageError("qungui bench needs a source checkout: test/bench/run.ts is not here (it is not part of the published package)");
  try {
    createRequire(join(dir, "package.json")).resolve("tsx");
    createRequire(join(dir, "package.json")).resolve("json-rules-engine");
  } catch {
    throw new UsageError("qungui bench needs the dev dependencies (tsx, json-rules-engine): run `npm install` in the checkout");
  }
  const args = ["--max-old-space-size=8192", "--expose-gc", "--import", "tsx", script];
  if (flags.quick) args.push("--quick");
  if (flags.memory === false) args.push("--no-memory");
  if (flags.run === false) args.push("--no-run");
  if (flags.output) args.push("--output", resolve(flags.output));
  const child = spawn(process.execPath, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (b: Buffer) => io.out(b.toString()));
  child.stderr.on("data", (b: Buffer) => io.err(b.toString()));
  const code = await new Promise<number>((res) => {
    child.on("error", () => res(EXIT.usage));
    child.on("close", (c) => res(c ?? EXIT.usage));
  });
  return code === 0 ? EXIT.ok : code === EXIT.diagnostics ? EXIT.diagnostics : EXIT.usage;
}
