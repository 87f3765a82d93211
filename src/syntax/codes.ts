/**
 * The lexer and parser diagnostics, QG001–QG009 and QG080 (docs/diagnostics.md). Each entry has a complete
 * bad file that produces the code and the same file fixed; test/unit/syntax/codes.test.ts (and the
 * project-wide catalogue test) run both.
 */
import type { CodeInfo } from "../source/diagnostic.js";

/** The codes by meaning, for the modules that report them. */
export const CODE = {
  unexpectedCharacter: "QG001",
  unexpectedToken: "QG002",
  unterminated: "QG003",
  invalidEscape: "QG004",
  invalidDateTime: "QG005",
  integerTooLarge: "QG006",
  malformedReqId: "QG007",
  repeatedClause: "QG008",
  missingEffect: "QG009",
  misspeltKeyword: "QG080",
} as const;

const HEADER = `policy "example" version "1" {
  effective 2017-10-08 in Asia/Shanghai
}
`;

export const SYNTAX_CODES: CodeInfo[] = [
  {
    code: CODE.unexpectedCharacter,
    severity: "error",
    title: "unexpected character",
    explanation:
      "The lexer met a character that starts no token. Full-width punctuation typed by a Chinese input method " +
      "(`，` `（` `）` `“ ”`) is reported here with the ASCII character to use instead; it is read as that character, " +
      "so one typo gives one diagnostic.",
    bad: `${HEADER}
credit {
  serves A7.credit
  levels D < C < B < A
  default C；
}
`,
    fixed: `${HEADER}
credit {
  serves A7.credit
  levels D < C < B < A
  default C
}
`,
  },
  {
    code: CODE.unexpectedToken,
    severity: "error",
    title: "unexpected token",
    explanation:
      "The parser expected something else at this point: a missing brace, a clause that does not belong in " +
      "the block, a reserved word used as a name. The message says what was expected and what was found; " +
      "the parser recovers and goes on, so every such error in the file is reported in one run.",
    bad: `${HEADER}
tiers {
  serves A7.tiers
  tier small { members 1..100
  tier large { members 101..2000 }
}
`,
    fixed: `${HEADER}
tiers {
  serves A7.tiers
  tier small { members 1..100 }
  tier large { members 101..2000 }
}
`,
  },
  {
    code: CODE.unterminated,
    severity: "error",
    title: "unterminated string or block comment",
    explanation:
      "A string must close on the line it starts (write a line break as `\\n`); a block comment `/* … */` must " +
      "be closed before the end of the file.",
    bad: `${HEADER}
categories {
  serves A7.tiers
  general "普通群
}
`,
    fixed: `${HEADER}
categories {
  serves A7.tiers
  general "普通群"
}
`,
  },
  {
    code: CODE.invalidEscape,
    severity: "error",
    title: "invalid escape in a string",
    explanation:
      'Strings know the escapes `\\"`, `\\\\`, `\\n`, `\\t` and `\\u{…}` (1 to 6 hexadecimal digits naming a ' +
      "Unicode character). Any other backslash sequence is an error rather than a silent guess.",
    bad: `${HEADER}
rule news-needs-credit {
  serves A7.credit
  on message.post
  deny when user.credit < B
  because "credit B needed\\q"
}
`,
    fixed: `${HEADER}
rule news-needs-credit {
  serves A7.credit
  on message.post
  deny when user.credit < B
  because "credit B needed\\n"
}
`,
  },
  {
    code: CODE.invalidDateTime,
    severity: "error",
    title: "invalid date, time or offset",
    explanation:
      "Dates are `YYYY-MM-DD` with an optional `THH:MM` or `THH:MM:SS`, and must exist in the calendar; offsets " +
      "are `+HH:MM` or `-HH:MM` between `-12:00` and `+14:00`. An effective date that does not exist would " +
      "leave the policy's start undefined (A15.effective).",
    bad: `policy "example" version "1" {
  effective 2017-13-45 +25:00
}
`,
    fixed: `policy "example" version "1" {
  effective 2017-10-08 +08:00
}
`,
    reqs: ["A15.effective"],
  },
  {
    code: CODE.integerTooLarge,
    severity: "error",
    title: "integer too large",
    explanation: "Integers are at most 2147483647 (2^31 − 1), so every count and duration stays exact in the engine.",
    bad: `${HEADER}
limits {
  serves A8.member-cap
  members per group 99999999999
}
`,
    fixed: `${HEADER}
limits {
  serves A8.member-cap
  members per group 3000
}
`,
  },
  {
    code: CODE.malformedReqId,
    severity: "error",
    title: "malformed requirement id",
    explanation:
      "Requirement ids are `A`, the article number, `.` and a lowercase hyphenated name, exactly as listed in " +
      "the requirement registry (`A8.member-cap`), so that every citation can be looked up.",
    bad: `${HEADER}
retention {
  serves A13.Retention_Period
  keep logs 6 months
}
`,
    fixed: `${HEADER}
retention {
  serves A13.retention
  keep logs 6 months
}
`,
  },
  {
    code: CODE.repeatedClause,
    severity: "error",
    title: "clause given twice in one block",
    explanation:
      "Each clause of a block (a `title`, a `default`, a `members` band, a `serves` line, …) is given at most " +
      "once, so there is never a question which one applies. List several requirement ids in one `serves`, " +
      "separated by commas.",
    bad: `${HEADER}
retention {
  serves A13.retention
  keep logs 6 months
  keep logs 12 months
}
`,
    fixed: `${HEADER}
retention {
  serves A13.retention
  keep logs 12 months
}
`,
  },
  {
    code: CODE.missingEffect,
    severity: "error",
    title: "rule without `deny` or `allow`",
    explanation:
      "A rule decides: it must say `deny` or `allow` (optionally `when` a condition), exactly once. A rule " +
      "without an effect would do nothing.",
    bad: `${HEADER}
rule no-unverified-posts {
  serves A6.real-name
  on message.post
  because "verify your identity to post"
}
`,
    fixed: `${HEADER}
rule no-unverified-posts {
  serves A6.real-name
  on message.post
  deny when not user.verified
  because "verify your identity to post"
}
`,
  },
  {
    code: CODE.misspeltKeyword,
    severity: "error",
    title: "misspelt keyword",
    explanation:
      "A word stands where the grammar expects a keyword, and one of the keywords that can stand there is a letter " +
      "or two away, so the word is most likely that keyword misspelt. Reported at every keyword position: section " +
      "names, the clauses of every block, actions, units, operators; the help line names the keyword.",
    bad: `${HEADER}
tiers {
  serves A7.tiers
  tier small { membrs 1..100 }
}
`,
    fixed: `${HEADER}
tiers {
  serves A7.tiers
  tier small { members 1..100 }
}
`,
  },
];
