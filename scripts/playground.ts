/**
 * Builds the playground's browser bundle into dist/playground (part of `npm run build`, so
 * `npm ci` leaves a ready playground and `qungui playground` needs no bundler at run time):
 * app.js (the page: CodeMirror, the compiler, the engine, the language server's analyses) and
 * worker.js (verify), both by esbuild for browsers, plus index.html and style.css.
 *
 * `platform: "browser"` makes esbuild honour the `browser` field of package.json (the Node-only
 * modules' browser versions) and fail on any Node built-in that reaches the bundle, so a stage
 * that starts importing node:fs breaks the build here rather than the page.
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { build } from "esbuild";

const OUT = "dist/playground";
mkdirSync(OUT, { recursive: true });
const result = await build({
  entryPoints: { app: "src/playground/app/main.ts", worker: "src/playground/app/worker.ts" },
  outdir: OUT,
  bundle: true,
  platform: "browser",
  format: "iife",
  target: "es2022",
  minify: true,
  sourcemap: "linked",
  legalComments: "linked",
  metafile: true,
  logLevel: "warning",
});
for (const f of ["index.html", "style.css"]) copyFileSync(`src/playground/static/${f}`, `${OUT}/${f}`);
const sizes = Object.entries(result.metafile.outputs)
  .filter(([f]) => f.endsWith(".js"))
  .map(([f, o]) => `${f.replace(`${OUT}/`, "")} ${(o.bytes / 1024).toFixed(0)} KiB`);
console.log(`playground bundle: ${sizes.join(", ")}`);
