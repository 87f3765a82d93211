/**
 * The grammar of `.qg` files (docs/language.md) as one chevrotain `EmbeddedActionsParser` that
 * builds the AST (src/ast/nodes.ts) as it parses, spans included. It is the only parser: the
 * railroad diagrams and grammar/qg.ebnf are drawn from its rules (`npm run grammar`, rule names
 * chosen to read well there), and the words of its diagnostics are in ./messages.ts.
 *
 * Every clause of a block is its own small rule, so that a clause's parts never mix with its
 * neighbours', and so that error messages can say which clause was being read.
 *
 * Error recovery. Chevrotain recovers from a syntax error by inserting or skipping a token, or by
 * abandoning a rule and re-synchronising on a token that can follow it; every error is recorded and
 * parsing goes on, so one run reports them all. A rule abandoned that way still gives its caller
 * what it had read (as a partial concrete syntax tree would keep it), and the AST is built from
 * what is there:
 *
 * - a named container whose name is missing (a `tier`, `rule`, `measure`, the header's strings)
 *   is kept, with an empty name spanning nothing, so later stages still see its contents;
 * - a leaf that lacks a required part (an action without a target, a range without its end,
 *   a duration without a unit) is dropped;
 * - an expression keeps what it can (`a and` builds `a`).
 *
 * How: every rule returns a {@link Built}, its AST value and the source range of its real tokens
 * (tokens inserted by recovery have none). A rule that fails catches the recognition exception on
 * its way out, builds its value from what it has read, including the partial result of the rule
 * that failed inside it, leaves that for its caller in {@link QgParser.pending} and lets the
 * exception go on; the rule that re-synchronises hands it back as its result
 * (`recoveryValueFunc`), the others add it to their own partial result as it passes.
 *
 * The parser also finds what the grammar cannot express: a clause given twice in one block (QG008,
 * the first one is kept) and a rule without `deny` or `allow` (QG009). It stays quiet about blocks
 * that contain a syntax error, whose clauses recovery may have scrambled; whether a block does is
 * known only once the whole file is parsed, so these come out as {@link ClauseDiagnostic}s for the
 * driver (./index.ts) to keep or drop.
 *
 * Spans are half-open `[start, end)` source ranges of the real tokens under each node.
 */
import type { IToken, ParserMethod, TokenType } from "chevrotain";
import type * as A from "../ast/nodes.js";
import { error, type Diagnostic } from "../source/diagnostic.js";
import type { Position, Source, Span } from "../source/span.js";
import { EmbeddedActionsParser, EOF, isRecognitionException } from "./chevrotain.js";
import { CODE } from "./codes.js";
import { CLAUSE_HELP, CLAUSE_NAME, errorMessageProvider, MISSING_EFFECT_HELP, setErrorContext, type ErrorContext } from "./messages.js";
import {
  AddOp,
  ALL_TOKENS,
  Comma,
  CompareOp,
  Ctx,
  DateTime,
  decodeString,
  Dot,
  DotDot,
  GtEq,
  Ident,
  Integer,
  integerValue,
  Kw,
  LBrace,
  LBracket,
  LParen,
  Lt,
  Name,
  Offset,
  RBrace,
  RBracket,
  ReqId,
  RParen,
  Slash,
  Str,
  Unit,
  UnterminatedString,
  WORDS,
} from "./tokens.js";

/**
 * What a grammar rule hands its caller: the AST it built (null when it could build nothing) and
 * the offsets of its first real token's start and its last real token's end (-1 while it has
 * read none: a rule recovery left empty, which its caller ignores). `rule` names the rule that
 * built it, so a caller can tell its clauses apart.
 *
 * The offsets start at -1, not NaN: V8 keeps a field that ever held NaN as a boxed double, and the
 * boxing spreads to the positions built from it, two heap numbers per position of the AST.
 */
export class Built<T = unknown> {
  // Declared, not initialised here: `reuse` is the one place that sets every field, for a new
  // Built (from the constructor) and for one the parser reuses ({@link QgParser.built}).
  declare rule: string;
  declare value: T | null;
  declare start: number;
  declare end: number;
  /** Abandoned by error recovery. */
  declare recovered: boolean;
  /** The recognition exception that abandoned it, until it is thrown on. */
  declare failure: unknown;
  /**
   * While the rule runs: the rule that called it, and what it has read so far, for the callbacks
   * it hands chevrotain (`MANY`, `OPTION`, `OR` alternatives). Those are built once and find the
   * running rule in {@link QgParser.top}, instead of closing over its locals: a closure and its
   * context per rule invocation were most of the parser's garbage.
   */
  declare up: Built<unknown> | null;
  declare acc: unknown;
  declare n: number;
  declare tokens: IToken[] | null;
  declare t1: IToken | undefined;
  declare t2: IToken | undefined;
  declare k1: Built<unknown> | undefined;
  declare k2: Built<unknown> | undefined;
  declare k3: Built<unknown> | undefined;

  constructor(rule: string) {
    this.reuse(rule);
  }

  /** This Built as new, for `rule`. */
  reuse(rule: string): this {
    this.rule = rule;
    this.value = null;
    this.start = -1;
    this.end = -1;
    this.recovered = false;
    this.failure = undefined;
    this.up = null;
    this.acc = null;
    this.n = 0;
    this.tokens = null;
    this.t1 = undefined;
    this.t2 = undefined;
    this.k1 = undefined;
    this.k2 = undefined;
    this.k3 = undefined;
    return this;
  }
}

/** A QG008 or QG009 found in the block at `[start, end)`; it stands unless a syntax error lies in the block. */
export interface ClauseDiagnostic {
  start: number;
  end: number;
  diagnostic: Diagnostic;
}

