/**
 * The words of the parser's diagnostics, kept beside the grammar (./parser.ts) so that the
 * grammar reads as a grammar: what each block and clause is called, how each is written (the help
 * lines), and chevrotain's error message provider, which puts them together into "expected …,
 * found …" messages. QG008 and QG009, which the parser reports itself, take their words from here
 * too.
 */
import type { IParserErrorMessageProvider, IToken, TokenType } from "chevrotain";
import { closest } from "../source/suggest.js";
import { EOF } from "./chevrotain.js";
import { CODE } from "./codes.js";
import {
  AddOp,
  Comma,
  CompareOp,
  DateTime,
  Ident,
  Identifier,
  Integer,
  Keyword,
  Kw,
  LBrace,
  Name,
  Offset,
  RBrace,
  RBracket,
  ReqId,
  RParen,
  Str,
} from "./tokens.js";

// ---------------------------------------------------------------------------------------------
// Error messages

/** What each rule is, as the object of "to close …" / "expected … in …". */
export const BLOCK_NAME: Record<string, string> = {
  header: "the `policy` header",
  amendment: "the `amendment` block",
  agreement: "the `agreement` block",
  identity: "the `identity` block",
  credit: "the `credit` block",
  categories: "the `categories` block",
  tiers: "the `tiers` block",
  tierOverride: "the `for` block",
  tier: "the `tier` block",
  limits: "the `limits` block",
  prohibited: "the `prohibited` block",
  responsibility: "the `responsibility` block",
  complaints: "the `complaints` block",
  retention: "the `retention` block",
  management: "the `management` block",
  blacklist: "the `blacklist` block",
  measure: "the `measure` block",
  rule: "the `rule` block",
};

