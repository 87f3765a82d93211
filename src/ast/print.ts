/**
 * The canonical printer of `.qg` policies (`qungui fmt`). The layout rules are documented in the
 * "Formatting" section of docs/language.md; in short: two-space indentation, one statement per line,
 * `serves` first in every block, single spaces between tokens, small tiers on one line.
 *
 * The printer works in two passes. It first turns the AST into a tree of blocks and one-line
 * statements, each remembering where it was in the source; then it hangs every comment on the
 * statement it precedes (or ends the line of), and prints. Because the output puts each comment
 * back in the same relation to its statement, formatting the output again gives the same text.
 */
import type * as A from "./nodes.js";
import { Source } from "../source/span.js";

/** Tiers whose one-line form fits in this many characters (indentation included) print on one line. */
export const ONE_LINE_TIER_WIDTH = 100;

const INDENT = "  ";

/**
 * Print `ast` canonically, keeping every comment.
 *
 * `source` is the text the AST was parsed from. It is optional: without it the printer still keeps
 * every comment, but cannot tell where the two statements that carry no node of their own
 * (`reaccept on new version` and a tier's `join requires approval`) were written, so comments on
 * those lines attach to their neighbours instead.
 */
export function format(ast: A.PolicyFile, comments: A.Comment[], source?: string): string {
  const locator = source === undefined ? null : new KeywordLocator(source, comments);
  const file = fileContainer(ast, locator);
  const sorted = [...comments].sort((a, b) => a.span.start.offset - b.span.start.offset);
  distribute(file, sorted);
  const lines = renderContainer(file, "");
  return lines.length === 0 ? "" : lines.join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------------
// Expressions and literals

/** Binding strength, loosest first. */
const enum Level {
  Or = 1,
  And = 2,
  Not = 3,
  Compare = 4,
  Sum = 5,
  Primary = 6,
}

function levelOf(e: A.Expr): Level {
  switch (e.kind) {
    case "BinaryExpr":
      return e.op === "or" ? Level.Or : Level.And;
    case "NotExpr":
      return Level.Not;
    case "CompareExpr":
    case "InExpr":
      return Level.Compare;
    case "ArithExpr":
      return Level.Sum;
    default:
      return Level.Primary;
  }
}

/** Print an expression with the fewest parentheses that keep its meaning. */
export function printExpr(e: A.Expr): string {
  return expr(e, Level.Or, true);
}

/**
 * `min` is the loosest level that may appear here without parentheses. `last` says nothing of a
 * looser level follows in the output before a closing token: an `if … else e` swallows everything
 * after it, so an `if` that is not last must be parenthesised.
 */
function expr(e: A.Expr, min: Level, last: boolean): string {
  const needsParens = levelOf(e) < min || (e.kind === "IfExpr" && !last);
  const text = bare(e, needsParens || last);
  return needsParens ? `(${text})` : text;
}

function bare(e: A.Expr, last: boolean): string {
  switch (e.kind) {
    case "BinaryExpr": {
      const level = e.op === "or" ? Level.Or : Level.And;
      return `${expr(e.left, level, false)} ${e.op} ${expr(e.right, level + 1, last)}`;
    }
    case "NotExpr":
      return `not ${expr(e.operand, Level.Not, last)}`;
    case "CompareExpr":
      return `${expr(e.left, Level.Sum, false)} ${e.op} ${expr(e.right, Level.Sum, last)}`;
    case "InExpr": {
      const right = e.right.kind === "IntRange" ? intRange(e.right) : list(e.right);
      return `${expr(e.left, Level.Sum, false)} ${e.negated ? "not in" : "in"} ${right}`;
    }
    case "ArithExpr":
      return `${expr(e.left, Level.Sum, false)} ${e.op} ${expr(e.right, Level.Primary, last)}`;
    case "IfExpr":
      return `if ${expr(e.cond, Level.Or, true)} then ${expr(e.then, Level.Or, true)} else ${expr(e.else, Level.Or, last)}`;
    case "ParenExpr":
      return `(${expr(e.inner, Level.Or, true)})`;
    case "ListExpr":
      return list(e);
    case "PathExpr":
      return e.parts.join(".");
    case "WindowExpr":
      return `${e.path.parts.join(".")} within ${duration(e.within)}`;
    case "IntLit":
      return String(e.value);
    case "Duration":
      return duration(e);
    case "StringLit":
      return quote(e.value);
    case "BoolLit":
      return e.value ? "true" : "false";
    case "DateTimeLit":
      return dateTime(e);
  }
}

function list(l: A.ListExpr): string {
  return `[${l.items.map((i) => expr(i, Level.Or, true)).join(", ")}]`;
}

function intRange(r: A.IntRange): string {
  return `${r.from.value}..${r.to.value}`;
}

/** `1 day`, `3 days`: the singular unit for exactly one, the plural otherwise. */
export function duration(d: A.Duration): string {
  return `${d.amount} ${d.unit}${d.amount === 1 ? "" : "s"}`;
}

function dateTime(d: A.DateTimeLit): string {
  return `${d.text} ${zone(d.zone)}`;
}

function zone(z: A.Zone): string {
  // A zone name is an identifier path and never starts with a sign; an offset always does.
  return /^[+-]/.test(z.name) ? z.name : `in ${z.name}`;
}

/**
 * A string literal: `"` and `\` escaped, newline and tab as `\n` and `\t`, other control and
 * invisible line-breaking characters (and lone surrogates) as `\u{…}`; everything else, Chinese
 * included, literally.
 */
export function quote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (mustEscape(cp)) out += `\\u{${cp.toString(16).toUpperCase()}}`;
    else out += ch;
  }
  return out + '"';
}