/** Index of the first token starting at or after `offset`. */
export function tokenIndexAt(tokens: readonly IToken[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.startOffset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether `b` read any real token. Also false for chevrotain's placeholder in the recording phase. */
function has<T>(b: Built<T> | undefined): b is Built<T> {
  return b !== undefined && b.start >= 0;
}

/** The range of a block for its {@link ClauseDiagnostic}s: NaN at both ends when it read nothing. */
function blockRange(b: Built<unknown>): { start: number; end: number } {
  return has(b) ? { start: b.start, end: b.end } : { start: NaN, end: NaN };
}

/** `t`, unless error recovery inserted it (then it has no position) or it is missing. */
function real(t: IToken | undefined): IToken | undefined {
  return t !== undefined && t.startOffset >= 0 && t.isInsertedInRecovery !== true ? t : undefined;
}

/**
 * `a` itself if empty, else a copy of exactly its length, for an array the AST keeps: an array
 * grown by `push` keeps room for 16 more elements, a large part of a large AST (docs/performance.md).
 */
function fit<T>(a: T[]): T[] {
  return a.length === 0 ? a : a.slice();
}

/** The values of the non-empty `bs`, nulls dropped. */
function values<T>(bs: readonly Built<T>[]): T[] {
  const out: T[] = [];
  for (const b of bs) if (has(b) && b.value !== null) out.push(b.value);
  return fit(out);
}

/** The non-empty clauses of one kind, in source order. */
function kids<T = unknown>(clauses: readonly Built<unknown>[], rule: string): Built<T>[] {
  const out: Built<T>[] = [];
  for (const c of clauses) if (c.rule === rule && has(c)) out.push(c as Built<T>);
  return out;
}

/** The words of each word token type (a unit's singular and plural). */
const WORDS_OF = new Map<TokenType, string[]>();
for (const [word, type] of WORDS) WORDS_OF.set(type, [...(WORDS_OF.get(type) ?? []), word]);

/** The rules that read a `{ … }` block, for "unknown keyword … in the `tier` block". */
const BLOCK_RULES: ReadonlySet<string> = new Set(["header", "amendment", "tierOverride", "tier", "measure", "rule", ...sectionRuleNames()]);

/**
 * How many tokens of a block the parser replays to find what could follow them (QG080); a block
 * longer than that (none in practice) gets the suggestions of the error's own expectations only.
 */
const MAX_REPLAY = 2000;

/** Slots of the position cache (a power of two). */
const POSITION_CACHE = 1024;

/** What an `effect` clause says. */
interface Effect {
  allow: boolean;
  when: A.Expr | null;
}

/** What a `restrict` clause says. */
interface Restrict {
  who: "users" | "groups" | null;
  services: A.Ident[];
}

type Section = A.Section;
type Declaration = A.Section | A.RuleDecl | A.MeasureDecl;

/** The section rules, by the name they have in the grammar (and in "the `…` block"). */
const SECTION_RULES: ReadonlySet<string> = new Set(sectionRuleNames());

function sectionRuleNames(): string[] {
  return [
  "agreement",
  "identity",
  "credit",
  "categories",
  "tiers",
  "limits",
  "prohibited",
  "responsibility",
  "complaints",
  "retention",
  "management",
  "blacklist",
  ];
}

/** The `.qg` grammar. Use the shared instance {@link parser} through {@link QgParser.parseFile}. */
export class QgParser extends EmbeddedActionsParser {
  // ----- state of one parse (reset by parseFile) ----------------------------------------------

  private file_ = "";
  private lineStarts: readonly number[] = [0];
  private textLength = 0;
  /** The line of the last position computed: positions are asked for nearly in source order. */
  private lineHint = 0;
  private comments: A.Comment[] = [];
  /**
   * The positions of the last {@link POSITION_CACHE} offsets asked for, shared by the spans that
   * start or end there (a rule, its name and its first clause start at one token): positions are
   * never changed once built, and sharing them saves many of the objects of a large AST.
   */
  private readonly positionAt = new Array<Position | undefined>(POSITION_CACHE);
  private readonly positionTag = new Int32Array(POSITION_CACHE).fill(-1);
  /**
   * The Builts of the top-level item being read, reused for the next: a rule's parse makes a dozen
   * (one per grammar rule it goes through), and once the file rule has taken an item's AST none of
   * them is referred to any more. Allocated fresh, they were most of what a parse threw away
   * (docs/performance.md, "Garbage").
   */
  private readonly arena: Built<unknown>[] = [];
  /** How many of {@link arena}'s Builts are in use. */
  private arenaTop = 0;
  /** The running rule (see {@link Built.up}). */
  private top: Built<unknown> | null = null;
  /** The partial result of the rule an exception is leaving, for the rule it reaches next. */
  private pending: Built<unknown> | null = null;
  private clauseDiagnostics: ClauseDiagnostic[] = [];

  /** Every rule hands back its partial result when chevrotain re-synchronises there. */
  private readonly recovery = { recoveryValueFunc: (): Built<never> => this.takePending() as Built<never> };

  constructor() {
    // chevrotain's grammar validations (ambiguities, left recursion…) are a large part of the
    // parser's construction (docs/performance.md), which every `qungui` command pays at start-up. The grammar is fixed,
    // so they are run where the test suite runs (QUNGUI_SELF_CHECK=1, vitest.config.ts) and a
    // grammar change that breaks them fails there; elsewhere they are skipped.
    super(ALL_TOKENS, { recoveryEnabled: true, maxLookahead: 3, errorMessageProvider, skipValidations: !grammarChecks() });
    this.performSelfAnalysis();
    setErrorContext(this.errorContext);
  }

  /** What the error messages ask of the parser (./messages.ts). */
  private readonly errorContext: ErrorContext = {
    keywordsAt: (actual, expected) => {
      const types = new Set<TokenType>(expected);
      const block = this.openBlock();
      const tokens = this.input;
      if (block === undefined) {
        // Between items: whatever can start one.
        for (const path of this.computeContentAssist("item", [])) types.add(path.nextTokenType);
      } else {
        const first = tokenIndexAt(tokens, block.start);
        const at = actual.tokenType === EOF ? tokens.length : tokenIndexAt(tokens, actual.startOffset);
        if (at - first <= MAX_REPLAY)
          for (const path of this.computeContentAssist(block.rule, tokens.slice(first, at))) types.add(path.nextTokenType);
      }
      const words: string[] = [];
      for (const t of types) words.push(...(WORDS_OF.get(t) ?? []));
      return words;
    },
    block: () => this.openBlock()?.rule,
  };

  /** The innermost block being read. */
  private openBlock(): Built<unknown> | undefined {
    for (let f = this.top; f !== null; f = f.up) if (BLOCK_RULES.has(f.rule) && has(f)) return f;
    return undefined;
  }

  /**
   * Parses the tokens of `source` (from `scan`). The AST is null only if the parser itself failed;
   * `errors` holds the syntax errors, and `clauseDiagnostics` the QG008/QG009 candidates. Throws
   * what chevrotain throws when recovery exhausts the stack (a RangeError); `errors` then holds the
   * errors found until then. Call {@link release} when done with both.
   */
  parseFile(source: Source, tokens: IToken[], comments: A.Comment[]): { ast: A.PolicyFile | null; clauseDiagnostics: ClauseDiagnostic[] } {
    this.file_ = source.name;
    this.lineStarts = source.lineStarts;
    this.textLength = source.text.length;
    this.lineHint = 0;
    this.positionTag.fill(-1);
    this.comments = comments;
    this.pending = null;
    this.top = null;
    this.clauseDiagnostics = [];
    this.arenaTop = 0;
    this.input = tokens;
    const built = this.file();
    return { ast: built?.value ?? null, clauseDiagnostics: this.clauseDiagnostics };
  }

  /** Forgets the last file, so that the shared parser does not keep it alive. */
  release(): void {
    this.input = [];
    this.comments = [];
    this.pending = null;
    this.top = null;
    this.clauseDiagnostics = [];
    this.lineStarts = [0];
    this.positionAt.fill(undefined);
    this.arena.length = 0;
    this.arenaTop = 0;
  }

  // ----- ranges, spans and recovery -----------------------------------------------------------

  /** A new Built for `rule`, from {@link arena}: free until the file rule ends the item it is in. */
  private built<T>(rule: string): Built<T> {
    const reused = this.arena[this.arenaTop];
    let b: Built<unknown>;
    if (reused === undefined) {
      b = new Built(rule);
      this.arena.push(b);
    } else b = reused.reuse(rule);
    this.arenaTop++;
    return b as Built<T>;
  }

  /** Counts `t` into `b`'s range (unless recovery inserted it) and returns it. */
  private t(b: Built<unknown>, t: IToken): IToken {
    const s = t.startOffset;
    if (s >= 0 && t.isInsertedInRecovery !== true) {
      if (!(b.start >= 0)) b.start = s;
      b.end = s + t.image.length;
    }
    return t;
  }

  /** Counts the range of the child `c` into `b`'s and returns it. */
  private c<T>(b: Built<unknown>, c: Built<T>): Built<T> {
    if (c.start >= 0) {
      if (!(b.start >= 0)) b.start = c.start;
      b.end = c.end;
    }
    return c;
  }

  /**
   * In a rule's `catch`: rethrows anything but a recognition exception; otherwise marks `b`
   * abandoned and returns the partial result of the rule that failed inside it, if any, already
   * counted into `b`'s range, for the rule to add where that rule's result goes.
   */
  private fail(e: unknown, b: Built<unknown>): Built<unknown> | null {
    if (!isRecognitionException(e as Error)) throw e;
    b.recovered = true;
    b.failure = e;
    const child = this.takePending();
    if (child !== null) this.c(b, child);
    return child;
  }

  /**
   * A rule's last step: returns its result (`b`, or what a rule that passes a child on returns),
   * or, when `b` was abandoned, leaves the result for the caller and throws on.
   */
  private done<T>(b: Built<unknown>, result: Built<T> = b as Built<T>): Built<T> {
    if (b.failure === undefined) return result;
    const e = b.failure;
    b.failure = undefined;
    this.pending = result;
    throw e;
  }

  /** Makes `b` the running rule ({@link top}); {@link leave} hands back to its caller. */
  private open<T>(b: Built<T>): Built<T> {
    b.up = this.top;
    this.top = b;
    return b;
  }

  private leave(b: Built<unknown>): void {
    this.top = b.up;
    b.up = null;
  }

  private takePending(): Built<unknown> | null {
    const p = this.pending;
    this.pending = null;
    return p;
  }

  /**
   * The `catch` of a rule that only passes on the result of the one it chose (`item`, `section`,
   * `primary`, …): its partial result is that rule's, or nothing when the choice itself failed.
   */
  private passOn(e: unknown, rule: string): never {
    const b = this.built(rule);
    const child = this.fail(e, b);
    return this.done(b, child !== null && has(child) ? child : b) as never;
  }

  private position(offset: number): Position {
    const o = offset < 0 ? 0 : offset > this.textLength ? this.textLength : offset;
    const slot = o & (POSITION_CACHE - 1);
    if (this.positionTag[slot] === o) return this.positionAt[slot]!;
    const starts = this.lineStarts;
    let line = this.lineHint;
    if (!(starts[line]! <= o && (line + 1 >= starts.length || starts[line + 1]! > o))) {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= o) lo = mid;
        else hi = mid - 1;
      }
      line = lo;
      this.lineHint = lo;
    }
    const p: Position = { offset: o, line: line + 1, column: o - starts[line]! + 1 };
    this.positionTag[slot] = o;
    this.positionAt[slot] = p;
    return p;
  }

  private span(start: number, end: number): Span {
    return { file: this.file_, start: this.position(start), end: this.position(end) };
  }

  private tokSpan(t: IToken): Span {
    return this.span(t.startOffset, t.startOffset + t.image.length);
  }

  private builtSpan(b: Built<unknown>): Span {
    return has(b) ? this.span(b.start, b.end) : this.span(0, 0);
  }

  /** A zero-width span just after `b`, where a missing part would have been. */
  private after(b: Built<unknown>): Span {
    const end = has(b) ? b.end : 0;
    return this.span(end, end);
  }

  /** A zero-width span just after the token `t` of `b` (the keyword before a missing name). */
  private afterToken(b: Built<unknown>, t: IToken | undefined): Span {
    const r = real(t);
    if (r === undefined) return this.after(b);
    const end = r.startOffset + r.image.length;
    return this.span(end, end);
  }

  private binary(left: A.Node, right: A.Node): Span {
    return { file: this.file_, start: left.span.start, end: right.span.end };
  }

  // ----- leaves -------------------------------------------------------------------------------

  private ident(t: IToken | undefined): A.Ident | null {
    const r = real(t);
    return r === undefined ? null : { kind: "Ident", name: r.image, span: this.tokSpan(r) };
  }

  private identOr(t: IToken | undefined, b: Built<unknown>, keyword: IToken | undefined): A.Ident {
    return this.ident(t) ?? { kind: "Ident", name: "", span: this.afterToken(b, keyword) };
  }

  private idents(ts: readonly IToken[]): A.Ident[] {
    const out: A.Ident[] = [];
    for (const t of ts) {
      const i = this.ident(t);
      if (i !== null) out.push(i);
    }
    return fit(out);
  }

  private string(t: IToken | undefined): A.StringLit | null {
    const r = real(t);
    if (r === undefined) return null;
    const { value } = decodeString(r.image, r.tokenType !== UnterminatedString);
    return { kind: "StringLit", value, span: this.tokSpan(r) };
  }

  private int(t: IToken | undefined): A.IntLit | null {
    const r = real(t);
    return r === undefined ? null : { kind: "IntLit", value: integerValue(r.image), span: this.tokSpan(r) };
  }

  private val<T>(b: Built<T> | undefined): T | null {
    return has(b) ? b.value : null;
  }

  // ----- clauses ------------------------------------------------------------------------------

  /**
   * The first of `clauses`; every later one is a QG008 unless the block has a syntax error (the
   * driver decides that for a block recovery did not abandon). `where` names the block in the
   * message, `name` the clause (see CLAUSE_NAME).
   */
  private one<T>(block: Built<unknown>, where: string, clauses: readonly Built<T>[], name: string): Built<T> | undefined {
    const first = clauses[0];
    if (first !== undefined && clauses.length > 1 && !block.recovered) {
      for (let i = 1; i < clauses.length; i++) {
        const dup = clauses[i]!;
        const extra = {
          labels: [{ span: this.builtSpan(first), message: "first given here" }],
          help: CLAUSE_HELP[name] ?? `keep one ${CLAUSE_NAME[name] ?? "clause"}`,
        };
        this.clauseDiagnostics.push({
          ...blockRange(block),
          diagnostic: error(CODE.repeatedClause, this.builtSpan(dup), `${CLAUSE_NAME[name] ?? name} is given twice in ${where}`, extra),
        });
      }
    }
    return first;
  }

  /**
   * {@link one} of the clauses of one kind, found without gathering them: a block has few
   * clauses and nearly never a repeated one, and gathering made a throw-away array for each kind
   * asked (four for every `rule`).
   */
  private pick<T>(block: Built<unknown>, where: string, clauses: readonly Built<unknown>[], name: string): Built<T> | undefined {
    let first: Built<unknown> | undefined;
    let repeated = false;
    for (const c of clauses) {
      if (c.rule !== name || !has(c)) continue;
      if (first === undefined) first = c;
      else repeated = true;
    }
    return repeated ? this.one(block, where, kids<T>(clauses, name), name) : (first as Built<T> | undefined);
  }

  // ----- the file -----------------------------------------------------------------------------

  file = this.RULE(
    "file",
    (): Built<A.PolicyFile> => {
      // The file's own Built is not from the arena: it lives while the arena is reused below it.
      const b = new Built<A.PolicyFile>("file");
      const mark = this.arenaTop;
      let header: A.PolicyHeader | null = null;
      let headerRead = false;
      const items: A.TopItem[] = [];
      // An item's AST is taken as soon as it is read, and its Builts are free again.
      const take = (item: Built<unknown>): void => {
        if (!headerRead) {
          header = this.val(item as Built<A.PolicyHeader>);
          headerRead = true;
        } else if (has(item) && item.value !== null) items.push(item.value as A.TopItem);
        this.arenaTop = mark;
      };
      try {
        take(this.c(b, this.SUBRULE(this.header)));
        this.MANY(() => take(this.c(b, this.SUBRULE(this.item))));
        // Consuming EOF explicitly lets the parser recover inside the item loop (skip a stray token
        // and go on with the next item) instead of stopping at the first token it cannot place.
        this.t(b, this.CONSUME(EOF));
      } catch (e) {
        const child = this.fail(e, b);
        if (child !== null) take(child);
      }
      if (!this.RECORDING_PHASE)
        b.value = {
          kind: "PolicyFile",
          header,
          items: fit(items),
          comments: this.comments,
          span: this.span(0, this.textLength),
        };
      return this.done(b);
    },
    this.recovery,
  );

  item = this.RULE(
    "item",
    (): Built<unknown> => {
      try {
        return this.OR(this.itemAlternatives);
      } catch (e) {
        return this.passOn(e, "item");
      }
    },
    this.recovery,
  );

  header = this.RULE(
    "header",
    (): Built<A.PolicyHeader> => {
      const b = this.open(this.built<A.PolicyHeader>("header"));
      let policy: IToken | undefined;
      let name: IToken | undefined;
      let versionKw: IToken | undefined;
      let version: IToken | undefined;
      const items: Built<unknown>[] = [];
      try {
        policy = this.t(b, this.CONSUME(Kw.policy));
        name = this.t(b, this.CONSUME(Str));
        versionKw = this.t(b, this.CONSUME(Kw.version));
        version = this.t(b, this.CONSUME2(Str));
        this.t(b, this.CONSUME(LBrace));
        this.MANY(() => {
          items.push(this.c(b, this.SUBRULE(this.headerItem)));
        });
        this.t(b, this.CONSUME(RBrace));
      } catch (e) {
        const child = this.fail(e, b);
        if (child !== null) items.push(child);
      }
      this.leave(b);
      if (!this.RECORDING_PHASE && real(policy) !== undefined) {
        const where = "the `policy` header";
        const title = this.pick<A.StringLit>(b, where, items, "title");
        const tolerance = this.pick<A.Duration>(b, where, items, "tolerance");
        const nameLit = this.string(name) ?? { kind: "StringLit", value: "", span: this.afterToken(b, policy) };
        const versionLit = this.string(version) ?? { kind: "StringLit", value: "", span: this.afterToken(b, versionKw) };
        const effective = this.pick<A.DateTimeLit>(b, where, items, "effective");
        const serves = this.pick<A.Serves>(b, where, items, "serves");
        b.value = {
          kind: "PolicyHeader",
          name: nameLit,
          version: versionLit,
          title: this.val(title),
          effective: this.val(effective),
          tolerance: this.val(tolerance),
          serves: this.val(serves),
          span: this.builtSpan(b),
        };
      }
      return this.done(b);
    },
    this.recovery,
  );

  headerItem = this.RULE(
    "headerItem",
    (): Built<unknown> => {
      try {
        return this.OR(this.headerItemAlternatives);
      } catch (e) {
        return this.passOn(e, "headerItem");
      }
    },
    this.recovery,
  );

  title = this.RULE(
    "title",
    (): Built<A.StringLit> => {
      const b = this.built<A.StringLit>("title");
      let str: IToken | undefined;
      try {
        this.t(b, this.CONSUME(Kw.title));
        str = this.t(b, this.CONSUME(Str));
      } catch (e) {
        this.fail(e, b);
      }
      if (!this.RECORDING_PHASE) b.value = this.string(str);
      return this.done(b);
    },
    this.recovery,
  );

  effective = this.RULE("effective", (): Built<A.DateTimeLit> => this.keywordsThen("effective", [Kw.effective], this.dateTime), this.recovery);

  tolerance = this.RULE("tolerance", (): Built<A.Duration> => this.keywordsThen("tolerance", [Kw.tolerance], this.duration), this.recovery);

  /** `serves`'s parts in its {@link Built}: `t1` the first requirement id, `tokens` the ones after commas. */
  serves = this.RULE(
    "serves",
    (): Built<A.Serves> => {
      const b = this.open(this.built<A.Serves>("serves"));
      try {
        this.t(b, this.CONSUME(Kw.serves));
        b.t1 = this.t(b, this.CONSUME(ReqId));
        this.MANY(this.moreReqs);
      } catch (e) {
        this.fail(e, b);
      }
      this.leave(b);
      if (!this.RECORDING_PHASE) {
        const first = real(b.t1);
        let refs: A.ReqRef[] = first === undefined ? [] : [this.reqRef(first)];
        if (b.tokens !== null) {
          for (const t of b.tokens) {
            const r = real(t);
            if (r !== undefined) refs.push(this.reqRef(r));
          }
          refs = fit(refs);
        }
        b.value = { kind: "Serves", reqs: refs, span: this.builtSpan(b) };
      }
      return this.done(b);
    },
    this.recovery,
  );

  private readonly moreReqs = (): void => {
    const b = this.top!;
    this.t(b, this.CONSUME(Comma));
    (b.tokens ??= []).push(this.t(b, this.CONSUME2(ReqId)));
  };

  private reqRef(t: IToken): A.ReqRef {
    return { kind: "ReqRef", id: t.image, span: this.tokSpan(t) };
  }

  amendment = this.RULE(
    "amendment",
    (): Built<A.Amendment> => {
      const b = this.open(this.built<A.Amendment>("amendment"));
      let keyword: IToken | undefined;
      let version: IToken | undefined;
      const entries: Built<unknown>[] = [];
      try {
        keyword = this.t(b, this.CONSUME(Kw.amendment));
        version = this.t(b, this.CONSUME(Str));
        this.t(b, this.CONSUME(LBrace));
        this.MANY(() => {
          entries.push(this.c(b, this.SUBRULE(this.amendmentItem)));
        });
        this.t(b, this.CONSUME(RBrace));
      } catch (e) {
        const child = this.fail(e, b);
        if (child !== null) entries.push(child);
      }
      this.leave(b);
      if (!this.RECORDING_PHASE) {
        const where = "the `amendment` block";
        const items: Declaration[] = [];
        const removals: A.Removal[] = [];
        for (const entry of entries) {
          if (!has(entry) || entry.value === null) continue;
          if (entry.rule === "removal") removals.push(entry.value as A.Removal);
          else if (entry.rule === "rule" || entry.rule === "measure" || SECTION_RULES.has(entry.rule))
            items.push(entry.value as Declaration);
        }
        const versionLit = this.string(version) ?? { kind: "StringLit", value: "", span: this.afterToken(b, keyword) };
        const effective = this.pick<A.DateTimeLit>(b, where, entries, "effective");
        const serves = this.pick<A.Serves>(b, where, entries, "serves");
        b.value = {
          kind: "Amendment",
          version: versionLit,
          effective: this.val(effective),
          serves: this.val(serves),
          items: fit(items),
          removals: fit(removals),
          span: this.builtSpan(b),
        };
      }
      return this.done(b);
    },
    this.recovery,
  );

  amendmentItem = this.RULE(
    "amendmentItem",
    (): Built<unknown> => {
      try {
        return this.OR(this.amendmentItemAlternatives);
      } catch (e) {
        return this.passOn(e, "amendmentItem");
      }
    },
    this.recovery,
  );

  removal = this.RULE(
    "removal",
    (): Built<A.Removal> => {
      const b = this.built<A.Removal>("removal");
      let rule: IToken | undefined;
      let measure: IToken | undefined;
      let name: IToken | undefined;
      try {
        this.t(b, this.CONSUME(Kw.remove));
        this.OR([
          { ALT: () => (rule = this.t(b, this.CONSUME(Kw.rule))) },
          { ALT: () => (measure = this.t(b, this.CONSUME(Kw.measure))) },
        ]);
        name = this.t(b, this.CONSUME(Ident));
      } catch (e) {
        this.fail(e, b);
      }
      if (!this.RECORDING_PHASE) {
        const n = this.ident(name);
        const what = real(rule) !== undefined ? "rule" : real(measure) !== undefined ? "measure" : null;
        b.value = n === null || what === null ? null : { kind: "Removal", what, name: n, span: this.builtSpan(b) };
      }
      return this.done(b);
    },
    this.recovery,
  );

  // ----- sections -----------------------------------------------------------------------------

  section = this.RULE(
    "section",
    (): Built<unknown> => {
      try {
        return this.OR(this.sectionAlternatives);
      } catch (e) {
        return this.passOn(e, "section");
      }
    },
    this.recovery,
  );

  /**
   * The rule of a section `name { … }` whose clauses are the rules `clauses` (an `OR`, cached
   * when it has four alternatives or more, as chevrotain's performance guide advises); `build`
   * makes the section from its clauses. Every section has this shape, and only its clauses and
   * what they mean differ.
   */
  private sectionRule<T extends Section>(
    name: string,
    keyword: TokenType,
    clauses: () => { ALT: () => Built<unknown> }[],
    build: (b: Built<T>, clauses: Built<unknown>[], where: string) => T,
  ) {
    const where = `the \`${name}\` block`;
    return this.RULE(
      name,
      (): Built<T> => {
        const b = this.open(this.built<T>(name));
        const found: Built<unknown>[] = [];
        try {
          this.t(b, this.CONSUME(keyword));
          this.t(b, this.CONSUME(LBrace));
          this.MANY(() => {
            found.push(this.c(b, this.OR(clauses())));
          });
          this.t(b, this.CONSUME(RBrace));
        } catch (e) {
          const child = this.fail(e, b);
          if (child !== null) found.push(child);
        }
        this.leave(b);
        if (!this.RECORDING_PHASE) b.value = build(b, found, where);
        return this.done(b);
      },
      this.recovery,
    );
  }

  agreement = this.sectionRule<A.AgreementSection>(
    "agreement",
    Kw.agreement,
    () => this.agreementClauses,
    (b, clauses, where) => {
      const serves = this.pick<A.Serves>(b, where, clauses, "serves");
      const currentVersion = this.pick<A.StringLit>(b, where, clauses, "currentVersion");
      const requiredFor = this.pick<A.Ident[]>(b, where, clauses, "requiredFor");
      const reaccept = this.pick(b, where, clauses, "reaccept");
      return {
        kind: "AgreementSection",
        serves: this.val(serves),
        currentVersion: this.val(currentVersion),
        requiredFor: this.val(requiredFor) ?? [],
        reaccept: reaccept !== undefined,
        span: this.builtSpan(b),
      };
    },
  );

  currentVersion = this.RULE(
    "currentVersion",
    (): Built<A.StringLit> => {
      const b = this.built<A.StringLit>("currentVersion");
      let str: IToken | undefined;
      try {
        this.t(b, this.CONSUME(Kw.current));
        this.t(b, this.CONSUME(Kw.version));
        str = this.t(b, this.CONSUME(Str));
      } catch (e) {
        this.fail(e, b);
      }
      if (!this.RECORDING_PHASE) b.value = this.string(str);
      return this.done(b);
    },
    this.recovery,
  );

  requiredFor = this.RULE("requiredFor", (): Built<A.Ident[]> => this.keywordsThen("requiredFor", [Kw.required, Kw.for], this.services, []), this.recovery);

  reaccept = this.RULE(
    "reaccept",
    (): Built<true> => {
      const b = this.built<true>("reaccept");
      try {
        this.t(b, this.CONSUME(Kw.reaccept));
        this.t(b, this.CONSUME(Kw.on));
        this.t(b, this.CONSUME(Kw.new));
        this.t(b, this.CONSUME(Kw.version));
      } catch (e) {
        this.fail(e, b);
      }
      b.value = true;
      return this.done(b);
    },
    this.recovery,
  );

  services = this.RULE("services", (): Built<A.Ident[]> => this.names("services", [], Comma), this.recovery);

  identity = this.sectionRule<A.IdentitySection>(
    "identity",
    Kw.identity,
    () => [{ ALT: () => this.SUBRULE(this.serves) }, { ALT: () => this.SUBRULE(this.verifiedRequired) }],
    (b, clauses, where) => {
      const serves = this.pick<A.Serves>(b, where, clauses, "serves");
      const required = this.pick<A.Ident[]>(b, where, clauses, "verifiedRequired");
      return { kind: "IdentitySection", serves: this.val(serves), requiredFor: this.val(required) ?? [], span: this.builtSpan(b) };
    },
  );

  verifiedRequired = this.RULE("verifiedRequired", (): Built<A.Ident[]> => this.keywordsThen("verifiedRequired", [Kw.verified, Kw.required, Kw.for], this.services, []), this.recovery);

  credit = this.sectionRule<A.CreditSection>(
    "credit",
    Kw.credit,
    () => [
      { ALT: () => this.SUBRULE(this.serves) },
      { ALT: () => this.SUBRULE(this.levels) },
      { ALT: () => this.SUBRULE(this.defaultLevel) },
    ],
    (b, clauses, where) => {
      const serves = this.pick<A.Serves>(b, where, clauses, "serves");
      const levels = this.pick<A.Ident[]>(b, where, clauses, "levels");
      const dflt = this.pick<A.Ident>(b, where, clauses, "defaultLevel");
      return {
        kind: "CreditSection",
        serves: this.val(serves),
        levels: this.val(levels) ?? [],
        default: this.val(dflt),
        span: this.builtSpan(b),
      };
    },
  );

  levels = this.RULE(
    "levels",
    (): Built<A.Ident[]> => this.names("levels", [Kw.levels], Lt),
    this.recovery,
  );

  /**
   * Names after fixed keywords, separated by `separator`: `levels D < C < B`, `severities minor <
   * serious`, `of fraud, rumor`, and the services of `required for` and `restrict`.
   */
  private names(name: string, keywords: readonly TokenType[], separator: TokenType): Built<A.Ident[]> {
    const b = this.built<A.Ident[]>(name);
    const names: IToken[] = [];
    try {
      for (const k of keywords) this.t(b, this.CONSUME(k));
      names.push(this.t(b, this.CONSUME(Ident)));
      this.MANY(() => {
        this.t(b, this.CONSUME(separator));
        names.push(this.t(b, this.CONSUME2(Ident)));
      });
    } catch (e) {
      this.fail(e, b);
    }
    if (!this.RECORDING_PHASE) b.value = this.idents(names);
    return this.done(b);
  }

  defaultLevel = this.RULE(
    "defaultLevel",
    (): Built<A.Ident> => {
      const b = this.built<A.Ident>("defaultLevel");
      let level: IToken | undefined;
      try {
        this.t(b, this.CONSUME(Kw.default));
        level = this.t(b, this.CONSUME(Ident));
      } catch (e) {
        this.fail(e, b);
      }
      if (!this.RECORDING_PHASE) b.value = this.ident(level);
      return this.done(b);
    },
    this.recovery,
  );

  categories = this.sectionRule<A.CategoriesSection>(
    "categories",
    Kw.categories,
    () => [{ ALT: () => this.SUBRULE(this.serves) }, { ALT: () => this.SUBRULE(this.categoryDecl) }],
    (b, clauses, where) => {
      const serves = this.pick<A.Serves>(b, where, clauses, "serves");
      return {
        kind: "CategoriesSection",
        serves: this.val(serves),
        categories: values(kids<A.CategoryDecl>(clauses, "categoryDecl")),
        span: this.builtSpan(b),
      };
    },
  );

  categoryDecl = this.RULE(
    "categoryDecl",
    (): Built<A.CategoryDecl> => {
      const b = this.built<A.CategoryDecl>("categoryDecl");
      let name: IToken | undefined;
      let label: IToken | undefined;
      try {
        name = this.t(b, this.CONSUME(Ident));
        this.OPTION(() => {
          label = this.t(b, this.CONSUME(Str));
        });
      } catch (e) {
        this.fail(e, b);
      }
      if (!this.RECORDING_PHASE) {
        const n = this.ident(name);
        b.value = n === null ? null : { kind: "CategoryDecl", name: n, label: this.string(label), span: this.builtSpan(b) };
      }
      return this.done(b);
    },
    this.recovery,
  );

  tiers = this.sectionRule<A.TiersSection>(
    "tiers",
    Kw.tiers,
    () => [
      { ALT: () => this.SUBRULE(this.serves) },
      { ALT: () => this.SUBRULE(this.tier) },
      { ALT: () => this.SUBRULE(this.tierOverride) },
    ],
    (b, clauses, where) => {
      const serves = this.pick<A.Serves>(b, where, clauses, "serves");
      return {
        kind: "TiersSection",
        serves: this.val(serves),
        tiers: values(kids<A.TierDecl>(clauses, "tier")),
        overrides: values(kids<A.TierOverride>(clauses, "tierOverride")),
        span: this.builtSpan(b),
      };
    },
  );

  tierOverride = this.RULE(
    "tierOverride",
    (): Built<A.TierOverride> => {
      const b = this.open(this.built<A.TierOverride>("tierOverride"));
      const names: IToken[] = [];
      const tiers: Built<A.TierDecl>[] = [];
      try {
        this.t(b, this.CONSUME(Kw.for));
        names.push(this.t(b, this.CONSUME(Ident)));
        this.MANY(() => {
          this.t(b, this.CONSUME(Comma));
          names.push(this.t(b, this.CONSUME2(Ident)));
        });
        this.t(b, this.CONSUME(LBrace));
        this.MANY2(() => {
          tiers.push(this.c(b, this.SUBRULE(this.tier)));
        });
        this.t(b, this.CONSUME(RBrace));
      } catch (e) {
        const child = this.fail(e, b);
        if (child !== null) tiers.push(child as Built<A.TierDecl>);
      }
      this.leave(b);
      if (!this.RECORDING_PHASE)
        b.value = { kind: "TierOverride", categories: this.idents(names), tiers: values(tiers), span: this.builtSpan(b) };
      return this.done(b);
    },
    this.recovery,
  );

  tier = this.RULE(
    "tier",
    (): Built<A.TierDecl> => {
      const b = this.open(this.built<A.TierDecl>("tier"));
      let keyword: IToken | undefined;
      let name: IToken | undefined;
      const clauses: Built<unknown>[] = [];
      try {
        keyword = this.t(b, this.CONSUME(Kw.tier));
        name = this.t(b, this.CONSUME(Ident));
        this.t(b, this.CONSUME(LBrace));
        this.MANY(() => {
          clauses.push(this.c(b, this.OR(this.tierClauses)));
        });
        this.t(b, this.CONSUME(RBrace));
      } catch (e) {
        const child = this.fail(e, b);
        if (child !== null) clauses.push(child);
      }
      this.leave(b);
      if (!this.RECORDING_PHASE) {
        const where = "the `tier` block";
        const creator = this.pick<A.Qualification[]>(b, where, clauses, "creatorRequires");
        const members = this.pick<A.IntRange>(b, where, clauses, "memberBand");
        const activity = this.pick<A.IntLit>(b, where, clauses, "activityThreshold");
        const approval = this.pick(b, where, clauses, "joinApproval");
        b.value = {
          kind: "TierDecl",
          name: this.identOr(name, b, keyword),
          members: this.val(members),
          activityFrom: this.val(activity),
          creatorRequires: this.val(creator) ?? [],
          joinApproval: approval !== undefined,
          span: this.builtSpan(b),
        };
      }
      return this.done(b);
    },
    this.recovery,
  );

  memberBand = this.RULE("memberBand", (): Built<A.IntRange> => this.keywordsThen("memberBand", [Kw.members], this.intRange), this.recovery);

  intRange = this.RULE(
    "intRange",
    (): Built<A.IntRange> => {
      const b = this.built<A.IntRange>("intRange");
      let from: IToken | undefined;
      let to: IToken | undefined;
      try {
        from = this.t(b, this.CONSUME(Integer));
        this.t(b, this.CONSUME(DotDot));
        to = this.t(b, this.CONSUME2(Integer));
      } catch (e) {
        this.fail(e, b);
      }
      if (!this.RECORDING_PHASE) {
        const f = this.int(from);
        const t = this.int(to);
        b.value = f === null || t === null ? null : { kind: "IntRange", from: f, to: t, span: this.builtSpan(b) };
      }
      return this.done(b);
    },
    this.recovery,
  );

  activityThreshold = this.RULE(
    "activityThreshold",
    (): Built<A.IntLit> => {
      const b = this.built<A.IntLit>("activityThreshold");
      let count: IToken | undefined;
      try {
        this.t(b, this.CONSUME(Kw.activity));
        this.t(b, this.CONSUME(Kw.from));
        count = this.t(b, this.CONSUME(Integer));
        this.t(b, this.CONSUME(Kw.messages));
        this.t(b, this.CONSUME(Kw.per));
        this.t(b, this.CONSUME(Unit.day));
      } catch (e) {
        this.fail(e, b);
      }
      if (!this.RECORDING_PHASE) b.value = this.int(count);
      return this.done(b);
    },
    this.recovery,
  );

  creatorRequires = this.RULE("creatorRequires", (): Built<A.Qualification[]> => this.keywordsThenList("creatorRequires", [Ctx.creator, Kw.requires], this.qualification), this.recovery);

  qualification = this.RULE(
    "qualification",
    (): Built<A.Qualification> => {
      const b = this.built<A.Qualification>("qualification");
      let verified: IToken | undefined;
      let atLeast: Built<A.Ident> | undefined;
      try {
        this.OR([
          { ALT: () => (verified = this.t(b, this.CONSUME(Kw.verified))) },
          { ALT: () => (atLeast = this.c(b, this.SUBRULE(this.creditAtLeast))) },
        ]);
      } catch (e) {
        atLeast = (this.fail(e, b) as Built<A.Ident> | null) ?? atLeast;
      }
      if (!this.RECORDING_PHASE) {
        const v = real(verified);
        if (v !== undefined) b.value = { kind: "VerifiedQual", span: this.tokSpan(v) };
        else {
          const level = this.val(atLeast);
          b.value = level === null ? null : { kind: "CreditQual", level, span: this.builtSpan(atLeast!) };
        }
      }
      return this.done(b);
    },
    this.recovery,
  );

  creditAtLeast = this.RULE(
    "creditAtLeast",
    (): Built<A.Ident> => {
      const b = this.built<A.Ident>("creditAtLeast");
      let level: IToken | undefined;
      try {
        this.t(b, this.CONSUME(Kw.credit));
        this.t(b, this.CONSUME(GtEq));
        level = this.t(b, this.CONSUME(Ident));
      } catch (e) {
        this.fail(e, b);
      }
      if (!this.RECORDING_PHASE) b.value = this.ident(level);
      return this.done(b);
    },
    this.recovery,
  );

  joinApproval = this.RULE(
    "joinApproval",
    (): Built<true> => {
      const b = this.built<true>("joinApproval");
      try {
        this.t(b, this.CONSUME(Ctx.join));
        this.t(b, this.CONSUME(Kw.requires));
        this.t(b, this.CONSUME(Kw.approval));
      } catch (e) {
        this.fail(e, b);
      }
      b.value = true;
      return this.done(b);
    },
    this.recovery,
  );

  limits = this.sectionRule<A.LimitsSection>(
    "limits",
    Kw.limits,
    () => this.limitsClauses,
    (b, clauses, where) => {
      const serves = this.pick<A.Serves>(b, where, clauses, "serves");
      const info = this.pick<A.InfoPageLimit>(b, where, clauses, "infoPage");
      const members = this.pick<A.IntLit>(b, where, clauses, "membersPerGroup");
      const created = this.pick<A.CreditStepped>(b, where, clauses, "groupsCreated");
      const joined = this.pick<A.CreditStepped>(b, where, clauses, "groupsJoined");
      return {
        kind: "LimitsSection",
        serves: this.val(serves),
        membersPerGroup: this.val(members),
        groupsCreated: this.val(created),
        groupsJoined: this.val(joined),
        infoPage: this.val(info),
        span: this.builtSpan(b),
      };
    },
  );

  membersPerGroup = this.RULE(
    "membersPerGroup",
    (): Built<A.IntLit> => {
      const b = this.built<A.IntLit>("membersPerGroup");
      let count: IToken | undefined;
      try {
        this.t(b, this.CONSUME(Kw.members));
        this.t(b, this.CONSUME(Kw.per));
        this.t(b, this.CONSUME(Ctx.group));
        count = this.t(b, this.CONSUME(Integer));
      } catch (e) {
        this.fail(e, b);
      }
      if (!this.RECORDING_PHASE) b.value = this.int(count);
      return this.done(b);
    },
    this.recovery,
  );

  groupsCreated = this.RULE(
    "groupsCreated",
    (): Built<A.CreditStepped> => this.groupsPerUser("groupsCreated", Kw.created),
    this.recovery,
  );

  groupsJoined = this.RULE(
    "groupsJoined",
    (): Built<A.CreditStepped> => this.groupsPerUser("groupsJoined", Kw.joined),
    this.recovery,
  );

  /** `groups created per user …` and `groups joined per user …`. */
  private groupsPerUser(name: string, verb: TokenType): Built<A.CreditStepped> {
    const b = this.built<A.CreditStepped>(name);
    let stepped: Built<A.CreditStepped> | undefined;
    try {
      this.t(b, this.CONSUME(Ctx.groups));
      this.t(b, this.CONSUME(verb));
      this.t(b, this.CONSUME(Kw.per));
      this.t(b, this.CONSUME(Ctx.user));
      stepped = this.c(b, this.SUBRULE(this.stepped));
    } catch (e) {
      stepped = (this.fail(e, b) as Built<A.CreditStepped> | null) ?? stepped;
    }
    if (!this.RECORDING_PHASE) b.value = this.val(stepped);
    return this.done(b);
  }

  stepped = this.RULE(
    "stepped",
    (): Built<A.CreditStepped> => {
      const b = this.built<A.CreditStepped>("stepped");
      let base: IToken | undefined;
      const steps: Built<A.CreditStep>[] = [];
      try {
        base = this.t(b, this.CONSUME(Integer));
        this.MANY(() => {
          this.t(b, this.CONSUME(Comma));
          steps.push(this.c(b, this.SUBRULE(this.creditStep)));
        });
      } catch (e) {
        const child = this.fail(e, b);
        if (child !== null) steps.push(child as Built<A.CreditStep>);
      }
      if (!this.RECORDING_PHASE) {
        const baseLit = this.int(base);
        b.value = baseLit === null ? null : { kind: "CreditStepped", base: baseLit, steps: values(steps), span: this.builtSpan(b) };
      }
      return this.done(b);
    },
    this.recovery,
  );

  creditStep = this.RULE(
    "creditStep",
    (): Built<A.CreditStep> => {
      const b = this.built<A.CreditStep>("creditStep");
      let value: IToken | undefined;
      let atLeast: Built<A.Ident> | undefined;
      try {
        value = this.t(b, this.CONSUME(Integer));
        this.t(b, this.CONSUME(Kw.when));
        atLeast = this.c(b, this.SUBRULE(this.creditAtLeast));
      } catch (e) {
        atLeast = (this.fail(e, b) as Built<A.Ident> | null) ?? atLeast;
      }
      if (!this.RECORDING_PHASE) {
        const v = this.int(value);
        const level = this.val(atLeast);
        b.value = v === null || level === null ? null : { kind: "CreditStep", value: v, atLeast: level, span: this.builtSpan(b) };
      }
      return this.done(b);
    },
    this.recovery,
  );

  infoPage = this.RULE(
    "infoPage",
    (): Built<A.InfoPageLimit> => {
      const b = this.built<A.InfoPageLimit>("infoPage");
      let from: IToken | undefined;
      let enforced: IToken | undefined;
      try {
        this.t(b, this.CONSUME(Kw.info));
        this.t(b, this.CONSUME(Kw.page));
        this.t(b, this.CONSUME(Kw.from));
        from = this.t(b, this.CONSUME(Integer));
        this.t(b, this.CONSUME(Kw.members));
        this.OPTION(() => {
          enforced = this.t(b, this.CONSUME(Kw.enforced));
        });
      } catch (e) {
        this.fail(e, b);
      }
      if (!this.RECORDING_PHASE) {
        const f = this.int(from);
        b.value = f === null ? null : { kind: "InfoPageLimit", from: f, enforced: real(enforced) !== undefined, span: this.builtSpan(b) };
      }
      return this.done(b);
    },
    this.recovery,
  );

  prohibited = this.sectionRule<A.ProhibitedSection>(
    "prohibited",
    Kw.prohibited,
    () => [
      { ALT: () => this.SUBRULE(this.serves) },
      { ALT: () => this.SUBRULE(this.severities) },
      { ALT: () => this.SUBRULE(this.contentCategory) },
    ],
    (b, clauses, where) => {
      const serves = this.pick<A.Serves>(b, where, clauses, "serves");
      const severities = this.pick<A.Ident[]>(b, where, clauses, "severities");
      return {
        kind: "ProhibitedSection",
        serves: this.val(serves),
        severities: this.val(severities) ?? [],
        categories: values(kids<A.ContentCategoryDecl>(clauses, "contentCategory")),
        span: this.builtSpan(b),
      };
    },
  );

  severities = this.RULE(
    "severities",
    (): Built<A.Ident[]> => this.names("severities", [Kw.severities], Lt),
    this.recovery,
  );

  contentCategory = this.RULE(
    "contentCategory",
    (): Built<A.ContentCategoryDecl> => {
      const b = this.built<A.ContentCategoryDecl>("contentCategory");
      let name: IToken | undefined;
      let severity: IToken | undefined;
      let label: IToken | undefined;
      try {
        name = this.t(b, this.CONSUME(Ident));
        severity = this.t(b, this.CONSUME2(Ident));
        this.OPTION(() => {
          label = this.t(b, this.CONSUME(Str));
        });
      } catch (e) {
        this.fail(e, b);
      }
      if (!this.RECORDING_PHASE) {
        const n = this.ident(name);
        const s = this.ident(severity);
        b.value =
          n === null || s === null
            ? null
            : { kind: "ContentCategoryDecl", name: n, severity: s, label: this.string(label), span: this.builtSpan(b) };
      }
      return this.done(b);
    },
    this.recovery,
  );

  responsibility = this.sectionRule<A.ResponsibilitySection>(
    "responsibility",
    Kw.responsibility,
    () => [
      { ALT: () => this.SUBRULE(this.serves) },
      { ALT: () => this.SUBRULE(this.handleFlags) },
      { ALT: () => this.SUBRULE(this.otherwise) },
    ],
    (b, clauses, where) => {
      const serves = this.pick<A.Serves>(b, where, clauses, "serves");
      const window = this.pick<A.Duration>(b, where, clauses, "handleFlags");
      const otherwise = this.pick<A.Action[]>(b, where, clauses, "otherwise");
      return {
        kind: "ResponsibilitySection",
        serves: this.val(serves),
        window: this.val(window),
        otherwise: this.val(otherwise) ?? [],
        span: this.builtSpan(b),
      };
    },
  );

  handleFlags = this.RULE(
    "handleFlags",
    (): Built<A.Duration> => this.keywordsThen("handleFlags", [Kw.handle, Kw.flags, Kw.within], this.duration),
    this.recovery,
  );

  /**
   * A clause of fixed keywords and one part (`effective DATE`, `keep logs DURATION`, `then ACTIONS`):
   * its value is the part's, or `missing` when the part is missing.
   */
  private keywordsThen<T>(name: string, keywords: readonly TokenType[], part: ParserMethod<[], Built<T>>, missing: T | null = null): Built<T> {
    const b = this.built<T>(name);
    let child: Built<T> | undefined;
    try {
      for (const k of keywords) this.t(b, this.CONSUME(k));
      child = this.c(b, this.SUBRULE(part));
    } catch (e) {
      child = (this.fail(e, b) as Built<T> | null) ?? child;
    }
    if (!this.RECORDING_PHASE) b.value = this.val(child) ?? missing;
    return this.done(b);
  }

  /**
   * Fixed keywords, then parts separated by commas (`on message.post, group.join`, the actions).
   * Its parts in its {@link Built}: `k1` the first, `acc` the ones after commas (null while there
   * are none: most lists have one part). The part's rule is in {@link listPart} for the callback.
   */
  private keywordsThenList<T>(name: string, keywords: readonly TokenType[], part: ParserMethod<[], Built<T>>): Built<T[]> {
    const b = this.open(this.built<T[]>(name));
    const outerPart = this.listPart;
    this.listPart = part;
    try {
      for (const k of keywords) this.t(b, this.CONSUME(k));
      b.k1 = this.c(b, this.SUBRULE(part));
      this.MANY(this.moreListParts);
    } catch (e) {
      const child = this.fail(e, b);
      if (child !== null) this.addListPart(b, child);
    }
    this.listPart = outerPart;
    this.leave(b);
    if (!this.RECORDING_PHASE) b.value = this.listValues(b) as T[];
    return this.done(b);
  }

  /** The part rule of the innermost {@link keywordsThenList} running. */
  private listPart: ParserMethod<[], Built<unknown>> | null = null;

  private readonly moreListParts = (): void => {
    const b = this.top!;
    this.t(b, this.CONSUME(Comma));
    this.addListPart(b, this.c(b, this.SUBRULE2(this.listPart!)));
  };

  private addListPart(b: Built<unknown>, part: Built<unknown>): void {
    if (b.k1 === undefined) b.k1 = part;
    else ((b.acc as Built<unknown>[] | null) ??= []).push(part);
  }

  /** The values of a list's non-empty parts, nulls dropped. */
  private listValues(b: Built<unknown>): unknown[] {
    const first = b.k1;
    const more = b.acc as Built<unknown>[] | null;
    if (more === null) {
      const value = this.val(first);
      return value === null ? [] : [value];
    }
    return values(first === undefined ? more : [first, ...more]);
  }

  otherwise = this.RULE("otherwise", (): Built<A.Action[]> => this.keywordsThen("otherwise", [Kw.otherwise], this.actions, []), this.recovery);

  complaints = this.sectionRule<A.ComplaintsSection>(
    "complaints",
    Kw.complaints,
    () => [
      { ALT: () => this.SUBRULE(this.serves) },
      { ALT: () => this.SUBRULE(this.resolveWithin) },
      { ALT: () => this.SUBRULE(this.otherwise) },
    ],
    (b, clauses, where) => {
      const serves = this.pick<A.Serves>(b, where, clauses, "serves");
      const resolve = this.pick<A.Duration>(b, where, clauses, "resolveWithin");
      const otherwise = this.pick<A.Action[]>(b, where, clauses, "otherwise");
      return {
        kind: "ComplaintsSection",
        serves: this.val(serves),
        resolveWithin: this.val(resolve),
        otherwise: this.val(otherwise) ?? [],
        span: this.builtSpan(b),
      };
    },
  );

  resolveWithin = this.RULE(
    "resolveWithin",
    (): Built<A.Duration> => this.keywordsThen("resolveWithin", [Kw.resolve, Kw.within], this.duration),
    this.recovery,
  );

  retention = this.sectionRule<A.RetentionSection>(
    "retention",
    Kw.retention,
    () => [{ ALT: () => this.SUBRULE(this.serves) }, { ALT: () => this.SUBRULE(this.keepLogs) }],
    (b, clauses, where) => {
      const serves = this.pick<A.Serves>(b, where, clauses, "serves");
      const keep = this.pick<A.Duration>(b, where, clauses, "keepLogs");
      return { kind: "RetentionSection", serves: this.val(serves), keepLogs: this.val(keep), span: this.builtSpan(b) };
    },
  );

  keepLogs = this.RULE(
    "keepLogs",
    (): Built<A.Duration> => this.keywordsThen("keepLogs", [Kw.keep, Kw.logs], this.duration),
    this.recovery,
  );

  management = this.sectionRule<A.ManagementSection>(
    "management",
    Kw.management,
    () => [{ ALT: () => this.SUBRULE(this.serves) }, { ALT: () => this.SUBRULE(this.muteFor) }],
    (b, clauses, where) => {
      const serves = this.pick<A.Serves>(b, where, clauses, "serves");
      const mute = this.pick<A.Duration>(b, where, clauses, "muteFor");
      return { kind: "ManagementSection", serves: this.val(serves), muteFor: this.val(mute), span: this.builtSpan(b) };
    },
  );

  muteFor = this.RULE(
    "muteFor",
    (): Built<A.Duration> => this.keywordsThen("muteFor", [Ctx.mute, Kw.for], this.duration),
    this.recovery,
  );

  blacklist = this.sectionRule<A.BlacklistSection>(
    "blacklist",
    Kw.blacklist,
    () => [{ ALT: () => this.SUBRULE(this.serves) }, { ALT: () => this.SUBRULE(this.restrict) }],
    (b, clauses, where) => {
      const serves = this.pick<A.Serves>(b, where, clauses, "serves");
      const restricts = kids<Restrict>(clauses, "restrict");
      const of = (who: "users" | "groups") =>
        this.one(
          b,
          where,
          restricts.filter((r) => r.value?.who === who),
          who === "users" ? "restrictUsers" : "restrictGroups",
        );
      const users = of("users");
      const groups = of("groups");
      return {
        kind: "BlacklistSection",
        serves: this.val(serves),
        users: this.val(users)?.services ?? [],
        groups: this.val(groups)?.services ?? [],
        span: this.builtSpan(b),
      };
    },
  );

  restrict = this.RULE(
    "restrict",
    (): Built<Restrict> => {
      const b = this.built<Restrict>("restrict");
      let users: IToken | undefined;
      let groups: IToken | undefined;
      let services: Built<A.Ident[]> | undefined;
      try {
        this.t(b, this.CONSUME(Kw.restrict));
        this.OR([
          { ALT: () => (users = this.t(b, this.CONSUME(Ctx.users))) },
          { ALT: () => (groups = this.t(b, this.CONSUME(Ctx.groups))) },
        ]);
        services = this.c(b, this.SUBRULE(this.services));
      } catch (e) {
        services = (this.fail(e, b) as Built<A.Ident[]> | null) ?? services;
      }
      if (!this.RECORDING_PHASE)
        b.value = {
          who: real(users) !== undefined ? "users" : real(groups) !== undefined ? "groups" : null,
          services: this.val(services) ?? [],
        };
      return this.done(b);
    },
    this.recovery,
  );

  // ----- measures -----------------------------------------------------------------------------

  measure = this.RULE(
    "measure",
    (): Built<A.MeasureDecl> => {
      const b = this.open(this.built<A.MeasureDecl>("measure"));
      let keyword: IToken | undefined;
      let name: IToken | undefined;
      const clauses: Built<unknown>[] = [];
      try {
        keyword = this.t(b, this.CONSUME(Kw.measure));
        name = this.t(b, this.CONSUME(Ident));
        this.t(b, this.CONSUME(LBrace));
        this.MANY(() => {
          clauses.push(
            this.c(
              b,
              this.OR([
                { ALT: () => this.SUBRULE(this.serves) },
                { ALT: () => this.SUBRULE(this.trigger) },
                { ALT: () => this.SUBRULE(this.measureActions) },
              ]),
            ),
          );
        });
        this.t(b, this.CONSUME(RBrace));
      } catch (e) {
        const child = this.fail(e, b);
        if (child !== null) clauses.push(child);
      }
      this.leave(b);
      if (!this.RECORDING_PHASE) {
        const where = "the `measure` block";
        const trigger = this.pick<A.Trigger>(b, where, clauses, "trigger");
        const nameIdent = this.identOr(name, b, keyword);
        const serves = this.pick<A.Serves>(b, where, clauses, "serves");
        const actions = this.pick<A.Action[]>(b, where, clauses, "measureActions");
        b.value = {
          kind: "MeasureDecl",
          name: nameIdent,
          serves: this.val(serves),
          trigger: this.val(trigger),
          actions: this.val(actions) ?? [],
          span: this.builtSpan(b),
        };
      }
      return this.done(b);
    },
    this.recovery,
  );

  trigger = this.RULE(
    "trigger",
    (): Built<A.Trigger> => {
      const b = this.built<A.Trigger>("trigger");
      let count: IToken | undefined;
      let gtEq: IToken | undefined;
      let severity: IToken | undefined;
      let categories: Built<A.Ident[]> | undefined;
      let group: IToken | undefined;
      let user: IToken | undefined;
      let within: IToken | undefined;
      let duration: Built<A.Duration> | undefined;
      try {
        this.t(b, this.CONSUME(Kw.on));
        this.OR([
          { ALT: () => this.t(b, this.CONSUME(Kw.flag)) },
          {
            ALT: () => {
              count = this.t(b, this.CONSUME(Integer));
              this.t(b, this.CONSUME(Kw.flags));
            },
          },
        ]);
        this.OPTION(() => {
          gtEq = this.t(b, this.CONSUME(GtEq));
        });
        this.OPTION2(() => {
          severity = this.t(b, this.CONSUME(Ident));
        });
        this.OPTION3(() => {
          categories = this.c(b, this.SUBRULE(this.flagCategories));
        });
        this.OPTION4(() =>
          this.OR2([
            {
              ALT: () => {
                this.t(b, this.CONSUME(Kw.in));
                group = this.t(b, this.CONSUME(Ctx.group));
              },
            },
            {
              ALT: () => {
                this.t(b, this.CONSUME(Kw.by));
                user = this.t(b, this.CONSUME(Ctx.user));
              },
            },
          ]),
        );
        this.OPTION5(() => {
          within = this.t(b, this.CONSUME(Kw.within));
          duration = this.c(b, this.SUBRULE(this.duration));
        });
      } catch (e) {
        const child = this.fail(e, b);
        if (child?.rule === "flagCategories") categories = child as Built<A.Ident[]>;
        else if (child !== null) duration = child as Built<A.Duration>;
      }
      if (!this.RECORDING_PHASE)
        b.value = {
          kind: "Trigger",
          count: this.int(count),
          severityOp: real(gtEq) !== undefined ? ">=" : "==",
          severity: this.ident(severity),
          categories: this.val(categories) ?? [],
          scope: real(group) !== undefined ? "group" : real(user) !== undefined ? "user" : null,
          within: real(within) === undefined ? null : this.val(duration),
          span: this.builtSpan(b),
        };
      return this.done(b);
    },
    this.recovery,
  );

  flagCategories = this.RULE("flagCategories", (): Built<A.Ident[]> => this.names("flagCategories", [Kw.of], Comma), this.recovery);

  measureActions = this.RULE("measureActions", (): Built<A.Action[]> => this.keywordsThen("measureActions", [Kw.then], this.actions, []), this.recovery);

  actions = this.RULE("actions", (): Built<A.Action[]> => this.keywordsThenList("actions", [], this.action as ParserMethod<[], Built<A.Action>>), this.recovery);

  action = this.RULE(
    "action",
    (): Built<unknown> => {
      try {
        return this.OR(this.actionAlternatives);
      } catch (e) {
        return this.passOn(e, "action");
      }
    },
    this.recovery,
  );

  /** `record` and `escalate`: an action of one word, built by `action` itself. */
  private wordAction(t: IToken, kind: "RecordAction" | "EscalateAction"): Built<A.Action> {
    const b = this.built<A.Action>("action");
    this.t(b, t);
    const r = real(t);
    if (!this.RECORDING_PHASE && r !== undefined) b.value = { kind, span: this.tokSpan(r) };
    return b;
  }

  warn = this.RULE(
    "warn",
    (): Built<A.WarnAction> => {
      const b = this.built<A.WarnAction>("warn");
      let target: Built<A.Target> | undefined;
      let rectify: IToken | undefined;
      let duration: Built<A.Duration> | undefined;
      let otherwise: Built<A.Action[]> | undefined;
      try {
        this.t(b, this.CONSUME(Kw.warn));
        target = this.c(b, this.SUBRULE(this.target));
        this.OPTION(() => {
          rectify = this.t(b, this.CONSUME(Kw.rectify));
          this.t(b, this.CONSUME(Kw.within));
          duration = this.c(b, this.SUBRULE(this.duration));
          this.OPTION2(() => {
            this.t(b, this.CONSUME(Kw.otherwise));
            this.t(b, this.CONSUME(LParen));
            otherwise = this.c(b, this.SUBRULE(this.actions));
            this.t(b, this.CONSUME(RParen));
          });
        });
      } catch (e) {
        const child = this.fail(e, b);
        if (child?.rule === "target") target = child as Built<A.Target>;
        else if (child?.rule === "duration") duration = child as Built<A.Duration>;
        else if (child !== null) otherwise = child as Built<A.Action[]>;
      }
      if (!this.RECORDING_PHASE) {
        const t = this.val(target);
        const d = this.val(duration);
        b.value =
          t === null
            ? null
            : {
                kind: "WarnAction",
                target: t,
                rectifyWithin: real(rectify) === undefined ? null : d,
                otherwise: this.val(otherwise) ?? [],
                span: this.builtSpan(b),
              };
      }
      return this.done(b);
    },
    this.recovery,
  );

  suspendPosting = this.RULE(
    "suspendPosting",
    (): Built<A.SuspendPostingAction> => this.suspend("suspendPosting", Kw.posting, "SuspendPostingAction"),
    this.recovery,
  );

  suspendManagement = this.RULE(
    "suspendManagement",
    (): Built<A.SuspendManagementAction> => this.suspend("suspendManagement", Kw.management, "SuspendManagementAction"),
    this.recovery,
  );

  /** `suspend posting of TARGET for DURATION` and `suspend management of …`. */
  private suspend<K extends "SuspendPostingAction" | "SuspendManagementAction">(
    name: string,
    what: TokenType,
    kind: K,
  ): Built<{ kind: K; target: A.Target; duration: A.Duration; span: Span }> {
    const b = this.built<{ kind: K; target: A.Target; duration: A.Duration; span: Span }>(name);
    let target: Built<A.Target> | undefined;
    let duration: Built<A.Duration> | undefined;
    try {
      this.t(b, this.CONSUME(Kw.suspend));
      this.t(b, this.CONSUME(what));
      this.t(b, this.CONSUME(Kw.of));
      target = this.c(b, this.SUBRULE(this.target));
      this.t(b, this.CONSUME(Kw.for));
      duration = this.c(b, this.SUBRULE(this.duration));
    } catch (e) {
      const child = this.fail(e, b);
      if (child?.rule === "target") target = child as Built<A.Target>;
      else if (child !== null) duration = child as Built<A.Duration>;
    }
    if (!this.RECORDING_PHASE) {
      const t = this.val(target);
      const d = this.val(duration);
      b.value = t === null || d === null ? null : { kind, target: t, duration: d, span: this.builtSpan(b) };
    }
    return this.done(b);
  }

  close = this.RULE(
    "close",
    (): Built<A.CloseGroupAction> => {
      const b = this.built<A.CloseGroupAction>("close");
      let target: Built<A.Target> | undefined;
      try {
        this.t(b, this.CONSUME(Kw.close));
        target = this.c(b, this.SUBRULE(this.target));
      } catch (e) {
        target = (this.fail(e, b) as Built<A.Target> | null) ?? target;
      }
      if (!this.RECORDING_PHASE) {
        const t = this.val(target);
        b.value = t === null ? null : { kind: "CloseGroupAction", target: t, span: this.builtSpan(b) };
      }
      return this.done(b);
    },
    this.recovery,
  );

  blacklistTarget = this.RULE(
    "blacklistTarget",
    (): Built<A.BlacklistAction> => {
      const b = this.built<A.BlacklistAction>("blacklistTarget");
      let target: Built<A.Target> | undefined;
      let duration: Built<A.Duration> | undefined;
      try {
        this.t(b, this.CONSUME(Kw.blacklist));
        target = this.c(b, this.SUBRULE(this.target));
        this.OPTION(() => {
          this.t(b, this.CONSUME(Kw.for));
          duration = this.c(b, this.SUBRULE(this.duration));
        });
      } catch (e) {
        const child = this.fail(e, b);
        if (child?.rule === "target") target = child as Built<A.Target>;
        else if (child !== null) duration = child as Built<A.Duration>;
      }
      if (!this.RECORDING_PHASE) {
        const t = this.val(target);
        b.value = t === null ? null : { kind: "BlacklistAction", target: t, duration: this.val(duration), span: this.builtSpan(b) };
      }
      return this.done(b);
    },
    this.recovery,
  );

  lowerCredit = this.RULE(
    "lowerCredit",
    (): Built<A.LowerCreditAction> => {
      const b = this.built<A.LowerCreditAction>("lowerCredit");
      let target: Built<A.Target> | undefined;
      let by: IToken | undefined;
      try {
        this.t(b, this.CONSUME(Kw.lower));
        this.t(b, this.CONSUME(Kw.credit));
        this.t(b, this.CONSUME(Kw.of));
        target = this.c(b, this.SUBRULE(this.target));
        this.t(b, this.CONSUME(Kw.by));
        by = this.t(b, this.CONSUME(Integer));
      } catch (e) {
        target = (this.fail(e, b) as Built<A.Target> | null) ?? target;
      }
      if (!this.RECORDING_PHASE) {
        const t = this.val(target);
        const n = this.int(by);
        b.value = t === null || n === null ? null : { kind: "LowerCreditAction", target: t, by: n, span: this.builtSpan(b) };
      }
      return this.done(b);
    },
    this.recovery,
  );

  cancelCreation = this.RULE(
    "cancelCreation",
    (): Built<A.CancelCreationAction> => {
      const b = this.built<A.CancelCreationAction>("cancelCreation");
      let target: Built<A.Target> | undefined;
      try {
        this.t(b, this.CONSUME(Kw.cancel));
        this.t(b, this.CONSUME(Kw.creation));
        this.t(b, this.CONSUME(Kw.of));
        target = this.c(b, this.SUBRULE(this.target));
      } catch (e) {
        target = (this.fail(e, b) as Built<A.Target> | null) ?? target;
      }
      if (!this.RECORDING_PHASE) {
        const t = this.val(target);
        b.value = t === null ? null : { kind: "CancelCreationAction", target: t, span: this.builtSpan(b) };
      }
      return this.done(b);
    },
    this.recovery,
  );

  report = this.RULE(
    "report",
    (): Built<A.ReportAction> => {
      const b = this.built<A.ReportAction>("report");
      let to: IToken | undefined;
      try {
        this.t(b, this.CONSUME(Kw.report));
        this.t(b, this.CONSUME(Kw.to));
        to = this.t(b, this.CONSUME(Ident));
      } catch (e) {
        this.fail(e, b);
      }
      if (!this.RECORDING_PHASE) {
        const t = this.ident(to);
        b.value = t === null ? null : { kind: "ReportAction", to: t, span: this.builtSpan(b) };
      }
      return this.done(b);
    },
    this.recovery,
  );

  target = this.RULE(
    "target",
    (): Built<A.Target> => {
      const b = this.built<A.Target>("target");
      let name: IToken | undefined;
      try {
        name = this.t(b, this.CONSUME(Ident));
      } catch (e) {
        this.fail(e, b);
      }
      const r = real(name);
      if (!this.RECORDING_PHASE && r !== undefined) b.value = { kind: "Target", name: r.image, span: this.tokSpan(r) };
      return this.done(b);
    },
    this.recovery,
  );

  // ----- rules --------------------------------------------------------------------------------

  rule = this.RULE(
    "rule",
    (): Built<A.RuleDecl> => {
      const b = this.open(this.built<A.RuleDecl>("rule"));
      let keyword: IToken | undefined;
      let name: IToken | undefined;
      const clauses: Built<unknown>[] = [];
      try {
        keyword = this.t(b, this.CONSUME(Kw.rule));
        name = this.t(b, this.CONSUME(Ident));
        this.t(b, this.CONSUME(LBrace));
        this.MANY(() => {
          clauses.push(this.c(b, this.OR(this.ruleClauses)));
        });
        this.t(b, this.CONSUME(RBrace));
      } catch (e) {
        const child = this.fail(e, b);
        if (child !== null) clauses.push(child);
      }
      this.leave(b);
      if (!this.RECORDING_PHASE) {
        const where = "the `rule` block";
        const nameIdent = this.identOr(name, b, keyword);
        const effect = this.pick<Effect>(b, where, clauses, "effect");
        if (effect === undefined && !b.recovered) {
          this.clauseDiagnostics.push({
            ...blockRange(b),
            diagnostic: error(
              CODE.missingEffect,
              nameIdent.name === "" ? this.builtSpan(b) : nameIdent.span,
              `rule \`${nameIdent.name}\` has no \`deny\` or \`allow\``,
              { help: MISSING_EFFECT_HELP },
            ),
          });
        }
        const on = this.pick<A.DottedName[]>(b, where, clauses, "ruleOn");
        const effectValue = this.val(effect);
        const serves = this.pick<A.Serves>(b, where, clauses, "serves");
        const because = this.pick<A.StringLit>(b, where, clauses, "because");
        b.value = {
          kind: "RuleDecl",
          name: nameIdent,
          serves: this.val(serves),
          on: this.val(on) ?? [],
          effect: effectValue?.allow === true ? "allow" : "deny",
          when: effectValue?.when ?? null,
          because: this.val(because),
          span: this.builtSpan(b),
        };
      }
      return this.done(b);
    },
    this.recovery,
  );

  ruleOn = this.RULE("ruleOn", (): Built<A.DottedName[]> => this.keywordsThenList("ruleOn", [Kw.on], this.eventName), this.recovery);

  eventName = this.RULE(
    "eventName",
    (): Built<A.DottedName> => {
      const b = this.built<A.DottedName>("eventName");
      let head: IToken | undefined;
      let rest: IToken | undefined;
      try {
        head = this.t(b, this.CONSUME(Ident));
        this.t(b, this.CONSUME(Dot));
        rest = this.t(b, this.CONSUME(Name));
      } catch (e) {
        this.fail(e, b);
      }
      if (!this.RECORDING_PHASE) {
        const h = real(head);
        const r = real(rest);
        b.value = h === undefined || r === undefined ? null : { kind: "DottedName", parts: [h.image, r.image], span: this.builtSpan(b) };
      }
      return this.done(b);
    },
    this.recovery,
  );

  effect = this.RULE(
    "effect",
    (): Built<Effect> => {
      const b = this.open(this.built<Effect>("effect"));
      try {
        this.OR(this.effectWords);
        this.OPTION(this.effectCondition);
      } catch (e) {
        b.k1 = this.fail(e, b) ?? b.k1;
      }
      this.leave(b);
      if (!this.RECORDING_PHASE) b.value = { allow: real(b.t1) !== undefined, when: this.val(b.k1 as Built<A.Expr> | undefined) };
      return this.done(b);
    },
    this.recovery,
  );

  /** `effect`'s parts in its {@link Built}: `t1` the `allow` (none for `deny`), `k1` the condition. */
  private readonly effectWords = [
    { ALT: (): IToken => this.t(this.top!, this.CONSUME(Kw.deny)) },
    { ALT: (): IToken => (this.top!.t1 = this.t(this.top!, this.CONSUME(Kw.allow))) },
  ];

  private readonly effectCondition = (): void => {
    const b = this.top!;
    this.t(b, this.CONSUME(Kw.when));
    b.k1 = this.c(b, this.SUBRULE(this.expression));
  };

  because = this.RULE(
    "because",
    (): Built<A.StringLit> => {
      const b = this.built<A.StringLit>("because");
      let str: IToken | undefined;
      try {
        this.t(b, this.CONSUME(Kw.because));
        str = this.t(b, this.CONSUME(Str));
      } catch (e) {
        this.fail(e, b);
      }
      if (!this.RECORDING_PHASE) b.value = this.string(str);
      return this.done(b);
    },
    this.recovery,
  );

  // ----- expressions --------------------------------------------------------------------------

  /** `operand op operand op …`, left-associative; operands recovery left empty or unbuilt are skipped. */
  private chain(result: A.Expr | null, operand: Built<A.Expr>, op: "and" | "or"): A.Expr | null {
    if (!has(operand) || operand.value === null) return result;
    const right = operand.value;
    return result === null ? right : { kind: "BinaryExpr", op, left: result, right, span: this.binary(result, right) };
  }

  /*
   * The rules of the expression ladder nearly always pass one operand on (`a` is a sum of one
   * term, a conjunction of one negation, …), and then build nothing of their own: the operand's
   * result is theirs. Only when an operator follows does the rule's callback make a Built for it,
   * from the operand left in `lead`, and make it the running rule (`top`); the rule finds it there
   * (it is not its caller's `top` any more) when it ends or fails.
   */

  /** The first operand of the ladder rule about to call `MANY`/`OPTION`, for its callback. */
  private lead: Built<unknown> | null = null;

  /** In a ladder rule's callback: the rule's Built, made from `lead` on the first call. */
  private grow<T>(rule: string): Built<T> {
    const first = this.lead;
    if (first === null) return this.top as Built<T>;
    this.lead = null;
    const b = this.open(this.built<T>(rule));
    b.k1 = this.c(b, first);
    return b;
  }

  /**
   * The end of a ladder rule whose first operand is `first`: its own Built if its callback made one
   * (`top` is not `outer`, the caller's), else `first` itself.
   */
  private ladderEnd<T>(outer: Built<unknown> | null, first: Built<unknown>, value: (b: Built<T>) => T | null): Built<T> {
    this.lead = null;
    if (this.top === outer) return first as Built<T>;
    const b = this.top as Built<T>;
    this.leave(b);
    if (!this.RECORDING_PHASE) b.value = value(b);
    return b;
  }

  /**
   * The `catch` of a ladder rule: adds the failed operand to the rule's Built (made now if its
   * callback had not), and throws on.
   */
  private ladderFail<T>(
    e: unknown,
    outer: Built<unknown> | null,
    rule: string,
    add: (b: Built<T>, operand: Built<unknown>) => void,
    value: (b: Built<T>) => T | null,
  ): never {
    this.lead = null;
    const own = this.top !== outer;
    const b = own ? (this.top as Built<T>) : this.built<T>(rule);
    const child = this.fail(e, b);
    if (child !== null) add(b, child);
    if (own) this.leave(b);
    if (!this.RECORDING_PHASE) b.value = value(b);
    return this.done(b) as never;
  }

  expression = this.RULE(
    "expression",
    (): Built<A.Expr> => {
      const outer = this.top;
      try {
        const first = this.SUBRULE(this.conjunction);
        this.lead = first;
        this.MANY(this.moreDisjuncts);
        return this.ladderEnd(outer, first, this.chained);
      } catch (e) {
        return this.ladderFail(e, outer, "expression", this.addDisjunct, this.chained);
      }
    },
    this.recovery,
  );

  /** A chain's value: `acc` once an operator was read, else its one operand's. */
  private readonly chained = (b: Built<A.Expr>): A.Expr | null =>
    b.n > 0 ? (b.acc as A.Expr | null) : this.val(b.k1 as Built<A.Expr> | undefined);

  private readonly addDisjunct = (b: Built<A.Expr>, operand: Built<unknown>): void => this.link(b, operand as Built<A.Expr>, "or");

  private readonly addConjunct = (b: Built<A.Expr>, operand: Built<unknown>): void => this.link(b, operand as Built<A.Expr>, "and");

  /** Adds an operand to a chain; the first may already be in `k1`. */
  private link(b: Built<A.Expr>, operand: Built<A.Expr>, op: "and" | "or"): void {
    if (b.n === 0) {
      b.n = 1;
      if (b.k1 === undefined) {
        b.k1 = operand;
        b.acc = this.chain(null, operand, op);
        return;
      }
      b.acc = this.chain(null, b.k1 as Built<A.Expr>, op);
    }
    b.acc = this.chain(b.acc as A.Expr | null, operand, op);
  }

  private readonly moreDisjuncts = (): void => {
    const b = this.grow<A.Expr>("expression");
    this.t(b, this.CONSUME(Kw.or));
    this.link(b, this.c(b, this.SUBRULE2(this.conjunction)), "or");
  };

  conjunction = this.RULE(
    "conjunction",
    (): Built<A.Expr> => {
      const outer = this.top;
      try {
        const first = this.SUBRULE(this.negation);
        this.lead = first;
        this.MANY(this.moreConjuncts);
        return this.ladderEnd(outer, first, this.chained);
      } catch (e) {
        return this.ladderFail(e, outer, "conjunction", this.addConjunct, this.chained);
      }
    },
    this.recovery,
  );

  private readonly moreConjuncts = (): void => {
    const b = this.grow<A.Expr>("conjunction");
    this.t(b, this.CONSUME(Kw.and));
    this.link(b, this.c(b, this.SUBRULE2(this.negation)), "and");
  };

  /** `not …` makes a Built of its own (`t1` the `not`, `k1` the operand); a comparison is passed on. */
  negation = this.RULE(
    "negation",
    (): Built<A.Expr> => {
      const outer = this.top;
      try {
        return this.OR(this.negationAlternatives);
      } catch (e) {
        if (this.top === outer) return this.passOn(e, "negation") as Built<A.Expr>;
        const b = this.top as Built<A.Expr>;
        b.k1 = this.fail(e, b) ?? b.k1;
        this.leave(b);
        if (!this.RECORDING_PHASE) b.value = this.negated(b);
        return this.done(b);
      }
    },
    this.recovery,
  );

  private negated(b: Built<A.Expr>): A.Expr | null {
    const n = real(b.t1);
    const inner = this.val(b.k1 as Built<A.Expr> | undefined);
    if (n === undefined) return inner;
    return inner === null ? null : { kind: "NotExpr", operand: inner, span: this.span(n.startOffset, inner.span.end.offset) };
  }

  private readonly negationAlternatives = [
    {
      ALT: (): Built<A.Expr> => {
        const b = this.open(this.built<A.Expr>("negation"));
        b.t1 = this.t(b, this.CONSUME(Kw.not));
        b.k1 = this.c(b, this.SUBRULE(this.negation));
        this.leave(b);
        if (!this.RECORDING_PHASE) b.value = this.negated(b);
        return b;
      },
    },
    { ALT: (): Built<A.Expr> => this.SUBRULE(this.comparison) },
  ];

  /**
   * `comparison`'s parts in its {@link Built}: `k1` the left operand, `t1` the operator and `k2`
   * the right one, or `t2` `in`, `tokens` a `not` before it and `k3` the list or range after it.
   */
  comparison = this.RULE(
    "comparison",
    (): Built<A.Expr> => {
      const b = this.open(this.built<A.Expr>("comparison"));
      try {
        b.k1 = this.c(b, this.SUBRULE(this.sum));
        this.OPTION(this.comparisonTail);
      } catch (e) {
        const child = this.fail(e, b);
        if (child !== null) {
          if (b.t2 !== undefined) b.k3 = child;
          else if (b.k1 === undefined) b.k1 = child;
          else b.k2 = child;
        }
      }
      this.leave(b);
      if (!this.RECORDING_PHASE) {
        const after = b.k3;
        const list = after?.rule === "list" ? (after as Built<A.ListExpr>) : undefined;
        const range = after?.rule === "intRange" ? (after as Built<A.IntRange>) : undefined;
        b.value = this.comparisonValue(
          b.k1 as Built<A.Expr> | undefined,
          b.t1,
          b.k2 as Built<A.Expr> | undefined,
          b.tokens?.[0],
          b.t2,
          list,
          range,
        );
      }
      return this.done(b);
    },
    this.recovery,
  );

  private readonly comparisonTail = (): void => {
    this.OR(this.comparisonAlternatives);
  };

  private readonly comparisonAlternatives = [
    {
      ALT: (): void => {
        const b = this.top!;
        b.t1 = this.t(b, this.CONSUME(CompareOp));
        b.k2 = this.c(b, this.SUBRULE2(this.sum));
      },
    },
    {
      ALT: (): void => {
        const b = this.top!;
        this.OPTION2(this.negatedIn);
        b.t2 = this.t(b, this.CONSUME(Kw.in));
        this.OR2(this.inAlternatives);
      },
    },
  ];

  private readonly negatedIn = (): void => {
    const b = this.top!;
    b.tokens = [this.t(b, this.CONSUME(Kw.not))];
  };

  private readonly inAlternatives = [
    {
      ALT: (): void => {
        const b = this.top!;
        b.k3 = this.c(b, this.SUBRULE(this.list));
      },
    },
    {
      ALT: (): void => {
        const b = this.top!;
        b.k3 = this.c(b, this.SUBRULE(this.intRange));
      },
    },
  ];

  private comparisonValue(
    leftB: Built<A.Expr> | undefined,
    opTok: IToken | undefined,
    rightB: Built<A.Expr> | undefined,
    not: IToken | undefined,
    inTok: IToken | undefined,
    list: Built<A.ListExpr> | undefined,
    range: Built<A.IntRange> | undefined,
  ): A.Expr | null {
    const left = this.val(leftB);
    if (left === null) return null;
    const op = real(opTok);
    if (op !== undefined) {
      const right = this.val(rightB);
      if (right === null) return left;
      // A lone `=` (reported by the lexer) means `==`.
      const image = op.image === "=" ? "==" : (op.image as A.CompareOp);
      return { kind: "CompareExpr", op: image, left, right, span: this.binary(left, right) };
    }
    if (real(inTok) !== undefined) {
      const right = has(list) ? list.value : this.val(range);
      if (right === null) return left;
      return { kind: "InExpr", negated: real(not) !== undefined, left, right, span: this.binary(left, right) };
    }
    return left;
  }

  /** `sum`'s parts in its {@link Built}: `k1` the first operand, `acc` the sum so far, `n` the operands seen, `tokens` its real `+`/`-`. */
  sum = this.RULE(
    "sum",
    (): Built<A.Expr> => {
      const outer = this.top;
      try {
        const first = this.SUBRULE(this.primary) as Built<A.Expr>;
        this.lead = first;
        this.MANY(this.moreAddends);
        return this.ladderEnd(outer, first, this.summed);
      } catch (e) {
        return this.ladderFail(e, outer, "sum", this.addAddend, this.summed);
      }
    },
    this.recovery,
  );

  private readonly summed = (b: Built<A.Expr>): A.Expr | null =>
    b.n > 0 ? (b.acc as A.Expr | null) : this.val(b.k1 as Built<A.Expr> | undefined);

  /** Adds the next operand of a sum; the first may already be in `k1`. */
  private readonly addAddend = (b: Built<A.Expr>, operand: Built<unknown>): void => {
    if (b.n === 0) {
      if (b.k1 === undefined) {
        b.k1 = operand;
        b.acc = this.addend(null, operand as Built<A.Expr>, 0, null);
        b.n = 1;
        return;
      }
      b.acc = this.addend(null, b.k1 as Built<A.Expr>, 0, null);
      b.n = 1;
    }
    b.acc = this.addend(b.acc as A.Expr | null, operand as Built<A.Expr>, b.n, b.tokens);
    b.n++;
  };

  private readonly moreAddends = (): void => {
    const b = this.grow<A.Expr>("sum");
    if (b.n === 0) {
      b.acc = this.addend(null, b.k1 as Built<A.Expr>, 0, null);
      b.n = 1;
    }
    const op = this.t(b, this.CONSUME(AddOp));
    if (real(op) !== undefined) (b.tokens ??= []).push(op);
    this.addAddend(b, this.c(b, this.SUBRULE2(this.primary)));
  };

  /** Adds the `index`th operand of a sum; `ops` are the sum's real `+`/`-` so far. */
  private addend(result: A.Expr | null, operand: Built<A.Expr>, index: number, ops: readonly IToken[] | null): A.Expr | null {
    if (!has(operand) || operand.value === null) return result;
    const right = operand.value;
    const op = ops?.[index - 1];
    if (result === null || op === undefined) return result ?? right;
    return { kind: "ArithExpr", op: op.image as "+" | "-", left: result, right, span: this.binary(result, right) };
  }

  primary = this.RULE(
    "primary",
    (): Built<unknown> => {
      try {
        return this.OR(this.primaryAlternatives);
      } catch (e) {
        return this.passOn(e, "primary");
      }
    },
    this.recovery,
  );

  /** A primary of one token (a number, string, `true`, `false`), built by `primary` itself. */
  private literal(t: IToken): Built<A.Expr> {
    const b = this.built<A.Expr>("primary");
    this.t(b, t);
    const r = real(t);
    if (this.RECORDING_PHASE || r === undefined) return b;
    switch (r.tokenType) {
      case Integer:
        b.value = this.int(r);
        break;
      case Kw.true:
      case Kw.false:
        b.value = { kind: "BoolLit", value: r.image === "true", span: this.tokSpan(r) };
        break;
      default:
        b.value = this.string(r);
    }
    return b;
  }

  /** `pathExpr`'s parts in its {@link Built}, which it makes only for `within`: `k1` the path, `t1` `within` and `k2` the duration after it. */
  pathExpr = this.RULE(
    "pathExpr",
    (): Built<A.PathExpr | A.WindowExpr> => {
      const outer = this.top;
      try {
        const path = this.SUBRULE(this.path);
        this.lead = path;
        this.OPTION(this.window);
        return this.ladderEnd(outer, path, this.windowed);
      } catch (e) {
        return this.ladderFail(e, outer, "pathExpr", this.addWindowPart, this.windowed);
      }
    },
    this.recovery,
  );

  private readonly addWindowPart = (b: Built<A.PathExpr | A.WindowExpr>, part: Built<unknown>): void => {
    if (part.rule === "path") b.k1 = part;
    else b.k2 = part;
  };

  private readonly windowed = (b: Built<A.PathExpr | A.WindowExpr>): A.PathExpr | A.WindowExpr | null => {
    const p = this.val(b.k1 as Built<A.PathExpr> | undefined);
    const d = this.val(b.k2 as Built<A.Duration> | undefined);
    if (p === null) return null;
    if (real(b.t1) === undefined || d === null) return p;
    return { kind: "WindowExpr", path: p, within: d, span: this.builtSpan(b) };
  };

  private readonly window = (): void => {
    const b = this.grow("pathExpr");
    b.t1 = this.t(b, this.CONSUME(Kw.within));
    b.k2 = this.c(b, this.SUBRULE(this.duration));
  };

  /**
   * `path`'s parts in its {@link Built}: `t1` the first name, `t2` the one after the first dot and
   * `tokens` any after that (most paths have two parts: no array to grow and copy for them).
   */
  path = this.RULE(
    "path",
    (): Built<A.PathExpr> => {
      const b = this.open(this.built<A.PathExpr>("path"));
      try {
        b.t1 = this.t(b, this.CONSUME(Ident));
        this.MANY(this.pathRest);
      } catch (e) {
        this.fail(e, b);
      }
      this.leave(b);
      const h = real(b.t1);
      if (!this.RECORDING_PHASE && h !== undefined) {
        const second = real(b.t2);
        let parts = second === undefined ? [h.image] : [h.image, second.image];
        if (b.tokens !== null) {
          for (const t of b.tokens) if (real(t) !== undefined) parts.push(t.image);
          parts = fit(parts);
        }
        b.value = { kind: "PathExpr", parts, span: this.builtSpan(b) };
      }
      return this.done(b);
    },
    this.recovery,
  );

  private readonly pathRest = (): void => {
    const b = this.top!;
    this.t(b, this.CONSUME(Dot));
    const name = this.t(b, this.CONSUME(Name));
    if (b.t2 === undefined) b.t2 = name;
    else (b.tokens ??= []).push(name);
  };

  list = this.RULE(
    "list",
    (): Built<A.ListExpr> => {
      const b = this.built<A.ListExpr>("list");
      const items: Built<A.Expr>[] = [];
      try {
        this.t(b, this.CONSUME(LBracket));
        items.push(this.c(b, this.SUBRULE(this.expression)));
        this.MANY(() => {
          this.t(b, this.CONSUME(Comma));
          items.push(this.c(b, this.SUBRULE2(this.expression)));
        });
        this.t(b, this.CONSUME(RBracket));
      } catch (e) {
        const child = this.fail(e, b);
        if (child !== null) items.push(child as Built<A.Expr>);
      }
      if (!this.RECORDING_PHASE) b.value = { kind: "ListExpr", items: values(items), span: this.builtSpan(b) };
      return this.done(b);
    },
    this.recovery,
  );

  parenthesized = this.RULE(
    "parenthesized",
    (): Built<A.ParenExpr> => {
      const b = this.built<A.ParenExpr>("parenthesized");
      let inner: Built<A.Expr> | undefined;
      try {
        this.t(b, this.CONSUME(LParen));
        inner = this.c(b, this.SUBRULE(this.expression));
        this.t(b, this.CONSUME(RParen));
      } catch (e) {
        inner = (this.fail(e, b) as Built<A.Expr> | null) ?? inner;
      }
      if (!this.RECORDING_PHASE) {
        const i = this.val(inner);
        b.value = i === null ? null : { kind: "ParenExpr", inner: i, span: this.builtSpan(b) };
      }
      return this.done(b);
    },
    this.recovery,
  );

  conditional = this.RULE(
    "conditional",
    (): Built<A.IfExpr> => {
      const b = this.built<A.IfExpr>("conditional");
      let cond: Built<A.Expr> | undefined;
      let then: Built<A.Expr> | undefined;
      let otherwise: Built<A.Expr> | undefined;
      try {
        this.t(b, this.CONSUME(Kw.if));
        cond = this.c(b, this.SUBRULE(this.expression));
        this.t(b, this.CONSUME(Kw.then));
        then = this.c(b, this.SUBRULE2(this.expression));
        this.t(b, this.CONSUME(Kw.else));
        otherwise = this.c(b, this.SUBRULE3(this.expression));
      } catch (e) {
        const child = this.fail(e, b) as Built<A.Expr> | null;
        if (child !== null) {
          if (cond === undefined) cond = child;
          else if (then === undefined) then = child;
          else otherwise = child;
        }
      }
      if (!this.RECORDING_PHASE) {
        const c = this.val(cond);
        const t = this.val(then);
        const o = this.val(otherwise);
        b.value = c === null || t === null || o === null ? null : { kind: "IfExpr", cond: c, then: t, else: o, span: this.builtSpan(b) };
      }
      return this.done(b);
    },
    this.recovery,
  );

  // ----- literals -----------------------------------------------------------------------------

  duration = this.RULE(
    "duration",
    (): Built<A.Duration> => {
      const b = this.built<A.Duration>("duration");
      let amount: IToken | undefined;
      let unit: Built<A.DurationUnit> | undefined;
      try {
        amount = this.t(b, this.CONSUME(Integer));
        unit = this.c(b, this.SUBRULE(this.unit));
      } catch (e) {
        unit = (this.fail(e, b) as Built<A.DurationUnit> | null) ?? unit;
      }
      if (!this.RECORDING_PHASE) {
        const a = real(amount);
        const u = this.val(unit);
        b.value = a === undefined || u === null ? null : { kind: "Duration", amount: integerValue(a.image), unit: u, span: this.builtSpan(b) };
      }
      return this.done(b);
    },
    this.recovery,
  );

  unit = this.RULE(
    "unit",
    (): Built<A.DurationUnit> => {
      const b = this.built<A.DurationUnit>("unit");
      let word: IToken | undefined;
      try {
        word = this.t(b, this.OR(this.unitAlternatives));
      } catch (e) {
        this.fail(e, b);
      }
      const r = real(word);
      if (!this.RECORDING_PHASE && r !== undefined) b.value = r.image.replace(/s$/, "") as A.DurationUnit;
      return this.done(b);
    },
    this.recovery,
  );

  dateTime = this.RULE(
    "dateTime",
    (): Built<A.DateTimeLit> => {
      const b = this.built<A.DateTimeLit>("dateTime");
      let date: IToken | undefined;
      let zone: Built<A.Zone> | undefined;
      try {
        date = this.t(b, this.CONSUME(DateTime));
        zone = this.c(b, this.SUBRULE(this.zone));
      } catch (e) {
        zone = (this.fail(e, b) as Built<A.Zone> | null) ?? zone;
      }
      if (!this.RECORDING_PHASE) {
        const d = real(date);
        const z = this.val(zone);
        b.value = d === undefined || z === null ? null : { kind: "DateTimeLit", text: d.image, zone: z, span: this.builtSpan(b) };
      }
      return this.done(b);
    },
    this.recovery,
  );

  zone = this.RULE(
    "zone",
    (): Built<A.Zone> => {
      const b = this.built<A.Zone>("zone");
      let offset: IToken | undefined;
      let name: Built<string> | undefined;
      try {
        this.OR([
          {
            ALT: () => {
              this.t(b, this.CONSUME(Kw.in));
              name = this.c(b, this.SUBRULE(this.zoneName));
            },
          },
          { ALT: () => (offset = this.t(b, this.CONSUME(Offset))) },
        ]);
      } catch (e) {
        name = (this.fail(e, b) as Built<string> | null) ?? name;
      }
      if (!this.RECORDING_PHASE) {
        const o = real(offset);
        if (o !== undefined) b.value = { kind: "Zone", name: o.image, span: this.tokSpan(o) };
        else {
          const n = this.val(name);
          b.value = n === null ? null : { kind: "Zone", name: n, span: this.builtSpan(name!) };
        }
      }
      return this.done(b);
    },
    this.recovery,
  );

  zoneName = this.RULE(
    "zoneName",
    (): Built<string> => {
      const b = this.built<string>("zoneName");
      let head: IToken | undefined;
      const rest: IToken[] = [];
      try {
        head = this.t(b, this.CONSUME(Ident));
        this.MANY(() => {
          this.t(b, this.CONSUME(Slash));
          rest.push(this.t(b, this.CONSUME(Name)));
        });
      } catch (e) {
        this.fail(e, b);
      }
      if (!this.RECORDING_PHASE) {
        const parts: string[] = [];
        const h = real(head);
        if (h !== undefined) parts.push(h.image);
        for (const t of rest) if (real(t) !== undefined) parts.push(t.image);
        b.value = parts.length === 0 ? null : parts.join("/");
      }
      return this.done(b);
    },
    this.recovery,
  );

  // ----- alternatives of the larger choices, built once (chevrotain's performance guide) --------

  private readonly itemAlternatives = [
    { ALT: () => this.SUBRULE(this.section) },
    { ALT: () => this.SUBRULE(this.rule) },
    { ALT: () => this.SUBRULE(this.measure) },
    { ALT: () => this.SUBRULE(this.amendment) },
  ];

  private readonly headerItemAlternatives = [
    { ALT: () => this.SUBRULE(this.title) },
    { ALT: () => this.SUBRULE(this.effective) },
    { ALT: () => this.SUBRULE(this.tolerance) },
    { ALT: () => this.SUBRULE(this.serves) },
  ];

  private readonly amendmentItemAlternatives = [
    { ALT: () => this.SUBRULE(this.effective) },
    { ALT: () => this.SUBRULE(this.serves) },
    { ALT: () => this.SUBRULE(this.removal) },
    { ALT: () => this.SUBRULE(this.section) },
    { ALT: () => this.SUBRULE(this.rule) },
    { ALT: () => this.SUBRULE(this.measure) },
  ];

  private readonly sectionAlternatives: { ALT: () => Built<unknown> }[] = [
    { ALT: () => this.SUBRULE(this.agreement) },
    { ALT: () => this.SUBRULE(this.identity) },
    { ALT: () => this.SUBRULE(this.credit) },
    { ALT: () => this.SUBRULE(this.categories) },
    { ALT: () => this.SUBRULE(this.tiers) },
    { ALT: () => this.SUBRULE(this.limits) },
    { ALT: () => this.SUBRULE(this.prohibited) },
    { ALT: () => this.SUBRULE(this.responsibility) },
    { ALT: () => this.SUBRULE(this.complaints) },
    { ALT: () => this.SUBRULE(this.retention) },
    { ALT: () => this.SUBRULE(this.management) },
    { ALT: () => this.SUBRULE(this.blacklist) },
  ];

  private readonly agreementClauses: { ALT: () => Built<unknown> }[] = [
    { ALT: () => this.SUBRULE(this.serves) },
    { ALT: () => this.SUBRULE(this.currentVersion) },
    { ALT: () => this.SUBRULE(this.requiredFor) },
    { ALT: () => this.SUBRULE(this.reaccept) },
  ];

  private readonly tierClauses: { ALT: () => Built<unknown> }[] = [
    { ALT: () => this.SUBRULE(this.memberBand) },
    { ALT: () => this.SUBRULE(this.activityThreshold) },
    { ALT: () => this.SUBRULE(this.creatorRequires) },
    { ALT: () => this.SUBRULE(this.joinApproval) },
  ];

  private readonly limitsClauses: { ALT: () => Built<unknown> }[] = [
    { ALT: () => this.SUBRULE(this.serves) },
    { ALT: () => this.SUBRULE(this.membersPerGroup) },
    { ALT: () => this.SUBRULE(this.groupsCreated) },
    { ALT: () => this.SUBRULE(this.groupsJoined) },
    { ALT: () => this.SUBRULE(this.infoPage) },
  ];

  private readonly actionAlternatives: { ALT: () => Built<unknown> }[] = [
    { ALT: () => this.SUBRULE(this.warn) },
    { ALT: () => this.SUBRULE(this.suspendPosting) },
    { ALT: () => this.SUBRULE(this.suspendManagement) },
    { ALT: () => this.SUBRULE(this.close) },
    { ALT: () => this.SUBRULE(this.blacklistTarget) },
    { ALT: () => this.SUBRULE(this.lowerCredit) },
    { ALT: () => this.SUBRULE(this.cancelCreation) },
    { ALT: () => this.wordAction(this.CONSUME(Kw.record), "RecordAction") },
    { ALT: () => this.SUBRULE(this.report) },
    { ALT: () => this.wordAction(this.CONSUME(Kw.escalate), "EscalateAction") },
  ];

  private readonly ruleClauses: { ALT: () => Built<unknown> }[] = [
    { ALT: () => this.SUBRULE(this.serves) },
    { ALT: () => this.SUBRULE(this.ruleOn) },
    { ALT: () => this.SUBRULE(this.effect) },
    { ALT: () => this.SUBRULE(this.because) },
  ];

  private readonly primaryAlternatives: { ALT: () => Built<unknown> }[] = [
    { ALT: () => this.SUBRULE(this.duration) },
    { ALT: () => this.literal(this.CONSUME(Integer)) },
    { ALT: () => this.literal(this.CONSUME(Str)) },
    { ALT: () => this.literal(this.CONSUME(Kw.true)) },
    { ALT: () => this.literal(this.CONSUME(Kw.false)) },
    { ALT: () => this.SUBRULE(this.dateTime) },
    { ALT: () => this.SUBRULE(this.pathExpr) },
    { ALT: () => this.SUBRULE(this.list) },
    { ALT: () => this.SUBRULE(this.parenthesized) },
    { ALT: () => this.SUBRULE(this.conditional) },
  ];

  private readonly unitAlternatives = [
    { ALT: () => this.CONSUME(Unit.minute) },
    { ALT: () => this.CONSUME(Unit.hour) },
    { ALT: () => this.CONSUME(Unit.day) },
    { ALT: () => this.CONSUME(Unit.week) },
    { ALT: () => this.CONSUME(Unit.month) },
    { ALT: () => this.CONSUME(Unit.year) },
  ];
}

/** The one parser instance, reused by every call of `parse` (building one analyses the grammar). */
/** Whether the grammar is validated on construction: in the test suite (see the constructor). */
function grammarChecks(): boolean {
  // `globalThis.process`: the playground runs the parser in a browser, where there is none.
  return globalThis.process?.env?.["QUNGUI_SELF_CHECK"] === "1";
}

export const parser = new QgParser();
