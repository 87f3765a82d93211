/**
 * The fast path of `parse` (./index.ts): a hand-written recursive-descent parser for files with
 * nothing to report, which builds the AST directly from the tokens of ./fast-lexer.ts.
 *
 * Why there are two parsers. The chevrotain parser (./parser.ts) with its CST → AST lowering
 * (./lower.ts) is the reference: it defines the grammar (and the railroad diagrams), recovers from
 * errors and words every message. But a concrete syntax tree costs about a dozen objects per
 * token, and on a 10,000-rule policy lexing, building that tree and lowering it took 1.9 s of a
 * compile budget of 1 s; this path takes 0.2–0.3 s, most of it for the AST itself. It handles only
 * what it is sure of: at the first token it does not expect, at a clause given twice (QG008), a
 * rule without an effect (QG009), or a file nested too deep, it gives up and `parse` runs the
 * chevrotain path, which reports the problem. So diagnostics come from one place only, and a
 * construct this parser does not know (say, new syntax added to the grammar alone) is merely slow,
 * never wrong.
 *
 * Where it accepts a file, its result must be the reference's, spans included: each method below
 * mirrors a grammar rule of ./parser.ts and builds what ./lower.ts builds from that rule's node,
 * field by field in the same order. test/unit/syntax/fast.test.ts holds it to that on every policy
 * in the repository and on generated and mutated ones.
 */
import type { TokenType } from "chevrotain";
import type * as A from "../ast/nodes.js";
import type { Position, Source, Span } from "../source/span.js";
import { lexClean, tokenTypeOf, type FastTokens } from "./fast-lexer.js";
import { nestingLimit } from "./nesting.js";
import {
  AsciiComma,
  AsciiLParen,
  AsciiRParen,
  Ctx,
  DateTime,
  Dot,
  DotDot,
  EqEq,
  Gt,
  GtEq,
  Ident,
  Integer,
  integerValue,
  Keyword,
  Kw,
  LBrace,
  LBracket,
  LEXER_TOKENS,
  Lt,
  LtEq,
  Minus,
  NotEq,
  Offset,
  Plus,
  RBrace,
  RBracket,
  ReqId,
  Slash,
  StringLiteral,
  Unit,
} from "./tokens.js";

/** Thrown at the first thing the fast path does not handle; caught in {@link parseClean}. */
class GiveUp {}
const GIVE_UP = new GiveUp();

/** Whether `t` is in `category`, directly or through another category (as chevrotain matches). */
function inCategory(t: TokenType, category: TokenType): boolean {
  return t.CATEGORIES?.some((c) => c === category || inCategory(c, category)) ?? false;
}

/** `Ident`: identifiers and the contextual words. */
const IDENT: ReadonlySet<TokenType> = new Set(LEXER_TOKENS.filter((t) => inCategory(t, Ident)));
/** `Name`: an `Ident` or any keyword (a path segment after `.`). */
const NAME: ReadonlySet<TokenType> = new Set(LEXER_TOKENS.filter((t) => inCategory(t, Ident) || inCategory(t, Keyword)));
const UNITS: ReadonlySet<TokenType> = new Set(Object.values(Unit));
const COMPARE: ReadonlySet<TokenType> = new Set([EqEq, NotEq, LtEq, GtEq, Lt, Gt]);

/** The first token of each section, with the section's name in ./parser.ts. */
const SECTIONS: ReadonlySet<TokenType> = new Set([
  Kw.agreement,
  Kw.identity,
  Kw.credit,
  Kw.categories,
  Kw.tiers,
  Kw.limits,
  Kw.prohibited,
  Kw.responsibility,
  Kw.complaints,
  Kw.retention,
  Kw.management,
  Kw.blacklist,
]);

/**
 * `xs`, in an array of its own length when it has grown: an array grown by `push` keeps room for
 * about sixteen more entries, and the lists of a large AST are mostly of one to three entries and
 * live as long as the compile.
 */
function exact<T>(xs: T[]): T[] {
  return xs.length > 1 ? xs.slice() : xs;
}

/** Gives up on a clause seen before in the same block (QG008 is the reference's to report). */
function once<T>(seen: T | undefined): void {
  if (seen !== undefined) throw GIVE_UP;
}

