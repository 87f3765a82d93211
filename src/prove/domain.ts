/**
 * How the encoding numbers the values of the expression language. Every enumeration becomes an
 * integer whose order is the engine's order (./../engine/expr.ts `orderFor`): credit levels and
 * severities by their index in the version's scale, tiers by the version's rank, roles by
 * none < member < manager < creator, actions and categories in the lexicographic order the engine
 * compares strings in. A domain is shared by every version encoded together (both sides of a diff),
 * so equal names get equal codes.
 */
import type { ExprIR, PolicyIR } from "../ir/types.js";
import { MANAGE_ACTIONS } from "../vocab/events.js";
import { expressionNodes } from "../ir/walk.js";

/** Roles in the engine's order (expr.ts ROLE_RANK). */
export const ROLE_CODES = ["none", "member", "manager", "creator"] as const;
export const ROLE = { none: 0, member: 1, manager: 2, creator: 3 } as const;

/** Actions sorted as strings, so code order is the engine's string order. */
export const ACTION_CODES: readonly string[] = [...MANAGE_ACTIONS].sort();

/**
 * Group categories: code 0 stands for every name no version declares (intake accepts any
 * category name on `group.create`); declared and written names get 1.. in string order.
 */
export interface Domain {
  categories: readonly string[];
  categoryCode(name: string | null): number;
  actionCode(name: string): number;
  /** Codes of deciding rule names (rules, guards, `engine/no-permit`), grown as versions are encoded. */
  ruleCode(name: string): number;
  ruleName(code: number): string;
}

function literalCategories(e: ExprIR, out: Set<string>): void {
  for (const n of expressionNodes(e)) if (n.kind === "lit" && n.type === "category") out.add(n.value);
}

export function domainOf(policies: readonly PolicyIR[]): Domain {
  const names = new Set<string>();
  for (const ir of policies) {
    for (const v of ir.versions) {
      for (const c of v.categories) names.add(c.name);
      for (const t of v.tiers) for (const c of t.categories ?? []) names.add(c);
      for (const r of v.rules) literalCategories(r.when, names);
    }
  }
  const categories = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const catIndex = new Map(categories.map((c, i) => [c, i + 1] as const));
  const rules = new Map<string, number>();
  const ruleNames: string[] = [];
  return {
    categories,
    categoryCode: (name) => (name === null ? -1 : (catIndex.get(name) ?? 0)),
    actionCode: (name) => ACTION_CODES.indexOf(name),
    ruleCode(name) {
      let c = rules.get(name);
      if (c === undefined) {
        c = ruleNames.length;
        ruleNames.push(name);
        rules.set(name, c);
      }
      return c;
    },
    ruleName: (code) => ruleNames[code] ?? `#${code}`,
  };
}