function mustEscape(cp: number): boolean {
  return (
    cp < 0x20 ||
    (cp >= 0x7f && cp <= 0x9f) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0xfeff ||
    (cp >= 0xd800 && cp <= 0xdfff)
  );
}

// ---------------------------------------------------------------------------------------------
// Statements, actions and other one-line pieces

function serves(s: A.Serves): string {
  return `serves ${s.reqs.map((r) => r.id).join(", ")}`;
}

function names(ids: A.Ident[], sep = ", "): string {
  return ids.map((i) => i.name).join(sep);
}

function qualification(q: A.Qualification): string {
  return q.kind === "VerifiedQual" ? "verified" : `credit >= ${q.level.name}`;
}

function stepped(s: A.CreditStepped): string {
  return [String(s.base.value), ...s.steps.map((st) => `${st.value.value} when credit >= ${st.atLeast.name}`)].join(", ");
}

function actions(list: A.Action[]): string {
  return list.map(action).join(", ");
}

function action(a: A.Action): string {
  switch (a.kind) {
    case "WarnAction": {
      let text = `warn ${a.target.name}`;
      if (a.rectifyWithin) {
        text += ` rectify within ${duration(a.rectifyWithin)}`;
        if (a.otherwise.length > 0) text += ` otherwise (${actions(a.otherwise)})`;
      }
      return text;
    }
    case "SuspendPostingAction":
      return `suspend posting of ${a.target.name} for ${duration(a.duration)}`;
    case "CloseGroupAction":
      return `close ${a.target.name}`;
    case "BlacklistAction":
      return `blacklist ${a.target.name}${a.duration ? ` for ${duration(a.duration)}` : ""}`;
    case "LowerCreditAction":
      return `lower credit of ${a.target.name} by ${a.by.value}`;
    case "SuspendManagementAction":
      return `suspend management of ${a.target.name} for ${duration(a.duration)}`;
    case "CancelCreationAction":
      return `cancel creation of ${a.target.name}`;
    case "RecordAction":
      return "record";
    case "ReportAction":
      return `report to ${a.to.name}`;
    case "EscalateAction":
      return "escalate";
  }
}

function trigger(t: A.Trigger): string {
  const parts = ["on", t.count ? `${t.count.value} flags` : "flag"];
  if (t.severityOp === ">=") parts.push(">=");
  if (t.severity) parts.push(t.severity.name);
  if (t.categories.length > 0) parts.push(`of ${names(t.categories)}`);
  if (t.scope === "group") parts.push("in group");
  else if (t.scope === "user") parts.push("by user");
  if (t.within) parts.push(`within ${duration(t.within)}`);
  return parts.join(" ");
}

