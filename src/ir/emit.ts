/**
 * Emit: checked AST → IR. Resolves amendments into complete versions (each event is later judged
 * by one self-contained version), converts sections to IR data, lowers every allow/deny into rules
 * (./lower.ts), and keeps source spans in a side table keyed by node id.
 *
 * The emitter trusts the checker for names and types, but never throws on a policy the checker let
 * through with requirement errors (verify compiles such policies leniently to show what goes wrong
 * at run time): missing pieces get neutral defaults and the emitted IR is still schema-valid.
 */
import { sha256Hex } from "../source/digest.js";
import { assertNever } from "../source/exhaustive.js";
import type * as A from "../ast/nodes.js";
import { mergeSection } from "../ast/merge.js";
import type { Span } from "../source/span.js";
import { fixedDurationMs, formatInstant, zonedInstant } from "../source/time.js";
import { articleOf, REGULATION_EFFECTIVE_MS } from "../law/articles.js";
import { isEnumLiteral } from "../check/index.js";
import { canonicalPath, PATHS, ROOTS, type ValueType } from "../vocab/paths.js";
import type { DecidedEvent, Service } from "../vocab/events.js";
import { integrityGuards } from "./guards.js";
import { lowerRules, reachableMeasures, type ReachableMeasures, type VersionSections } from "./lower.js";
import { template } from "./build.js";
import {
  IR_VERSION,
  type ActionIR,
  type Cite,
  type DurationIR,
  type ExprIR,
  type MeasureIR,
  type PolicyIR,
  type RuleIR,
  type SpanIR,
  type SteppedIR,
  type TargetName,
  type TierIR,
  type TierTableIR,
  type TriggerIR,
  type VersionIR,
} from "./types.js";

/** Types of expressions as the checker inferred them (enumeration literals need theirs). */
export type ExprTypes = ReadonlyMap<A.Expr, ValueType>;

export interface EmitOptions {
  /** The source text, hashed into `source.sha256`. */
  text?: string;
}

type SectionKind = A.Section["kind"];

/** One version's declarations before conversion: the last section of each kind, rules and measures by name. */
interface VersionDecls {
  version: string;
  effective: A.DateTimeLit | null;
  serves: A.Serves | null;
  spanNode: A.Node;
  sections: Map<SectionKind, A.Section>;
  rules: Map<string, A.RuleDecl>;
  measures: Map<string, A.MeasureDecl>;
}

class Emitter {
  private next = 1;
  readonly spans: Record<string, SpanIR> = {};
  /**
   * Spans of clauses inside a section, keyed `<section id>#<clause>` (e.g. `n40#members-per-group`):
   * not IR nodes, so they are never emitted, but the rules lowered from a clause take its span, and
   * their source links point at the clause's own line rather than the section's first.
   */
  private readonly clauseSpans: Record<string, SpanIR> = {};

  constructor(private readonly types: ExprTypes) {}

  /** Records where a clause of section `sectionId` is written (see `clauseSpans`). */
  private clause(sectionId: string, clause: string, node: { span: Span } | null): void {
    if (node) this.clauseSpans[`${sectionId}#${clause}`] = compactSpan(node.span);
  }

  id(node: { span: Span } | null): string {
    const id = `n${this.next++}`;
    if (node) this.spans[id] = compactSpan(node.span);
    return id;
  }

  /** A fresh id sharing the span of an existing id (for rules lowered from a section). */
  idFrom(spanFrom: string | null): string {
    const id = `n${this.next++}`;
    // A clause key falls back to its section's span when the clause has none.
    const span = spanFrom ? (this.spans[spanFrom] ?? this.clauseSpans[spanFrom] ?? this.spans[spanFrom.split("#")[0]!]) : undefined;
    if (span) this.spans[id] = span;
    return id;
  }

  /**
   * A section's id, with the spans of the clauses its rules are lowered from (`clauseSpans`): the
   * id is taken first, so ids are numbered exactly as without the clauses.
   */
  private withClauses(section: { span: Span }, clauses: [clause: string, node: { span: Span } | null][]): string {
    const id = this.id(section);
    for (const [clause, node] of clauses) this.clause(id, clause, node);
    return id;
  }

