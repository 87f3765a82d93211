/**
 * `parse`: `.qg` text → AST plus every lexer, parser and clause diagnostic of the file, in one
 * run. Errors are values: `parse` never throws, whatever the input.
 *
 * One parser reads every file (./parser.ts, a chevrotain `EmbeddedActionsParser` that builds the
 * AST as it goes): with error recovery, so that a file with errors still gets an AST and all of
 * its diagnostics at once.
 */
import type { IRecognitionException, IToken } from "chevrotain";
import { EOF } from "./chevrotain.js";
import type { Comment, PolicyFile } from "../ast/nodes.js";
import { error, sortDiagnostics, type Diagnostic, type Label } from "../source/diagnostic.js";
import type { Source, Span } from "../source/span.js";
import { CODE } from "./codes.js";
import { CODE_SEPARATOR, HELP_SEPARATOR } from "./messages.js";
import { MAX_NESTING, nestingLimit } from "./nesting.js";
import { parser, tokenIndexAt, type ClauseDiagnostic } from "./parser.js";
import { LBrace, RBrace, scan } from "./tokens.js";

export { CODE as SYNTAX_CODE, SYNTAX_CODES } from "./codes.js";
export { CONTEXTUAL_WORDS, RESERVED_WORDS, UNIT_WORDS } from "./tokens.js";
export { MAX_NESTING } from "./nesting.js";

export interface ParseResult {
  /**
   * The AST, partial where the text has errors. Null only when the file could not be parsed at
   * all (nesting deeper than {@link MAX_NESTING}, a runaway error cascade, an internal failure),
   * always with a QG002 diagnostic saying why.
   */
  ast: PolicyFile | null;
  /** Every lexer, parser and clause diagnostic, sorted by position. */
  diagnostics: Diagnostic[];
  /** The comments of the file, in source order (also on `ast.comments`). */
  comments: Comment[];
}

/** Parses one `.qg` file. */
export function parse(source: Source): ParseResult {
  let comments: Comment[] = [];
  const diagnostics: Diagnostic[] = [];
  try {
    const scanned = scan(source);
    comments = scanned.comments;
    diagnostics.push(...scanned.diagnostics);
    const tokens = scanned.tokens;

    const tooDeep = tokens[nestingLimit(tokens.length, (i) => tokens[i]!.tokenType)];
    if (tooDeep !== undefined) {
      diagnostics.push(
        error(CODE.unexpectedToken, tokenSpan(source, tooDeep), `nested more than ${MAX_NESTING} levels deep`, {
          help: "simplify the nesting; no policy needs this many levels of brackets, `if` or `not`",
        }),
      );
      return { ast: null, diagnostics: sortDiagnostics(diagnostics), comments };
    }

    let parsed: { ast: PolicyFile | null; clauseDiagnostics: ClauseDiagnostic[] };
    try {
      parsed = parser.parseFile(source, tokens, comments);
    } catch (e) {
      // Chevrotain recovers by recursion; thousands of errors in one block can exhaust the stack.
      const partial = dedupe(parser.errors.map((x) => syntaxDiagnostic(source, tokens, () => openBraces(tokens), x)));
      diagnostics.push(...partial);
      if (!(e instanceof RangeError)) throw e;
      const at = partial[partial.length - 1]?.span ?? source.span(0, 0);
      diagnostics.push(
        error(CODE.unexpectedToken, at, "too many syntax errors to go on parsing", {
          help: "fix the errors reported so far and parse again",
        }),
      );
      return { ast: null, diagnostics: sortDiagnostics(diagnostics), comments };
    }
    let braces: (IToken | undefined)[] | undefined;
    const openBefore = () => (braces ??= openBraces(tokens));
    const syntaxErrors = dedupe(parser.errors.map((e) => syntaxDiagnostic(source, tokens, openBefore, e)));
    diagnostics.push(...syntaxErrors);
    diagnostics.push(...cleanBlocksOnly(parsed.clauseDiagnostics, syntaxErrors));
    if (parsed.ast === null) diagnostics.push(internalError(source, new Error("no syntax tree")));
    return { ast: parsed.ast, diagnostics: sortDiagnostics(diagnostics), comments };
  } catch (e) {
    diagnostics.push(internalError(source, e));
    return { ast: null, diagnostics: sortDiagnostics(diagnostics), comments };
  } finally {
    try {
      parser.release();
    } catch {
      // resetting cannot fail in practice; never let it escape
    }
  }
}