// ---------------------------------------------------------------------------------------------
// The layout tree

/** Where a statement was in the source: offsets and 1-based lines. */
interface Place {
  start: number;
  end: number;
  startLine: number;
  endLine: number;
}

interface Attached {
  /** Own-line comments printed before the statement. */
  leading: A.Comment[];
  /** Comments printed after the statement on its last line. */
  trailing: A.Comment[];
}

interface Line extends Attached {
  kind: "line";
  text: string;
  place: Place | null;
}

interface Block extends Attached {
  kind: "block";
  head: string;
  body: Container;
  place: Place | null;
  /** May print as `head { a  b }` when short and comment-free (tiers). */
  oneLine: boolean;
}

type Stmt = Line | Block;

interface Container {
  /** Comments on the line that opens the block, before its first statement: printed after `{`. */
  head: A.Comment[];
  /** Where the block starts (null for the file). */
  startLine: number | null;
  stmts: Stmt[];
  /** Comments after the last statement. */
  dangling: A.Comment[];
  /** Blocks in this container are set off by blank lines (the file and amendments). */
  spaced: boolean;
}

function placeOf(nodes: readonly (A.Node | null | undefined)[]): Place | null {
  let place: Place | null = null;
  for (const n of nodes) {
    if (!n) continue;
    const p = { start: n.span.start.offset, end: n.span.end.offset, startLine: n.span.start.line, endLine: n.span.end.line };
    if (!place) place = p;
    else {
      if (p.start < place.start) [place.start, place.startLine] = [p.start, p.startLine];
      if (p.end > place.end) [place.end, place.endLine] = [p.end, p.endLine];
    }
  }
  return place;
}

function line(text: string, nodes: readonly (A.Node | null | undefined)[], place: Place | null = placeOf(nodes)): Line {
  return { kind: "line", text, place, leading: [], trailing: [] };
}

function block(head: string, node: A.Node, stmts: (Stmt | null)[], opts: { spaced?: boolean; oneLine?: boolean } = {}): Block {
  return {
    kind: "block",
    head,
    place: placeOf([node]),
    oneLine: opts.oneLine ?? false,
    body: {
      head: [],
      startLine: node.span.start.line,
      stmts: stmts.filter((s): s is Stmt => s !== null),
      dangling: [],
      spaced: opts.spaced ?? false,
    },
    leading: [],
    trailing: [],
  };
}

function servesLine(s: A.Serves | null): Line | null {
  return s ? line(serves(s), [s]) : null;
}

function when<T>(cond: unknown, make: () => T): T | null {
  return cond ? make() : null;
}

function fileContainer(ast: A.PolicyFile, loc: KeywordLocator | null): Container {
  const stmts: Stmt[] = [];
  if (ast.header) stmts.push(headerBlock(ast.header));
  for (const item of ast.items) stmts.push(item.kind === "Amendment" ? amendmentBlock(item, loc) : itemBlock(item, loc));
  return { head: [], startLine: null, stmts, dangling: [], spaced: true };
}

function headerBlock(h: A.PolicyHeader): Block {
  return block(`policy ${quote(h.name.value)} version ${quote(h.version.value)}`, h, [
    servesLine(h.serves),
    when(h.title, () => line(`title ${quote(h.title!.value)}`, [h.title])),
    when(h.effective, () => line(`effective ${dateTime(h.effective!)}`, [h.effective])),
    when(h.tolerance, () => line(`tolerance ${duration(h.tolerance!)}`, [h.tolerance])),
  ]);
}

function amendmentBlock(a: A.Amendment, loc: KeywordLocator | null): Block {
  return block(
    `amendment ${quote(a.version.value)}`,
    a,
    [
      servesLine(a.serves),
      when(a.effective, () => line(`effective ${dateTime(a.effective!)}`, [a.effective])),
      ...a.items.map((i) => itemBlock(i, loc)),
      ...a.removals.map((r) => line(`remove ${r.what} ${r.name.name}`, [r, r.name])),
    ],
    { spaced: true },
  );
}