/** The AST and comments of a file with nothing to report, or null (then use the reference). */
export function parseClean(source: Source): { ast: A.PolicyFile; comments: A.Comment[] } | null {
  try {
    const tokens = lexClean(source);
    if (tokens === null || nestingLimit(tokens.count, (i) => tokenTypeOf(tokens.types[i]!)!) >= 0) return null;
    const parser = new FastParser(source, tokens);
    const header = parser.header();
    const items: A.TopItem[] = [];
    while (!parser.atEnd()) items.push(parser.item());
    const ast: A.PolicyFile = { kind: "PolicyFile", header, items, comments: tokens.comments, span: source.span(0, source.text.length) };
    return { ast, comments: tokens.comments };
  } catch (e) {
    // Anything unexpected, a bug here included, leaves the file to the reference path.
    if (e === GIVE_UP || e instanceof Error) return null;
    throw e;
  }
}

/** Slots of the position cache (a power of two). */
const POSITION_CACHE = 1024;

class FastParser {
  /** The next token. */
  private p = 0;
  private readonly count: number;
  private readonly types: Uint16Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly strings: ReadonlyMap<number, string>;
  private readonly startAt = new Array<Position | undefined>(POSITION_CACHE);
  private readonly endAt = new Array<Position | undefined>(POSITION_CACHE);
  /** The token whose position each slot holds. */
  private readonly startTag = new Int32Array(POSITION_CACHE).fill(-1);
  private readonly endTag = new Int32Array(POSITION_CACHE).fill(-1);

  constructor(
    private readonly source: Source,
    tokens: FastTokens,
  ) {
    ({ count: this.count, types: this.types, starts: this.starts, ends: this.ends, strings: this.strings } = tokens);
  }

  // ----- tokens -------------------------------------------------------------------------------

  atEnd(): boolean {
    return this.p >= this.count;
  }

  private peek(ahead = 0): TokenType | undefined {
    const i = this.p + ahead;
    return i < this.count ? tokenTypeOf(this.types[i]!) : undefined;
  }

  /** Whether the next token is of `type`. */
  private at(type: TokenType): boolean {
    return this.p < this.count && this.types[this.p] === type.tokenTypeIdx;
  }

  /** Consumes a token of `type` and returns its index. */
  private expect(type: TokenType): number {
    if (!this.at(type)) throw GIVE_UP;
    return this.p++;
  }

  private expectIn(set: ReadonlySet<TokenType>): number {
    const t = this.peek();
    if (t === undefined || !set.has(t)) throw GIVE_UP;
    return this.p++;
  }

  /** Consumes `type` if it is next. */
  private accept(type: TokenType): boolean {
    if (!this.at(type)) return false;
    this.p++;
    return true;
  }

  private image(i: number): string {
    return this.source.text.slice(this.starts[i], this.ends[i]);
  }

  /**
   * The position where token `i` starts (or ends), shared by the spans that start (or end) there:
   * a rule, its name and its first clause all start at one token. Spans and positions are never
   * changed once built (`joinSpans` shares positions too), and sharing them saves a quarter of the
   * objects of a large AST. The cache holds the last {@link POSITION_CACHE} tokens' positions, the
   * ones a span asks for nearly always; a position that fell out of it is simply computed again.
   */
  private startOf(i: number): Position {
    const slot = i & (POSITION_CACHE - 1);
    if (this.startTag[slot] === i) return this.startAt[slot]!;
    this.startTag[slot] = i;
    return (this.startAt[slot] = this.source.position(this.starts[i]!));
  }

  private endOf(i: number): Position {
    const slot = i & (POSITION_CACHE - 1);
    if (this.endTag[slot] === i) return this.endAt[slot]!;
    this.endTag[slot] = i;
    return (this.endAt[slot] = this.source.position(this.ends[i]!));
  }

  private span(start: Position, end: Position): Span {
    return { file: this.source.name, start, end };
  }

  private tokSpan(i: number): Span {
    return this.span(this.startOf(i), this.endOf(i));
  }

  /** The span of a rule that began at token `first` and has consumed up to the current token. */
  private from(first: number): Span {
    return this.span(this.startOf(first), this.endOf(this.p - 1));
  }

  // ----- leaves -------------------------------------------------------------------------------

  private ident(i: number): A.Ident {
    return { kind: "Ident", name: this.image(i), span: this.tokSpan(i) };
  }

  private nextIdent(): A.Ident {
    return this.ident(this.expectIn(IDENT));
  }

  private string(i: number): A.StringLit {
    return { kind: "StringLit", value: this.strings.get(i)!, span: this.tokSpan(i) };
  }

  private nextString(): A.StringLit {
    return this.string(this.expect(StringLiteral));
  }

