/**
 * The grammar of `.qg` files as one chevrotain `CstParser` (docs/language.md). Grammar only: the
 * parser builds a concrete syntax tree and ./lower.ts turns it into the AST. Rule names are chosen
 * to read well in the generated grammar/qg.ebnf and grammar/railroad.html (`npm run grammar`).
 *
 * Every clause of a block is its own small rule, so that lowering never has to guess which token
 * belongs to which clause, and so that error messages can say which clause was being read.
 */
import type { IParserErrorMessageProvider, IToken, TokenType } from "chevrotain";
import { CstParser, EOF } from "./chevrotain.js";
import {
  AddOp,
  ALL_TOKENS,
  Comma,
  CompareOp,
  Ctx,
  DateTime,
  Dot,
  DotDot,
  GtEq,
  Ident,
  Integer,
  Keyword,
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
} from "./tokens.js";

// ---------------------------------------------------------------------------------------------
// Error messages

/** What each rule is, as the object of "to close …" / "expected … in …". */
const BLOCK_NAME: Record<string, string> = {
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
const RULE_HELP: Record<string, string> = {
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

/** Error messages that say what was expected in words, and a help line to go with each. */
export const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, previous, ruleName }) {
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
    const what = CHOICE_NAME[ruleName] ?? oneOf(firsts);
    return join(`expected ${what}, found ${describeToken(actual[0])}`, helpFor(ruleName, firsts, actual[0]));
  },

  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const firsts = uniqueFirsts(expectedIterationPaths);
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
// The grammar

/** The `.qg` grammar. Use the shared instance {@link parser}; it is reset by every `input =`. */
export class QgParser extends CstParser {
  constructor() {
    super(ALL_TOKENS, {
      recoveryEnabled: true,
      nodeLocationTracking: "onlyOffset",
      maxLookahead: 3,
      errorMessageProvider,
    });
    this.performSelfAnalysis();
  }

  // ----- the file -----------------------------------------------------------------------------

  file = this.RULE("file", () => {
    this.SUBRULE(this.header);
    this.MANY(() => this.SUBRULE(this.item));
    // Consuming EOF explicitly lets the parser recover inside the item loop (skip a stray token
    // and go on with the next item) instead of stopping at the first token it cannot place.
    this.CONSUME(EOF);
  });

