/**
 * The SMT solver (z3-solver, WebAssembly, about half a second to start) is loaded only by the
 * commands that prove: `verify`, `diff` and `docs` of an amended policy reach it through dynamic
 * imports. Read from the sources' static value imports (type-only imports vanish at run time):
 * `run`, `serve`, the library API and the documents never reach the module that loads it.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";

/** Static value imports and re-exports (not `import type`, not dynamic `import()`), relative ones. */
const STATIC = /(?:^|[\s;])(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?["'](\.[^"']+)["']/g;

function reached(entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    for (const m of readFileSync(file, "utf8").matchAll(STATIC)) todo.push(normalize(join(dirname(file), m[1]!)).replace(/\.js$/, ".ts"));
  }
  return seen;
}

const SOLVER = join("src", "prove", "solver.ts");

describe("the solver is loaded lazily", () => {
  it("is reached by the commands that prove, through a dynamic import only", () => {
    expect(readFileSync(SOLVER, "utf8")).toMatch(/import\("z3-solver"\)/);
    expect(readFileSync(join("src", "cli", "diff.ts"), "utf8")).toMatch(/await import\("\.\.\/diff\/semantic\.js"\)/);
    expect(readFileSync(join("src", "cli", "docs.ts"), "utf8")).toMatch(/await import\("\.\.\/diff\/amendments\.js"\)/);
  });

  for (const entry of ["src/cli/run.ts", "src/cli/serve.ts", "src/index.ts", "src/http/index.ts", "src/docgen/index.ts", "src/cli/main.ts"]) {
    it(`is not reached from ${entry} by static imports`, () => {
      const files = reached(entry);
      expect(files.size).toBeGreaterThan(1);
      expect([...files].filter((f) => f === SOLVER || /from\s+["']z3-solver["']/.test(readFileSync(f, "utf8").replace(/import\s+type[^;]+;/g, "")))).toEqual([]);
    });
  }
});