  private int(i: number): A.IntLit {
    return { kind: "IntLit", value: integerValue(this.image(i)), span: this.tokSpan(i) };
  }

  private nextInt(): A.IntLit {
    return this.int(this.expect(Integer));
  }

  /** `duration`: `30 minutes`. */
  private duration(): A.Duration {
    const first = this.p;
    const amount = this.expect(Integer);
    const unit = this.expectIn(UNITS);
    return { kind: "Duration", amount: integerValue(this.image(amount)), unit: this.image(unit).replace(/s$/, "") as A.DurationUnit, span: this.from(first) };
  }

  /** `intRange`: `101..500`. */
  private intRange(): A.IntRange {
    const first = this.p;
    const from = this.nextInt();
    this.expect(DotDot);
    const to = this.nextInt();
    return { kind: "IntRange", from, to, span: this.from(first) };
  }

  /** `serves`: `serves A8.member-cap, A8.user-caps`. */
  private serves(): A.Serves {
    const first = this.expect(Kw.serves);
    const reqs = [this.reqRef()];
    while (this.accept(AsciiComma)) reqs.push(this.reqRef());
    return { kind: "Serves", reqs: exact(reqs), span: this.from(first) };
  }

  private reqRef(): A.ReqRef {
    const t = this.expect(ReqId);
    return { kind: "ReqRef", id: this.image(t), span: this.tokSpan(t) };
  }

  /** `dateTime`: a date-time and its `zone` (`in Asia/Shanghai` or `+08:00`). */
  private dateTime(): A.DateTimeLit {
    const first = this.expect(DateTime);
    let zone: A.Zone;
    if (this.accept(Kw.in)) {
      const name = this.p;
      const parts = [this.image(this.expectIn(IDENT))];
      while (this.accept(Slash)) parts.push(this.image(this.expectIn(NAME)));
      zone = { kind: "Zone", name: parts.join("/"), span: this.from(name) };
    } else {
      const t = this.expect(Offset);
      zone = { kind: "Zone", name: this.image(t), span: this.tokSpan(t) };
    }
    return { kind: "DateTimeLit", text: this.image(first), zone, span: this.from(first) };
  }

  /** `services`: `create, join, post`. */
  private services(): A.Ident[] {
    const list = [this.nextIdent()];
    while (this.accept(AsciiComma)) list.push(this.nextIdent());
    return exact(list);
  }

  /** `levels` and `severities`: `D < C < B`. */
  private ordered(): A.Ident[] {
    const list = [this.nextIdent()];
    while (this.accept(Lt)) list.push(this.nextIdent());
    return exact(list);
  }

  // ----- the file -----------------------------------------------------------------------------

  header(): A.PolicyHeader {
    const first = this.expect(Kw.policy);
    const name = this.nextString();
    this.expect(Kw.version);
    const version = this.nextString();
    this.expect(LBrace);
    let title: A.StringLit | undefined;
    let effective: A.DateTimeLit | undefined;
    let tolerance: A.Duration | undefined;
    let serves: A.Serves | undefined;
    while (!this.accept(RBrace)) {
      switch (this.peek()) {
        case Kw.title:
          once(title);
          this.p++;
          title = this.nextString();
          break;
        case Kw.effective:
          once(effective);
          this.p++;
          effective = this.dateTime();
          break;
        case Kw.tolerance:
          once(tolerance);
          this.p++;
          tolerance = this.duration();
          break;
        case Kw.serves:
          once(serves);
          serves = this.serves();
          break;
        default:
          throw GIVE_UP;
      }
    }
    return {
      kind: "PolicyHeader",
      name,
      version,
      title: title ?? null,
      effective: effective ?? null,
      tolerance: tolerance ?? null,
      serves: serves ?? null,
      span: this.from(first),
    };
  }

  item(): A.TopItem {
    return this.peek() === Kw.amendment ? this.amendment() : this.declaration();
  }

  /** A section, rule or measure (the items an amendment can hold too). */
  private declaration(): A.Section | A.RuleDecl | A.MeasureDecl {
    const t = this.peek();
    if (t === Kw.rule) return this.rule();
    if (t === Kw.measure) return this.measure();
    if (t !== undefined && SECTIONS.has(t)) return this.section();
    throw GIVE_UP;
  }

