/**
 * Concrete syntax tree → AST (src/ast/nodes.ts). Separate from the grammar, as in chevrotain's own
 * examples: the parser only recognises, this module builds.
 *
 * Lowering runs on the partial trees that error recovery leaves behind, so every accessor here
 * tolerates a missing child (and ignores the empty tokens chevrotain inserts while recovering):
 *
 * - a named container whose name is missing (a `tier`, `rule`, `measure`, the header's strings)
 *   is kept, with an empty name spanning nothing, so later stages still see its contents;
 * - a leaf that lacks a required part (an action without a target, a range without its end,
 *   a duration without a unit) is dropped;
 * - an expression keeps what it can (`a and` lowers to `a`).
 *
 * Lowering reports the problems the grammar cannot express: a clause given twice in one block
 * (QG008, the first one is kept) and a rule without `deny` or `allow` (QG009). It stays quiet about
 * blocks that contain a syntax error, whose clauses recovery may have scrambled.
 *
 * Spans are half-open `[start, end)` source ranges computed from the real tokens under each node.
 */
import type { CstElement, CstNode, IToken } from "chevrotain";
import type * as A from "../ast/nodes.js";
import { error, type Diagnostic } from "../source/diagnostic.js";
import type { Source, Span } from "../source/span.js";
import { CODE } from "./codes.js";
import { decodeString, integerValue, UnterminatedString } from "./tokens.js";

interface Range {
  start: number;
  end: number;
}

const isToken = (e: CstElement): e is IToken => (e as IToken).tokenType !== undefined;
const isReal = (t: IToken) => t.isInsertedInRecovery !== true && Number.isFinite(t.startOffset);