  /** Clauses per service of a `required for` / `restrict` list: each rule links to its own service. */
  private static serviceClauses(prefix: string, list: A.ServiceList): [string, { span: Span }][] {
    return list.map((s) => [`${prefix}${s.name}`, s]);
  }

  /** The limits section's id, with the spans of its clauses for the rules lowered from each. */
  private limitsId(limits: A.LimitsSection): string {
    const id = this.id(limits);
    this.clause(id, "members-per-group", limits.membersPerGroup);
    this.clause(id, "groups-created", limits.groupsCreated);
    this.clause(id, "groups-joined", limits.groupsJoined);
    this.clause(id, "info-page", limits.infoPage);
    return id;
  }

  cites(serves: A.Serves | null): Cite[] {
    return (serves?.reqs ?? []).map((r) => ({ article: articleOf(r.id) ?? 0, req: r.id }));
  }

  expr(e: A.Expr): ExprIR {
    const id = this.id(e);
    switch (e.kind) {
      case "BinaryExpr": {
        const left = this.expr(e.left);
        const right = this.expr(e.right);
        const args: ExprIR[] = [];
        for (const a of [left, right]) {
          if (a.kind === e.op && a.id === undefined) args.push(...a.args);
          else args.push(a);
        }
        return e.op === "and" ? { kind: "and", id, args } : { kind: "or", id, args };
      }
      case "NotExpr":
        return { kind: "not", id, arg: this.expr(e.operand) };
      case "CompareExpr":
        return { kind: "cmp", id, op: e.op, left: this.expr(e.left), right: this.expr(e.right) };
      case "InExpr":
        if (e.right.kind === "IntRange") {
          return { kind: "between", id, negated: e.negated, left: this.expr(e.left), from: e.right.from.value, to: e.right.to.value };
        }
        return { kind: "in", id, negated: e.negated, left: this.expr(e.left), items: e.right.items.map((i) => this.expr(i)) };
      case "IfExpr":
        return { kind: "if", id, type: this.typeOf(e), cond: this.expr(e.cond), then: this.expr(e.then), else: this.expr(e.else) };
      case "ArithExpr":
        return { kind: "arith", id, type: this.typeOf(e), op: e.op, left: this.expr(e.left), right: this.expr(e.right) };
      case "PathExpr": {
        const name = e.parts.join(".");
        // `creator` is both a path root and a role: the checker's typing tells which one is meant.
        const literal: boolean = isEnumLiteral(e, this.types);
        if (literal || (e.parts.length === 1 && !(ROOTS as readonly string[]).includes(e.parts[0]!))) {
          const type = this.typeOf(e);
          if (type === "level" || type === "category" || type === "tier" || type === "severity" || type === "role" || type === "action") {
            return { kind: "lit", id, type, value: name };
          }
          return { kind: "lit", id, type: "string", value: name };
        }
        const canonical = canonicalPath(name);
        return { kind: "path", id, path: canonical, type: PATHS[canonical]?.type ?? this.typeOf(e) };
      }
      case "WindowExpr":
        return { kind: "window", id, path: canonicalPath(e.path.parts.join(".")), within: duration(e.within) };
      case "IntLit":
        return { kind: "lit", id, type: "count", value: e.value };
      case "Duration":
        return { kind: "duration", id, amount: e.amount, unit: e.unit };
      case "StringLit":
        return { kind: "lit", id, type: "string", value: e.value };
      case "BoolLit":
        return { kind: "lit", id, type: "bool", value: e.value };
      case "DateTimeLit":
        return { kind: "time", id, value: instantText(e) };
      case "ListExpr":
        // Lists only appear on the right of `in`; elsewhere the checker reports them.
        return { kind: "lit", id, type: "bool", value: false };
      case "ParenExpr": {
        const inner = this.expr(e.inner);
        return inner;
      }
    }
  }

  private typeOf(e: A.Expr): ValueType {
    return this.types.get(e) ?? "string";
  }

