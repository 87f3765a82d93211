/**
 * The lexer of `.qg` files (docs/language.md, "Lexical structure").
 *
 * Tokens come in a few families, tied together by chevrotain token categories so the parser can
 * ask for a family instead of a list:
 *
 * - `Name`: anything that can be a path segment after `.` — identifiers and every keyword, so
 *   `group.members`, `creator.verified` and `event.action` read naturally.
 * - `Ident`: what can be a name (of a rule, tier, level, category, path root, target …): plain
 *   identifiers plus the *contextual* words `group`, `groups`, `user`, `users`, `creator`, `join` and
 *   `mute`, which the grammar uses as words in a few phrases but which are not reserved.
 * - reserved keywords are in `Name` but not in `Ident`.
 * - `Str`: string literals, including the recoverable wrong spellings (curly or single quotes, a
 *   missing closing quote) that {@link scan} reports, so one typo gives one diagnostic, not a cascade.
 * - `Comma`, `LParen`, `RParen` also accept the full-width forms a Chinese input method types
 *   (`，` `、` `（` `）`), again reported by {@link scan}.
 */
import type { IToken, TokenType } from "chevrotain";
import { createToken, Lexer, tokenMatcher } from "./chevrotain.js";
import type { Comment } from "../ast/nodes.js";
import { error, type Diagnostic } from "../source/diagnostic.js";
import type { Source } from "../source/span.js";
import { CODE } from "./codes.js";

// ---------------------------------------------------------------------------------------------
// Categories

/** Any identifier or keyword: a path segment after `.`. */
export const Name = createToken({ name: "Name", pattern: Lexer.NA, label: "name" });
/** An identifier or a contextual (non-reserved) word. */
export const Ident = createToken({ name: "Ident", pattern: Lexer.NA, categories: [Name], label: "identifier" });
/** Every reserved keyword, including the duration units. */
export const Keyword = createToken({ name: "Keyword", pattern: Lexer.NA, categories: [Name], label: "keyword" });
/** Every string literal form. */
export const Str = createToken({ name: "Str", pattern: Lexer.NA, label: "string" });
export const Comma = createToken({ name: "Comma", pattern: Lexer.NA, label: "','" });
export const LParen = createToken({ name: "LParen", pattern: Lexer.NA, label: "'('" });
export const RParen = createToken({ name: "RParen", pattern: Lexer.NA, label: "')'" });
/** `== != < <= > >=` */
export const CompareOp = createToken({ name: "CompareOp", pattern: Lexer.NA, label: "comparison" });
/** `+ -` */
export const AddOp = createToken({ name: "AddOp", pattern: Lexer.NA, label: "'+' or '-'" });

// ---------------------------------------------------------------------------------------------
// Trivia

export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /\s+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
/** Comments are kept in their own group: the parser never sees them, the formatter prints them. */
export const COMMENTS_GROUP = "comments";
export const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\r\n]*/, group: COMMENTS_GROUP });
export const BlockComment = createToken({
  name: "BlockComment",
  pattern: /\/\*[\s\S]*?\*\//,
  group: COMMENTS_GROUP,
  line_breaks: true,
});
/** `/*` without `*\/`: runs to the end of the file and is reported (QG003). */
export const UnterminatedBlockComment = createToken({
  name: "UnterminatedBlockComment",
  pattern: /\/\*[\s\S]*/,
  group: COMMENTS_GROUP,
  line_breaks: true,
});

// ---------------------------------------------------------------------------------------------
// Literals

export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/,
  categories: [Str],
  label: "string",
});
/** A string whose line ends before its closing quote (QG003). Strings never span lines. */
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*\\?/,
  categories: [Str],
  label: "string",
});
/** `“…”`, typed by Chinese input methods; accepted as a string and reported (QG001). */
export const CurlyQuotedString = createToken({
  name: "CurlyQuotedString",
  pattern: /[“”](?:[^“”"\\\r\n]|\\[^\r\n])*[“”]/,
  categories: [Str],
  label: "string",
});
/** `'…'`; accepted as a string and reported (QG001). */
export const SingleQuotedString = createToken({
  name: "SingleQuotedString",
  pattern: /'(?:[^'\\\r\n]|\\[^\r\n])*'/,
  categories: [Str],
  label: "string",
});

/**
 * `2017-10-08`, `2017-10-08T09:30`, `2017-10-08T09:30:00`. Field widths are matched loosely
 * (`2017-1-8`) so that {@link scan} can say what is wrong with the date (QG005) instead of the
 * parser complaining about `2017 - 1 - 8`.
 */
