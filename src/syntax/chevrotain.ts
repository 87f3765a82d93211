/**
 * chevrotain's runtime values, loaded from the single-file build its package ships
 * (`lib/chevrotain.mjs`, the same version and code) rather than from its module tree, which imports
 * some 600 lodash-es modules one by one: loading those took every command that reads a `.qg` file
 * longer than parsing the policy (docs/performance.md has the figures). Types still come from
 * the package (`import type … from "chevrotain"`). Should a later chevrotain stop shipping the
 * file, the package itself is loaded instead.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Chevrotain from "chevrotain";

async function load(): Promise<typeof Chevrotain> {
  // The package's entry is lib/src/api.js; the single file sits beside lib/src.
  const bundle = join(dirname(createRequire(import.meta.url).resolve("chevrotain")), "..", "chevrotain.mjs");
  if (existsSync(bundle)) return (await import(pathToFileURL(bundle).href)) as typeof Chevrotain;
  return import("chevrotain");
}

const chevrotain = await load();

export const { createToken, EmbeddedActionsParser, EOF, isRecognitionException, Lexer, tokenMatcher } = chevrotain;

/** The grammar's building blocks and the diagram generator, for scripts/grammar.ts. */
export const {
  Alternation,
  Alternative,
  createSyntaxDiagramsCode,
  NonTerminal,
  Option,
  Repetition,
  RepetitionMandatory,
  RepetitionMandatoryWithSeparator,
  RepetitionWithSeparator,
  Rule,
  Terminal,
} = chevrotain;