/** For a block: what it may contain. For a clause: how it is written. */
export const RULE_HELP: Record<string, string> = {
  file: "a file is one `policy \"…\" version \"…\" { … }` header followed by sections, `rule`s, `measure`s and `amendment`s",
  item: "at the top level come sections (`agreement`, `identity`, `credit`, `categories`, `tiers`, `limits`, `prohibited`, `responsibility`, `complaints`, `retention`, `management`, `blacklist`), `rule`s, `measure`s and `amendment`s",
  section:
    "the sections are `agreement`, `identity`, `credit`, `categories`, `tiers`, `limits`, `prohibited`, `responsibility`, `complaints`, `retention`, `management` and `blacklist`",
  header:
    "write the header as `policy \"name\" version \"1.0\" { … }`, holding `title \"…\"`, `effective DATE in ZONE`, `tolerance DURATION` and `serves …`",
  headerItem: "the header holds `title \"…\"`, `effective DATE in ZONE`, `tolerance DURATION` and `serves …`",
  title: 'write the title as a string: `title "…"`',
  effective: "write `effective 2017-10-08 in Asia/Shanghai` or `effective 2017-10-08T00:00 +08:00`",
  dateTime: "a date-time is followed by its zone: `2017-10-08 in Asia/Shanghai` or `2017-10-08 +08:00`",
  zone: "write a time zone as `in Asia/Shanghai` (an IANA name) or as an offset such as `+08:00`",
  zoneName: "write an IANA zone name such as `Asia/Shanghai` or `UTC`",
  tolerance: "write `tolerance 5 minutes`",
  serves: "list requirement ids separated by commas, e.g. `serves A8.member-cap, A8.user-caps`",
  amendment:
    "an amendment holds `effective …`, `serves …`, sections, `rule`s, `measure`s and `remove rule NAME` / `remove measure NAME`",
  amendmentItem:
    "an amendment holds `effective …`, `serves …`, sections, `rule`s, `measure`s and `remove rule NAME` / `remove measure NAME`",
  removal: "write `remove rule NAME` or `remove measure NAME`",
  agreement:
    "an `agreement` block holds `serves …`, `current version \"…\"`, `required for SERVICES` and `reaccept on new version`",
  currentVersion: 'write `current version "2017-10"`',
  requiredFor: "write `required for create, join, post, manage, set-info`",
  reaccept: "write `reaccept on new version`",
  services: "services are `create`, `join`, `post`, `manage` and `set-info`, separated by commas",
  identity: "an `identity` block holds `serves …` and `verified required for SERVICES`",
  verifiedRequired: "write `verified required for post, create, set-info`",
  credit: "a `credit` block holds `serves …`, `levels D < C < B < A` (lowest first) and `default LEVEL`",
  levels: "list the levels lowest first, separated by `<`: `levels D < C < B < A`",
  defaultLevel: "write `default C`",
  categories: 'a `categories` block holds `serves …` and one `NAME "label"` line per category',
  categoryDecl: 'write a category as `news-discussion "新闻讨论群"` (the label is optional)',
  tiers: "a `tiers` block holds `serves …`, `tier NAME { … }` and `for CATEGORY, … { tier … }`",
  tierOverride: "write `for news-discussion { tier NAME { … } … }`",
  tier: "a `tier` block holds `members FROM..TO`, `activity from N messages per day`, `creator requires …` and `join requires approval`",
  memberBand: "write the band as `members 101..500`",
  intRange: "write a range as `101..500`",
  activityThreshold: "write `activity from 200 messages per day`",
  creatorRequires: "write `creator requires verified, credit >= B`",
  qualification: "a qualification is `verified` or `credit >= LEVEL`",
  creditAtLeast: "write `credit >= B`",
  joinApproval: "write `join requires approval`",
  limits:
    "a `limits` block holds `serves …`, `members per group N`, `groups created per user …`, `groups joined per user …` and `info page from N members [enforced]`",
  membersPerGroup: "write `members per group 2000`",
  groupsCreated: "write `groups created per user 3, 10 when credit >= B`",
  groupsJoined: "write `groups joined per user 500`",
  stepped: "write a base value and optional steps: `3, 10 when credit >= B, 20 when credit >= A`",
  creditStep: "write a step as `10 when credit >= B`",
  infoPage: "write `info page from 100 members` or `info page from 100 members enforced`",
  prohibited:
    'a `prohibited` block holds `serves …`, `severities minor < serious` and one `CATEGORY SEVERITY "label"` line per category',
  severities: "list the severities lowest first, separated by `<`: `severities minor < serious`",
  contentCategory: 'write a category as `fraud serious "诈骗"` (the label is optional)',
  responsibility: "a `responsibility` block holds `serves …`, `handle flags within DURATION` and `otherwise ACTIONS`",
  handleFlags: "write `handle flags within 24 hours`",
  otherwise: "write `otherwise` and actions separated by commas",
  complaints: "a `complaints` block holds `serves …`, `resolve within DURATION` and `otherwise ACTIONS`",
  resolveWithin: "write `resolve within 48 hours`",
  retention: "a `retention` block holds `serves …` and `keep logs DURATION`",
  keepLogs: "write `keep logs 6 months`",
  management: "a `management` block holds `serves …` and `mute for DURATION`",
  muteFor: "write `mute for 1 day`",
  blacklist: "a `blacklist` block holds `serves …`, `restrict users SERVICES` and `restrict groups SERVICES`",
  restrict: "write `restrict users create, join` or `restrict groups join, post`",
  measure: "a `measure` block holds `serves …`, a trigger `on …` and `then ACTIONS`",
  trigger: "write a trigger as `on flag minor`, `on flag >= serious of fraud` or `on 3 flags >= serious in group within 30 days`",
  flagCategories: "write `of fraud, rumor`",
  measureActions: "write `then` and actions separated by commas",
  actions:
    "the actions are `warn`, `suspend posting of`, `suspend management of`, `close`, `blacklist`, `lower credit of`, `cancel creation of`, `record`, `report to` and `escalate`, separated by commas",
  action:
    "the actions are `warn`, `suspend posting of`, `suspend management of`, `close`, `blacklist`, `lower credit of`, `cancel creation of`, `record`, `report to` and `escalate`",
  warn: "write `warn group` or `warn group rectify within 3 days otherwise (suspend posting of group for 7 days)`",
  suspendPosting: "write `suspend posting of group for 7 days`",
  suspendManagement: "write `suspend management of managers for 7 days`",
  close: "write `close group`",
  blacklistTarget: "write `blacklist creator` or `blacklist creator for 1 year`",
  lowerCredit: "write `lower credit of user by 1`",
  cancelCreation: "write `cancel creation of creator`",
  report: "write `report to authority`",
  target: "a target is `group`, `user`, `creator` or `managers`",
  rule: "a `rule` block holds `serves …`, `on EVENT, …`, `deny [when CONDITION]` or `allow [when CONDITION]`, and `because \"…\"`",
  ruleOn: "write the events a rule applies to, e.g. `on message.post, group.join`",
  eventName: "events are `group.create`, `group.join`, `group.info`, `group.role`, `group.manage`, `message.post` and `records.purge`",
  effect: "write `deny`, `deny when CONDITION`, `allow` or `allow when CONDITION`",
  because: 'write `because "…"`; `{user}`, `{group}` and other paths in braces are filled in',
  duration: "a duration is a number and a unit: `30 minutes`, `24 hours`, `7 days`, `2 weeks`, `6 months`, `1 year`",
  unit: "the units are `minutes`, `hours`, `days`, `weeks`, `months` and `years` (or the singular)",
  expression:
    "a condition compares paths and values (`user.credit < B`), combined with `and`, `or`, `not`; see docs/language.md, Expressions",
  primary:
    "an operand is a path (`group.members`), a name (`B`), a number, a duration, a string, `true`, `false`, a date, a list `[…]`, `(…)` or `if … then … else …`",
  negation:
    "an operand is a path (`group.members`), a name (`B`), a number, a duration, a string, `true`, `false`, a date, a list `[…]`, `(…)` or `if … then … else …`",
  comparison: "compare with `==`, `!=`, `<`, `<=`, `>`, `>=`, `in [ … ]` or `in 1..10`",
  list: "write a list as `[a, b, c]`",
  parenthesized: "close the parenthesis with `)`",
  conditional: "write `if CONDITION then VALUE else VALUE`",
  path: "a path is a name followed by `.name` parts, e.g. `user.groups-created`",
};

