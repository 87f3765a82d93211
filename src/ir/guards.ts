/**
 * The integrity guards (docs/engine.md, "Decided events"), lowered into every version's IR as
 * data: the one definition the engine compiles, the json-rules-engine export translates and the
 * prover encodes. They are the same for every policy, so a loader compares a document's guards
 * with these and refuses any other (a weaker guard would let the engine apply a change it cannot
 * make sense of), and IR version 1, which ran under these same guards, gets them added.
 */
import { EXISTING_GROUP_EVENTS, type DecidedEvent } from "../vocab/events.js";
import { articleOf } from "../law/articles.js";
import { and, cmp, enumLit, not, path, template } from "./build.js";
import type { Cite, ExprIR, GuardIR } from "./types.js";

function guard(name: string, on: readonly DecidedEvent[], when: ExprIR, because: string, req: string): GuardIR {
  const cites: Cite[] = [{ article: articleOf(req) ?? 0, req }];
  return { kind: "guard", name, on: [...on], when, because: template(because), cites };
}

const role = (root: "actor" | "target", r: "none" | "creator"): ExprIR => cmp("==", path(`${root}.role`), enumLit("role", r));
const action = (op: "==" | "!=", a: "delete-message" | "remove-member"): ExprIR => cmp(op, path("event.action"), enumLit("action", a));

/**
 * In order: for an event type, the guards that name it are checked in this order. A group that
 * does not exist comes first, so the membership guards after it read a group that does; a
 * `delete-message` names a message, not a user, so the member guards of `group.manage` skip it.
 */
function lowerGuards(): GuardIR[] {
  return [
    guard("integrity/group-id-used", ["group.create"], path("group.exists"), "group id {group} is already in use", "A8.group-id"),
    guard("integrity/unknown-group", EXISTING_GROUP_EVENTS, not(path("group.exists")), "group {group} does not exist", "A2.roles"),
    guard("integrity/already-member", ["group.join"], not(role("actor", "none")), "user {actor} is already a member of group {group}", "A2.roles"),
    guard("integrity/not-member", ["group.role"], role("target", "none"), "user {target} is not a member of group {group}", "A2.roles"),
    guard("integrity/creator-role", ["group.role"], role("target", "creator"), "the creator of group {group} keeps the creator role", "A2.roles"),
    guard("integrity/not-member", ["group.manage"], and(action("!=", "delete-message"), role("target", "none")), "user {target} is not a member of group {group}", "A2.roles"),
    guard("integrity/creator-protected", ["group.manage"], and(action("==", "remove-member"), role("target", "creator")), "nobody removes the creator of group {group}", "A9.management-rights"),
  ];
}

const GUARDS: readonly GuardIR[] = deepFreeze(lowerGuards());

/**
 * The guards for a version's IR: a fresh copy each time, so that IR a caller modifies never
 * changes another version's or policy's guards.
 */
export function integrityGuards(): GuardIR[] {
  return structuredClone(GUARDS) as GuardIR[];
}

/** Whether a version's guards are the integrity guards: the same guards in the same order, field by field (key order aside). */
export function areIntegrityGuards(guards: readonly GuardIR[]): boolean {
  return sameJson(guards, GUARDS);
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function deepFreeze<T>(x: T): T {
  if (typeof x === "object" && x !== null) {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}
