/**
 * The lexer of the fast path (./fast-parser.ts): the tokens of a file with nothing to report, or
 * null. It produces the token types of ./tokens.ts, exactly as the chevrotain lexer would, but
 * only for text that lexes cleanly; wherever the chevrotain lexer or `scan` could have something
 * to say (an unexpected character, a curly quote, a bad escape, date, offset, integer or
 * requirement id, a full-width comma, a lone `=`, an unterminated string or comment), or where
 * this lexer is not sure, it gives up, and `parse` takes the chevrotain path, which reports it.
 *
 * It is a hand-written loop over character codes that writes each token into three typed arrays,
 * with no object per token: on a 10,000-rule policy chevrotain's lexer and `scan` take about 0.3 s, this
 * takes a tenth of that. The rarer tokens are matched with the patterns of their token types, so
 * that the two lexers cannot drift apart there; test/unit/syntax/fast.test.ts compares them.
 */
import type { TokenType } from "chevrotain";
import type { Comment } from "../ast/nodes.js";
import type { Source } from "../source/span.js";
import {
  AsciiComma,
  AsciiLParen,
  AsciiRParen,
  Colon,
  CONTEXTUAL_WORDS,
  Ctx,
  DateTime,
  dateTimeProblem,
  decodeString,
  Dot,
  DotDot,
  EqEq,
  Gt,
  GtEq,
  IDENTIFIER,
  Identifier,
  Integer,
  Kw,
  LBrace,
  LBracket,
  LEXER_TOKENS,
  Lt,
  LtEq,
  MAX_INT,
  Minus,
  NotEq,
  Offset,
  offsetProblem,
  Plus,
  RBrace,
  RBracket,
  REQ_ID,
  ReqId,
  RESERVED_WORDS,
  Slash,
  StringLiteral,
  Unit,
  UNIT_WORDS,
} from "./tokens.js";

/**
 * The tokens of a clean file, in parallel typed arrays: typed arrays because plain arrays of a
 * quarter of a million entries cost four times as much to fill.
 */
export interface FastTokens {
  count: number;
  /** The `tokenTypeIdx` of each token's type (see {@link tokenTypeOf}). */
  types: Uint16Array;
  /** Start offsets. */
  starts: Int32Array;
  /** End offsets, exclusive. */
  ends: Int32Array;
  /** The value of each string token (escapes resolved), by token index; other slots are empty. */
  strings: Map<number, string>;
  comments: Comment[];
}

/** The token types by `tokenTypeIdx`. */
const BY_INDEX: TokenType[] = [];
for (const t of LEXER_TOKENS) BY_INDEX[t.tokenTypeIdx!] = t;

/** The type of a token of {@link FastTokens}, from its `types` entry. */
export function tokenTypeOf(idx: number): TokenType | undefined {
  return BY_INDEX[idx];
}

/**
 * Every reserved, contextual and unit word, as the token type the chevrotain lexer gives it. A
 * word token there is a keyword pattern with `longer_alt: Identifier`, tried longest pattern
 * first, so a run of identifier characters is a keyword exactly when the whole run is one of
 * these words (units also in the plural).
 */
export const WORDS: ReadonlyMap<string, TokenType> = new Map<string, TokenType>([
  ...RESERVED_WORDS.map((w): [string, TokenType] => [w, Kw[w]]),
  ...CONTEXTUAL_WORDS.map((w): [string, TokenType] => [w, Ctx[w]]),
  ...UNIT_WORDS.flatMap((w): [string, TokenType][] => [
    [w, Unit[w]],
    [`${w}s`, Unit[w]],
  ]),
]);

/** Sticky copies of the token patterns, for `test` at an offset. */
const sticky = (t: TokenType) => new RegExp((t.PATTERN as RegExp).source, "y");
const STRING = sticky(StringLiteral);
const DATE_TIME = sticky(DateTime);
const OFFSET = sticky(Offset);
const REQ_ID_TOKEN = sticky(ReqId);

/** Single-character punctuation that is never the start of a longer token. */
const PUNCTUATION: Record<number, TokenType> = {
  0x7b: LBrace,
  0x7d: RBrace,
  0x28: AsciiLParen,
  0x29: AsciiRParen,
  0x5b: LBracket,
  0x5d: RBracket,
  0x2c: AsciiComma,
  0x3a: Colon,
};

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isAsciiLetter = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
const isAsciiPart = (c: number) => isAsciiLetter(c) || isDigit(c);

/** Thrown inside the lexer when the text is not clean; caught in {@link lexClean}. */
class NotClean {}
const NOT_CLEAN = new NotClean();

/** The end of the sticky `re`'s match at `at`, or -1. */
function matchEnd(re: RegExp, text: string, at: number): number {
  re.lastIndex = at;
  return re.test(text) ? re.lastIndex : -1;
}

/**
 * The end of the identifier starting at `at`: ASCII by hand, anything else with the Unicode
 * pattern of the {@link Identifier} token. Mirrors its greedy
 * `[L_][L M Nd _]*(-[L M Nd _]+)*`.
 */
function identifierEnd(text: string, at: number): number {
  let i = at + 1;
  for (;;) {
    let c = text.charCodeAt(i);
    while (isAsciiPart(c)) c = text.charCodeAt(++i);
    if (c === 0x2d) {
      const next = text.charCodeAt(i + 1);
      if (isAsciiPart(next)) {
        i += 2;
        continue;
      }
      if (next >= 0x80) return unicodeIdentifierEnd(text, at);
      return i;
    }
    return c >= 0x80 ? unicodeIdentifierEnd(text, at) : i;
  }
}