/** Blocks whose lines are not comma-separated lists, for a stray `,`. */
const COMMA_HELP: Record<string, string> = {
  credit: "list the levels lowest first, separated by `<`: `levels D < C < B < A`",
  prohibited: "list the severities lowest first, separated by `<`; write one category per line, without commas",
  categories: 'write one category per line, without commas: `general "普通群"`',
};

/** What an alternation is looking for, for "expected …" messages. */
const CHOICE_NAME: Record<string, string> = {
  item: "a section, `rule`, `measure` or `amendment`",
  section: "a section",
  headerItem: "`title`, `effective`, `tolerance`, `serves` or `}`",
  amendmentItem: "`effective`, `serves`, a section, `rule`, `measure` or `remove`",
  zone: "a time zone such as `in Asia/Shanghai` or `+08:00`",
  qualification: "`verified` or `credit >= LEVEL`",
  action: "an action",
  primary: "an expression",
  negation: "an expression",
  unit: "a duration unit",
  restrict: "`users` or `groups`",
  removal: "`rule` or `measure`",
  effect: "`deny` or `allow`",
  trigger: "`flag` or a number of `flags`",
  comparison: "`[` or a range",
};

/** What the name a rule expects stands for, for "expected … after …" messages. */
const NAME_IN: Record<string, string> = {
  removal: "the name of the rule or measure to remove",
  tier: "a tier name",
  tierOverride: "a category name",
  rule: "a rule name",
  measure: "a measure name",
  levels: "a level name",
  defaultLevel: "a credit level",
  creditAtLeast: "a credit level",
  severities: "a severity name",
  contentCategory: "a severity",
  trigger: "a severity",
  flagCategories: "a content category",
  target: "a target (`group`, `user`, `creator` or `managers`)",
  report: "a recipient such as `authority`",
  services: "a service (`create`, `join`, `post`, `manage` or `set-info`)",
  eventName: "an event name such as `message.post`",
  zoneName: "a time zone name such as `Asia/Shanghai`",
};

function describeType(t: TokenType, ruleName = ""): string {
  switch (t) {
    case Ident:
    case Name:
      return NAME_IN[ruleName] ?? "a name";
    case Str:
      return "a string";
    case Integer:
      return "a number";
    case DateTime:
      return "a date such as `2017-10-08`";
    case Offset:
      return "an offset such as `+08:00`";
    case ReqId:
      return "a requirement id such as `A8.member-cap`";
    case CompareOp:
      return "a comparison";
    case AddOp:
      return "`+` or `-`";
    case EOF:
      return "end of file";
  }
  const label = t.LABEL ?? t.name;
  return "`" + label.replace(/^'|'$/g, "").replace("(s)", "s") + "`";
}

function describeToken(tok: IToken | undefined): string {
  if (tok === undefined || tok.tokenType === EOF) return "end of file";
  const image = tok.image.length > 32 ? tok.image.slice(0, 30) + "…" : tok.image;
  return "`" + image + "`";
}

const isKeyword = (tok: IToken | undefined) =>
  tok !== undefined && tok.tokenType.CATEGORIES?.includes(Keyword) === true;