  private amendment(): A.Amendment {
    const first = this.expect(Kw.amendment);
    const version = this.nextString();
    this.expect(LBrace);
    let effective: A.DateTimeLit | undefined;
    let serves: A.Serves | undefined;
    const items: (A.Section | A.RuleDecl | A.MeasureDecl)[] = [];
    const removals: A.Removal[] = [];
    while (!this.accept(RBrace)) {
      switch (this.peek()) {
        case Kw.effective:
          once(effective);
          this.p++;
          effective = this.dateTime();
          break;
        case Kw.serves:
          once(serves);
          serves = this.serves();
          break;
        case Kw.remove: {
          const start = this.p++;
          const what = this.accept(Kw.rule) ? "rule" : this.accept(Kw.measure) ? "measure" : null;
          if (what === null) throw GIVE_UP;
          removals.push({ kind: "Removal", what, name: this.nextIdent(), span: this.from(start) });
          break;
        }
        default:
          items.push(this.declaration());
      }
    }
    return { kind: "Amendment", version, effective: effective ?? null, serves: serves ?? null, items, removals, span: this.from(first) };
  }

  // ----- sections -----------------------------------------------------------------------------

  /**
   * A section block: `KEYWORD { clause* }`. `clause` reads one clause starting at the current
   * token (which it has not consumed) and returns false if it does not know it.
   */
  private block(clause: (t: TokenType | undefined) => boolean): { serves: A.Serves | null; span: Span } {
    const first = this.p++;
    this.expect(LBrace);
    let serves: A.Serves | undefined;
    while (!this.accept(RBrace)) {
      const t = this.peek();
      if (t === Kw.serves) {
        once(serves);
        serves = this.serves();
      } else if (!clause(t)) throw GIVE_UP;
    }
    return { serves: serves ?? null, span: this.from(first) };
  }