export const DateTime = createToken({
  name: "DateTime",
  pattern: /\d{4}-\d{1,2}-\d{1,2}(?:T\d{1,2}:\d{1,2}(?::\d{1,2})?)?/,
  label: "date-time",
});
/** `+08:00`, `-05:00` (validated by {@link scan}, QG005). */
export const Offset = createToken({ name: "Offset", pattern: /[+-]\d{1,2}:\d{1,2}/, label: "offset" });
export const Integer = createToken({ name: "Integer", pattern: /\d+/, label: "integer" });
/**
 * `A8.member-cap`. Letter case is matched loosely so that `A8.Member-Cap` is one token that
 * {@link scan} reports (QG007), not an identifier, a dot and another identifier.
 */
export const ReqId = createToken({
  name: "ReqId",
  pattern: /A\d+\.[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*/,
  label: "requirement id",
});

/**
 * Every code unit that can start a Unicode identifier, in the granularity chevrotain's first-char
 * optimisation uses (ASCII one by one, then buckets of 255 code units): the `u`-flag pattern
 * cannot be analysed automatically, and without a hint the whole lexer would lose the optimisation.
 */
function identifierStartHint(): (string | number)[] {
  const hint: (string | number)[] = ["_"];
  for (let c = 65; c <= 90; c++) hint.push(c, c + 32);
  for (const c of [0xaa, 0xb5, 0xba]) hint.push(c);
  for (let c = 0xc0; c <= 0xff; c++) if (c !== 0xd7 && c !== 0xf7) hint.push(c);
  for (let c = 0x100; c <= 0xffff; c += 255) hint.push(c);
  hint.push(0xffff);
  return hint;
}

/**
 * A letter or `_`, then letters, combining marks, decimal digits and `_`, with single `-` between
 * parts (`news-discussion`, `小组`, `set-info`; `x-` is `x` then `-`). Chevrotain drops a pattern's
 * `u` flag when it compiles it, so the Unicode classes run in a custom matcher.
 */
export const IDENTIFIER = /[\p{L}_][\p{L}\p{M}\p{Nd}_]*(?:-[\p{L}\p{M}\p{Nd}_]+)*/uy;

/**
 * An identifier. Most are ASCII, and a plain pattern matches them much faster than the Unicode
 * matcher below (docs/performance.md): chevrotain runs a native pattern itself but calls out to
 * a custom one.
 * The lookahead refuses an ASCII run that a non-ASCII character would continue (`abc小组`,
 * `a-é`), which {@link UnicodeIdentifier} then matches whole, so the two together match exactly
 * {@link IDENTIFIER}. Keywords are identifiers too until {@link scan} gives them their own types.
 */
export const Identifier = createToken({
  name: "Identifier",
  pattern: /[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*(?![\w\u0080-\uffff]|-[\w\u0080-\uffff])/,
  categories: [Ident],
  label: "identifier",
});

/** An identifier with a non-ASCII character; {@link scan} gives it the type {@link Identifier}. */
export const UnicodeIdentifier = createToken({
  name: "UnicodeIdentifier",
  pattern: {
    exec(text: string, offset: number) {
      IDENTIFIER.lastIndex = offset;
      return IDENTIFIER.exec(text);
    },
  },
  line_breaks: false,
  start_chars_hint: identifierStartHint(),
  categories: [Ident],
  label: "identifier",
});

// ---------------------------------------------------------------------------------------------
// Keywords

/**
 * Reserved words: they cannot name a rule, measure, tier, category, level, severity or target.
 * Keep in sync with the keyword paragraph of docs/language.md (a unit test compares them).
 */
export const RESERVED_WORDS = [
  "policy", "version", "title", "effective", "tolerance", "in", "serves", "amendment", "remove",
  "agreement", "current", "required", "for", "reaccept", "on", "new",
  "identity", "verified",
  "credit", "levels", "default",
  "categories", "tiers", "tier", "members", "activity", "from", "messages", "per", "requires", "approval",
  "limits", "created", "joined", "info", "page", "enforced",
  "prohibited", "severities",
  "measure", "flag", "flags", "within", "then", "warn", "rectify", "otherwise", "suspend", "posting",
  "of", "close", "blacklist", "lower", "by", "management", "cancel", "creation", "record", "report",
  "to", "escalate",
  "responsibility", "handle", "complaints", "resolve", "retention", "keep", "logs", "restrict",
  "rule", "deny", "allow", "when", "because",
  "and", "or", "not", "if", "else", "true", "false",
] as const;

/**
 * Words the grammar uses in some phrases (`members per group`, `in group`, `restrict users`,
 * `creator requires`, `join requires approval`, `mute for`) that stay ordinary names everywhere
 * else: path roots (`group.members`), action targets (`blacklist creator`), services (`join`),
 * enumeration literals (`user.role == creator`, `event.action == mute`).
 */
export const CONTEXTUAL_WORDS = ["group", "groups", "user", "users", "creator", "join", "mute"] as const;

/** Duration units; each accepts the singular and the plural (`1 day`, `7 days`). */
export const UNIT_WORDS = ["minute", "hour", "day", "week", "month", "year"] as const;

export type ReservedWord = (typeof RESERVED_WORDS)[number];
export type ContextualWord = (typeof CONTEXTUAL_WORDS)[number];
export type UnitWord = (typeof UNIT_WORDS)[number];

const tokenName = (word: string) =>
  word.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase());

/**
 * A word's token type. The lexer never matches it: {@link scan} retypes the identifier tokens
 * whose text is a word (one table lookup per identifier, where trying a hundred word patterns
 * before the identifier pattern was most of the lexer's time; docs/performance.md), which is the
 * whole-word match that `longer_alt` gave (`groups` is a word, `groups-created` and `tier1` are identifiers).
 */
function word(word: string, categories: TokenType[], label = `'${word}'`, pattern = new RegExp(word)): TokenType {
  // The pattern is never run (the type is not in LEXER_TOKENS); it says what the word matches in
  // the railroad diagrams' grammar.
  return createToken({ name: tokenName(word), pattern, categories, label });
}

/** The token of each reserved word: `Kw.policy`, `Kw.in`, … */
export const Kw = Object.fromEntries(RESERVED_WORDS.map((w) => [w, word(w, [Keyword])])) as Record<
  ReservedWord,
  TokenType
>;
/** The token of each contextual word; each is also an {@link Ident}. */
export const Ctx = Object.fromEntries(CONTEXTUAL_WORDS.map((w) => [w, word(w, [Ident])])) as Record<
  ContextualWord,
  TokenType
>;
/** The token of each duration unit, matching singular and plural. */
export const Unit = Object.fromEntries(UNIT_WORDS.map((w) => [w, word(w, [Keyword], `'${w}(s)'`, new RegExp(`${w}s?`))])) as Record<
  UnitWord,
  TokenType
>;

/** Every word's text, with the token type {@link scan} gives it (units singular and plural). */
export const WORDS: ReadonlyMap<string, TokenType> = new Map<string, TokenType>([
  ...RESERVED_WORDS.map((w): [string, TokenType] => [w, Kw[w]]),
  ...CONTEXTUAL_WORDS.map((w): [string, TokenType] => [w, Ctx[w]]),
  ...UNIT_WORDS.flatMap((w): [string, TokenType][] => [
    [w, Unit[w]],
    [`${w}s`, Unit[w]],
  ]),
]);

/**
 * {@link WORDS} for {@link scan}: each word's type and its text as one shared string, which
 * replaces the identifier token's own copy of it: words are many of a policy's tokens, and the
 * tokens live until the parse ends (docs/performance.md, "One parser").
 */
const RETYPE: ReadonlyMap<string, { type: TokenType; image: string }> = new Map(
  [...WORDS].map(([image, type]) => [image, { type, image }]),
);

/** True if `token` is of `type`, directly or through a category (`Name`, `Ident`, `Str`, …). */
export function isTokenOf(token: IToken, type: TokenType): boolean {
  return tokenMatcher(token, type);
}

// ---------------------------------------------------------------------------------------------
// Punctuation and operators

export const LBrace = createToken({ name: "LBrace", pattern: "{", label: "'{'" });
export const RBrace = createToken({ name: "RBrace", pattern: "}", label: "'}'" });
export const AsciiLParen = createToken({ name: "AsciiLParen", pattern: "(", categories: [LParen], label: "'('" });
export const WideLParen = createToken({ name: "WideLParen", pattern: "（", categories: [LParen], label: "'（'" });
export const AsciiRParen = createToken({ name: "AsciiRParen", pattern: ")", categories: [RParen], label: "')'" });
export const WideRParen = createToken({ name: "WideRParen", pattern: "）", categories: [RParen], label: "'）'" });
export const LBracket = createToken({ name: "LBracket", pattern: "[", label: "'['" });
export const RBracket = createToken({ name: "RBracket", pattern: "]", label: "']'" });
export const AsciiComma = createToken({ name: "AsciiComma", pattern: ",", categories: [Comma], label: "','" });
export const WideComma = createToken({ name: "WideComma", pattern: "，", categories: [Comma], label: "'，'" });
export const IdeographicComma = createToken({
  name: "IdeographicComma",
  pattern: "、",
  categories: [Comma],
  label: "'、'",
});
export const DotDot = createToken({ name: "DotDot", pattern: "..", label: "'..'" });
export const Dot = createToken({ name: "Dot", pattern: ".", label: "'.'" });
export const Slash = createToken({ name: "Slash", pattern: "/", label: "'/'" });
export const Colon = createToken({ name: "Colon", pattern: ":", label: "':'" });
export const EqEq = createToken({ name: "EqEq", pattern: "==", categories: [CompareOp], label: "'=='" });
export const NotEq = createToken({ name: "NotEq", pattern: "!=", categories: [CompareOp], label: "'!='" });
export const LtEq = createToken({ name: "LtEq", pattern: "<=", categories: [CompareOp], label: "'<='" });
export const GtEq = createToken({ name: "GtEq", pattern: ">=", categories: [CompareOp], label: "'>='" });
/** A lone `=`: accepted as `==` so the condition still parses, and reported (QG001). */
export const SingleEq = createToken({ name: "SingleEq", pattern: "=", categories: [CompareOp], label: "'='" });
export const Lt = createToken({ name: "Lt", pattern: "<", categories: [CompareOp], label: "'<'" });
export const Gt = createToken({ name: "Gt", pattern: ">", categories: [CompareOp], label: "'>'" });
export const Plus = createToken({ name: "Plus", pattern: "+", categories: [AddOp], label: "'+'" });
export const Minus = createToken({ name: "Minus", pattern: "-", categories: [AddOp], label: "'-'" });

// ---------------------------------------------------------------------------------------------
// The lexer

/** Every token type the lexer produces, in matching order (the first that matches wins). */
export const LEXER_TOKENS: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedBlockComment,
  StringLiteral,
  UnterminatedString,
  CurlyQuotedString,
  SingleQuotedString,
  DateTime,
  Offset,
  Integer,
  ReqId,
  Identifier,
  UnicodeIdentifier,
  LBrace,
  RBrace,
  AsciiLParen,
  WideLParen,
  AsciiRParen,
  WideRParen,
  LBracket,
  RBracket,
  AsciiComma,
  WideComma,
  IdeographicComma,
  DotDot,
  Dot,
  Slash,
  Colon,
  EqEq,
  NotEq,
  LtEq,
  GtEq,
  SingleEq,
  Lt,
  Gt,
  Plus,
  Minus,
];

