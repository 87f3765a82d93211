/**
 * Names: each section kind once per file and per amendment, each declared name once in its
 * scope, every name used is declared (with a "did you mean" when one is close), and `remove`
 * names something the previous version has.
 */
import type * as A from "../ast/nodes.js";
import { SERVICES } from "../vocab/events.js";
import { noteFor, NAME_NOUN, domainOf, unknownNameHelp, type Ctx, type NameKind } from "./context.js";
import { CODES } from "./ids.js";
import type { Sink } from "./sink.js";
import { closest, didYouMean } from "./suggest.js";
import { isSection, SECTION_KEYWORD, type VersionView } from "./versions.js";

/** Reports an unknown name; true when the name is declared. */
export function resolveName(ctx: Ctx, ident: A.Ident, kind: NameKind, owner: A.Node): boolean {
  const domain = domainOf(kind, ctx.version.symbols);
  if (domain.includes(ident.name)) return true;
  const help = unknownNameHelp(ident.name, kind, ctx.version.symbols, closest(ident.name, domain));
  ctx.sink.error(CODES.undefinedName, ident.span, `unknown ${NAME_NOUN[kind]} \`${ident.name}\``, { help, note: noteFor(ctx, owner) });
  return false;
}

/** Section kinds at most once per file (top level) and once per amendment. */
export function checkDuplicateSections(ast: A.PolicyFile, sink: Sink): void {
  const scopes: { items: readonly (A.TopItem | A.Section | A.RuleDecl | A.MeasureDecl)[]; where: string }[] = [
    { items: ast.items, where: "in this file" },
    ...ast.items.filter((i): i is A.Amendment => i.kind === "Amendment").map((a) => ({ items: a.items, where: `in amendment "${a.version.value}"` })),
  ];
  for (const { items, where } of scopes) {
    const first = new Map<string, A.Section>();
    for (const item of items) {
      if (!isSection(item)) continue;
      const earlier = first.get(item.kind);
      if (!earlier) {
        first.set(item.kind, item);
        continue;
      }
      const kw = SECTION_KEYWORD[item.kind];
      sink.error(CODES.duplicateSection, item.span, `the \`${kw}\` section appears twice ${where}`, {
        labels: [{ span: earlier.span, message: "first written here" }],
        help: `merge the two \`${kw}\` sections into one`,
      });
    }
  }
}

function duplicates<T>(items: readonly T[], nameOf: (t: T) => A.Ident | { name: string; span: A.Node["span"] }, report: (dup: T, first: T, name: string) => void): void {
  if (items.length < 2) return;
  const seen = new Map<string, T>();
  for (const item of items) {
    const name = nameOf(item).name;
    const first = seen.get(name);
    if (first === undefined) seen.set(name, item);
    else report(item, first, name);
  }
}

/** Rules, measures, tiers of one table, categories, levels, severities and content categories are named once. */
export function checkDuplicateNames(ast: A.PolicyFile, sink: Sink): void {
  const dup = (what: string, span: A.Node["span"], firstSpan: A.Node["span"], name: string, where = "") =>
    sink.error(CODES.duplicateName, span, `${what} \`${name}\` is declared twice${where}`, {
      labels: [{ span: firstSpan, message: "first declared here" }],
      help: "rename one of them or remove the repeat",
    });
  const amendments = ast.items.filter((i): i is A.Amendment => i.kind === "Amendment");
  const scopes = [ast.items, ...amendments.map((a) => a.items)];
  for (const items of scopes) {
    const rules = items.filter((i): i is A.RuleDecl => i.kind === "RuleDecl");
    duplicates(rules, (r) => r.name, (d, f, n) => dup("rule", d.name.span, f.name.span, n));
    const measures = items.filter((i): i is A.MeasureDecl => i.kind === "MeasureDecl");
    duplicates(measures, (m) => m.name, (d, f, n) => dup("measure", d.name.span, f.name.span, n));
    for (const s of items) {
      switch (s.kind) {
        case "CreditSection":
          duplicates(s.levels, (l) => l, (d, f, n) => dup("credit level", d.span, f.span, n));
          break;
        case "CategoriesSection":
          duplicates(s.categories, (c) => c.name, (d, f, n) => dup("category", d.name.span, f.name.span, n));
          break;
        case "ProhibitedSection":
          duplicates(s.severities, (l) => l, (d, f, n) => dup("severity", d.span, f.span, n));
          duplicates(s.categories, (c) => c.name, (d, f, n) => dup("prohibited-content category", d.name.span, f.name.span, n));
          break;
        case "TiersSection":
          duplicates(s.tiers, (t) => t.name, (d, f, n) => dup("tier", d.name.span, f.name.span, n, " in the default table"));
          for (const o of s.overrides) {
            const cats = o.categories.map((c) => c.name).join(", ");
            duplicates(o.tiers, (t) => t.name, (d, f, n) => dup("tier", d.name.span, f.name.span, n, ` in the table for ${cats}`));
          }
          break;
        default:
          break;
      }
    }
  }
  // Version strings identify versions in decisions (`policy`), so they must differ.
  const versions: { name: string; span: A.Node["span"] }[] = [];
  if (ast.header) versions.push({ name: ast.header.version.value, span: ast.header.version.span });
  for (const a of amendments) versions.push({ name: a.version.value, span: a.version.span });
  duplicates(versions, (v) => v, (d, f, n) => dup("version", d.span, f.span, n));
}