  private section(): A.Section {
    switch (this.peek()) {
      case Kw.agreement: {
        let currentVersion: A.StringLit | undefined;
        let requiredFor: A.Ident[] | undefined;
        let reaccept = false;
        const { serves, span } = this.block((t) => {
          if (t === Kw.current) {
            once(currentVersion);
            this.p++;
            this.expect(Kw.version);
            currentVersion = this.nextString();
          } else if (t === Kw.required) {
            once(requiredFor);
            this.p++;
            this.expect(Kw.for);
            requiredFor = this.services();
          } else if (t === Kw.reaccept) {
            if (reaccept) throw GIVE_UP;
            this.p++;
            this.expect(Kw.on);
            this.expect(Kw.new);
            this.expect(Kw.version);
            reaccept = true;
          } else return false;
          return true;
        });
        return { kind: "AgreementSection", serves, currentVersion: currentVersion ?? null, requiredFor: requiredFor ?? [], reaccept, span };
      }
      case Kw.identity: {
        let requiredFor: A.Ident[] | undefined;
        const { serves, span } = this.block((t) => {
          if (t !== Kw.verified) return false;
          once(requiredFor);
          this.p++;
          this.expect(Kw.required);
          this.expect(Kw.for);
          requiredFor = this.services();
          return true;
        });
        return { kind: "IdentitySection", serves, requiredFor: requiredFor ?? [], span };
      }
      case Kw.credit: {
        let levels: A.Ident[] | undefined;
        let dflt: A.Ident | undefined;
        const { serves, span } = this.block((t) => {
          if (t === Kw.levels) {
            once(levels);
            this.p++;
            levels = this.ordered();
          } else if (t === Kw.default) {
            once(dflt);
            this.p++;
            dflt = this.nextIdent();
          } else return false;
          return true;
        });
        return { kind: "CreditSection", serves, levels: levels ?? [], default: dflt ?? null, span };
      }
      case Kw.categories: {
        const categories: A.CategoryDecl[] = [];
        const { serves, span } = this.block((t) => {
          if (t === undefined || !IDENT.has(t)) return false;
          const first = this.p;
          const name = this.nextIdent();
          const label = this.peek() === StringLiteral ? this.string(this.p++) : null;
          categories.push({ kind: "CategoryDecl", name, label, span: this.from(first) });
          return true;
        });
        return { kind: "CategoriesSection", serves, categories, span };
      }
      case Kw.tiers: {
        const tiers: A.TierDecl[] = [];
        const overrides: A.TierOverride[] = [];
        const { serves, span } = this.block((t) => {
          if (t === Kw.tier) tiers.push(this.tier());
          else if (t === Kw.for) overrides.push(this.tierOverride());
          else return false;
          return true;
        });
        return { kind: "TiersSection", serves, tiers, overrides, span };
      }
      case Kw.limits:
        return this.limits();
      case Kw.prohibited: {
        let severities: A.Ident[] | undefined;
        const categories: A.ContentCategoryDecl[] = [];
        const { serves, span } = this.block((t) => {
          if (t === Kw.severities) {
            once(severities);
            this.p++;
            severities = this.ordered();
          } else if (t !== undefined && IDENT.has(t)) {
            const first = this.p;
            const name = this.nextIdent();
            const severity = this.nextIdent();
            const label = this.peek() === StringLiteral ? this.string(this.p++) : null;
            categories.push({ kind: "ContentCategoryDecl", name, severity, label, span: this.from(first) });
          } else return false;
          return true;
        });
        return { kind: "ProhibitedSection", serves, severities: severities ?? [], categories, span };
      }
      case Kw.responsibility:
      case Kw.complaints: {
        const isComplaints = this.peek() === Kw.complaints;
        let within: A.Duration | undefined;
        let otherwise: A.Action[] | undefined;
        const { serves, span } = this.block((t) => {
          if (t === (isComplaints ? Kw.resolve : Kw.handle)) {
            once(within);
            this.p++;
            if (!isComplaints) this.expect(Kw.flags);
            this.expect(Kw.within);
            within = this.duration();
          } else if (t === Kw.otherwise) {
            once(otherwise);
            this.p++;
            otherwise = this.actions();
          } else return false;
          return true;
        });
        return isComplaints
          ? { kind: "ComplaintsSection", serves, resolveWithin: within ?? null, otherwise: otherwise ?? [], span }
          : { kind: "ResponsibilitySection", serves, window: within ?? null, otherwise: otherwise ?? [], span };
      }
      case Kw.retention:
      case Kw.management: {
        const isRetention = this.peek() === Kw.retention;
        let duration: A.Duration | undefined;
        const { serves, span } = this.block((t) => {
          if (t !== (isRetention ? Kw.keep : Ctx.mute)) return false;
          once(duration);
          this.p++;
          this.expect(isRetention ? Kw.logs : Kw.for);
          duration = this.duration();
          return true;
        });
        return isRetention
          ? { kind: "RetentionSection", serves, keepLogs: duration ?? null, span }
          : { kind: "ManagementSection", serves, muteFor: duration ?? null, span };
      }
      case Kw.blacklist: {
        let users: A.Ident[] | undefined;
        let groups: A.Ident[] | undefined;
        const { serves, span } = this.block((t) => {
          if (t !== Kw.restrict) return false;
          this.p++;
          if (this.accept(Ctx.users)) {
            once(users);
            users = this.services();
          } else if (this.accept(Ctx.groups)) {
            once(groups);
            groups = this.services();
          } else throw GIVE_UP;
          return true;
        });
        return { kind: "BlacklistSection", serves, users: users ?? [], groups: groups ?? [], span };
      }
    }
    throw GIVE_UP;
  }

  private limits(): A.LimitsSection {
    let membersPerGroup: A.IntLit | undefined;
    let groupsCreated: A.CreditStepped | undefined;
    let groupsJoined: A.CreditStepped | undefined;
    let infoPage: A.InfoPageLimit | undefined;
    const { serves, span } = this.block((t) => {
      if (t === Kw.members) {
        once(membersPerGroup);
        this.p++;
        this.expect(Kw.per);
        this.expect(Ctx.group);
        membersPerGroup = this.nextInt();
      } else if (t === Ctx.groups && this.peek(1) === Kw.created) {
        once(groupsCreated);
        this.p += 2;
        this.expect(Kw.per);
        this.expect(Ctx.user);
        groupsCreated = this.stepped();
      } else if (t === Ctx.groups && this.peek(1) === Kw.joined) {
        once(groupsJoined);
        this.p += 2;
        this.expect(Kw.per);
        this.expect(Ctx.user);
        groupsJoined = this.stepped();
      } else if (t === Kw.info) {
        once(infoPage);
        const first = this.p++;
        this.expect(Kw.page);
        this.expect(Kw.from);
        const from = this.nextInt();
        this.expect(Kw.members);
        const enforced = this.accept(Kw.enforced);
        infoPage = { kind: "InfoPageLimit", from, enforced, span: this.from(first) };
      } else return false;
      return true;
    });
    return {
      kind: "LimitsSection",
      serves,
      membersPerGroup: membersPerGroup ?? null,
      groupsCreated: groupsCreated ?? null,
      groupsJoined: groupsJoined ?? null,
      infoPage: infoPage ?? null,
      span,
    };
  }