function itemBlock(item: A.Section | A.RuleDecl | A.MeasureDecl, loc: KeywordLocator | null): Block {
  switch (item.kind) {
    case "RuleDecl":
      return block(`rule ${item.name.name}`, item, [
        servesLine(item.serves),
        when(item.on.length > 0, () => line(`on ${item.on.map((d) => d.parts.join(".")).join(", ")}`, item.on)),
        line(item.when ? `${item.effect} when ${printExpr(item.when)}` : item.effect, [item.when]),
        when(item.because, () => line(`because ${quote(item.because!.value)}`, [item.because])),
      ]);
    case "MeasureDecl":
      return block(`measure ${item.name.name}`, item, [
        servesLine(item.serves),
        when(item.trigger, () => line(trigger(item.trigger!), [item.trigger])),
        when(item.actions.length > 0, () => line(`then ${actions(item.actions)}`, item.actions)),
      ]);
    case "AgreementSection":
      return block("agreement", item, [
        servesLine(item.serves),
        when(item.currentVersion, () => line(`current version ${quote(item.currentVersion!.value)}`, [item.currentVersion])),
        when(item.requiredFor.length > 0, () => line(`required for ${names(item.requiredFor)}`, item.requiredFor)),
        when(item.reaccept, () =>
          line("reaccept on new version", [], loc?.find(item, ["reaccept", "on", "new", "version"], [item.currentVersion, ...item.requiredFor]) ?? null),
        ),
      ]);
    case "IdentitySection":
      return block("identity", item, [
        servesLine(item.serves),
        when(item.requiredFor.length > 0, () => line(`verified required for ${names(item.requiredFor)}`, item.requiredFor)),
      ]);
    case "CreditSection":
      return block("credit", item, [
        servesLine(item.serves),
        when(item.levels.length > 0, () => line(`levels ${names(item.levels, " < ")}`, item.levels)),
        when(item.default, () => line(`default ${item.default!.name}`, [item.default])),
      ]);
    case "CategoriesSection":
      return block("categories", item, [
        servesLine(item.serves),
        ...item.categories.map((c) => line(c.label ? `${c.name.name} ${quote(c.label.value)}` : c.name.name, [c, c.name, c.label])),
      ]);
    case "TiersSection":
      return block("tiers", item, [
        servesLine(item.serves),
        ...item.tiers.map((t) => tierBlock(t, loc)),
        ...item.overrides.map((o) => block(`for ${names(o.categories)}`, o, o.tiers.map((t) => tierBlock(t, loc)))),
      ]);
    case "LimitsSection":
      return block("limits", item, [
        servesLine(item.serves),
        when(item.membersPerGroup, () => line(`members per group ${item.membersPerGroup!.value}`, [item.membersPerGroup])),
        when(item.groupsCreated, () => line(`groups created per user ${stepped(item.groupsCreated!)}`, [item.groupsCreated])),
        when(item.groupsJoined, () => line(`groups joined per user ${stepped(item.groupsJoined!)}`, [item.groupsJoined])),
        when(item.infoPage, () =>
          line(`info page from ${item.infoPage!.from.value} members${item.infoPage!.enforced ? " enforced" : ""}`, [item.infoPage, item.infoPage!.from]),
        ),
      ]);
    case "ProhibitedSection":
      return block("prohibited", item, [
        servesLine(item.serves),
        when(item.severities.length > 0, () => line(`severities ${names(item.severities, " < ")}`, item.severities)),
        ...item.categories.map((c) =>
          line(`${c.name.name} ${c.severity.name}${c.label ? ` ${quote(c.label.value)}` : ""}`, [c, c.name, c.severity, c.label]),
        ),
      ]);
    case "ResponsibilitySection":
      return block("responsibility", item, [
        servesLine(item.serves),
        when(item.window, () => line(`handle flags within ${duration(item.window!)}`, [item.window])),
        when(item.otherwise.length > 0, () => line(`otherwise ${actions(item.otherwise)}`, item.otherwise)),
      ]);
    case "ComplaintsSection":
      return block("complaints", item, [
        servesLine(item.serves),
        when(item.resolveWithin, () => line(`resolve within ${duration(item.resolveWithin!)}`, [item.resolveWithin])),
        when(item.otherwise.length > 0, () => line(`otherwise ${actions(item.otherwise)}`, item.otherwise)),
      ]);
    case "RetentionSection":
      return block("retention", item, [
        servesLine(item.serves),
        when(item.keepLogs, () => line(`keep logs ${duration(item.keepLogs!)}`, [item.keepLogs])),
      ]);
    case "ManagementSection":
      return block("management", item, [
        servesLine(item.serves),
        when(item.muteFor, () => line(`mute for ${duration(item.muteFor!)}`, [item.muteFor])),
      ]);
    case "BlacklistSection":
      return block("blacklist", item, [
        servesLine(item.serves),
        when(item.users.length > 0, () => line(`restrict users ${names(item.users)}`, item.users)),
        when(item.groups.length > 0, () => line(`restrict groups ${names(item.groups)}`, item.groups)),
      ]);
  }
}

