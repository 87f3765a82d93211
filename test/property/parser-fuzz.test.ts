/**
 * Property: the parser is total. Whatever the text — random characters, a soup of real tokens, or
 * a valid policy with tokens and characters deleted, duplicated, swapped or inserted — `parse`
 * returns (never throws, never hangs), gives an AST or at least one diagnostic, and every
 * diagnostic is a well-formed syntax diagnostic pointing inside the text, and every node of the
 * AST spans a part of the text. No requirement id: this guards the front end every requirement goes through.
 *
 * 10,000 runs in all: 2,500 random strings, 2,500 token soups, 5,000 mutations.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { walk } from "../../src/ast/walk.js";
import { Source } from "../../src/source/span.js";
import { parse, SYNTAX_CODES, type ParseResult } from "../../src/syntax/index.js";

const SEED_POLICY = `// reference-style policy exercising every construct
policy "fuzz" version "1.0" {
  title "互联网群组 \\"policy\\" \\u{4E2D}\\n"
  effective 2017-10-08T00:00 in Asia/Shanghai
  tolerance 5 minutes
  serves A15.effective
}
agreement { serves A5.agreement current version "2017-10" required for create, join, post reaccept on new version }
identity { serves A6.real-name verified required for post, create, set-info }
credit { serves A7.credit levels D < C < B < A default C }
categories { serves A7.tiers general "普通群" news-discussion "新闻讨论群" }
tiers {
  serves A7.tiers, A8.creator-qualification
  tier small { members 1..100 creator requires verified, credit >= C }
  tier large { members 101..2000 activity from 200 messages per day join requires approval }
  for news-discussion { tier small { members 1..50 } }
}
limits {
  serves A8.member-cap, A8.user-caps, A8.info-page
  members per group 2000
  groups created per user 3, 10 when credit >= B
  groups joined per user 500
  info page from 100 members enforced
}
prohibited { serves A10.prohibited-content severities minor < serious fraud serious "诈骗" spam minor }
/* measures */
measure close-repeat {
  serves A11.group-measures, A11.record-report
  on 3 flags >= serious of fraud in group within 30 days
  then warn group rectify within 3 days otherwise (suspend posting of group for 7 days), close group,
       blacklist creator for 1 year, lower credit of user by 1, cancel creation of creator, record, report to authority
}
responsibility { serves A11.responsibility handle flags within 24 hours otherwise suspend management of managers for 7 days, record }
complaints { serves A12.complaints resolve within 48 hours otherwise escalate, record, report to authority }
retention { serves A13.retention keep logs 6 months }
management { serves A9.management-rights mute for 1 day }
blacklist { serves A11.blacklist restrict users create, join restrict groups post }
rule news-needs-credit {
  serves A7.credit
  on message.post, group.join
  deny when not (group.category == news-discussion) and user.credit < B or user.flags within 30 days > 2
       and group.members + 1 not in 1..10 and event.action in [mute, remove-member] and
       (if creator.verified then 1 day else 2 days) > 0 minutes and event.at >= 2018-01-01 +08:00
  because "user {user} needs credit B in {group}"
}
amendment "1.1" { effective 2019-01-01 in UTC serves A15.effective retention { keep logs 1 year } remove rule news-needs-credit }
`;

/** Checks what must hold of any parse of `text` (plain checks: this runs 10,000 times). */
function checkParse(text: string): void {
  let r: ParseResult;
  try {
    r = parse(new Source("fuzz.qg", text));
  } catch (e) {
    throw new Error(`parse threw ${String(e)}`);
  }
  const fail = (why: string) => {
    throw new Error(`${why}\ndiagnostics: ${JSON.stringify(r.diagnostics.map((d) => `${d.code} ${d.message}`))}`);
  };
  if (r.ast === null && r.diagnostics.length === 0) fail("no AST and no diagnostic");
  for (const d of r.diagnostics) {
    if (!SYNTAX_CODES.some((c) => c.code === d.code)) fail(`not a syntax code: ${d.code}`);
    if (d.message.includes("the parser failed")) fail(`internal error: ${d.message}`);
    if (d.message.includes("\n") || d.help?.includes("\n")) fail(`multi-line message: ${d.message}`);
    const { start, end } = d.span;
    if (!(start.offset >= 0 && start.offset <= end.offset && end.offset <= text.length)) fail(`span ${start.offset}..${end.offset} of ${d.message}`);
  }
  if (r.ast !== null) {
    walk(r.ast, (node) => {
      const { start, end } = node.span;
      if (!(start.offset >= 0 && start.offset <= end.offset && end.offset <= text.length))
        fail(`${node.kind} has span ${start.offset}..${end.offset} in a text of ${text.length}`);
    });
  }
}

/** A text split into tokens and the white space between them, for token-level mutations. */
const piecesOf = (text: string): string[] => text.match(/\s+|"(?:[^"\\\n]|\\.)*"|[\p{L}\p{N}_.-]+|[^\s]/gu) ?? [];
const TOKENS = [...new Set(piecesOf(SEED_POLICY).filter((p) => p.trim() !== ""))];

/**
 * The seed's header and its top-level items. A mutation run starts from the header and a few
 * items, not the whole seed, so that each run stays small and fast while the runs together cover
 * every construct.
 */
const [SEED_COMMENT, SEED_HEADER, ...SEED_ITEMS] = SEED_POLICY.split(/\n(?=[a-z])/) as [string, string, ...string[]];
const SEED_HEAD = `${SEED_COMMENT}\n${SEED_HEADER}`;

const mutation = fc.oneof(
  // delete a run of pieces
  fc.record({ op: fc.constant("delete" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 6 }) }),
  // duplicate a run of pieces in place
  fc.record({ op: fc.constant("duplicate" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
  // swap two pieces
  fc.record({ op: fc.constant("swap" as const), at: fc.nat(), other: fc.nat() }),
  // insert a token of the policy somewhere else
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), token: fc.constantFrom(...TOKENS) }),
  // insert, delete or replace raw characters (cuts through tokens and strings)
  fc.record({
    op: fc.constant("chars" as const),
    at: fc.nat(),
    len: fc.integer({ min: 0, max: 3 }),
    text: fc.string({ unit: "binary", maxLength: 3 }),
  }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(pieces: readonly string[], m: Mutation): string[] {
  const out = [...pieces];
  const i = m.at % out.length;
  switch (m.op) {
    case "delete":
      out.splice(i, m.len);
      break;
    case "duplicate":
      out.splice(i, 0, ...out.slice(i, i + m.len));
      break;
    case "swap": {
      const j = m.other % out.length;
      [out[i], out[j]] = [out[j]!, out[i]!];
      break;
    }
    case "insert":
      out.splice(i, 0, " ", m.token, " ");
      break;
    case "chars": {
      const text = out.join("");
      const at = m.at % (text.length + 1);
      return [text.slice(0, at) + m.text + text.slice(at + m.len)];
    }
  }
  return out;
}

describe("parser.total: parse never throws and always answers", () => {
  it("the seed policy and every header-plus-item slice of it parse cleanly (so mutations start from valid text)", () => {
    expect(parse(new Source("seed.qg", SEED_POLICY)).diagnostics).toEqual([]);
    expect(SEED_HEAD).toContain('policy "fuzz"');
    expect(SEED_ITEMS.length).toBeGreaterThanOrEqual(15);
    for (const item of SEED_ITEMS) expect(parse(new Source("slice.qg", `${SEED_HEAD}\n${item}`)).diagnostics, item).toEqual([]);
  });

  it("random strings (2,500 runs)", () => {
    const char = fc.oneof(
      { weight: 4, arbitrary: fc.string({ unit: "grapheme-ascii", maxLength: 1 }) },
      { weight: 2, arbitrary: fc.constantFrom("{", "}", "(", ")", "[", "]", '"', "\\", "/", "*", ".", "..", "\n", " ", "-", "+", ":") },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 1 }) },
      { weight: 1, arbitrary: fc.constantFrom("群", "组", "，", "（", "“", "”", "\u3000", "\u200b", "\uD800", "😀") },
    );
    fc.assert(
      fc.property(fc.array(char, { maxLength: 200 }), (cs) => checkParse(cs.join(""))),
      { numRuns: 2_500 },
    );
  });

  it("soups of real tokens (2,500 runs)", () => {
    const extra = ["policy", '"x"', "{", "}", "(", ")", "[", "]", ",", "..", ".", "==", ">=", "<", "not", "and", "or", "in", "1", "2017-10-08", "+08:00", "A8.member-cap", "x", "group", "user"];
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.constantFrom(...TOKENS, ...extra), { maxLength: 150 }),
        (withHeader, tokens) => checkParse((withHeader ? 'policy "s" version "1" { effective 2017-10-08 in UTC }\n' : "") + tokens.join(" ")),
      ),
      { numRuns: 2_500 },
    );
  });

  it("mutations of a valid policy: delete, duplicate, swap, insert tokens and characters (5,000 runs)", () => {
    fc.assert(
      fc.property(
        fc.subarray(SEED_ITEMS, { minLength: 1, maxLength: 4 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (items, ms) => {
          let pieces: readonly string[] = piecesOf([SEED_HEAD, ...items].join("\n"));
          for (const m of ms) pieces = mutate(pieces, m);
          checkParse(pieces.join(""));
        },
      ),
      { numRuns: 5_000 },
    );
  });
});