  /** `stepped`: `3, 10 when credit >= B`. */
  private stepped(): A.CreditStepped {
    const first = this.p;
    const base = this.nextInt();
    const steps: A.CreditStep[] = [];
    while (this.accept(AsciiComma)) {
      const step = this.p;
      const value = this.nextInt();
      this.expect(Kw.when);
      this.expect(Kw.credit);
      this.expect(GtEq);
      steps.push({ kind: "CreditStep", value, atLeast: this.nextIdent(), span: this.from(step) });
    }
    return { kind: "CreditStepped", base, steps, span: this.from(first) };
  }

  private tierOverride(): A.TierOverride {
    const first = this.expect(Kw.for);
    const categories = this.services();
    this.expect(LBrace);
    const tiers: A.TierDecl[] = [];
    while (!this.accept(RBrace)) {
      if (this.peek() !== Kw.tier) throw GIVE_UP;
      tiers.push(this.tier());
    }
    return { kind: "TierOverride", categories, tiers, span: this.from(first) };
  }

  private tier(): A.TierDecl {
    const first = this.expect(Kw.tier);
    const name = this.nextIdent();
    this.expect(LBrace);
    let members: A.IntRange | undefined;
    let activityFrom: A.IntLit | undefined;
    let creatorRequires: A.Qualification[] | undefined;
    let joinApproval = false;
    while (!this.accept(RBrace)) {
      switch (this.peek()) {
        case Kw.members:
          once(members);
          this.p++;
          members = this.intRange();
          break;
        case Kw.activity:
          once(activityFrom);
          this.p++;
          this.expect(Kw.from);
          activityFrom = this.nextInt();
          this.expect(Kw.messages);
          this.expect(Kw.per);
          this.expect(Unit.day);
          break;
        case Ctx.creator:
          once(creatorRequires);
          this.p++;
          this.expect(Kw.requires);
          creatorRequires = [];
          do creatorRequires.push(this.qualification());
          while (this.accept(AsciiComma));
          break;
        case Ctx.join:
          if (joinApproval) throw GIVE_UP;
          this.p++;
          this.expect(Kw.requires);
          this.expect(Kw.approval);
          joinApproval = true;
          break;
        default:
          throw GIVE_UP;
      }
    }
    return {
      kind: "TierDecl",
      name,
      members: members ?? null,
      activityFrom: activityFrom ?? null,
      creatorRequires: creatorRequires ?? [],
      joinApproval,
      span: this.from(first),
    };
  }

  private qualification(): A.Qualification {
    if (this.peek() === Kw.verified) return { kind: "VerifiedQual", span: this.tokSpan(this.p++) };
    const first = this.expect(Kw.credit);
    this.expect(GtEq);
    return { kind: "CreditQual", level: this.nextIdent(), span: this.from(first) };
  }

  // ----- measures and actions -----------------------------------------------------------------

  private measure(): A.MeasureDecl {
    const first = this.expect(Kw.measure);
    const name = this.nextIdent();
    this.expect(LBrace);
    let serves: A.Serves | undefined;
    let trigger: A.Trigger | undefined;
    let actions: A.Action[] | undefined;
    while (!this.accept(RBrace)) {
      switch (this.peek()) {
        case Kw.serves:
          once(serves);
          serves = this.serves();
          break;
        case Kw.on:
          once(trigger);
          trigger = this.trigger();
          break;
        case Kw.then:
          once(actions);
          this.p++;
          actions = this.actions();
          break;
        default:
          throw GIVE_UP;
      }
    }
    return { kind: "MeasureDecl", name, serves: serves ?? null, trigger: trigger ?? null, actions: actions ?? [], span: this.from(first) };
  }

  /** `trigger`: `on flag minor`, `on 3 flags >= serious of fraud in group within 30 days`. */
  private trigger(): A.Trigger {
    const first = this.expect(Kw.on);
    let count: A.IntLit | null = null;
    if (this.peek() === Integer) {
      count = this.int(this.p++);
      this.expect(Kw.flags);
    } else this.expect(Kw.flag);
    const severityOp = this.accept(GtEq) ? ">=" : "==";
    const next = this.peek();
    const severity = next !== undefined && IDENT.has(next) ? this.ident(this.p++) : null;
    const categories = this.accept(Kw.of) ? this.services() : [];
    let scope: "group" | "user" | null = null;
    if (this.accept(Kw.in)) {
      this.expect(Ctx.group);
      scope = "group";
    } else if (this.accept(Kw.by)) {
      this.expect(Ctx.user);
      scope = "user";
    }
    const within = this.accept(Kw.within) ? this.duration() : null;
    return { kind: "Trigger", count, severityOp, severity, categories, scope, within, span: this.from(first) };
  }