  rule(r: A.RuleDecl): RuleIR {
    return {
      kind: "rule",
      id: this.id(r),
      name: r.name.name,
      origin: "policy",
      section: null,
      on: r.on.map((d) => d.parts.join(".") as DecidedEvent),
      effect: r.effect,
      when: r.when ? this.expr(r.when) : { kind: "lit", type: "bool", value: true },
      because: template(r.because?.value ?? `${r.effect === "deny" ? "denied" : "allowed"} by rule ${r.name.name}`),
      cites: this.cites(r.serves),
    };
  }

  measure(m: A.MeasureDecl): MeasureIR {
    const t = m.trigger;
    const trigger: TriggerIR = {
      count: t?.count?.value ?? 1,
      severityOp: t?.severityOp ?? "==",
      severity: t?.severity?.name ?? null,
      categories: t?.categories.map((c) => c.name) ?? [],
      scope: t?.scope ?? "group",
      within: t?.within ? duration(t.within) : null,
    };
    return { kind: "measure", id: this.id(m), name: m.name.name, cites: this.cites(m.serves), trigger, actions: m.actions.map(action) };
  }

  tierTable(tiers: A.TierDecl[], categories: string[] | null, serves: A.Serves | null, node: A.Node): TierTableIR {
    const irTiers: TierIR[] = tiers.map((t) => ({
      kind: "tier",
      // The create and grow rules check the creator qualification: they link to its clause.
      id: this.withClauses(t, [["creator", t.creatorRequires[0] ?? null]]),
      name: t.name.name,
      minMembers: t.members?.from.value ?? 1,
      maxMembers: t.members?.to.value ?? 1,
      activityFrom: t.activityFrom?.value ?? null,
      creator: {
        verified: t.creatorRequires.some((q) => q.kind === "VerifiedQual"),
        minCredit: t.creatorRequires.find((q): q is A.CreditQual => q.kind === "CreditQual")?.level.name ?? null,
      },
      joinApproval: t.joinApproval,
    }));
    irTiers.sort((a, b) => a.minMembers - b.minMembers);
    return { kind: "tierTable", id: this.id(node), cites: this.cites(serves), categories, tiers: irTiers };
  }

