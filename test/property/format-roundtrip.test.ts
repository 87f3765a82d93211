/**
 * Property: the formatter's output parses back to the AST it printed, and formatting is idempotent.
 *
 * The arbitraries below generate whole policy ASTs of the shape the parser produces: every section
 * kind, tiers with per-category overrides, measures with every action and trigger shape, rules
 * with nested expressions, Unicode and hyphenated identifiers, strings with escapes and Chinese.
 * They are syntactically valid only; nothing here is type-checked.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type * as A from "../../src/ast/nodes.js";
import { format } from "../../src/ast/print.js";
import { astEqual } from "../../src/ast/equal.js";
import { parse } from "../../src/syntax/index.js";
import { Source, type Span } from "../../src/source/span.js";

const RUNS = 300;

// ---------------------------------------------------------------------------------------------
// Leaves

const SPAN: Span = { file: "<generated>", start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } };

/** docs/language.md, "Lexical structure": reserved words, duration units included. */
const KEYWORDS = new Set(
  `policy version title effective tolerance in serves amendment remove agreement current required for reaccept on new identity
   verified credit levels default categories tiers tier members activity from messages per day creator requires join approval
   limits group groups created joined user info page enforced prohibited severities measure flag flags within then warn rectify
   otherwise suspend posting of close blacklist lower by management cancel creation record report to escalate responsibility
   handle complaints resolve retention keep logs mute restrict rule deny allow when because and or not if else true false
   minute minutes hour hours day days week weeks month months year years`.split(/\s+/),
);

/**
 * `A8` followed by `.name` lexes as a requirement id, so generated names never take that form.
 * (`group` and `user` are identifiers; the parser matches them by text in `limits`.)
 */
const isName = (s: string): boolean => !KEYWORDS.has(s) && !/^A[0-9]+$/.test(s);

const firstChar = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_") },
  { weight: 2, arbitrary: fc.constantFrom(..."小组群主新闻讨论普通诈骗谣言") },
  { weight: 1, arbitrary: fc.constantFrom("é", "λ", "Ж", "ß", "ñ", "가", "の") },
);
const partChar = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789_") },
  { weight: 1, arbitrary: fc.constantFrom(..."小组群员λé") },
);
/** A letter or `_`, then letters, digits and `_`, with single hyphens between parts (`news-discussion`). */
const generatedName = fc
  .tuple(firstChar, fc.array(partChar, { maxLength: 5 }), fc.array(fc.array(partChar, { minLength: 1, maxLength: 4 }), { maxLength: 2 }))
  .map(([f, r, parts]) => [f + r.join(""), ...parts.map((p) => p.join(""))].join("-"))
  .filter(isName);

const name: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: generatedName },
  {
    weight: 2,
    arbitrary: fc.constantFrom("news-discussion", "小组", "general", "B", "C", "serious", "minor", "small", "set-info", "a-b-c", "x_1", "群-2"),
  },
);

const ident = (n: fc.Arbitrary<string> = name): fc.Arbitrary<A.Ident> => n.map((s) => ({ kind: "Ident", span: SPAN, name: s }));

const intLit = (max = 1_000_000): fc.Arbitrary<A.IntLit> =>
  fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max })).map((value) => ({ kind: "IntLit", span: SPAN, value }));

const intRange: fc.Arbitrary<A.IntRange> = fc.tuple(intLit(), intLit()).map(([from, to]) => ({ kind: "IntRange", span: SPAN, from, to }));

const strChar = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom(..."互联网群组信息服务管理规定已关闭诈骗谣言") },
  { weight: 2, arbitrary: fc.constantFrom('"', "\\", "\n", "\t", "\r", "{", "}", "{user}", "\\n", "\\u{4E2D}", "//", "/*", "*/") },
  { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom("\u0000", "\u001b", "\u007f", "\u0085", "\u2028", "\u2029", "\ufeff", "😀", "𠮷") },
);
const strLit: fc.Arbitrary<A.StringLit> = fc
  .array(strChar, { maxLength: 12 })
  .map((cs) => ({ kind: "StringLit", span: SPAN, value: cs.join("") }));