function tierBlock(t: A.TierDecl, loc: KeywordLocator | null): Block {
  return block(
    `tier ${t.name.name}`,
    t,
    [
      when(t.members, () => line(`members ${intRange(t.members!)}`, [t.members])),
      when(t.activityFrom, () => line(`activity from ${t.activityFrom!.value} messages per day`, [t.activityFrom])),
      when(t.creatorRequires.length > 0, () => line(`creator requires ${t.creatorRequires.map(qualification).join(", ")}`, t.creatorRequires)),
      when(t.joinApproval, () => line("join requires approval", [], loc?.find(t, ["join", "requires", "approval"], [t.name, ...t.creatorRequires]) ?? null)),
    ],
    { oneLine: true },
  );
}

/**
 * Finds, in the source, the keywords of the statements that have no node of their own, so that
 * comments next to them can be attached to them.
 */
class KeywordLocator {
  private readonly lines: Source;
  private readonly commentRanges: [number, number][];

  constructor(
    private readonly text: string,
    comments: A.Comment[],
  ) {
    this.lines = new Source("", text);
    this.commentRanges = comments.map((c) => [c.span.start.offset, c.span.end.offset]);
  }

  /** The place of `words` written in order inside `within`, outside comments and the `skip` nodes. */
  find(within: A.Node, words: string[], skip: (A.Node | null)[]): Place | null {
    const skipRanges = [...this.commentRanges, ...skip.filter((n): n is A.Node => n !== null).map((n): [number, number] => [n.span.start.offset, n.span.end.offset])];
    let from = within.span.start.offset;
    const to = within.span.end.offset;
    let start = -1;
    for (const word of words) {
      const at = this.findWord(word, from, to, skipRanges);
      if (at < 0) return null;
      if (start < 0) start = at;
      from = at + word.length;
    }
    const s = this.lines.position(start);
    const e = this.lines.position(from);
    return { start, end: from, startLine: s.line, endLine: e.line };
  }

  private findWord(word: string, from: number, to: number, skip: [number, number][]): number {
    for (let at = this.text.indexOf(word, from); at >= 0 && at + word.length <= to; at = this.text.indexOf(word, at + 1)) {
      if (isNameChar(this.text[at - 1]) || isNameChar(this.text[at + word.length])) continue;
      if (skip.some(([s, e]) => at >= s && at < e)) continue;
      return at;
    }
    return -1;
  }
}

function isNameChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}_-]/u.test(ch);
}

// ---------------------------------------------------------------------------------------------
// Attaching comments

function isInside(c: A.Comment, p: Place): boolean {
  return c.span.start.offset >= p.start && c.span.end.offset <= p.end;
}

/**
 * Hang each comment (sorted by offset) on a statement of `container`, descending into the block
 * that encloses it. A comment that starts on the last line of a statement, after it, trails that
 * statement; one on the line that opens the block, before its first statement, stays on that line
 * after `{`; any other comment leads the statement it precedes or lies inside; comments after the
 * last statement dangle at the end of the block.
 */