/** Names of the blocks and clauses, for QG008 messages. */
const CLAUSE_NAME: Record<string, string> = {
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

const CLAUSE_HELP: Record<string, string> = {
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

/** Lowers one parse; create one per file. */
class Lowerer {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly source: Source,
    /** Start offsets of the syntax errors, sorted. */
    private readonly errorOffsets: readonly number[],
  ) {}

  // ----- CST access ---------------------------------------------------------------------------

  /**
   * The token consumed `i`th under `key` (`CONSUME`, `CONSUME2`, … of one type), unless recovery
   * inserted it. Positional, so a missing first string does not make the second one first.
   */
  private tok(node: CstNode | undefined, key: string, i = 0): IToken | undefined {
    const e = node?.children[key]?.[i];
    return e !== undefined && isToken(e) && isReal(e) ? e : undefined;
  }

  private toks(node: CstNode | undefined, key: string): IToken[] {
    const els = node?.children[key];
    if (els === undefined) return [];
    return els.filter((e): e is IToken => isToken(e) && isReal(e));
  }

  /** The `i`th subrule node under `key`, unless recovery left it empty. Positional, like {@link tok}. */
  private sub(node: CstNode | undefined, key: string, i = 0): CstNode | undefined {
    const e = node?.children[key]?.[i];
    return e !== undefined && !isToken(e) && this.range(e) !== null ? e : undefined;
  }

  private subs(node: CstNode | undefined, key: string): CstNode[] {
    const els = node?.children[key];
    if (els === undefined) return [];
    return els.filter((e): e is CstNode => !isToken(e) && this.range(e) !== null);
  }

  /**
   * The offsets covered by a node's real tokens, or null if recovery left it empty. Chevrotain's
   * node locations skip the tokens it inserts while recovering (their offsets are NaN).
   */
  private range(node: CstNode): Range | null {
    const loc = node.location;
    if (loc === undefined || !Number.isFinite(loc.startOffset) || !Number.isFinite(loc.endOffset)) return null;
    return { start: loc.startOffset, end: loc.endOffset! + 1 };
  }

  private span(start: number, end: number): Span {
    return this.source.span(start, end);
  }

  private nodeSpan(node: CstNode): Span {
    const r = this.range(node) ?? { start: 0, end: 0 };
    return this.span(r.start, r.end);
  }

  private tokSpan(t: IToken): Span {
    return this.span(t.startOffset, t.startOffset + t.image.length);
  }

  /** A zero-width span just after a node, where a missing part would have been. */
  private after(node: CstNode): Span {
    const end = this.range(node)?.end ?? 0;
    return this.span(end, end);
  }

  private hasSyntaxError(node: CstNode): boolean {
    const r = this.range(node);
    if (r === null) return true;
    // Binary search for the first error at or after the block's start; the block has an error if
    // that one starts before the block ends (or if recovery rebuilt the block).
    let lo = 0;
    let hi = this.errorOffsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.errorOffsets[mid]! < r.start) lo = mid + 1;
      else hi = mid;
    }
    const next = this.errorOffsets[lo];
    return node.recoveredNode === true || (next !== undefined && next <= r.end);
  }

  // ----- leaves -------------------------------------------------------------------------------

  private ident(t: IToken | undefined): A.Ident | null {
    return t === undefined ? null : { kind: "Ident", name: t.image, span: this.tokSpan(t) };
  }

  private identOr(t: IToken | undefined, container: CstNode, key: string): A.Ident {
    return this.ident(t) ?? { kind: "Ident", name: "", span: this.afterToken(container, key) };
  }

  /** Zero-width span just after the token `key` of `node` (the keyword before a missing name). */
  private afterToken(node: CstNode, key: string): Span {
    const t = this.tok(node, key);
    if (t === undefined) return this.after(node);
    const end = t.startOffset + t.image.length;
    return this.span(end, end);
  }

  private idents(node: CstNode | undefined, key: string): A.Ident[] {
    return this.toks(node, key).map((t) => this.ident(t)!);
  }

  private string(t: IToken | undefined): A.StringLit | null {
    if (t === undefined) return null;
    const { value } = decodeString(t.image, t.tokenType !== UnterminatedString);
    return { kind: "StringLit", value, span: this.tokSpan(t) };
  }

  private int(t: IToken | undefined): A.IntLit | null {
    return t === undefined ? null : { kind: "IntLit", value: integerValue(t.image), span: this.tokSpan(t) };
  }

  private duration(node: CstNode | undefined): A.Duration | null {
    if (node === undefined) return null;
    const amount = this.tok(node, "Integer");
    const unitNode = this.sub(node, "unit");
    const unitTok = Object.values(unitNode?.children ?? {})
      .flat()
      .find((e): e is IToken => isToken(e) && isReal(e));
    if (amount === undefined || unitTok === undefined) return null;
    const unit = unitTok.image.replace(/s$/, "") as A.DurationUnit;
    return { kind: "Duration", amount: integerValue(amount.image), unit, span: this.nodeSpan(node) };
  }

  private intRange(node: CstNode | undefined): A.IntRange | null {
    const from = this.int(this.tok(node, "Integer", 0));
    const to = this.int(this.tok(node, "Integer", 1));
    if (node === undefined || from === null || to === null) return null;
    return { kind: "IntRange", from, to, span: this.nodeSpan(node) };
  }

  private serves(node: CstNode | undefined): A.Serves | null {
    if (node === undefined) return null;
    const reqs: A.ReqRef[] = this.toks(node, "ReqId").map((t) => ({ kind: "ReqRef", id: t.image, span: this.tokSpan(t) }));
    return { kind: "Serves", reqs, span: this.nodeSpan(node) };
  }

  private zone(node: CstNode | undefined): A.Zone | null {
    if (node === undefined) return null;
    const offset = this.tok(node, "Offset");
    if (offset !== undefined) return { kind: "Zone", name: offset.image, span: this.tokSpan(offset) };
    const nameNode = this.sub(node, "zoneName");
    if (nameNode === undefined) return null;
    const parts = [...this.toks(nameNode, "Ident"), ...this.toks(nameNode, "Name")];
    if (parts.length === 0) return null;
    return { kind: "Zone", name: parts.map((t) => t.image).join("/"), span: this.nodeSpan(nameNode) };
  }

  private dateTime(node: CstNode | undefined): A.DateTimeLit | null {
    if (node === undefined) return null;
    const dt = this.tok(node, "DateTime");
    const zone = this.zone(this.sub(node, "zone"));
    if (dt === undefined || zone === null) return null;
    return { kind: "DateTimeLit", text: dt.image, zone, span: this.nodeSpan(node) };
  }

  private services(node: CstNode | undefined): A.ServiceList {
    return this.idents(node, "Ident");
  }

  // ----- clauses ------------------------------------------------------------------------------

  /**
   * The first of the clauses `nodes` (by default the `key` children of `block`); any later one is
   * reported (QG008) unless the block has a syntax error. `where` names the block in the message,
   * `name` the clause (see CLAUSE_NAME).
   */
  private single(block: CstNode, key: string, where: string, nodes = this.subs(block, key), name = key): CstNode | undefined {
    const [first, ...rest] = nodes;
    if (first !== undefined && rest.length > 0 && !this.hasSyntaxError(block)) {
      for (const dup of rest) {
        const extra: Parameters<typeof error>[3] = {
          labels: [{ span: this.nodeSpan(first), message: "first given here" }],
          help: CLAUSE_HELP[name] ?? `keep one ${CLAUSE_NAME[name] ?? "clause"}`,
        };
        this.diagnostics.push(
          error(CODE.repeatedClause, this.nodeSpan(dup), `${CLAUSE_NAME[name] ?? name} is given twice in ${where}`, extra),
        );
      }
    }
    return first;
  }

  // ----- the file -----------------------------------------------------------------------------

  file(cst: CstNode, comments: A.Comment[]): A.PolicyFile {
    const headerNode = this.sub(cst, "header");
    const header = headerNode === undefined ? null : this.header(headerNode);
    const items: A.TopItem[] = [];
    for (const item of this.subs(cst, "item")) {
      const lowered = this.item(item);
      if (lowered !== null) items.push(lowered);
    }
    return { kind: "PolicyFile", header, items, comments, span: this.span(0, this.source.text.length) };
  }

  private item(node: CstNode): A.TopItem | null {
    const amendment = this.sub(node, "amendment");
    if (amendment !== undefined) return this.amendment(amendment);
    return this.declaration(node);
  }

  /** A section, rule or measure (the items an amendment can hold too). */
  private declaration(node: CstNode): A.Section | A.RuleDecl | A.MeasureDecl | null {
    const section = this.sub(node, "section");
    if (section !== undefined) return this.section(section);
    const rule = this.sub(node, "rule");
    if (rule !== undefined) return this.rule(rule);
    const measure = this.sub(node, "measure");
    if (measure !== undefined) return this.measure(measure);
    return null;
  }

  private header(node: CstNode): A.PolicyHeader | null {
    if (this.tok(node, "Policy") === undefined) return null;
    const where = "the `policy` header";
    const items = this.subs(node, "headerItem");
    const pick = (key: string) =>
      this.single(
        node,
        key,
        where,
        items.flatMap((i) => this.subs(i, key)),
      );
    const titleNode = pick("title");
    const toleranceNode = pick("tolerance");
    const nameTok = this.tok(node, "Str", 0);
    const versionTok = this.tok(node, "Str", 1);
    const missing = (after: string): A.StringLit => ({ kind: "StringLit", value: "", span: this.afterToken(node, after) });
    return {
      kind: "PolicyHeader",
      name: this.string(nameTok) ?? missing("Policy"),
      version: this.string(versionTok) ?? missing("Version"),
      title: this.string(this.tok(titleNode, "Str")),
      effective: this.dateTime(this.sub(pick("effective"), "dateTime")),
      tolerance: this.duration(this.sub(toleranceNode, "duration")),
      serves: this.serves(pick("serves")),
      span: this.nodeSpan(node),
    };
  }

  private amendment(node: CstNode): A.Amendment {
    const where = "the `amendment` block";
    const entries = this.subs(node, "amendmentItem");
    const pick = (key: string) => this.single(node, key, where, entries.flatMap((i) => this.subs(i, key)));
    const items: (A.Section | A.RuleDecl | A.MeasureDecl)[] = [];
    const removals: A.Removal[] = [];
    for (const entry of entries) {
      const removal = this.sub(entry, "removal");
      if (removal !== undefined) {
        const r = this.removal(removal);
        if (r !== null) removals.push(r);
        continue;
      }
      const d = this.declaration(entry);
      if (d !== null) items.push(d);
    }
    return {
      kind: "Amendment",
      version: this.string(this.tok(node, "Str")) ?? { kind: "StringLit", value: "", span: this.afterToken(node, "Amendment") },
      effective: this.dateTime(this.sub(pick("effective"), "dateTime")),
      serves: this.serves(pick("serves")),
      items,
      removals,
      span: this.nodeSpan(node),
    };
  }

  private removal(node: CstNode): A.Removal | null {
    const name = this.ident(this.tok(node, "Ident"));
    const what = this.tok(node, "Rule") !== undefined ? "rule" : this.tok(node, "Measure") !== undefined ? "measure" : null;
    if (name === null || what === null) return null;
    return { kind: "Removal", what, name, span: this.nodeSpan(node) };
  }

  // ----- sections -----------------------------------------------------------------------------

  private section(node: CstNode): A.Section | null {
    const [key, body] = Object.entries(node.children)[0] ?? [];
    const block = body?.[0];
    if (key === undefined || block === undefined || isToken(block) || this.range(block) === null) return null;
    const where = `the \`${key}\` block`;
    const one = (k: string) => this.single(block, k, where);
    const serves = this.serves(one("serves"));
    const span = this.nodeSpan(block);
    switch (key) {
      case "agreement":
        return {
          kind: "AgreementSection",
          serves,
          currentVersion: this.string(this.tok(one("currentVersion"), "Str")),
          requiredFor: this.services(this.sub(one("requiredFor"), "services")),
          reaccept: one("reaccept") !== undefined,
          span,
        };
      case "identity":
        return {
          kind: "IdentitySection",
          serves,
          requiredFor: this.services(this.sub(one("verifiedRequired"), "services")),
          span,
        };
      case "credit":
        return {
          kind: "CreditSection",
          serves,
          levels: this.idents(one("levels"), "Ident"),
          default: this.ident(this.tok(one("defaultLevel"), "Ident")),
          span,
        };
      case "categories":
        return {
          kind: "CategoriesSection",
          serves,
          categories: this.subs(block, "categoryDecl").flatMap((c) => {
            const name = this.ident(this.tok(c, "Ident"));
            if (name === null) return [];
            const decl: A.CategoryDecl = {
              kind: "CategoryDecl",
              name,
              label: this.string(this.tok(c, "Str")),
              span: this.nodeSpan(c),
            };
            return [decl];
          }),
          span,
        };
      case "tiers":
        return {
          kind: "TiersSection",
          serves,
          tiers: this.subs(block, "tier").map((t) => this.tier(t)),
          overrides: this.subs(block, "tierOverride").map((o) => ({
            kind: "TierOverride",
            categories: this.idents(o, "Ident"),
            tiers: this.subs(o, "tier").map((t) => this.tier(t)),
            span: this.nodeSpan(o),
          })),
          span,
        };
      case "limits": {
        const info = one("infoPage");
        const infoFrom = this.int(this.tok(info, "Integer"));
        return {
          kind: "LimitsSection",
          serves,
          membersPerGroup: this.int(this.tok(one("membersPerGroup"), "Integer")),
          groupsCreated: this.stepped(this.sub(one("groupsCreated"), "stepped")),
          groupsJoined: this.stepped(this.sub(one("groupsJoined"), "stepped")),
          infoPage:
            info === undefined || infoFrom === null
              ? null
              : { kind: "InfoPageLimit", from: infoFrom, enforced: this.tok(info, "Enforced") !== undefined, span: this.nodeSpan(info) },
          span,
        };
      }
      case "prohibited":
        return {
          kind: "ProhibitedSection",
          serves,
          severities: this.idents(one("severities"), "Ident"),
          categories: this.subs(block, "contentCategory").flatMap((c) => {
            const name = this.ident(this.tok(c, "Ident", 0));
            const severity = this.ident(this.tok(c, "Ident", 1));
            if (name === null || severity === null) return [];
            const decl: A.ContentCategoryDecl = {
              kind: "ContentCategoryDecl",
              name,
              severity,
              label: this.string(this.tok(c, "Str")),
              span: this.nodeSpan(c),
            };
            return [decl];
          }),
          span,
        };
      case "responsibility":
        return {
          kind: "ResponsibilitySection",
          serves,
          window: this.duration(this.sub(one("handleFlags"), "duration")),
          otherwise: this.actions(this.sub(one("otherwise"), "actions")),
          span,
        };
      case "complaints":
        return {
          kind: "ComplaintsSection",
          serves,
          resolveWithin: this.duration(this.sub(one("resolveWithin"), "duration")),
          otherwise: this.actions(this.sub(one("otherwise"), "actions")),
          span,
        };
      case "retention":
        return { kind: "RetentionSection", serves, keepLogs: this.duration(this.sub(one("keepLogs"), "duration")), span };
      case "management":
        return { kind: "ManagementSection", serves, muteFor: this.duration(this.sub(one("muteFor"), "duration")), span };
      case "blacklist": {
        const restricts = this.subs(block, "restrict");
        const of = (kind: "Users" | "Groups") =>
          this.single(
            block,
            "restrict",
            where,
            restricts.filter((r) => this.tok(r, kind) !== undefined),
            kind === "Users" ? "restrictUsers" : "restrictGroups",
          );
        return {
          kind: "BlacklistSection",
          serves,
          users: this.services(this.sub(of("Users"), "services")),
          groups: this.services(this.sub(of("Groups"), "services")),
          span,
        };
      }
    }
    return null;
  }

  private tier(node: CstNode): A.TierDecl {
    const where = "the `tier` block";
    const one = (k: string) => this.single(node, k, where);
    const creator = one("creatorRequires");
    const qualifications = this.subs(creator, "qualification").flatMap((q): A.Qualification[] => {
      const verified = this.tok(q, "Verified");
      if (verified !== undefined) return [{ kind: "VerifiedQual", span: this.tokSpan(verified) }];
      const atLeast = this.sub(q, "creditAtLeast");
      const level = this.ident(this.tok(atLeast, "Ident"));
      if (atLeast === undefined || level === null) return [];
      return [{ kind: "CreditQual", level, span: this.nodeSpan(atLeast) }];
    });
    return {
      kind: "TierDecl",
      name: this.identOr(this.tok(node, "Ident"), node, "Tier"),
      members: this.intRange(this.sub(one("memberBand"), "intRange")),
      activityFrom: this.int(this.tok(one("activityThreshold"), "Integer")),
      creatorRequires: qualifications,
      joinApproval: one("joinApproval") !== undefined,
      span: this.nodeSpan(node),
    };
  }

  private stepped(node: CstNode | undefined): A.CreditStepped | null {
    const base = this.int(this.tok(node, "Integer"));
    if (node === undefined || base === null) return null;
    const steps = this.subs(node, "creditStep").flatMap((s): A.CreditStep[] => {
      const value = this.int(this.tok(s, "Integer"));
      const atLeast = this.ident(this.tok(this.sub(s, "creditAtLeast"), "Ident"));
      if (value === null || atLeast === null) return [];
      return [{ kind: "CreditStep", value, atLeast, span: this.nodeSpan(s) }];
    });
    return { kind: "CreditStepped", base, steps, span: this.nodeSpan(node) };
  }

  // ----- measures and actions -----------------------------------------------------------------

  private measure(node: CstNode): A.MeasureDecl {
    const where = "the `measure` block";
    const one = (k: string) => this.single(node, k, where);
    const triggerNode = one("trigger");
    return {
      kind: "MeasureDecl",
      name: this.identOr(this.tok(node, "Ident"), node, "Measure"),
      serves: this.serves(one("serves")),
      trigger: triggerNode === undefined ? null : this.trigger(triggerNode),
      actions: this.actions(this.sub(one("measureActions"), "actions")),
      span: this.nodeSpan(node),
    };
  }

  /** `on flag …` lowers to `count: null` (one flag, as written); `on N flags …` to `count: N`. */
  private trigger(node: CstNode): A.Trigger {
    const within = this.tok(node, "Within") === undefined ? null : this.duration(this.sub(node, "duration"));
    const scope = this.tok(node, "Group") !== undefined ? "group" : this.tok(node, "User") !== undefined ? "user" : null;
    return {
      kind: "Trigger",
      count: this.int(this.tok(node, "Integer")),
      severityOp: this.tok(node, "GtEq") !== undefined ? ">=" : "==",
      severity: this.ident(this.tok(node, "Ident")),
      categories: this.idents(this.sub(node, "flagCategories"), "Ident"),
      scope,
      within,
      span: this.nodeSpan(node),
    };
  }

  private actions(node: CstNode | undefined): A.Action[] {
    return this.subs(node, "action").flatMap((a) => {
      const lowered = this.action(a);
      return lowered === null ? [] : [lowered];
    });
  }

  private target(node: CstNode | undefined): A.Target | null {
    const t = this.tok(node, "Ident");
    return t === undefined ? null : { kind: "Target", name: t.image, span: this.tokSpan(t) };
  }

  private action(node: CstNode): A.Action | null {
    const record = this.tok(node, "Record");
    if (record !== undefined) return { kind: "RecordAction", span: this.tokSpan(record) };
    const escalate = this.tok(node, "Escalate");
    if (escalate !== undefined) return { kind: "EscalateAction", span: this.tokSpan(escalate) };
    const [key, els] = Object.entries(node.children)[0] ?? [];
    const a = els?.[0];
    if (key === undefined || a === undefined || isToken(a) || this.range(a) === null) return null;
    const span = this.nodeSpan(a);
    const target = this.target(this.sub(a, "target"));
    const duration = this.duration(this.sub(a, "duration"));
    switch (key) {
      case "warn": {
        if (target === null) return null;
        return {
          kind: "WarnAction",
          target,
          rectifyWithin: this.tok(a, "Rectify") === undefined ? null : duration,
          otherwise: this.actions(this.sub(a, "actions")),
          span,
        };
      }
      case "suspendPosting":
        return target === null || duration === null ? null : { kind: "SuspendPostingAction", target, duration, span };
      case "suspendManagement":
        return target === null || duration === null ? null : { kind: "SuspendManagementAction", target, duration, span };
      case "close":
        return target === null ? null : { kind: "CloseGroupAction", target, span };
      case "blacklistTarget":
        return target === null ? null : { kind: "BlacklistAction", target, duration, span };
      case "lowerCredit": {
        const by = this.int(this.tok(a, "Integer"));
        return target === null || by === null ? null : { kind: "LowerCreditAction", target, by, span };
      }
      case "cancelCreation":
        return target === null ? null : { kind: "CancelCreationAction", target, span };
      case "report": {
        const to = this.ident(this.tok(a, "Ident"));
        return to === null ? null : { kind: "ReportAction", to, span };
      }
    }
    return null;
  }

  // ----- rules --------------------------------------------------------------------------------

  private rule(node: CstNode): A.RuleDecl {
    const where = "the `rule` block";
    const one = (k: string) => this.single(node, k, where);
    const name = this.identOr(this.tok(node, "Ident"), node, "Rule");
    const effectNode = one("effect");
    if (effectNode === undefined && !this.hasSyntaxError(node)) {
      this.diagnostics.push(
        error(CODE.missingEffect, name.name === "" ? this.nodeSpan(node) : name.span, `rule \`${name.name}\` has no \`deny\` or \`allow\``, {
          help: "add `deny when CONDITION` or `allow when CONDITION` (or a bare `deny` / `allow`)",
        }),
      );
    }
    const on = this.subs(one("ruleOn"), "eventName").flatMap((e): A.DottedName[] => {
      const head = this.tok(e, "Ident");
      const rest = this.tok(e, "Name");
      if (head === undefined || rest === undefined) return [];
      return [{ kind: "DottedName", parts: [head.image, rest.image], span: this.nodeSpan(e) }];
    });
    const when = effectNode === undefined ? null : this.expression(this.sub(effectNode, "expression"));
    return {
      kind: "RuleDecl",
      name,
      serves: this.serves(one("serves")),
      on,
      effect: effectNode !== undefined && this.tok(effectNode, "Allow") !== undefined ? "allow" : "deny",
      when,
      because: this.string(this.tok(one("because"), "Str")),
      span: this.nodeSpan(node),
    };
  }

  // ----- expressions --------------------------------------------------------------------------

  private binary(left: A.Node, right: A.Node): Span {
    return this.span(left.span.start.offset, right.span.end.offset);
  }

  private expression(node: CstNode | undefined): A.Expr | null {
    return this.chain(node, "conjunction", (n) => this.conjunction(n), "or");
  }

  private conjunction(node: CstNode): A.Expr | null {
    return this.chain(node, "negation", (n) => this.negation(n), "and");
  }

  /** `a op b op c`, left-associative; missing operands are skipped. */
  private chain(
    node: CstNode | undefined,
    key: string,
    operand: (n: CstNode) => A.Expr | null,
    op: "and" | "or",
  ): A.Expr | null {
    let result: A.Expr | null = null;
    for (const n of this.subs(node, key)) {
      const right = operand(n);
      if (right === null) continue;
      result = result === null ? right : { kind: "BinaryExpr", op, left: result, right, span: this.binary(result, right) };
    }
    return result;
  }

  private negation(node: CstNode): A.Expr | null {
    const not = this.tok(node, "Not");
    if (not !== undefined) {
      const inner = this.sub(node, "negation");
      const operand = inner === undefined ? null : this.negation(inner);
      if (operand === null) return null;
      return { kind: "NotExpr", operand, span: this.span(not.startOffset, operand.span.end.offset) };
    }
    const comparison = this.sub(node, "comparison");
    return comparison === undefined ? null : this.comparison(comparison);
  }

  private comparison(node: CstNode): A.Expr | null {
    const left = this.sum(this.sub(node, "sum", 0));
    if (left === null) return null;
    const op = this.tok(node, "CompareOp");
    if (op !== undefined) {
      const right = this.sum(this.sub(node, "sum", 1));
      if (right === null) return left;
      // A lone `=` (reported by the lexer) means `==`.
      const image = op.image === "=" ? "==" : (op.image as A.CompareOp);
      return { kind: "CompareExpr", op: image, left, right, span: this.binary(left, right) };
    }
    if (this.tok(node, "In") !== undefined) {
      const listNode = this.sub(node, "list");
      const right = listNode !== undefined ? this.list(listNode) : this.intRange(this.sub(node, "intRange"));
      if (right === null) return left;
      return { kind: "InExpr", negated: this.tok(node, "Not") !== undefined, left, right, span: this.binary(left, right) };
    }
    return left;
  }

  private sum(node: CstNode | undefined): A.Expr | null {
    const ops = this.toks(node, "AddOp");
    const operands = node?.children.primary ?? [];
    let result: A.Expr | null = null;
    operands.forEach((p, i) => {
      if (isToken(p) || this.range(p) === null) return;
      const right = this.primary(p);
      if (right === null) return;
      const op = ops[i - 1];
      if (result === null || op === undefined) {
        result ??= right;
        return;
      }
      result = { kind: "ArithExpr", op: op.image as "+" | "-", left: result, right, span: this.binary(result, right) };
    });
    return result;
  }

  private primary(node: CstNode): A.Expr | null {
    const duration = this.sub(node, "duration");
    if (duration !== undefined) return this.duration(duration);
    const int = this.tok(node, "Integer");
    if (int !== undefined) return this.int(int);
    const str = this.tok(node, "Str");
    if (str !== undefined) return this.string(str);
    const t = this.tok(node, "True") ?? this.tok(node, "False");
    if (t !== undefined) return { kind: "BoolLit", value: t.image === "true", span: this.tokSpan(t) };
    const dateTime = this.sub(node, "dateTime");
    if (dateTime !== undefined) return this.dateTime(dateTime);
    const pathExpr = this.sub(node, "pathExpr");
    if (pathExpr !== undefined) return this.pathExpr(pathExpr);
    const list = this.sub(node, "list");
    if (list !== undefined) return this.list(list);
    const paren = this.sub(node, "parenthesized");
    if (paren !== undefined) {
      const inner = this.expression(this.sub(paren, "expression"));
      return inner === null ? null : { kind: "ParenExpr", inner, span: this.nodeSpan(paren) };
    }
    const cond = this.sub(node, "conditional");
    if (cond !== undefined) {
      const [c, th, el] = [0, 1, 2].map((i) => this.expression(this.sub(cond, "expression", i)));
      if (c == null || th == null || el == null) return null;
      return { kind: "IfExpr", cond: c, then: th, else: el, span: this.nodeSpan(cond) };
    }
    return null;
  }

  private pathExpr(node: CstNode): A.PathExpr | A.WindowExpr | null {
    const pathNode = this.sub(node, "path");
    const head = this.tok(pathNode, "Ident");
    if (pathNode === undefined || head === undefined) return null;
    const parts = [head.image, ...this.toks(pathNode, "Name").map((t) => t.image)];
    const path: A.PathExpr = { kind: "PathExpr", parts, span: this.nodeSpan(pathNode) };
    const within = this.duration(this.sub(node, "duration"));
    if (this.tok(node, "Within") === undefined || within === null) return path;
    return { kind: "WindowExpr", path, within, span: this.nodeSpan(node) };
  }

  private list(node: CstNode): A.ListExpr {
    const items = this.subs(node, "expression").flatMap((e) => {
      const x = this.expression(e);
      return x === null ? [] : [x];
    });
    return { kind: "ListExpr", items, span: this.nodeSpan(node) };
  }
}

/**
 * Lowers the CST of a whole file. `errorOffsets` are the start offsets of the syntax errors
 * already reported, so that lowering does not pile its own diagnostics on a block recovery
 * scrambled.
 */
export function lower(
  cst: CstNode,
  source: Source,
  comments: A.Comment[],
  errorOffsets: readonly number[] = [],
): { ast: A.PolicyFile; diagnostics: Diagnostic[] } {
  const l = new Lowerer(source, [...errorOffsets].sort((a, b) => a - b));
  const ast = l.file(cst, comments);
  return { ast, diagnostics: l.diagnostics };
}