const UNITS: A.DurationUnit[] = ["minute", "hour", "day", "week", "month", "year"];
const duration: fc.Arbitrary<A.Duration> = fc
  .tuple(fc.oneof(fc.constant(1), fc.integer({ min: 0, max: 1000 })), fc.constantFrom(...UNITS))
  .map(([amount, unit]) => ({ kind: "Duration", span: SPAN, amount, unit }));

const two = (min: number, max: number) => fc.integer({ min, max }).map((n) => String(n).padStart(2, "0"));
const dateText = fc
  .tuple(
    fc.integer({ min: 1970, max: 2099 }),
    two(1, 12),
    two(1, 28),
    fc.option(fc.tuple(two(0, 23), two(0, 59), fc.option(two(0, 59), { nil: undefined })), { nil: undefined }),
  )
  .map(([y, m, d, t]) => `${y}-${m}-${d}` + (t ? `T${t[0]}:${t[1]}` + (t[2] ? `:${t[2]}` : "") : ""));

const zoneName = fc.oneof(
  fc.constantFrom("Asia/Shanghai", "UTC", "Asia/Hong_Kong", "America/Argentina/Buenos_Aires", "Etc/UTC"),
  fc.array(generatedName, { minLength: 1, maxLength: 3 }).map((ps) => ps.join("/")),
  // Real offsets only: the lexer refuses those beyond -12:00 and +14:00 (QG005).
  fc.integer({ min: -12 * 4, max: 14 * 4 }).map((q) => {
    const m = Math.abs(q) * 15;
    return `${q < 0 ? "-" : "+"}${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  }),
);
const dateTime: fc.Arbitrary<A.DateTimeLit> = fc
  .tuple(dateText, zoneName)
  .map(([text, z]) => ({ kind: "DateTimeLit", span: SPAN, text, zone: { kind: "Zone", span: SPAN, name: z } }));

const reqRef: fc.Arbitrary<A.ReqRef> = fc
  .oneof(
    fc.constantFrom("A8.member-cap", "A7.tiers", "A11.record-report", "A15.effective", "A6.real-name", "A12.complaints"),
    fc
      .tuple(fc.integer({ min: 1, max: 99 }), fc.array(fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/), { minLength: 1, maxLength: 3 }))
      .map(([n, ws]) => `A${n}.${ws.join("-")}`),
  )
  .map((id) => ({ kind: "ReqRef", span: SPAN, id }));

const serves: fc.Arbitrary<A.Serves | null> = fc.option(
  fc.array(reqRef, { minLength: 1, maxLength: 3 }).map((reqs) => ({ kind: "Serves", span: SPAN, reqs })),
  { nil: null },
);

const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(a, { nil: null });
const list = <T>(a: fc.Arbitrary<T>, minLength = 0, maxLength = 3): fc.Arbitrary<T[]> => fc.array(a, { minLength, maxLength });

// ---------------------------------------------------------------------------------------------
// Expressions: a random tree, then parenthesised where the parser would need it

const ROOTS = ["user", "group", "actor", "target", "approver", "event", "now", "creator"];
const FIELDS = ["members", "credit", "verified", "tier", "flags", "groups-created", "role", "category", "members-after", "at", "approved"];
const pathParts = fc
  .tuple(fc.oneof(fc.constantFrom(...ROOTS), name), list(fc.oneof(fc.constantFrom(...FIELDS), name), 0, 2))
  .map(([root, rest]) => [root, ...rest]);
const pathExpr: fc.Arbitrary<A.PathExpr> = pathParts.map((parts) => ({ kind: "PathExpr", span: SPAN, parts }));

const leafExpr: fc.Arbitrary<A.Expr> = fc.oneof(
  { weight: 4, arbitrary: pathExpr },
  { weight: 2, arbitrary: intLit() },
  { weight: 1, arbitrary: duration },
  { weight: 1, arbitrary: strLit },
  { weight: 1, arbitrary: fc.boolean().map((value): A.BoolLit => ({ kind: "BoolLit", span: SPAN, value })) },
  { weight: 1, arbitrary: dateTime },
  { weight: 1, arbitrary: fc.tuple(pathExpr, duration).map(([path, within]): A.WindowExpr => ({ kind: "WindowExpr", span: SPAN, path, within })) },
);

const listExpr = (item: fc.Arbitrary<A.Expr>): fc.Arbitrary<A.ListExpr> =>
  list(item, 1, 3).map((items) => ({ kind: "ListExpr", span: SPAN, items }));

const rawExpr: fc.Arbitrary<A.Expr> = fc.letrec<{ e: A.Expr }>((tie) => {
  const e = tie("e");
  return {
    e: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leafExpr,
      fc.tuple(fc.constantFrom("and" as const, "or" as const), e, e).map(([op, left, right]): A.Expr => ({ kind: "BinaryExpr", span: SPAN, op, left, right })),
      e.map((operand): A.Expr => ({ kind: "NotExpr", span: SPAN, operand })),
      fc
        .tuple(fc.constantFrom<A.CompareOp>("==", "!=", "<", "<=", ">", ">="), e, e)
        .map(([op, left, right]): A.Expr => ({ kind: "CompareExpr", span: SPAN, op, left, right })),
      fc
        .tuple(fc.boolean(), e, fc.oneof(listExpr(e), intRange))
        .map(([negated, left, right]): A.Expr => ({ kind: "InExpr", span: SPAN, negated, left, right })),
      fc.tuple(e, e, e).map(([cond, then, els]): A.Expr => ({ kind: "IfExpr", span: SPAN, cond, then, else: els })),
      fc.tuple(fc.constantFrom("+" as const, "-" as const), e, e).map(([op, left, right]): A.Expr => ({ kind: "ArithExpr", span: SPAN, op, left, right })),
      e.map((inner): A.Expr => ({ kind: "ParenExpr", span: SPAN, inner })),
      listExpr(e),
    ),
  };
}).e;

/** Binding strength, loosest first, as in the grammar of docs/language.md. */
function strength(e: A.Expr): number {
  switch (e.kind) {
    case "BinaryExpr":
      return e.op === "or" ? 1 : 2;
    case "NotExpr":
      return 3;
    case "CompareExpr":
    case "InExpr":
      return 4;
    case "ArithExpr":
      return 5;
    default:
      return 6;
  }
}

/**
 * The tree the parser would build for the generated one, written with parentheses where the
 * grammar needs them: operands of the right strength, and no bare `if` before more expression
 * (its `else` branch would swallow it).
 */
function shaped(e: A.Expr, min: number, rightmost: boolean): A.Expr {
  const wrap = strength(e) < min || (e.kind === "IfExpr" && !rightmost);
  const inner = shapedChildren(e, wrap || rightmost);
  return wrap ? { kind: "ParenExpr", span: SPAN, inner } : inner;
}

function shapedChildren(e: A.Expr, rightmost: boolean): A.Expr {
  const any = (x: A.Expr) => shaped(x, 1, true);
  switch (e.kind) {
    case "BinaryExpr": {
      const s = e.op === "or" ? 1 : 2;
      return { ...e, left: shaped(e.left, s, false), right: shaped(e.right, s + 1, rightmost) };
    }
    case "NotExpr":
      return { ...e, operand: shaped(e.operand, 3, rightmost) };
    case "CompareExpr":
      return { ...e, left: shaped(e.left, 5, false), right: shaped(e.right, 5, rightmost) };
    case "InExpr":
      return { ...e, left: shaped(e.left, 5, false), right: e.right.kind === "ListExpr" ? { ...e.right, items: e.right.items.map(any) } : e.right };
    case "ArithExpr":
      return { ...e, left: shaped(e.left, 5, false), right: shaped(e.right, 6, rightmost) };
    case "IfExpr":
      return { ...e, cond: any(e.cond), then: any(e.then), else: shaped(e.else, 1, rightmost) };
    case "ParenExpr":
      return { ...e, inner: any(e.inner) };
    case "ListExpr":
      return { ...e, items: e.items.map(any) };
    default:
      return e;
  }
}

const expr: fc.Arbitrary<A.Expr> = rawExpr.map((e) => shaped(e, 1, true));

// ---------------------------------------------------------------------------------------------
// Actions and triggers

const target: fc.Arbitrary<A.Target> = fc
  .oneof(fc.constantFrom("group", "user", "creator", "managers"), generatedName)
  .map((n) => ({ kind: "Target", span: SPAN, name: n }));

const simpleAction: fc.Arbitrary<A.Action> = fc.oneof(
  fc.tuple(target, duration).map(([t, d]): A.Action => ({ kind: "SuspendPostingAction", span: SPAN, target: t, duration: d })),
  target.map((t): A.Action => ({ kind: "CloseGroupAction", span: SPAN, target: t })),
  fc.tuple(target, opt(duration)).map(([t, d]): A.Action => ({ kind: "BlacklistAction", span: SPAN, target: t, duration: d })),
  fc.tuple(target, intLit(10)).map(([t, by]): A.Action => ({ kind: "LowerCreditAction", span: SPAN, target: t, by })),
  fc.tuple(target, duration).map(([t, d]): A.Action => ({ kind: "SuspendManagementAction", span: SPAN, target: t, duration: d })),
  target.map((t): A.Action => ({ kind: "CancelCreationAction", span: SPAN, target: t })),
  fc.constant<A.Action>({ kind: "RecordAction", span: SPAN }),
  ident(fc.oneof(fc.constant("authority"), name)).map((to): A.Action => ({ kind: "ReportAction", span: SPAN, to })),
  fc.constant<A.Action>({ kind: "EscalateAction", span: SPAN }),
);

const action: fc.Arbitrary<A.Action> = fc.letrec<{ a: A.Action }>((tie) => ({
  a: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    simpleAction,
    fc
      .tuple(target, opt(duration), list(tie("a"), 0, 3))
      .map(([t, rectifyWithin, otherwise]): A.Action => ({
        kind: "WarnAction",
        span: SPAN,
        target: t,
        rectifyWithin,
        // `otherwise (…)` exists only after `rectify within`.
        otherwise: rectifyWithin ? otherwise : [],
      })),
  ),
})).a;

const actions = (min = 0) => list(action, min, 4);

const trigger: fc.Arbitrary<A.Trigger> = fc
  .record({
    count: opt(intLit(50)),
    severityOp: fc.constantFrom<"==" | ">=">("==", ">="),
    severity: opt(ident()),
    categories: list(ident()),
    scope: fc.constantFrom<"group" | "user" | null>("group", "user", null),
    within: opt(duration),
  })
  .map((t) => ({ kind: "Trigger", span: SPAN, ...t }));

// ---------------------------------------------------------------------------------------------
// Sections, rules, measures, amendments

const services = list(ident(fc.oneof(fc.constantFrom("create", "join", "post", "manage", "set-info"), name)), 0, 4);

const qual: fc.Arbitrary<A.Qualification> = fc.oneof(
  fc.constant<A.Qualification>({ kind: "VerifiedQual", span: SPAN }),
  ident().map((level): A.Qualification => ({ kind: "CreditQual", span: SPAN, level })),
);

const tier: fc.Arbitrary<A.TierDecl> = fc
  .record({ name: ident(), members: opt(intRange), activityFrom: opt(intLit()), creatorRequires: list(qual), joinApproval: fc.boolean() })
  .map((t) => ({ kind: "TierDecl", span: SPAN, ...t }));

const stepped: fc.Arbitrary<A.CreditStepped> = fc
  .tuple(intLit(), list(fc.tuple(intLit(), ident())))
  .map(([base, steps]) => ({
    kind: "CreditStepped",
    span: SPAN,
    base,
    steps: steps.map(([value, atLeast]) => ({ kind: "CreditStep", span: SPAN, value, atLeast })),
  }));

const sectionArbs: Record<A.Section["kind"], fc.Arbitrary<A.Section>> = {
  AgreementSection: fc
    .record({ serves, currentVersion: opt(strLit), requiredFor: services, reaccept: fc.boolean() })
    .map((s) => ({ kind: "AgreementSection", span: SPAN, ...s })),
  IdentitySection: fc.record({ serves, requiredFor: services }).map((s) => ({ kind: "IdentitySection", span: SPAN, ...s })),
  CreditSection: fc
    .record({ serves, levels: list(ident(), 0, 4), default: opt(ident()) })
    .map((s) => ({ kind: "CreditSection", span: SPAN, ...s })),
  CategoriesSection: fc
    .record({
      serves,
      categories: list(fc.tuple(ident(), opt(strLit)).map(([n, label]): A.CategoryDecl => ({ kind: "CategoryDecl", span: SPAN, name: n, label }))),
    })
    .map((s) => ({ kind: "CategoriesSection", span: SPAN, ...s })),
  TiersSection: fc
    .record({
      serves,
      tiers: list(tier),
      overrides: list(
        fc.tuple(list(ident(), 1, 3), list(tier)).map(([categories, tiers]): A.TierOverride => ({ kind: "TierOverride", span: SPAN, categories, tiers })),
        0,
        2,
      ),
    })
    .map((s) => ({ kind: "TiersSection", span: SPAN, ...s })),
  LimitsSection: fc
    .record({
      serves,
      membersPerGroup: opt(intLit()),
      groupsCreated: opt(stepped),
      groupsJoined: opt(stepped),
      infoPage: opt(fc.tuple(intLit(), fc.boolean()).map(([from, enforced]): A.InfoPageLimit => ({ kind: "InfoPageLimit", span: SPAN, from, enforced }))),
    })
    .map((s) => ({ kind: "LimitsSection", span: SPAN, ...s })),
  ProhibitedSection: fc
    .record({
      serves,
      severities: list(ident(), 0, 3),
      categories: list(
        fc
          .tuple(ident(), ident(), opt(strLit))
          .map(([n, severity, label]): A.ContentCategoryDecl => ({ kind: "ContentCategoryDecl", span: SPAN, name: n, severity, label })),
      ),
    })
    .map((s) => ({ kind: "ProhibitedSection", span: SPAN, ...s })),
  ResponsibilitySection: fc
    .record({ serves, window: opt(duration), otherwise: actions() })
    .map((s) => ({ kind: "ResponsibilitySection", span: SPAN, ...s })),
  ComplaintsSection: fc
    .record({ serves, resolveWithin: opt(duration), otherwise: actions() })
    .map((s) => ({ kind: "ComplaintsSection", span: SPAN, ...s })),
  RetentionSection: fc.record({ serves, keepLogs: opt(duration) }).map((s) => ({ kind: "RetentionSection", span: SPAN, ...s })),
  ManagementSection: fc.record({ serves, muteFor: opt(duration) }).map((s) => ({ kind: "ManagementSection", span: SPAN, ...s })),
  BlacklistSection: fc.record({ serves, users: services, groups: services }).map((s) => ({ kind: "BlacklistSection", span: SPAN, ...s })),
};
const SECTION_KINDS = Object.keys(sectionArbs) as A.Section["kind"][];

/** Each section kind at most once per file and per amendment (docs/language.md, "The file"). */
const sections: fc.Arbitrary<A.Section[]> = fc
  .subarray(SECTION_KINDS, { maxLength: 6 })
  .chain((kinds) => (kinds.length === 0 ? fc.constant([]) : fc.tuple(...kinds.map((k) => sectionArbs[k]))));

const EVENTS = ["message.post", "group.create", "group.join", "group.info", "group.role", "group.manage", "records.purge"];
const dottedName: fc.Arbitrary<A.DottedName> = fc
  .oneof(fc.constantFrom(...EVENTS).map((e) => e.split(".")), fc.tuple(name, name))
  .map((parts) => ({ kind: "DottedName", span: SPAN, parts }));

const rule: fc.Arbitrary<A.RuleDecl> = fc
  .record({
    name: ident(),
    serves,
    on: list(dottedName),
    effect: fc.constantFrom<"deny" | "allow">("deny", "allow"),
    when: opt(expr),
    because: opt(strLit),
  })
  .map((r) => ({ kind: "RuleDecl", span: SPAN, ...r }));

const measure: fc.Arbitrary<A.MeasureDecl> = fc
  .record({ name: ident(), serves, trigger: opt(trigger), actions: actions() })
  .map((m) => ({ kind: "MeasureDecl", span: SPAN, ...m }));

/** Sections, rules and measures interleaved in a random source order. */
const items: fc.Arbitrary<(A.Section | A.RuleDecl | A.MeasureDecl)[]> = fc
  .tuple(sections, list(rule), list(measure, 0, 2))
  .chain(([s, r, m]) => fc.shuffledSubarray([...s, ...r, ...m], { minLength: s.length + r.length + m.length }));

const removal: fc.Arbitrary<A.Removal> = fc
  .tuple(fc.constantFrom<"rule" | "measure">("rule", "measure"), ident())
  .map(([what, n]) => ({ kind: "Removal", span: SPAN, what, name: n }));

const amendment: fc.Arbitrary<A.Amendment> = fc
  .record({ version: strLit, effective: opt(dateTime), serves, items, removals: list(removal) })
  .map((a) => ({ kind: "Amendment", span: SPAN, ...a }));

const header: fc.Arbitrary<A.PolicyHeader> = fc
  .record({ name: strLit, version: strLit, title: opt(strLit), effective: opt(dateTime), tolerance: opt(duration), serves })
  .map((h) => ({ kind: "PolicyHeader", span: SPAN, ...h }));

const policyFile: fc.Arbitrary<A.PolicyFile> = fc
  .tuple(header, items, list(amendment, 0, 2))
  .chain(([h, its, amends]) =>
    fc.shuffledSubarray<A.TopItem>([...its, ...amends], { minLength: its.length + amends.length }).map(
      (all): A.PolicyFile => ({ kind: "PolicyFile", span: SPAN, header: h, items: all, comments: [] }),
    ),
  );

// ---------------------------------------------------------------------------------------------
// Comments sprinkled over formatted text

const commentBody = fc
  .array(fc.constantFrom(..."ab xyz*/-注释中文"), { maxLength: 10 })
  .map((cs) => cs.join(""))
  .filter((b) => !b.includes("*/") && !b.endsWith("*") && !b.startsWith("/"));

interface Insertion {
  where: number;
  how: "inline" | "eol" | "own";
  block: boolean;
  multiline: boolean;
  body: string;
}

const insertion: fc.Arbitrary<Insertion> = fc.record({
  where: fc.nat(),
  how: fc.constantFrom<Insertion["how"]>("inline", "eol", "own"),
  block: fc.boolean(),
  multiline: fc.boolean(),
  body: commentBody,
});

/** Offsets of the spaces of `line` that are outside string literals. */
function spacesOutsideStrings(line: string): number[] {
  const out: number[] = [];
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === " ") out.push(i);
  }
  return out;
}

/** `text` with comments inserted between tokens, at line ends and on lines of their own. */
function sprinkle(text: string, insertions: Insertion[]): string {
  const lines = text.replace(/\n$/, "").split("\n");
  const comment = (ins: Insertion, lineComment: boolean) =>
    lineComment ? `// ${ins.body}` : ins.multiline ? `/* ${ins.body}\n   ${ins.body} */` : `/* ${ins.body} */`;
  const ended = new Set<number>();
  // Between tokens: at spaces of the formatted line, rightmost first so earlier offsets stay valid.
  const inline = insertions
    .filter((i) => i.how === "inline")
    .map((ins) => {
      const n = ins.where % lines.length;
      const spaces = spacesOutsideStrings(lines[n]!);
      return { ins, n, at: spaces.length === 0 ? -1 : spaces[ins.where % spaces.length]! };
    })
    .filter((x) => x.at >= 0)
    .sort((a, b) => b.at - a.at);
  for (const { ins, n, at } of inline) lines[n] = `${lines[n]!.slice(0, at)} ${comment(ins, false)}${lines[n]!.slice(at)}`;
  for (const ins of insertions.filter((i) => i.how === "eol")) {
    const n = ins.where % lines.length;
    if (ended.has(n)) continue;
    const lineComment = !ins.block;
    if (lineComment) ended.add(n);
    lines[n] += " " + comment(ins, lineComment);
  }
  const own = insertions.filter((i) => i.how === "own").sort((a, b) => (b.where % (lines.length + 1)) - (a.where % (lines.length + 1)));
  for (const ins of own) lines.splice(ins.where % (lines.length + 1), 0, comment(ins, !ins.block));
  return lines.join("\n") + "\n";
}

/** Comment texts, compared modulo the trailing blanks of line comments (the printer drops them). */
const sortedTexts = (cs: A.Comment[]) => cs.map((c) => (c.text.startsWith("//") ? c.text.trimEnd() : c.text)).sort();

// ---------------------------------------------------------------------------------------------

/** Parses a formatted text. */
function reparse(text: string) {
  return parse(new Source("formatted.qg", text));
}

describe("format round trip (property)", () => {
  it("fmt.roundtrip: parse(format(ast)) has no diagnostics and is astEqual to ast, for generated whole-policy ASTs", () => {
    fc.assert(
      fc.property(policyFile, (ast) => {
        const text = format(ast, []);
        const back = reparse(text);
        expect(back.diagnostics.map((d) => `${d.code} ${d.message} @${d.span.start.line}:${d.span.start.column}`), text).toEqual([]);
        expect(back.ast).not.toBeNull();
        expect(astEqual(back.ast!, ast), text).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it("fmt.idempotent: format(parse(format(ast))) == format(ast), for generated whole-policy ASTs", () => {
    fc.assert(
      fc.property(policyFile, (ast) => {
        const once = format(ast, []);
        const back = reparse(once);
        expect(back.ast).not.toBeNull();
        expect(format(back.ast!, back.comments, once)).toBe(once);
      }),
      { numRuns: RUNS },
    );
  });

  it("fmt.expr-parens: rules with deep expressions round-trip with minimal parentheses", () => {
    const deepRule = fc
      .tuple(header, fc.array(expr, { minLength: 1, maxLength: 4 }))
      .map(([h, es]): A.PolicyFile => ({
        kind: "PolicyFile",
        span: SPAN,
        header: h,
        comments: [],
        items: es.map((when, i) => ({ kind: "RuleDecl", span: SPAN, name: { kind: "Ident", span: SPAN, name: `r${i}` }, serves: null, on: [], effect: "deny", when, because: null })),
      }));
    fc.assert(
      fc.property(deepRule, (ast) => {
        const text = format(ast, []);
        const back = reparse(text);
        expect(back.diagnostics, text).toEqual([]);
        expect(astEqual(back.ast!, ast), text).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it("fmt.comments: with comments anywhere, formatting keeps every comment and the AST, and is idempotent", () => {
    fc.assert(
      fc.property(policyFile, fc.array(insertion, { maxLength: 12 }), (ast, insertions) => {
        const text = sprinkle(format(ast, []), insertions);
        const first = reparse(text);
        expect(first.diagnostics, text).toEqual([]);
        const once = format(first.ast!, first.comments, text);
        const second = reparse(once);
        expect(second.diagnostics, once).toEqual([]);
        expect(astEqual(second.ast!, ast), once).toBe(true);
        expect(sortedTexts(second.comments)).toEqual(sortedTexts(first.comments));
        expect(format(second.ast!, second.comments, once), `input:\n${text}\nonce:\n${once}`).toBe(once);
      }),
      { numRuns: RUNS },
    );
  });
});