  item = this.RULE("item", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.section) },
      { ALT: () => this.SUBRULE(this.rule) },
      { ALT: () => this.SUBRULE(this.measure) },
      { ALT: () => this.SUBRULE(this.amendment) },
    ]);
  });

  header = this.RULE("header", () => {
    this.CONSUME(Kw.policy);
    this.CONSUME(Str);
    this.CONSUME(Kw.version);
    this.CONSUME2(Str);
    this.CONSUME(LBrace);
    this.MANY(() => this.SUBRULE(this.headerItem));
    this.CONSUME(RBrace);
  });

  headerItem = this.RULE("headerItem", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.title) },
      { ALT: () => this.SUBRULE(this.effective) },
      { ALT: () => this.SUBRULE(this.tolerance) },
      { ALT: () => this.SUBRULE(this.serves) },
    ]);
  });

  title = this.RULE("title", () => {
    this.CONSUME(Kw.title);
    this.CONSUME(Str);
  });

  effective = this.RULE("effective", () => {
    this.CONSUME(Kw.effective);
    this.SUBRULE(this.dateTime);
  });

  tolerance = this.RULE("tolerance", () => {
    this.CONSUME(Kw.tolerance);
    this.SUBRULE(this.duration);
  });

  serves = this.RULE("serves", () => {
    this.CONSUME(Kw.serves);
    this.CONSUME(ReqId);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.CONSUME2(ReqId);
    });
  });

  amendment = this.RULE("amendment", () => {
    this.CONSUME(Kw.amendment);
    this.CONSUME(Str);
    this.CONSUME(LBrace);
    this.MANY(() => this.SUBRULE(this.amendmentItem));
    this.CONSUME(RBrace);
  });

  amendmentItem = this.RULE("amendmentItem", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.effective) },
      { ALT: () => this.SUBRULE(this.serves) },
      { ALT: () => this.SUBRULE(this.removal) },
      { ALT: () => this.SUBRULE(this.section) },
      { ALT: () => this.SUBRULE(this.rule) },
      { ALT: () => this.SUBRULE(this.measure) },
    ]);
  });

  removal = this.RULE("removal", () => {
    this.CONSUME(Kw.remove);
    this.OR([{ ALT: () => this.CONSUME(Kw.rule) }, { ALT: () => this.CONSUME(Kw.measure) }]);
    this.CONSUME(Ident);
  });

  // ----- sections -----------------------------------------------------------------------------

  section = this.RULE("section", () => {
    this.OR([
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
    ]);
  });

  agreement = this.RULE("agreement", () => {
    this.CONSUME(Kw.agreement);
    this.CONSUME(LBrace);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.serves) },
        { ALT: () => this.SUBRULE(this.currentVersion) },
        { ALT: () => this.SUBRULE(this.requiredFor) },
        { ALT: () => this.SUBRULE(this.reaccept) },
      ]),
    );
    this.CONSUME(RBrace);
  });

  currentVersion = this.RULE("currentVersion", () => {
    this.CONSUME(Kw.current);
    this.CONSUME(Kw.version);
    this.CONSUME(Str);
  });

  requiredFor = this.RULE("requiredFor", () => {
    this.CONSUME(Kw.required);
    this.CONSUME(Kw.for);
    this.SUBRULE(this.services);
  });

  reaccept = this.RULE("reaccept", () => {
    this.CONSUME(Kw.reaccept);
    this.CONSUME(Kw.on);
    this.CONSUME(Kw.new);
    this.CONSUME(Kw.version);
  });

  services = this.RULE("services", () => {
    this.CONSUME(Ident);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.CONSUME2(Ident);
    });
  });

  identity = this.RULE("identity", () => {
    this.CONSUME(Kw.identity);
    this.CONSUME(LBrace);
    this.MANY(() =>
      this.OR([{ ALT: () => this.SUBRULE(this.serves) }, { ALT: () => this.SUBRULE(this.verifiedRequired) }]),
    );
    this.CONSUME(RBrace);
  });

  verifiedRequired = this.RULE("verifiedRequired", () => {
    this.CONSUME(Kw.verified);
    this.CONSUME(Kw.required);
    this.CONSUME(Kw.for);
    this.SUBRULE(this.services);
  });

  credit = this.RULE("credit", () => {
    this.CONSUME(Kw.credit);
    this.CONSUME(LBrace);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.serves) },
        { ALT: () => this.SUBRULE(this.levels) },
        { ALT: () => this.SUBRULE(this.defaultLevel) },
      ]),
    );
    this.CONSUME(RBrace);
  });

  levels = this.RULE("levels", () => {
    this.CONSUME(Kw.levels);
    this.CONSUME(Ident);
    this.MANY(() => {
      this.CONSUME(Lt);
      this.CONSUME2(Ident);
    });
  });

  defaultLevel = this.RULE("defaultLevel", () => {
    this.CONSUME(Kw.default);
    this.CONSUME(Ident);
  });

  categories = this.RULE("categories", () => {
    this.CONSUME(Kw.categories);
    this.CONSUME(LBrace);
    this.MANY(() =>
      this.OR([{ ALT: () => this.SUBRULE(this.serves) }, { ALT: () => this.SUBRULE(this.categoryDecl) }]),
    );
    this.CONSUME(RBrace);
  });

  categoryDecl = this.RULE("categoryDecl", () => {
    this.CONSUME(Ident);
    this.OPTION(() => this.CONSUME(Str));
  });

  tiers = this.RULE("tiers", () => {
    this.CONSUME(Kw.tiers);
    this.CONSUME(LBrace);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.serves) },
        { ALT: () => this.SUBRULE(this.tier) },
        { ALT: () => this.SUBRULE(this.tierOverride) },
      ]),
    );
    this.CONSUME(RBrace);
  });

  tierOverride = this.RULE("tierOverride", () => {
    this.CONSUME(Kw.for);
    this.CONSUME(Ident);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.CONSUME2(Ident);
    });
    this.CONSUME(LBrace);
    this.MANY2(() => this.SUBRULE(this.tier));
    this.CONSUME(RBrace);
  });

  tier = this.RULE("tier", () => {
    this.CONSUME(Kw.tier);
    this.CONSUME(Ident);
    this.CONSUME(LBrace);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.memberBand) },
        { ALT: () => this.SUBRULE(this.activityThreshold) },
        { ALT: () => this.SUBRULE(this.creatorRequires) },
        { ALT: () => this.SUBRULE(this.joinApproval) },
      ]),
    );
    this.CONSUME(RBrace);
  });

  memberBand = this.RULE("memberBand", () => {
    this.CONSUME(Kw.members);
    this.SUBRULE(this.intRange);
  });

  intRange = this.RULE("intRange", () => {
    this.CONSUME(Integer);
    this.CONSUME(DotDot);
    this.CONSUME2(Integer);
  });

  activityThreshold = this.RULE("activityThreshold", () => {
    this.CONSUME(Kw.activity);
    this.CONSUME(Kw.from);
    this.CONSUME(Integer);
    this.CONSUME(Kw.messages);
    this.CONSUME(Kw.per);
    this.CONSUME(Unit.day);
  });

  creatorRequires = this.RULE("creatorRequires", () => {
    this.CONSUME(Ctx.creator);
    this.CONSUME(Kw.requires);
    this.SUBRULE(this.qualification);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.SUBRULE2(this.qualification);
    });
  });

  qualification = this.RULE("qualification", () => {
    this.OR([{ ALT: () => this.CONSUME(Kw.verified) }, { ALT: () => this.SUBRULE(this.creditAtLeast) }]);
  });

  creditAtLeast = this.RULE("creditAtLeast", () => {
    this.CONSUME(Kw.credit);
    this.CONSUME(GtEq);
    this.CONSUME(Ident);
  });

  joinApproval = this.RULE("joinApproval", () => {
    this.CONSUME(Ctx.join);
    this.CONSUME(Kw.requires);
    this.CONSUME(Kw.approval);
  });

  limits = this.RULE("limits", () => {
    this.CONSUME(Kw.limits);
    this.CONSUME(LBrace);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.serves) },
        { ALT: () => this.SUBRULE(this.membersPerGroup) },
        { ALT: () => this.SUBRULE(this.groupsCreated) },
        { ALT: () => this.SUBRULE(this.groupsJoined) },
        { ALT: () => this.SUBRULE(this.infoPage) },
      ]),
    );
    this.CONSUME(RBrace);
  });

  membersPerGroup = this.RULE("membersPerGroup", () => {
    this.CONSUME(Kw.members);
    this.CONSUME(Kw.per);
    this.CONSUME(Ctx.group);
    this.CONSUME(Integer);
  });

  groupsCreated = this.RULE("groupsCreated", () => {
    this.CONSUME(Ctx.groups);
    this.CONSUME(Kw.created);
    this.CONSUME(Kw.per);
    this.CONSUME(Ctx.user);
    this.SUBRULE(this.stepped);
  });

  groupsJoined = this.RULE("groupsJoined", () => {
    this.CONSUME(Ctx.groups);
    this.CONSUME(Kw.joined);
    this.CONSUME(Kw.per);
    this.CONSUME(Ctx.user);
    this.SUBRULE(this.stepped);
  });

  stepped = this.RULE("stepped", () => {
    this.CONSUME(Integer);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.SUBRULE(this.creditStep);
    });
  });

  creditStep = this.RULE("creditStep", () => {
    this.CONSUME(Integer);
    this.CONSUME(Kw.when);
    this.SUBRULE(this.creditAtLeast);
  });

  infoPage = this.RULE("infoPage", () => {
    this.CONSUME(Kw.info);
    this.CONSUME(Kw.page);
    this.CONSUME(Kw.from);
    this.CONSUME(Integer);
    this.CONSUME(Kw.members);
    this.OPTION(() => this.CONSUME(Kw.enforced));
  });

  prohibited = this.RULE("prohibited", () => {
    this.CONSUME(Kw.prohibited);
    this.CONSUME(LBrace);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.serves) },
        { ALT: () => this.SUBRULE(this.severities) },
        { ALT: () => this.SUBRULE(this.contentCategory) },
      ]),
    );
    this.CONSUME(RBrace);
  });

  severities = this.RULE("severities", () => {
    this.CONSUME(Kw.severities);
    this.CONSUME(Ident);
    this.MANY(() => {
      this.CONSUME(Lt);
      this.CONSUME2(Ident);
    });
  });

  contentCategory = this.RULE("contentCategory", () => {
    this.CONSUME(Ident);
    this.CONSUME2(Ident);
    this.OPTION(() => this.CONSUME(Str));
  });

  responsibility = this.RULE("responsibility", () => {
    this.CONSUME(Kw.responsibility);
    this.CONSUME(LBrace);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.serves) },
        { ALT: () => this.SUBRULE(this.handleFlags) },
        { ALT: () => this.SUBRULE(this.otherwise) },
      ]),
    );
    this.CONSUME(RBrace);
  });

  handleFlags = this.RULE("handleFlags", () => {
    this.CONSUME(Kw.handle);
    this.CONSUME(Kw.flags);
    this.CONSUME(Kw.within);
    this.SUBRULE(this.duration);
  });

  otherwise = this.RULE("otherwise", () => {
    this.CONSUME(Kw.otherwise);
    this.SUBRULE(this.actions);
  });

  complaints = this.RULE("complaints", () => {
    this.CONSUME(Kw.complaints);
    this.CONSUME(LBrace);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.serves) },
        { ALT: () => this.SUBRULE(this.resolveWithin) },
        { ALT: () => this.SUBRULE(this.otherwise) },
      ]),
    );
    this.CONSUME(RBrace);
  });

  resolveWithin = this.RULE("resolveWithin", () => {
    this.CONSUME(Kw.resolve);
    this.CONSUME(Kw.within);
    this.SUBRULE(this.duration);
  });

  retention = this.RULE("retention", () => {
    this.CONSUME(Kw.retention);
    this.CONSUME(LBrace);
    this.MANY(() => this.OR([{ ALT: () => this.SUBRULE(this.serves) }, { ALT: () => this.SUBRULE(this.keepLogs) }]));
    this.CONSUME(RBrace);
  });

  keepLogs = this.RULE("keepLogs", () => {
    this.CONSUME(Kw.keep);
    this.CONSUME(Kw.logs);
    this.SUBRULE(this.duration);
  });

  management = this.RULE("management", () => {
    this.CONSUME(Kw.management);
    this.CONSUME(LBrace);
    this.MANY(() => this.OR([{ ALT: () => this.SUBRULE(this.serves) }, { ALT: () => this.SUBRULE(this.muteFor) }]));
    this.CONSUME(RBrace);
  });

  muteFor = this.RULE("muteFor", () => {
    this.CONSUME(Ctx.mute);
    this.CONSUME(Kw.for);
    this.SUBRULE(this.duration);
  });

  blacklist = this.RULE("blacklist", () => {
    this.CONSUME(Kw.blacklist);
    this.CONSUME(LBrace);
    this.MANY(() => this.OR([{ ALT: () => this.SUBRULE(this.serves) }, { ALT: () => this.SUBRULE(this.restrict) }]));
    this.CONSUME(RBrace);
  });

  restrict = this.RULE("restrict", () => {
    this.CONSUME(Kw.restrict);
    this.OR([{ ALT: () => this.CONSUME(Ctx.users) }, { ALT: () => this.CONSUME(Ctx.groups) }]);
    this.SUBRULE(this.services);
  });

  // ----- measures -----------------------------------------------------------------------------

  measure = this.RULE("measure", () => {
    this.CONSUME(Kw.measure);
    this.CONSUME(Ident);
    this.CONSUME(LBrace);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.serves) },
        { ALT: () => this.SUBRULE(this.trigger) },
        { ALT: () => this.SUBRULE(this.measureActions) },
      ]),
    );
    this.CONSUME(RBrace);
  });

  trigger = this.RULE("trigger", () => {
    this.CONSUME(Kw.on);
    this.OR([
      { ALT: () => this.CONSUME(Kw.flag) },
      {
        ALT: () => {
          this.CONSUME(Integer);
          this.CONSUME(Kw.flags);
        },
      },
    ]);
    this.OPTION(() => this.CONSUME(GtEq));
    this.OPTION2(() => this.CONSUME(Ident));
    this.OPTION3(() => this.SUBRULE(this.flagCategories));
    this.OPTION4(() =>
      this.OR2([
        {
          ALT: () => {
            this.CONSUME(Kw.in);
            this.CONSUME(Ctx.group);
          },
        },
        {
          ALT: () => {
            this.CONSUME(Kw.by);
            this.CONSUME(Ctx.user);
          },
        },
      ]),
    );
    this.OPTION5(() => {
      this.CONSUME(Kw.within);
      this.SUBRULE(this.duration);
    });
  });

  flagCategories = this.RULE("flagCategories", () => {
    this.CONSUME(Kw.of);
    this.CONSUME(Ident);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.CONSUME2(Ident);
    });
  });

  measureActions = this.RULE("measureActions", () => {
    this.CONSUME(Kw.then);
    this.SUBRULE(this.actions);
  });

  actions = this.RULE("actions", () => {
    this.SUBRULE(this.action);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.SUBRULE2(this.action);
    });
  });

  action = this.RULE("action", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.warn) },
      { ALT: () => this.SUBRULE(this.suspendPosting) },
      { ALT: () => this.SUBRULE(this.suspendManagement) },
      { ALT: () => this.SUBRULE(this.close) },
      { ALT: () => this.SUBRULE(this.blacklistTarget) },
      { ALT: () => this.SUBRULE(this.lowerCredit) },
      { ALT: () => this.SUBRULE(this.cancelCreation) },
      { ALT: () => this.CONSUME(Kw.record) },
      { ALT: () => this.SUBRULE(this.report) },
      { ALT: () => this.CONSUME(Kw.escalate) },
    ]);
  });

  warn = this.RULE("warn", () => {
    this.CONSUME(Kw.warn);
    this.SUBRULE(this.target);
    this.OPTION(() => {
      this.CONSUME(Kw.rectify);
      this.CONSUME(Kw.within);
      this.SUBRULE(this.duration);
      this.OPTION2(() => {
        this.CONSUME(Kw.otherwise);
        this.CONSUME(LParen);
        this.SUBRULE(this.actions);
        this.CONSUME(RParen);
      });
    });
  });

  suspendPosting = this.RULE("suspendPosting", () => {
    this.CONSUME(Kw.suspend);
    this.CONSUME(Kw.posting);
    this.CONSUME(Kw.of);
    this.SUBRULE(this.target);
    this.CONSUME(Kw.for);
    this.SUBRULE(this.duration);
  });

  suspendManagement = this.RULE("suspendManagement", () => {
    this.CONSUME(Kw.suspend);
    this.CONSUME(Kw.management);
    this.CONSUME(Kw.of);
    this.SUBRULE(this.target);
    this.CONSUME(Kw.for);
    this.SUBRULE(this.duration);
  });

  close = this.RULE("close", () => {
    this.CONSUME(Kw.close);
    this.SUBRULE(this.target);
  });

  blacklistTarget = this.RULE("blacklistTarget", () => {
    this.CONSUME(Kw.blacklist);
    this.SUBRULE(this.target);
    this.OPTION(() => {
      this.CONSUME(Kw.for);
      this.SUBRULE(this.duration);
    });
  });

  lowerCredit = this.RULE("lowerCredit", () => {
    this.CONSUME(Kw.lower);
    this.CONSUME(Kw.credit);
    this.CONSUME(Kw.of);
    this.SUBRULE(this.target);
    this.CONSUME(Kw.by);
    this.CONSUME(Integer);
  });

  cancelCreation = this.RULE("cancelCreation", () => {
    this.CONSUME(Kw.cancel);
    this.CONSUME(Kw.creation);
    this.CONSUME(Kw.of);
    this.SUBRULE(this.target);
  });

  report = this.RULE("report", () => {
    this.CONSUME(Kw.report);
    this.CONSUME(Kw.to);
    this.CONSUME(Ident);
  });

  target = this.RULE("target", () => {
    this.CONSUME(Ident);
  });

  // ----- rules --------------------------------------------------------------------------------

  rule = this.RULE("rule", () => {
    this.CONSUME(Kw.rule);
    this.CONSUME(Ident);
    this.CONSUME(LBrace);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.serves) },
        { ALT: () => this.SUBRULE(this.ruleOn) },
        { ALT: () => this.SUBRULE(this.effect) },
        { ALT: () => this.SUBRULE(this.because) },
      ]),
    );
    this.CONSUME(RBrace);
  });

  ruleOn = this.RULE("ruleOn", () => {
    this.CONSUME(Kw.on);
    this.SUBRULE(this.eventName);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.SUBRULE2(this.eventName);
    });
  });

  eventName = this.RULE("eventName", () => {
    this.CONSUME(Ident);
    this.CONSUME(Dot);
    this.CONSUME(Name);
  });

  effect = this.RULE("effect", () => {
    this.OR([{ ALT: () => this.CONSUME(Kw.deny) }, { ALT: () => this.CONSUME(Kw.allow) }]);
    this.OPTION(() => {
      this.CONSUME(Kw.when);
      this.SUBRULE(this.expression);
    });
  });

  because = this.RULE("because", () => {
    this.CONSUME(Kw.because);
    this.CONSUME(Str);
  });

  // ----- expressions --------------------------------------------------------------------------

  expression = this.RULE("expression", () => {
    this.SUBRULE(this.conjunction);
    this.MANY(() => {
      this.CONSUME(Kw.or);
      this.SUBRULE2(this.conjunction);
    });
  });

  conjunction = this.RULE("conjunction", () => {
    this.SUBRULE(this.negation);
    this.MANY(() => {
      this.CONSUME(Kw.and);
      this.SUBRULE2(this.negation);
    });
  });

  negation = this.RULE("negation", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Kw.not);
          this.SUBRULE(this.negation);
        },
      },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  comparison = this.RULE("comparison", () => {
    this.SUBRULE(this.sum);
    this.OPTION(() =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(CompareOp);
            this.SUBRULE2(this.sum);
          },
        },
        {
          ALT: () => {
            this.OPTION2(() => this.CONSUME(Kw.not));
            this.CONSUME(Kw.in);
            this.OR2([{ ALT: () => this.SUBRULE(this.list) }, { ALT: () => this.SUBRULE(this.intRange) }]);
          },
        },
      ]),
    );
  });

  sum = this.RULE("sum", () => {
    this.SUBRULE(this.primary);
    this.MANY(() => {
      this.CONSUME(AddOp);
      this.SUBRULE2(this.primary);
    });
  });

  primary = this.RULE("primary", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.duration) },
      { ALT: () => this.CONSUME(Integer) },
      { ALT: () => this.CONSUME(Str) },
      { ALT: () => this.CONSUME(Kw.true) },
      { ALT: () => this.CONSUME(Kw.false) },
      { ALT: () => this.SUBRULE(this.dateTime) },
      { ALT: () => this.SUBRULE(this.pathExpr) },
      { ALT: () => this.SUBRULE(this.list) },
      { ALT: () => this.SUBRULE(this.parenthesized) },
      { ALT: () => this.SUBRULE(this.conditional) },
    ]);
  });

  pathExpr = this.RULE("pathExpr", () => {
    this.SUBRULE(this.path);
    this.OPTION(() => {
      this.CONSUME(Kw.within);
      this.SUBRULE(this.duration);
    });
  });

  path = this.RULE("path", () => {
    this.CONSUME(Ident);
    this.MANY(() => {
      this.CONSUME(Dot);
      this.CONSUME(Name);
    });
  });

  list = this.RULE("list", () => {
    this.CONSUME(LBracket);
    this.SUBRULE(this.expression);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.SUBRULE2(this.expression);
    });
    this.CONSUME(RBracket);
  });

  parenthesized = this.RULE("parenthesized", () => {
    this.CONSUME(LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(RParen);
  });

  conditional = this.RULE("conditional", () => {
    this.CONSUME(Kw.if);
    this.SUBRULE(this.expression);
    this.CONSUME(Kw.then);
    this.SUBRULE2(this.expression);
    this.CONSUME(Kw.else);
    this.SUBRULE3(this.expression);
  });

  // ----- literals -----------------------------------------------------------------------------

  duration = this.RULE("duration", () => {
    this.CONSUME(Integer);
    this.SUBRULE(this.unit);
  });

  unit = this.RULE("unit", () => {
    this.OR([
      { ALT: () => this.CONSUME(Unit.minute) },
      { ALT: () => this.CONSUME(Unit.hour) },
      { ALT: () => this.CONSUME(Unit.day) },
      { ALT: () => this.CONSUME(Unit.week) },
      { ALT: () => this.CONSUME(Unit.month) },
      { ALT: () => this.CONSUME(Unit.year) },
    ]);
  });

  dateTime = this.RULE("dateTime", () => {
    this.CONSUME(DateTime);
    this.SUBRULE(this.zone);
  });

  zone = this.RULE("zone", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Kw.in);
          this.SUBRULE(this.zoneName);
        },
      },
      { ALT: () => this.CONSUME(Offset) },
    ]);
  });

  zoneName = this.RULE("zoneName", () => {
    this.CONSUME(Ident);
    this.MANY(() => {
      this.CONSUME(Slash);
      this.CONSUME(Name);
    });
  });
}

/** The one parser instance, reused by every call of `parse` (building one analyses the grammar). */
export const parser = new QgParser();
