/**
 * A solver model read back as a situation: the facts of the state and the event in the policy's
 * own names (credit levels, roles, categories, actions), only those that exist on the event (no
 * target on a post, no group facts for a group that does not exist), and the engine's decision
 * as the encoding predicts it.
 */
import type { DecidedEvent } from "../vocab/events.js";
import { ACTION_CODES, ROLE_CODES } from "./domain.js";
import type { Decision } from "./encode.js";
import type { Facts } from "./facts.js";
import { boolOf, intOf, type Model } from "./solver.js";

export type FactValue = number | boolean | string | null;

export interface Situation {
  event: DecidedEvent | "any";
  /** Atom name → value: `actor.credit: "B"`, `group.members: 501`, `event.at: <epoch ms>`. */
  facts: Record<string, FactValue>;
  /** The decision the encoding predicts. */
  allowed: boolean;
  rule: string;
}

function relevant(f: Facts, m: Model, name: string): boolean {
  const exists = boolOf(m, f.b("group.exists"));
  const [root] = name.split(".");
  if (name.startsWith("window:") || name.startsWith("duration:")) return true;
  if (root === "group") return name === "group.exists" || exists;
  if (root === "creator") return exists;
  if (root === "target" || root === "approver") return boolOf(m, f.present(root));
  if (root === "actor") return name !== "actor.role" || exists;
  switch (name) {
    case "event.action":
      return f.type === "group.manage";
    case "event.role":
      return f.type === "group.role";
    case "event.actor-is-target":
      return boolOf(m, f.present("target"));
    case "event.approved":
      return f.type === "group.join";
    case "event.category":
      return f.type === "group.create" || f.type === "group.info";
    case "event.before":
      return f.type === "records.purge";
    default:
      return true;
  }
}

function decode(f: Facts, name: string, n: number): FactValue {
  const field = name.slice(name.indexOf(".") + 1);
  if (field === "credit") return f.data.levels[n] ?? null;
  if (name === "event.role" || field === "role") return ROLE_CODES[n] ?? null;
  if (name === "event.action") return ACTION_CODES[n] ?? null;
  if (field === "category") return n <= 0 ? null : f.dom.categories[n - 1]!;
  return n;
}

export function readSituation(f: Facts, d: Decision, m: Model): Situation {
  const facts: Record<string, FactValue> = {};
  const names = [...new Set([...f.atoms.keys(), ...(f.opts.share ? [...f.opts.share.keys()] : [])])].sort();
  for (const name of names) {
    if (!relevant(f, m, name)) continue;
    const isBool = (() => {
      try {
        f.b(name);
        return true;
      } catch {
        return false;
      }
    })();
    facts[name] = isBool ? boolOf(m, f.b(name)) : decode(f, name, intOf(m, f.n(name)));
  }
  // Undeclared categories read as null above; say so rather than hide them.
  for (const k of ["group.category", "event.category"]) if (k in facts && facts[k] === null) facts[k] = "(undeclared)";
  return { event: f.type, facts, allowed: boolOf(m, d.allow), rule: f.dom.ruleName(intOf(m, d.rule)) };
}