/** Every token type the parser knows: the lexer's, the words and the categories. */
export const ALL_TOKENS: TokenType[] = [
  Name,
  Ident,
  Keyword,
  Str,
  Comma,
  LParen,
  RParen,
  CompareOp,
  AddOp,
  ...LEXER_TOKENS,
  ...WORDS.values(),
].filter((t, i, all) => all.indexOf(t) === i);

const lexer = new Lexer(LEXER_TOKENS, {
  positionTracking: "onlyOffset",
  ensureOptimizations: true,
});

// ---------------------------------------------------------------------------------------------
// Literal values

/** A problem inside a literal, relative to the literal's first character. */
export interface LiteralProblem {
  offset: number;
  length: number;
  code: string;
  message: string;
  help: string;
}

const ESCAPE_HELP = "the escapes are `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{4E2D}`; write a backslash as `\\\\`";

/**
 * The value of a string token (any {@link Str} form) with escapes resolved. An invalid escape is
 * kept as written and reported in `problems` (QG004).
 */
export function decodeString(image: string, terminated = true): { value: string; problems: LiteralProblem[] } {
  const end = terminated && image.length >= 2 ? image.length - 1 : image.length;
  // Most strings have no escape at all.
  if (image.indexOf("\\") < 0) return { value: image.slice(1, end), problems: [] };
  const problems: LiteralProblem[] = [];
  const open = image.charAt(0);
  let value = "";
  let i = 1;
  while (i < end) {
    const c = image.charAt(i);
    if (c !== "\\") {
      value += c;
      i++;
      continue;
    }
    const e = i + 1 < end ? image.charAt(i + 1) : "";
    if (e === "") {
      // Only an unterminated string can end in a backslash; that is reported already (QG003).
      value += c;
      i++;
      continue;
    }
    switch (e) {
      case '"':
      case "\\":
        value += e;
        i += 2;
        continue;
      case "'":
        if (open !== "'") break;
        value += e;
        i += 2;
        continue;
      case "n":
        value += "\n";
        i += 2;
        continue;
      case "t":
        value += "\t";
        i += 2;
        continue;
      case "u": {
        const m = /^\{([0-9A-Fa-f]{1,6})\}/.exec(image.slice(i + 2, end));
        if (m === null) {
          const brace = image.slice(i + 2, end).match(/^\{[^}]*\}?/);
          const length = 2 + (brace ? brace[0].length : 0);
          problems.push({
            offset: i,
            length,
            code: CODE.invalidEscape,
            message: `invalid unicode escape \`${image.slice(i, i + length)}\``,
            help: "write a code point as `\\u{4E2D}`: 1 to 6 hexadecimal digits in braces",
          });
          value += image.slice(i, i + length);
          i += length;
          continue;
        }
        const cp = Number.parseInt(m[1]!, 16);
        const length = 2 + m[0].length;
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
          problems.push({
            offset: i,
            length,
            code: CODE.invalidEscape,
            message: `\`${image.slice(i, i + length)}\` is not a unicode character`,
            help: "use a code point up to 10FFFF that is not a surrogate (D800–DFFF)",
          });
          value += image.slice(i, i + length);
        } else {
          value += String.fromCodePoint(cp);
        }
        i += length;
        continue;
      }
    }
    // An unknown escape; `e` may be the first half of a surrogate pair, so report the whole character.
    const ch = String.fromCodePoint(image.codePointAt(i + 1)!);
    problems.push({
      offset: i,
      length: 1 + ch.length,
      code: CODE.invalidEscape,
      message: `invalid escape \`\\${ch}\` in string`,
      help: ESCAPE_HELP,
    });
    value += "\\" + ch;
    i += 1 + ch.length;
  }
  return { value, problems };
}