  sections(d: VersionDecls): VersionSections {
    const get = <K extends SectionKind>(k: K) => d.sections.get(k) as Extract<A.Section, { kind: K }> | undefined;
    const agreement = get("AgreementSection");
    const identity = get("IdentitySection");
    const credit = get("CreditSection");
    const categories = get("CategoriesSection");
    const tiers = get("TiersSection");
    const limits = get("LimitsSection");
    const prohibited = get("ProhibitedSection");
    const responsibility = get("ResponsibilitySection");
    const complaints = get("ComplaintsSection");
    const retention = get("RetentionSection");
    const management = get("ManagementSection");
    const blacklist = get("BlacklistSection");
    const zone = d.effective?.zone.name ?? "+08:00";
    const levels = credit?.levels.map((l) => l.name) ?? ["default"];
    return {
      kind: "version",
      id: this.id(d.spanNode),
      version: d.version,
      effective: d.effective ? instantText(d.effective) : formatInstant(REGULATION_EFFECTIVE_MS, "+08:00"),
      zone,
      toleranceMs: 0,
      cites: this.cites(d.serves),
      agreement: agreement
        ? {
            kind: "agreement",
            id: this.withClauses(agreement, Emitter.serviceClauses("", agreement.requiredFor)),
            cites: this.cites(agreement.serves),
            currentVersion: agreement.currentVersion?.value ?? null,
            requiredFor: services(agreement.requiredFor),
            reaccept: agreement.reaccept,
          }
        : null,
      identity: identity ? { kind: "identity", id: this.withClauses(identity, Emitter.serviceClauses("", identity.requiredFor)), cites: this.cites(identity.serves), requiredFor: services(identity.requiredFor) } : null,
      credit: {
        kind: "credit",
        id: this.id(credit ?? d.spanNode),
        cites: this.cites(credit?.serves ?? null),
        levels,
        default: credit?.default?.name ?? levels[0]!,
      },
      categories: (categories?.categories ?? []).map((c) => ({ kind: "category", id: this.id(c), name: c.name.name, label: c.label?.value ?? null })),
      tiers: tiers
        ? [
            ...(tiers.tiers.length ? [this.tierTable(tiers.tiers, null, tiers.serves, tiers)] : []),
            ...tiers.overrides.map((o) => this.tierTable(o.tiers, o.categories.map((c) => c.name), tiers.serves, o)),
          ]
        : [],
      limits: {
        kind: "limits",
        id: limits ? this.limitsId(limits) : null,
        cites: this.cites(limits?.serves ?? null),
        membersPerGroup: limits?.membersPerGroup?.value ?? null,
        groupsCreated: limits?.groupsCreated ? stepped(limits.groupsCreated, levels) : null,
        groupsJoined: limits?.groupsJoined ? stepped(limits.groupsJoined, levels) : null,
        infoPage: limits?.infoPage ? { from: limits.infoPage.from.value, enforced: limits.infoPage.enforced } : null,
      },
      prohibited: {
        kind: "prohibited",
        id: prohibited ? this.id(prohibited) : null,
        cites: this.cites(prohibited?.serves ?? null),
        severities: prohibited?.severities.map((s) => s.name) ?? ["minor", "serious"],
        categories: (prohibited?.categories ?? []).map((c) => ({ name: c.name.name, severity: c.severity.name, label: c.label?.value ?? null, id: this.id(c) })),
      },
      measures: [...d.measures.values()].map((m) => this.measure(m)),
      responsibility:
        responsibility && responsibility.window
          ? {
              kind: "responsibility",
              id: this.id(responsibility),
              cites: this.cites(responsibility.serves),
              window: duration(responsibility.window),
              otherwise: responsibility.otherwise.map(action),
            }
          : null,
      complaints:
        complaints && complaints.resolveWithin
          ? {
              kind: "complaints",
              id: this.id(complaints),
              cites: this.cites(complaints.serves),
              resolveWithin: duration(complaints.resolveWithin),
              otherwise: complaints.otherwise.map(action),
            }
          : null,
      retention:
        retention && retention.keepLogs
          ? { kind: "retention", id: this.withClauses(retention, [["keep-logs", retention.keepLogs]]), cites: this.cites(retention.serves), keepLogs: duration(retention.keepLogs) }
          : null,
      management: {
        kind: "management",
        id: management ? this.id(management) : null,
        cites: this.cites(management?.serves ?? null),
        muteFor: management?.muteFor ? duration(management.muteFor) : { amount: 1, unit: "day" },
      },
      blacklist: blacklist
        ? { kind: "blacklist", id: this.withClauses(blacklist, [...Emitter.serviceClauses("user-", blacklist.users), ...Emitter.serviceClauses("group-", blacklist.groups)]), cites: this.cites(blacklist.serves), users: services(blacklist.users), groups: services(blacklist.groups) }
        : null,
    };
  }

  version(d: VersionDecls, sections: VersionSections, reach: ReachableMeasures): VersionIR {
    const policyRules = [...d.rules.values()].map((r) => this.rule(r));
    return { ...sections, rules: lowerRules(sections, policyRules, (from) => this.idFrom(from), reach), guards: integrityGuards() };
  }
}

function compactSpan(span: Span): SpanIR {
  return { file: span.file, line: span.start.line, column: span.start.column, endLine: span.end.line, endColumn: span.end.column };
}

function duration(d: A.Duration): DurationIR {
  return { amount: d.amount, unit: d.unit };
}

function services(list: A.Ident[]): Service[] {
  return list.map((s) => s.name as Service);
}

function stepped(s: A.CreditStepped, levels: string[]): SteppedIR {
  const steps = s.steps.map((st) => ({ atLeast: st.atLeast.name, value: st.value.value }));
  steps.sort((a, b) => levels.indexOf(a.atLeast) - levels.indexOf(b.atLeast));
  return { base: s.base.value, steps };
}

function target(t: A.Target): TargetName {
  return (["group", "user", "creator", "managers"].includes(t.name) ? t.name : "group") as TargetName;
}