/** The help line for an error in `ruleName` that expected `expected` and found `actual`. */
function helpFor(ruleName: string, expected: readonly TokenType[], actual: IToken | undefined): string {
  if (actual?.tokenType.CATEGORIES?.includes(CompareOp) && !expected.includes(CompareOp))
    return "comparisons do not chain: write `a < b and b < c`, or group with parentheses";
  const wantsName = expected.length > 0 && expected.every((t) => t === Ident || t === Name);
  if (wantsName && isKeyword(actual))
    return `\`${actual!.image}\` is a reserved word and cannot be used as a name; choose another (the reserved words are listed in docs/language.md)`;
  if (wantsName && actual?.tokenType.CATEGORIES?.includes(Str) && /^.[\p{L}_][\p{L}\p{M}\p{Nd}_-]*.$/u.test(actual.image))
    return `names are written without quotes: \`${actual.image.slice(1, -1)}\``;
  if (ruleName === "rule" && actual?.tokenType === Kw.when)
    return "a condition belongs to the effect: `deny when …` or `allow when …`";
  if (expected.includes(Str) && actual?.tokenType.CATEGORIES?.includes(Ident))
    return `text is written in double quotes: "${actual.image}"`;
  if (expected.includes(Str) && (actual?.tokenType === Integer || actual?.tokenType === DateTime))
    return 'text is written in double quotes, e.g. `"1.1"`';
  if (expected.includes(RBrace) && actual?.tokenType === EOF)
    return `add \`}\` at the end of ${BLOCK_NAME[ruleName] ?? "the block"}`;
  if (expected.includes(RBrace) && actual?.tokenType === ReqId)
    return "separate requirement ids with commas: `serves A8.member-cap, A8.user-caps`";
  if (expected.includes(RBrace) && actual?.tokenType.CATEGORIES?.includes(Comma) && COMMA_HELP[ruleName] !== undefined)
    return COMMA_HELP[ruleName];
  return RULE_HELP[ruleName] ?? "see docs/language.md for the syntax";
}

/**
 * Separates a message from its help line in the strings chevrotain stores on its exceptions; the
 * parser's driver (./index.ts) splits them again.
 */
export const HELP_SEPARATOR = "\n";

const join = (message: string, help: string) => message + HELP_SEPARATOR + help;

/**
 * Separates a code from the rest, for a message that is not QG002 (unexpected token), the code
 * every parser error has otherwise.
 */
export const CODE_SEPARATOR = "\u0001";

/**
 * What the parser knows where it reports an error, for the messages that need more than the
 * tokens chevrotain passes: the words that could stand there, and the block being read.
 */
export interface ErrorContext {
  /** The keywords that could come next, at least those of `expected` (units singular and plural). */
  keywordsAt(actual: IToken, expected: readonly TokenType[]): string[];
  /** The rule name of the innermost block being read (`tier`, `rule`, …), if any. */
  block(): string | undefined;
}

let context: ErrorContext | null = null;

/** Called once by the parser, which is the context of every error it reports. */
export function setErrorContext(c: ErrorContext): void {
  context = c;
}

/**
 * QG080 for a plain word where a keyword that fits there is a letter or two away (`membrs`,
 * `resolv`, `complains {`), or null: chevrotain's message would say what it expected at the
 * position (often the block's `}`), not that the word is misspelt.
 */