export const MAX_INT = 2 ** 31 - 1;

/** The value of an integer token, clamped to {@link MAX_INT} (larger ones are reported, QG006). */
export function integerValue(image: string): number {
  const n = Number(image);
  return Number.isFinite(n) && n <= MAX_INT ? n : MAX_INT;
}

const daysInMonth = (y: number, m: number) =>
  m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;

/** What is wrong with a date-time token, or null. */
export function dateTimeProblem(image: string): { message: string; help: string } | null {
  const help = "write a date as `YYYY-MM-DD`, optionally with a time `THH:MM` or `THH:MM:SS`, e.g. `2017-10-08T09:30`";
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:T(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?$/.exec(image);
  if (m === null) return { message: `invalid date-time \`${image}\``, help };
  const [, ys, mos, ds, hs, mis, ss] = m;
  const fields = [mos, ds, hs, mis, ss].filter((f): f is string => f !== undefined);
  if (fields.some((f) => f.length !== 2)) return { message: `date-time \`${image}\` needs two digits in every field`, help };
  const y = Number(ys);
  const mo = Number(mos);
  const d = Number(ds);
  if (mo < 1 || mo > 12) return { message: `invalid date \`${image}\`: there is no month ${mo}`, help };
  if (d < 1 || d > daysInMonth(y, mo))
    return { message: `invalid date \`${image}\`: ${ys}-${mos} has no day ${d}`, help };
  if (hs !== undefined && Number(hs) > 23) return { message: `invalid time \`${image}\`: there is no hour ${Number(hs)}`, help };
  if (mis !== undefined && Number(mis) > 59)
    return { message: `invalid time \`${image}\`: there is no minute ${Number(mis)}`, help };
  if (ss !== undefined && Number(ss) > 59)
    return { message: `invalid time \`${image}\`: there is no second ${Number(ss)}`, help };
  return null;
}

/** What is wrong with an offset token, or null. Real offsets run from -12:00 to +14:00. */
export function offsetProblem(image: string): { message: string; help: string } | null {
  const help = "write an offset as `+HH:MM` or `-HH:MM`, from `-12:00` to `+14:00`, e.g. `+08:00`";
  const m = /^([+-])(\d{1,2}):(\d{1,2})$/.exec(image);
  if (m === null) return { message: `invalid offset \`${image}\``, help };
  const [, sign, hs, ms] = m;
  if (hs!.length !== 2 || ms!.length !== 2) return { message: `offset \`${image}\` needs two-digit hours and minutes`, help };
  const minutes = Number(hs) * 60 + Number(ms);
  if (Number(ms) > 59 || (sign === "+" ? minutes > 14 * 60 : minutes > 12 * 60))
    return { message: `invalid offset \`${image}\`: no time zone is that far from UTC`, help };
  return null;
}

/** A well-formed requirement id (a {@link ReqId} token that is not is reported, QG007). */
export const REQ_ID = /^A\d+\.[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

// ---------------------------------------------------------------------------------------------
// Unexpected characters

/** Full-width and other look-alike characters, with what to type instead. */
const LOOKALIKES: Record<string, string> = {
  "。": ".",
  "；": ";",
  "【": "[",
  "】": "]",
  "《": "\"",
  "》": "\"",
  "‘": "\"",
  "’": "\"",
  "“": "\"",
  "”": "\"",
  "＝": "==",
  "—": "-",
};

function describeChar(ch: string): string {
  const cp = ch.codePointAt(0)!;
  if (/[\p{C}\p{Z}]/u.test(ch)) return `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  return `\`${ch}\``;
}

function unexpectedCharacters(text: string): { message: string; help: string } {
  const chars = [...text];
  const first = chars[0] ?? "";
  const cp = first.codePointAt(0) ?? 0;
  const what =
    chars.length === 1 ? `unexpected character ${describeChar(first)}` : `unexpected characters ${describeChar(text)}`;
  let ascii: string | undefined = LOOKALIKES[first];
  if (ascii === undefined && cp >= 0xff01 && cp <= 0xff5e) ascii = String.fromCharCode(cp - 0xfee0);
  if (ascii !== undefined) return { message: `full-width ${describeChar(first)} is not allowed here`, help: `use \`${ascii}\` instead` };
  switch (first) {
    case "=":
      return { message: what, help: "compare with `==`" };
    case "!":
      return { message: what, help: "negate with `not`; `!=` means not equal" };
    case "&":
      return { message: what, help: "combine conditions with `and`" };
    case "|":
      return { message: what, help: "combine conditions with `or`" };
    case "#":
      return { message: what, help: "comments start with `//` or are enclosed in `/* */`" };
    case '"':
    case "“":
    case "”":
    case "'":
      return { message: what, help: "strings are written in double quotes on one line: \"…\"" };
    case "\\":
      return { message: what, help: "a backslash can only appear inside a string, as an escape" };
  }
  if (/^\p{Nd}$/u.test(first)) return { message: what, help: "numbers are written with the ASCII digits 0-9" };
  if (/\p{Cs}/u.test(first)) return { message: what, help: "remove it: half of a surrogate pair is not a character" };
  if (/[\p{C}\p{Z}]/u.test(first)) return { message: what, help: "remove the invisible character" };
  return { message: what, help: "remove it, or put it inside a string" };
}

// ---------------------------------------------------------------------------------------------
// Scanning

export interface ScanResult {
  /** The tokens the parser reads (no whitespace, no comments). */
  tokens: IToken[];
  comments: Comment[];
  diagnostics: Diagnostic[];
}

/**
 * Lexes a source and checks every literal: unexpected characters (QG001), unterminated strings and
 * comments (QG003), escapes (QG004), dates, times and offsets (QG005), integer range (QG006) and
 * requirement id spelling (QG007). Never throws for any input.
 */
export function scan(source: Source): ScanResult {
  const result = lexer.tokenize(source.text);
  const diagnostics: Diagnostic[] = [];
  const span = (start: number, length: number) => source.span(start, start + length);

  for (const e of result.errors) {
    const text = source.text.slice(e.offset, e.offset + e.length);
    const { message, help } = unexpectedCharacters(text);
    diagnostics.push(error(CODE.unexpectedCharacter, span(e.offset, e.length), message, { help }));
  }

  const rawComments = (result.groups[COMMENTS_GROUP] ?? []) as IToken[];
  const comments: Comment[] = rawComments.map((t) => ({
    text: t.image,
    span: span(t.startOffset, t.image.length),
  }));
  for (const t of rawComments) {
    if (t.tokenType === UnterminatedBlockComment)
      diagnostics.push(
        error(CODE.unterminated, span(t.startOffset, 2), "unterminated block comment", {
          help: "close the comment with `*/`; block comments do not nest",
        }),
      );
  }

  for (const t of result.tokens) {
    const at = t.startOffset;
    // The lexer tracks start offsets only (the cheapest mode): the parser takes a token's end from
    // its image, and nothing reads `endOffset`.
    switch (t.tokenType) {
      case Identifier:
      case UnicodeIdentifier: {
        const word = RETYPE.get(t.image);
        if (word !== undefined) {
          t.tokenType = word.type;
          t.tokenTypeIdx = word.type.tokenTypeIdx!;
          t.image = word.image;
        } else if (t.tokenType !== Identifier) {
          t.tokenType = Identifier;
          t.tokenTypeIdx = Identifier.tokenTypeIdx!;
        }
        break;
      }
      case StringLiteral:
      case UnterminatedString:
      case CurlyQuotedString:
      case SingleQuotedString: {
        if (t.tokenType === UnterminatedString)
          diagnostics.push(
            error(CODE.unterminated, span(at, t.image.length), "unterminated string", {
              help: 'close the string with `"` on the same line; write a line break inside a string as `\\n`',
            }),
          );
        else if (t.tokenType === CurlyQuotedString)
          diagnostics.push(
            error(CODE.unexpectedCharacter, span(at, t.image.length), "strings are not delimited by curly quotes `“ ”`", {
              help: 'use straight double quotes: "…"',
            }),
          );
        else if (t.tokenType === SingleQuotedString)
          diagnostics.push(
            error(CODE.unexpectedCharacter, span(at, t.image.length), "strings are not delimited by single quotes", {
              help: 'use straight double quotes: "…"',
            }),
          );
        if (t.image.indexOf("\\") >= 0)
          for (const p of decodeString(t.image, t.tokenType !== UnterminatedString).problems)
          diagnostics.push(error(p.code, span(at + p.offset, p.length), p.message, { help: p.help }));
        break;
      }
      case WideComma:
      case IdeographicComma:
        diagnostics.push(
          error(CODE.unexpectedCharacter, span(at, 1), `full-width \`${t.image}\` is not a separator`, {
            help: "use an ASCII comma `,`",
          }),
        );
        break;
      case WideLParen:
      case WideRParen:
        diagnostics.push(
          error(CODE.unexpectedCharacter, span(at, 1), `full-width \`${t.image}\` is not a parenthesis`, {
            help: `use the ASCII \`${t.tokenType === WideLParen ? "(" : ")"}\``,
          }),
        );
        break;
      case SingleEq:
        diagnostics.push(
          error(CODE.unexpectedCharacter, span(at, 1), "`=` is not an operator", { help: "compare with `==`" }),
        );
        break;
      case DateTime: {
        const p = dateTimeProblem(t.image);
        if (p) diagnostics.push(error(CODE.invalidDateTime, span(at, t.image.length), p.message, { help: p.help }));
        break;
      }
      case Offset: {
        const p = offsetProblem(t.image);
        if (p) diagnostics.push(error(CODE.invalidDateTime, span(at, t.image.length), p.message, { help: p.help }));
        break;
      }
      case Integer:
        if (!(Number(t.image) <= MAX_INT))
          diagnostics.push(
            error(CODE.integerTooLarge, span(at, t.image.length), `integer \`${abbreviate(t.image)}\` is too large`, {
              help: `integers are at most ${MAX_INT}`,
            }),
          );
        break;
      case ReqId:
        if (!REQ_ID.test(t.image))
          diagnostics.push(
            error(CODE.malformedReqId, span(at, t.image.length), `malformed requirement id \`${t.image}\``, {
              help: `requirement ids are written \`A\`, the article number, \`.\` and a lowercase hyphenated name, e.g. \`${suggestReqId(t.image)}\``,
            }),
          );
        break;
    }
  }

  return { tokens: result.tokens, comments, diagnostics };
}

function suggestReqId(image: string): string {
  const fixed = image.replace(/\.(.*)$/, (_m, rest: string) => "." + rest.toLowerCase().replace(/_/g, "-"));
  return REQ_ID.test(fixed) ? fixed : "A8.member-cap";
}

function abbreviate(s: string): string {
  return s.length > 24 ? `${s.slice(0, 20)}…` : s;
}