function unicodeIdentifierEnd(text: string, at: number): number {
  const end = matchEnd(IDENTIFIER, text, at);
  if (end < 0) throw NOT_CLEAN;
  return end;
}

/** The tokens and comments of `source`, or null if lexing it has anything to report. */
export function lexClean(source: Source): FastTokens | null {
  try {
    return lex(source);
  } catch (e) {
    if (e === NOT_CLEAN) return null;
    throw e;
  }
}

function lex(source: Source): FastTokens {
  const text = source.text;
  const n = text.length;
  // Policies run at about eight characters a token; grown by doubling when that is not enough.
  let capacity = 64 + (n >> 3);
  let types = new Uint16Array(capacity);
  let starts = new Int32Array(capacity);
  let ends = new Int32Array(capacity);
  let count = 0;
  const strings = new Map<number, string>();
  const comments: Comment[] = [];
  const push = (type: TokenType, start: number, end: number) => {
    if (count === capacity) {
      capacity *= 2;
      types = grow(types, new Uint16Array(capacity));
      starts = grow(starts, new Int32Array(capacity));
      ends = grow(ends, new Int32Array(capacity));
    }
    types[count] = type.tokenTypeIdx!;
    starts[count] = start;
    ends[count] = end;
    count++;
  };
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    // White space: ASCII only; anything else that chevrotain's /\s+/ accepts takes the slow path.
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) {
      i++;
      continue;
    }
    if (isAsciiLetter(c) || c >= 0x80) {
      if (c === 0x41) {
        const end = matchEnd(REQ_ID_TOKEN, text, i);
        if (end >= 0) {
          if (!REQ_ID.test(text.slice(i, end))) throw NOT_CLEAN;
          push(ReqId, i, end);
          i = end;
          continue;
        }
      }
      const end = c >= 0x80 ? unicodeIdentifierEnd(text, i) : identifierEnd(text, i);
      push(WORDS.get(text.slice(i, end)) ?? Identifier, i, end);
      i = end;
      continue;
    }
    if (isDigit(c)) {
      const dateEnd = matchEnd(DATE_TIME, text, i);
      if (dateEnd >= 0) {
        if (dateTimeProblem(text.slice(i, dateEnd)) !== null) throw NOT_CLEAN;
        push(DateTime, i, dateEnd);
        i = dateEnd;
        continue;
      }
      let end = i + 1;
      while (isDigit(text.charCodeAt(end))) end++;
      if (!(Number(text.slice(i, end)) <= MAX_INT)) throw NOT_CLEAN;
      push(Integer, i, end);
      i = end;
      continue;
    }
    const punctuation = PUNCTUATION[c];
    if (punctuation !== undefined) {
      push(punctuation, i, i + 1);
      i++;
      continue;
    }
    const next = text.charCodeAt(i + 1);
    switch (c) {
      case 0x22: {
        // A string ends on its line: the slow path reports one that does not (QG003).
        const end = matchEnd(STRING, text, i);
        if (end < 0) throw NOT_CLEAN;
        const image = text.slice(i, end);
        let value: string;
        if (image.indexOf("\\") < 0) value = image.slice(1, -1);
        else {
          const decoded = decodeString(image);
          if (decoded.problems.length > 0) throw NOT_CLEAN;
          value = decoded.value;
        }
        strings.set(count, value);
        push(StringLiteral, i, end);
        i = end;
        continue;
      }
      case 0x2f: {
        if (next === 0x2f) {
          let end = i + 2;
          for (let d = text.charCodeAt(end); end < n && d !== 0x0a && d !== 0x0d; d = text.charCodeAt(++end));
          comments.push({ text: text.slice(i, end), span: source.span(i, end) });
          i = end;
        } else if (next === 0x2a) {
          const close = text.indexOf("*/", i + 2);
          if (close < 0) throw NOT_CLEAN;
          comments.push({ text: text.slice(i, close + 2), span: source.span(i, close + 2) });
          i = close + 2;
        } else {
          push(Slash, i, i + 1);
          i++;
        }
        continue;
      }
      case 0x2e:
        if (next === 0x2e) push(DotDot, i, i + 2);
        else push(Dot, i, i + 1);
        i += next === 0x2e ? 2 : 1;
        continue;
      case 0x3d:
        // `==`; a lone `=` is reported (QG001).
        if (next !== 0x3d) throw NOT_CLEAN;
        push(EqEq, i, i + 2);
        i += 2;
        continue;
      case 0x21:
        if (next !== 0x3d) throw NOT_CLEAN;
        push(NotEq, i, i + 2);
        i += 2;
        continue;
      case 0x3c:
      case 0x3e: {
        const orEqual = next === 0x3d;
        push(c === 0x3c ? (orEqual ? LtEq : Lt) : orEqual ? GtEq : Gt, i, orEqual ? i + 2 : i + 1);
        i += orEqual ? 2 : 1;
        continue;
      }
      case 0x2b:
      case 0x2d: {
        const offsetEnd = matchEnd(OFFSET, text, i);
        if (offsetEnd >= 0) {
          if (offsetProblem(text.slice(i, offsetEnd)) !== null) throw NOT_CLEAN;
          push(Offset, i, offsetEnd);
          i = offsetEnd;
        } else {
          push(c === 0x2b ? Plus : Minus, i, i + 1);
          i++;
        }
        continue;
      }
    }
    throw NOT_CLEAN;
  }
  return { count, types, starts, ends, strings, comments };
}

function grow<T extends Uint16Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
