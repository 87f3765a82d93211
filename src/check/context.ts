/** What every check gets: the sink, the version being checked and its symbols. */
import type * as A from "../ast/nodes.js";
import type { ValueType } from "../vocab/paths.js";
import { MANAGE_ACTIONS, ROLES } from "../vocab/events.js";
import type { Sink } from "./sink.js";
import type { Symbols, VersionView } from "./versions.js";

export interface Ctx {
  sink: Sink;
  version: VersionView;
  /** Types inferred for expressions (the first version that types a node wins). */
  types: Map<A.Expr, ValueType>;
}

/** ` in version 1.1` when `item` is inherited by the version being checked, else "". */
export function noteFor(ctx: Ctx, item: A.Node): string {
  return ctx.version.index === 0 || ctx.version.own.has(item) ? "" : ` in version ${ctx.version.version}`;
}

/** Kinds of declared names, as they are spoken of in messages. */
export type NameKind = "level" | "category" | "tier" | "severity" | "content" | "role" | "action";

export const NAME_NOUN: Readonly<Record<NameKind, string>> = {
  level: "credit level",
  category: "group category",
  tier: "tier",
  severity: "severity",
  content: "prohibited-content category",
  role: "role",
  action: "management action",
};

/** Where each kind of name is declared, for help lines. */
const DECLARED_IN: Readonly<Record<NameKind, string>> = {
  level: "`levels` in the `credit` section",
  category: "the `categories` section",
  tier: "the `tiers` section",
  severity: "`severities` in the `prohibited` section",
  content: "the `prohibited` section",
  role: "the language (roles are creator, manager, member and none)",
  action: "the language (actions are remove-member, delete-message and mute)",
};

export function domainOf(kind: NameKind, s: Symbols): readonly string[] {
  switch (kind) {
    case "level":
      return s.levels;
    case "category":
      return s.categories;
    case "tier":
      return s.tiers;
    case "severity":
      return s.severities;
    case "content":
      return s.contentCategories;
    case "role":
      return ROLES;
    case "action":
      return MANAGE_ACTIONS;
  }
}

/** Every kind of name `name` is declared as, in a fixed order. */
export function kindsOfName(name: string, s: Symbols): NameKind[] {
  return (["level", "category", "tier", "severity", "content", "role", "action"] as const).filter((k) => domainOf(k, s).includes(name));
}

/** The help line for an unknown name: a close match, what it is instead, or where such names are declared. */
export function unknownNameHelp(name: string, kind: NameKind, s: Symbols, closestMatch: string | undefined): string {
  if (closestMatch !== undefined) return `did you mean \`${closestMatch}\`?`;
  const other = kindsOfName(name, s).filter((k) => k !== kind);
  if (other.length > 0) return `\`${name}\` is a ${NAME_NOUN[other[0]!]}, not a ${NAME_NOUN[kind]}`;
  const domain = domainOf(kind, s);
  if (domain.length === 0) return `no ${NAME_NOUN[kind]} is declared: declare them in ${DECLARED_IN[kind]}`;
  const sep = kind === "level" || kind === "severity" ? " < " : ", ";
  return `declared ${plural(NAME_NOUN[kind])}: ${domain.join(sep)}`;
}

export function plural(noun: string): string {
  return noun.endsWith("y") ? `${noun.slice(0, -1)}ies` : `${noun}s`;
}

/** Maps value types that are enumerations to their name kind. */
export const ENUM_KIND: Partial<Record<ValueType, NameKind>> = {
  level: "level",
  category: "category",
  tier: "tier",
  severity: "severity",
  role: "role",
  action: "action",
};
