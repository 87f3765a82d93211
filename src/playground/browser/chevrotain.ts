/**
 * src/syntax/chevrotain.ts for the browser. On Node that module picks chevrotain's single-file
 * build from disk to start faster (node:fs, node:module); a bundle has no disk and no start-up cost
 * to save, so here chevrotain comes from its package like any import, and esbuild bundles it. The
 * `browser` field of package.json makes the swap; exporting everything keeps it correct whatever
 * the parser takes from chevrotain.
 */
export * from "chevrotain";