  /** `actions`: actions separated by commas. */
  private actions(): A.Action[] {
    const list = [this.action()];
    while (this.accept(AsciiComma)) list.push(this.action());
    return exact(list);
  }

  private target(): A.Target {
    const t = this.expectIn(IDENT);
    return { kind: "Target", name: this.image(t), span: this.tokSpan(t) };
  }

  /** `target for DURATION` of the two suspensions. */
  private suspension(): { target: A.Target; duration: A.Duration } {
    this.expect(Kw.of);
    const target = this.target();
    this.expect(Kw.for);
    return { target, duration: this.duration() };
  }

  private action(): A.Action {
    const first = this.p;
    switch (this.peek()) {
      case Kw.warn: {
        this.p++;
        const target = this.target();
        let rectifyWithin: A.Duration | null = null;
        let otherwise: A.Action[] = [];
        if (this.accept(Kw.rectify)) {
          this.expect(Kw.within);
          rectifyWithin = this.duration();
          if (this.accept(Kw.otherwise)) {
            this.expect(AsciiLParen);
            otherwise = this.actions();
            this.expect(AsciiRParen);
          }
        }
        return { kind: "WarnAction", target, rectifyWithin, otherwise, span: this.from(first) };
      }
      case Kw.suspend: {
        this.p++;
        if (this.accept(Kw.posting)) {
          const { target, duration } = this.suspension();
          return { kind: "SuspendPostingAction", target, duration, span: this.from(first) };
        }
        this.expect(Kw.management);
        const { target, duration } = this.suspension();
        return { kind: "SuspendManagementAction", target, duration, span: this.from(first) };
      }
      case Kw.close: {
        this.p++;
        return { kind: "CloseGroupAction", target: this.target(), span: this.from(first) };
      }
      case Kw.blacklist: {
        this.p++;
        const target = this.target();
        const duration = this.accept(Kw.for) ? this.duration() : null;
        return { kind: "BlacklistAction", target, duration, span: this.from(first) };
      }
      case Kw.lower: {
        this.p++;
        this.expect(Kw.credit);
        this.expect(Kw.of);
        const target = this.target();
        this.expect(Kw.by);
        return { kind: "LowerCreditAction", target, by: this.nextInt(), span: this.from(first) };
      }
      case Kw.cancel: {
        this.p++;
        this.expect(Kw.creation);
        this.expect(Kw.of);
        return { kind: "CancelCreationAction", target: this.target(), span: this.from(first) };
      }
      case Kw.record:
        return { kind: "RecordAction", span: this.tokSpan(this.p++) };
      case Kw.report: {
        this.p++;
        this.expect(Kw.to);
        return { kind: "ReportAction", to: this.nextIdent(), span: this.from(first) };
      }
      case Kw.escalate:
        return { kind: "EscalateAction", span: this.tokSpan(this.p++) };
    }
    throw GIVE_UP;
  }

  // ----- rules --------------------------------------------------------------------------------

  private rule(): A.RuleDecl {
    const first = this.expect(Kw.rule);
    const name = this.nextIdent();
    this.expect(LBrace);
    let serves: A.Serves | undefined;
    let on: A.DottedName[] | undefined;
    let effect: "deny" | "allow" | undefined;
    let when: A.Expr | null = null;
    let because: A.StringLit | undefined;
    while (!this.accept(RBrace)) {
      switch (this.peek()) {
        case Kw.serves:
          once(serves);
          serves = this.serves();
          break;
        case Kw.on:
          once(on);
          this.p++;
          on = [this.eventName()];
          while (this.accept(AsciiComma)) on.push(this.eventName());
          on = exact(on);
          break;
        case Kw.deny:
        case Kw.allow:
          once(effect);
          effect = this.peek() === Kw.allow ? "allow" : "deny";
          this.p++;
          if (this.accept(Kw.when)) when = this.expression();
          break;
        case Kw.because:
          once(because);
          this.p++;
          because = this.nextString();
          break;
        default:
          throw GIVE_UP;
      }
    }
    // A rule without an effect is reported (QG009).
    if (effect === undefined) throw GIVE_UP;
    return { kind: "RuleDecl", name, serves: serves ?? null, on: on ?? [], effect, when, because: because ?? null, span: this.from(first) };
  }