/** @deprecated There is one parser now; this is {@link parse}. */
export const parseReference = parse;

/**
 * The clause diagnostics (QG008, QG009) of the blocks that contain no syntax error, whose clauses
 * recovery may have scrambled: a block has one if an error starts inside it or where it ends.
 */
function cleanBlocksOnly(found: readonly ClauseDiagnostic[], syntaxErrors: readonly Diagnostic[]): Diagnostic[] {
  if (found.length === 0) return [];
  const offsets = syntaxErrors.map((d) => d.span.start.offset).sort((a, b) => a - b);
  return found
    .filter((c) => {
      // The first error at or after the block's start; the block has an error if that one starts
      // before the block ends.
      let lo = 0;
      let hi = offsets.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (offsets[mid]! < c.start) lo = mid + 1;
        else hi = mid;
      }
      const next = offsets[lo];
      return next === undefined || next > c.end;
    })
    .map((c) => c.diagnostic);
}

function internalError(source: Source, e: unknown): Diagnostic {
  const what = e instanceof Error ? e.message : String(e);
  return error(CODE.unexpectedToken, source.span(0, 0), `the parser failed on this file: ${what.split("\n")[0]}`, {
    help: "this is a bug in qungui; please report it with the file",
  });
}

function tokenEnd(t: IToken): number {
  return t.startOffset + t.image.length;
}

function tokenSpan(source: Source, t: IToken): Span {
  return source.span(t.startOffset, tokenEnd(t));
}


/** For each token index, the innermost `{` still open before that token (one pass over the file). */
function openBraces(tokens: readonly IToken[]): (IToken | undefined)[] {
  const open: IToken[] = [];
  const result: (IToken | undefined)[] = [];
  for (const t of tokens) {
    result.push(open[open.length - 1]);
    if (t.tokenType === LBrace) open.push(t);
    else if (t.tokenType === RBrace) open.pop();
  }
  result.push(open[open.length - 1]);
  return result;
}

function syntaxDiagnostic(
  source: Source,
  tokens: readonly IToken[],
  braces: () => (IToken | undefined)[],
  e: IRecognitionException,
): Diagnostic {
  const coded = e.message.indexOf(CODE_SEPARATOR);
  const code = coded < 0 ? CODE.unexpectedToken : e.message.slice(0, coded);
  const [message = "syntax error", ...rest] = e.message.slice(coded + 1).split(HELP_SEPARATOR);
  const help = rest.join(" ") || undefined;
  const at = e.token;
  const atEof = at === undefined || at.tokenType === EOF || !Number.isFinite(at.startOffset);
  let span: Span;
  let index: number;
  if (atEof) {
    const last = tokens[tokens.length - 1];
    const end = last === undefined ? source.text.length : tokenEnd(last);
    span = source.span(end, end);
    index = tokens.length;
  } else {
    span = tokenSpan(source, at);
    index = tokenIndexAt(tokens, at.startOffset);
  }
  const labels: Label[] = [];
  if (message.startsWith("expected `}`")) {
    const open = braces()[index];
    if (open !== undefined) labels.push({ span: tokenSpan(source, open), message: "the block opened here" });
  }
  return error(code, span, message, help === undefined ? { labels } : { help, labels });
}

/** Recovery can report the same spot twice; keep the first report of each position. */
function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<number>();
  return ds.filter((d) => {
    const key = d.span.start.offset;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