/** Names used inside sections and measure triggers are declared in the version that uses them. */
export function checkSectionNames(ctx: Ctx): void {
  for (const s of ctx.version.sectionNodes) {
    switch (s.kind) {
      case "CreditSection":
        if (s.default) resolveName(ctx, s.default, "level", s);
        break;
      case "TiersSection":
        for (const t of [...s.tiers, ...s.overrides.flatMap((o) => o.tiers)]) {
          for (const q of t.creatorRequires) if (q.kind === "CreditQual") resolveName(ctx, q.level, "level", s);
        }
        for (const o of s.overrides) for (const c of o.categories) resolveName(ctx, c, "category", s);
        break;
      case "LimitsSection":
        for (const stepped of [s.groupsCreated, s.groupsJoined]) for (const step of stepped?.steps ?? []) resolveName(ctx, step.atLeast, "level", s);
        break;
      case "ProhibitedSection":
        for (const c of s.categories) resolveName(ctx, c.severity, "severity", s);
        break;
      case "AgreementSection":
      case "IdentitySection":
        checkServices(ctx, s.requiredFor, s);
        break;
      case "BlacklistSection":
        checkServices(ctx, s.users, s);
        checkServices(ctx, s.groups, s);
        break;
      default:
        break;
    }
  }
  for (const m of ctx.version.measureNodes) {
    const t = m.trigger;
    if (!t) continue;
    if (t.severity) resolveName(ctx, t.severity, "severity", m);
    for (const c of t.categories) resolveName(ctx, c, "content", m);
  }
}

function checkServices(ctx: Ctx, list: readonly A.Ident[], owner: A.Node): void {
  for (const s of list) {
    if ((SERVICES as readonly string[]).includes(s.name)) continue;
    ctx.sink.error(CODES.unknownService, s.span, `unknown service \`${s.name}\``, {
      help: didYouMean(s.name, SERVICES) ?? `services are ${SERVICES.join(", ")}`,
      note: noteFor(ctx, owner),
    });
  }
}

/** `remove rule x` / `remove measure x` must name one in force in the version before. */
export function checkRemovals(versions: readonly VersionView[], sink: Sink): void {
  for (let i = 1; i < versions.length; i++) {
    const v = versions[i]!;
    const prev = versions[i - 1]!;
    for (const r of v.amendment?.removals ?? []) {
      const pool = r.what === "rule" ? prev.rules : prev.measures;
      if (pool.has(r.name.name)) continue;
      const other = r.what === "rule" ? prev.measures : prev.rules;
      const help = other.has(r.name.name)
        ? `\`${r.name.name}\` is a ${r.what === "rule" ? "measure" : "rule"}: write \`remove ${r.what === "rule" ? "measure" : "rule"} ${r.name.name}\``
        : (didYouMean(r.name.name, pool.keys()) ?? `the version before has ${pool.size === 0 ? `no ${r.what}s` : `${r.what}s ${[...pool.keys()].join(", ")}`}`);
      sink.error(CODES.unknownRemoval, r.name.span, `there is no ${r.what} \`${r.name.name}\` to remove in version "${prev.version}"`, { help });
    }
  }
}

/** Things listed twice in one list: services, events in `on`, categories, qualifications, citations. */
export function checkListedTwice(ast: A.PolicyFile, sink: Sink): void {
  const twice = (what: string, items: readonly { name: string; span: A.Node["span"] }[]) =>
    duplicates(items, (i) => i, (d, f, n) =>
      sink.warning(CODES.listedTwice, d.span, `${what} \`${n}\` is listed twice`, {
        labels: [{ span: f.span, message: "first listed here" }],
        help: "remove the repeat",
      }),
    );
  // Most lists have one entry, and a policy can have thousands of rules: skip those before mapping.
  const visitServes = (s: A.Serves | null) => s && s.reqs.length > 1 && twice("requirement", s.reqs.map((r) => ({ name: r.id, span: r.span })));
  visitServes(ast.header?.serves ?? null);
  const visit = (item: A.TopItem | A.Section | A.RuleDecl | A.MeasureDecl): void => {
    if ("serves" in item) visitServes(item.serves);
    switch (item.kind) {
      case "Amendment":
        item.items.forEach(visit);
        break;
      case "AgreementSection":
      case "IdentitySection":
        twice("service", item.requiredFor);
        break;
      case "BlacklistSection":
        twice("service", item.users);
        twice("service", item.groups);
        break;
      case "RuleDecl":
        if (item.on.length > 1) twice("event", item.on.map((d) => ({ name: d.parts.join("."), span: d.span })));
        break;
      case "MeasureDecl":
        if (item.trigger) twice("category", item.trigger.categories);
        break;
      case "TiersSection":
        for (const o of item.overrides) twice("category", o.categories);
        for (const t of [...item.tiers, ...item.overrides.flatMap((o) => o.tiers)]) {
          twice("qualification", t.creatorRequires.map((q) => ({ name: q.kind === "VerifiedQual" ? "verified" : "credit", span: q.span })));
        }
        break;
      default:
        break;
    }
  };
  ast.items.forEach(visit);
}