  /** `eventName`: `message.post`. */
  private eventName(): A.DottedName {
    const first = this.p;
    const head = this.expectIn(IDENT);
    this.expect(Dot);
    const rest = this.expectIn(NAME);
    return { kind: "DottedName", parts: [this.image(head), this.image(rest)], span: this.from(first) };
  }

  // ----- expressions --------------------------------------------------------------------------

  /** The span from the start of `left` to the end of `right`. */
  private binary(left: A.Node, right: A.Node): Span {
    return this.span(left.span.start, right.span.end);
  }

  /** `expression`: conjunctions separated by `or`, left-associative. */
  private expression(): A.Expr {
    let result = this.conjunction();
    while (this.accept(Kw.or)) {
      const right = this.conjunction();
      result = { kind: "BinaryExpr", op: "or", left: result, right, span: this.binary(result, right) };
    }
    return result;
  }

  private conjunction(): A.Expr {
    let result = this.negation();
    while (this.accept(Kw.and)) {
      const right = this.negation();
      result = { kind: "BinaryExpr", op: "and", left: result, right, span: this.binary(result, right) };
    }
    return result;
  }

  private negation(): A.Expr {
    if (this.peek() !== Kw.not) return this.comparison();
    const not = this.p++;
    const operand = this.negation();
    return { kind: "NotExpr", operand, span: this.span(this.startOf(not), operand.span.end) };
  }

  private comparison(): A.Expr {
    const left = this.sum();
    const t = this.peek();
    if (t !== undefined && COMPARE.has(t)) {
      const op = this.image(this.p++) as A.CompareOp;
      const right = this.sum();
      return { kind: "CompareExpr", op, left, right, span: this.binary(left, right) };
    }
    if (t !== Kw.not && t !== Kw.in) return left;
    const negated = this.accept(Kw.not);
    this.expect(Kw.in);
    const right = this.peek() === LBracket ? this.list() : this.intRange();
    return { kind: "InExpr", negated, left, right, span: this.binary(left, right) };
  }

  private sum(): A.Expr {
    let result = this.primary();
    for (let t = this.peek(); t === Plus || t === Minus; t = this.peek()) {
      const op = this.image(this.p++) as "+" | "-";
      const right = this.primary();
      result = { kind: "ArithExpr", op, left: result, right, span: this.binary(result, right) };
    }
    return result;
  }

  private primary(): A.Expr {
    const t = this.peek();
    const first = this.p;
    switch (t) {
      case Integer:
        // `primary` looks two tokens ahead: a number followed by a unit is a duration.
        if (UNITS.has(this.peek(1)!)) return this.duration();
        return this.int(this.p++);
      case StringLiteral:
        return this.string(this.p++);
      case Kw.true:
      case Kw.false:
        return { kind: "BoolLit", value: t === Kw.true, span: this.tokSpan(this.p++) };
      case DateTime:
        return this.dateTime();
      case LBracket:
        return this.list();
      case AsciiLParen: {
        this.p++;
        const inner = this.expression();
        this.expect(AsciiRParen);
        return { kind: "ParenExpr", inner, span: this.from(first) };
      }
      case Kw.if: {
        this.p++;
        const cond = this.expression();
        this.expect(Kw.then);
        const then = this.expression();
        this.expect(Kw.else);
        const otherwise = this.expression();
        return { kind: "IfExpr", cond, then, else: otherwise, span: this.from(first) };
      }
    }
    if (t === undefined || !IDENT.has(t)) throw GIVE_UP;
    // `pathExpr`: a `path`, and `within DURATION` for a window.
    const parts = [this.image(this.p++)];
    while (this.accept(Dot)) parts.push(this.image(this.expectIn(NAME)));
    const path: A.PathExpr = { kind: "PathExpr", parts: exact(parts), span: this.from(first) };
    if (!this.accept(Kw.within)) return path;
    const within = this.duration();
    return { kind: "WindowExpr", path, within, span: this.from(first) };
  }

  /** `list`: `[a, b, c]`. */
  private list(): A.ListExpr {
    const first = this.expect(LBracket);
    const items = [this.expression()];
    while (this.accept(AsciiComma)) items.push(this.expression());
    this.expect(RBracket);
    return { kind: "ListExpr", items: exact(items), span: this.from(first) };
  }
}