function distribute(container: Container, comments: A.Comment[]): void {
  const inner = new Map<Block, A.Comment[]>();
  const here: A.Comment[] = [];
  for (const c of comments) {
    const owner = container.stmts.find((s): s is Block => s.kind === "block" && s.place !== null && isInside(c, s.place));
    if (owner) {
      const list = inner.get(owner) ?? [];
      list.push(c);
      inner.set(owner, list);
    } else here.push(c);
  }
  for (const [b, list] of inner) distribute(b.body, list);

  const placed = container.stmts
    .filter((s): s is Stmt & { place: Place } => s.place !== null)
    .sort((a, b) => a.place.start - b.place.start);
  for (const c of here) {
    const start = c.span.start.offset;
    let trailed: (typeof placed)[number] | undefined;
    for (const s of placed) {
      if (s.place.end <= start && s.place.endLine === c.span.start.line && (!trailed || s.place.end > trailed.place.end)) trailed = s;
    }
    if (trailed) {
      trailed.trailing.push(c);
      continue;
    }
    if (c.span.start.line === container.startLine && !placed.some((s) => s.place.start < start)) {
      container.head.push(c);
      continue;
    }
    const next = placed.find((s) => s.place.start < start && c.span.end.offset <= s.place.end) ?? placed.find((s) => s.place.start >= c.span.end.offset);
    if (next) next.leading.push(c);
    else container.dangling.push(c);
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering

function commentText(c: A.Comment): string {
  const text = c.text.replace(/\r\n?/g, "\n");
  return text.startsWith("//") ? text.trimEnd() : text;
}

/** A comment on lines of its own: its first line indented, the rest of a block comment as written. */
function commentLines(c: A.Comment, indent: string): string[] {
  const [first = "", ...rest] = commentText(c).split("\n");
  return [indent + first, ...rest];
}

/** Own-line comments, keeping one blank line after a comment where the source had one or more. */
function ownLineComments(list: A.Comment[], indent: string, nextLine: number | null): string[] {
  const out: string[] = [];
  list.forEach((c, i) => {
    out.push(...commentLines(c, indent));
    const following = list[i + 1]?.span.start.line ?? nextLine;
    if (following !== null && following > c.span.end.line + 1) out.push("");
  });
  return out;
}

function trailingSuffix(s: Stmt): string {
  return sameLine(s.trailing);
}

function sameLine(comments: A.Comment[]): string {
  return comments.map((c) => " " + commentText(c)).join("");
}

function renderContainer(container: Container, indent: string): string[] {
  const out: string[] = [];
  container.stmts.forEach((s, i) => {
    const prev = container.stmts[i - 1];
    if (container.spaced && prev && (s.kind === "block" || prev.kind === "block")) out.push("");
    out.push(...ownLineComments(s.leading, indent, s.place?.startLine ?? null));
    out.push(...renderStmt(s, indent));
  });
  if (container.dangling.length > 0) {
    if (container.spaced && container.stmts.length > 0) out.push("");
    out.push(...ownLineComments(container.dangling, indent, null));
  }
  return out;
}

function renderStmt(s: Stmt, indent: string): string[] {
  if (s.kind === "line") return [`${indent}${s.text}${trailingSuffix(s)}`];
  const body = s.body;
  const quiet = body.head.length === 0 && body.dangling.length === 0;
  if (quiet && body.stmts.length === 0) return [`${indent}${s.head} {}${trailingSuffix(s)}`];
  if (s.oneLine && quiet && body.stmts.every((x) => x.kind === "line" && x.leading.length === 0 && x.trailing.length === 0)) {
    const text = `${indent}${s.head} { ${body.stmts.map((x) => (x as Line).text).join("  ")} }`;
    if (width(text) <= ONE_LINE_TIER_WIDTH) return [text + trailingSuffix(s)];
  }
  return [`${indent}${s.head} {${sameLine(body.head)}`, ...renderContainer(body, indent + INDENT), `${indent}}${trailingSuffix(s)}`];
}

function width(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
