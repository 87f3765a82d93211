/**
 * Stages import forward only (docs/architecture.md, docs/contributing.md): a module of `src/`
 * imports from its own folder or from a folder of an earlier layer, never a later one, and no
 * import circle exists between modules, type-only imports included. Read from the sources'
 * import statements, so a new folder must be placed in a layer here before it can be imported.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";

/** The layers, earliest first; a folder (or top-level module) may import from earlier layers. */
const LAYERS: readonly (readonly string[])[] = [
  ["source", "law", "vocab", "version.ts"],
  ["ast"],
  ["syntax"],
  ["check"],
  ["ir"],
  ["compile.ts"],
  ["engine"],
  ["records"],
  ["export", "workload", "store"],
  ["cluster"],
  ["verify", "policytest", "service"],
  ["prove"],
  ["diff"],
  ["docgen", "lsp", "http"],
  ["playground"],
  ["cli", "index.ts"],
];

const SRC = "src";

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith(".ts") ? [p] : [];
  });
}

/** Static imports and re-exports (type-only too) and dynamic `import("…")`, relative ones only. */
const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?["'](\.[^"']+)["']|import\(\s*["'](\.[^"']+)["']\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = (m[1] ?? m[2])!;
    out.push(normalize(join(dirname(file), spec)).replace(/\.js$/, ".ts"));
  }
  return out;
}

/** The folder under src/ (or the top-level module's file name). */
function unit(file: string): string {
  return relative(SRC, file).split("/")[0]!;
}

const layerOf = new Map<string, number>();
LAYERS.forEach((names, i) => names.forEach((n) => layerOf.set(n, i)));

const FILES = sources(SRC);
const GRAPH = new Map(FILES.map((f) => [f, importsOf(f)]));

describe("import layering", () => {
  it("places every folder of src/ in a layer", () => {
    const units = [...new Set(FILES.map(unit))].sort();
    expect(units.filter((u) => !layerOf.has(u))).toEqual([]);
  });

  it("finds imports at all (the pattern reads this code base)", () => {
    expect(GRAPH.get(join(SRC, "compile.ts"))).toContain(join(SRC, "syntax/index.ts"));
    expect([...GRAPH.values()].flat().length).toBeGreaterThan(500);
  });

  it("stages import forward only", () => {
    const backward: string[] = [];
    for (const [file, imports] of GRAPH) {
      const from = unit(file);
      for (const target of imports) {
        const to = unit(target);
        if (to === from) continue;
        if (!(layerOf.get(to)! < layerOf.get(from)!)) backward.push(`${file} imports ${target}`);
      }
    }
    expect(backward).toEqual([]);
  });

  it("has no import circle between modules, type-only imports included", () => {
    // Depth-first search; a module met again while still on the path closes a circle.
    const state = new Map<string, "open" | "done">();
    const circles: string[] = [];
    const path: string[] = [];
    const visit = (f: string): void => {
      state.set(f, "open");
      path.push(f);
      for (const g of GRAPH.get(f) ?? []) {
        if (!GRAPH.has(g)) continue;
        const s = state.get(g);
        if (s === "open") circles.push([...path.slice(path.indexOf(g)), g].join(" → "));
        else if (s === undefined) visit(g);
      }
      path.pop();
      state.set(f, "done");
    };
    for (const f of FILES) if (!state.has(f)) visit(f);
    expect(circles).toEqual([]);
  });
});