function action(a: A.Action): ActionIR {
  switch (a.kind) {
    case "WarnAction":
      return { kind: "warn", target: target(a.target), rectifyWithin: a.rectifyWithin ? duration(a.rectifyWithin) : null, otherwise: a.otherwise.map(action) };
    case "SuspendPostingAction":
      return { kind: "suspend-posting", target: target(a.target), duration: duration(a.duration) };
    case "CloseGroupAction":
      return { kind: "close-group", target: target(a.target) };
    case "BlacklistAction":
      return { kind: "blacklist", target: target(a.target), duration: a.duration ? duration(a.duration) : null };
    case "LowerCreditAction":
      return { kind: "lower-credit", target: target(a.target), by: a.by.value };
    case "SuspendManagementAction":
      return { kind: "suspend-management", target: target(a.target), duration: duration(a.duration) };
    case "CancelCreationAction":
      return { kind: "cancel-creation", target: target(a.target) };
    case "RecordAction":
      return { kind: "record" };
    case "ReportAction":
      return { kind: "report", to: a.to.name };
    case "EscalateAction":
      return { kind: "escalate" };
    default:
      return assertNever(a, "action");
  }
}

/** A local date-time literal as an RFC 3339 instant in its own zone (the checker validated both). */
function instantText(d: A.DateTimeLit): string {
  const ms = zonedInstant(d.text, d.zone.name) ?? REGULATION_EFFECTIVE_MS;
  return formatInstant(ms, d.zone.name);
}

/** Adds a version's own items; in an amendment, a section is merged clause by clause over the one in force (ast/merge.ts). */
function collect(decls: VersionDecls, items: readonly (A.Section | A.RuleDecl | A.MeasureDecl)[], amendment: boolean): void {
  for (const item of items) {
    if (item.kind === "RuleDecl") decls.rules.set(item.name.name, item);
    else if (item.kind === "MeasureDecl") decls.measures.set(item.name.name, item);
    else {
      const before = amendment ? decls.sections.get(item.kind) : undefined;
      decls.sections.set(item.kind, before ? mergeSection(before, item) : item);
    }
  }
}

/** Emits the IR of a policy file the checker accepted (or accepted leniently). */
export function emitIR(ast: A.PolicyFile, types: ExprTypes, options: EmitOptions = {}): PolicyIR {
  const em = new Emitter(types);
  const header = ast.header;
  const base: VersionDecls = {
    version: header?.version.value ?? "0",
    effective: header?.effective ?? null,
    serves: header?.serves ?? null,
    spanNode: header ?? ast,
    sections: new Map(),
    rules: new Map(),
    measures: new Map(),
  };
  collect(
    base,
    ast.items.filter((i): i is A.Section | A.RuleDecl | A.MeasureDecl => i.kind !== "Amendment"),
    false,
  );
  const decls = [base];
  for (const amendment of ast.items.filter((i): i is A.Amendment => i.kind === "Amendment")) {
    const prev = decls[decls.length - 1]!;
    const next: VersionDecls = {
      version: amendment.version.value,
      effective: amendment.effective ?? prev.effective,
      serves: amendment.serves ?? prev.serves,
      spanNode: amendment,
      sections: new Map(prev.sections),
      rules: new Map(prev.rules),
      measures: new Map(prev.measures),
    };
    collect(next, amendment.items, true);
    for (const r of amendment.removals) (r.what === "rule" ? next.rules : next.measures).delete(r.name.name);
    decls.push(next);
  }
  const toleranceMs = header?.tolerance ? toleranceOf(header.tolerance) : 0;
  const sections = decls.map((d) => ({ ...em.sections(d), toleranceMs }));
  const reach = reachableMeasures(sections);
  const versions = decls.map((d, i) => em.version(d, sections[i]!, reach));
  const file = ast.span.file;
  return {
    kind: "policy",
    irVersion: IR_VERSION,
    name: header?.name.value ?? file,
    title: header?.title?.value ?? null,
    source: options.text !== undefined ? { file, sha256: sha256Hex(options.text) } : null,
    versions,
    spans: em.spans,
  };
}

/** Tolerances are exact lengths; a calendar unit (which the checker warns about) counts as 31 days a month. */
function toleranceOf(d: A.Duration): number {
  return fixedDurationMs(d) ?? d.amount * (d.unit === "year" ? 366 : 31) * 86_400_000;
}