function misspeltKeyword(actual: IToken | undefined, expected: readonly TokenType[]): string | null {
  if (context === null || actual === undefined || actual.tokenType !== Identifier) return null;
  const word = closest(actual.image, context.keywordsAt(actual, expected));
  if (word === undefined) return null;
  const block = context.block();
  const where = block !== undefined && BLOCK_NAME[block] !== undefined ? ` in ${BLOCK_NAME[block]}` : "";
  return `${CODE.misspeltKeyword}${CODE_SEPARATOR}${join(`unknown keyword \`${actual.image}\`${where}`, `did you mean \`${word}\`?`)}`;
}

/** Error messages that say what was expected in words, and a help line to go with each. */
export const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, previous, ruleName }) {
    const typo = misspeltKeyword(actual, [expected]);
    if (typo !== null) return typo;
    const found = describeToken(actual);
    const help = helpFor(ruleName, [expected], actual);
    if (expected === RBrace) return join(`expected \`}\` to close ${BLOCK_NAME[ruleName] ?? "the block"}, found ${found}`, help);
    if (expected === LBrace) return join(`expected \`{\` to open ${BLOCK_NAME[ruleName] ?? "the block"}, found ${found}`, help);
    if (expected === RParen) return join(`expected \`)\` to close \`(\`, found ${found}`, help);
    if (expected === RBracket) return join(`expected \`]\` to close the list, found ${found}`, help);
    if (expected === EOF) {
      if (actual.tokenType === Kw.policy)
        return join(
          "a file has one `policy` header; found a second one",
          'write later versions as `amendment "1.1" { effective … }` blocks',
        );
      return join(`expected a section, \`rule\`, \`measure\` or \`amendment\`, found ${found}`, RULE_HELP.item!);
    }
    const after =
      previous !== undefined && previous.tokenType !== EOF && !previous.isInsertedInRecovery && previous.image !== ""
        ? ` after ${describeToken(previous)}`
        : "";
    if (expected === Kw.policy)
      return join(
        `expected the \`policy\` header, found ${found}`,
        'a file starts with its header: `policy "name" version "1.0" { effective 2017-10-08 in Asia/Shanghai }`',
      );
    return join(`expected ${describeType(expected, ruleName)}${after}, found ${found}`, help);
  },

  buildNotAllInputParsedMessage({ firstRedundant }) {
    return join(`expected a section, \`rule\`, \`measure\` or \`amendment\`, found ${describeToken(firstRedundant)}`, RULE_HELP.item!);
  },

  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const firsts = uniqueFirsts(expectedPathsPerAlt.flat());
    const typo = misspeltKeyword(actual[0], firsts);
    if (typo !== null) return typo;
    const what = CHOICE_NAME[ruleName] ?? oneOf(firsts);
    return join(`expected ${what}, found ${describeToken(actual[0])}`, helpFor(ruleName, firsts, actual[0]));
  },

  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const firsts = uniqueFirsts(expectedIterationPaths);
    const typo = misspeltKeyword(actual[0], firsts);
    if (typo !== null) return typo;
    return join(
      `expected ${CHOICE_NAME[ruleName] ?? oneOf(firsts)}, found ${describeToken(actual[0])}`,
      helpFor(ruleName, firsts, actual[0]),
    );
  },
};

function uniqueFirsts(paths: TokenType[][]): TokenType[] {
  const out: TokenType[] = [];
  for (const p of paths) {
    const t = p[0];
    if (t !== undefined && !out.includes(t)) out.push(t);
  }
  return out;
}

function oneOf(types: readonly TokenType[]): string {
  const names = [...new Set(types.map((t) => describeType(t)))];
  if (names.length === 0) return "something else";
  if (names.length === 1) return names[0]!;
  return "one of " + names.slice(0, -1).join(", ") + " or " + names[names.length - 1];
}

// ---------------------------------------------------------------------------------------------
// QG008 and QG009

/** Names of the blocks and clauses, for QG008 messages. */
export const CLAUSE_NAME: Record<string, string> = {
  title: "`title`",
  effective: "`effective`",
  tolerance: "`tolerance`",
  serves: "`serves`",
  currentVersion: "`current version`",
  requiredFor: "`required for`",
  reaccept: "`reaccept on new version`",
  verifiedRequired: "`verified required for`",
  levels: "`levels`",
  defaultLevel: "`default`",
  memberBand: "`members`",
  activityThreshold: "`activity from`",
  creatorRequires: "`creator requires`",
  joinApproval: "`join requires approval`",
  membersPerGroup: "`members per group`",
  groupsCreated: "`groups created per user`",
  groupsJoined: "`groups joined per user`",
  infoPage: "`info page`",
  severities: "`severities`",
  handleFlags: "`handle flags within`",
  otherwise: "`otherwise`",
  resolveWithin: "`resolve within`",
  keepLogs: "`keep logs`",
  muteFor: "`mute for`",
  trigger: "trigger `on`",
  measureActions: "`then`",
  ruleOn: "`on`",
  effect: "`deny`/`allow`",
  because: "`because`",
  restrictUsers: "`restrict users`",
  restrictGroups: "`restrict groups`",
};

export const CLAUSE_HELP: Record<string, string> = {
  serves: "list all requirement ids in one `serves` line, separated by commas",
  requiredFor: "list all services in one `required for` line, separated by commas",
  verifiedRequired: "list all services in one `verified required for` line, separated by commas",
  creatorRequires: "list all qualifications in one `creator requires` line, separated by commas",
  ruleOn: "list all events in one `on` line, separated by commas",
  effect: "combine the conditions with `or`, or write a second rule",
  trigger: "write a second measure for the second trigger",
  measureActions: "list all actions after one `then`, separated by commas",
  otherwise: "list all actions after one `otherwise`, separated by commas",
  restrictUsers: "list all services in one `restrict users` line, separated by commas",
  restrictGroups: "list all services in one `restrict groups` line, separated by commas",
};

/** The help line of QG009. */
export const MISSING_EFFECT_HELP = "add `deny when CONDITION` or `allow when CONDITION` (or a bare `deny` / `allow`)";
