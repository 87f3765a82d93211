/**
 * The rules the engine itself applies, whatever the policy: they are not the policy's rules, yet
 * they decide about half of a typical stream (facts, the clock, complaints, leaving, flags in
 * unknown groups, events before the policy takes effect, the integrity guards). The reviewer
 * document lists them beside the policy's own rules so that "all the rules" is true
 * (A5.published-rules).
 *
 * What each one does is docs/engine.md's account of src/engine (judge.ts, decided.ts,
 * complaints.ts, flags.ts); the integrity guards are in every IR, and their events and cites are
 * taken from there (src/ir/guards.ts), their texts written here. test/unit/docgen/engine-rules.test.ts
 * runs the reference policy over the sample stream and fails if a decision names a rule that is
 * neither the policy's nor here.
 */
import { integrityGuards } from "../ir/guards.js";

/** One rule of the engine: its name as decisions give it, the events it decides, what it does, the requirements its decisions cite. */
export interface EngineRule {
  name: string;
  on: string[];
  outcome: "noted" | "deny" | "ungoverned";
  text: string;
  cites: string[];
}

/** What each integrity guard refuses, for people. */
const GUARD_TEXTS: Readonly<Record<string, string>> = {
  "integrity/group-id-used": "Refuses to create a group under an id already used, closed groups included.",
  "integrity/unknown-group": "Refuses any event on a group that does not exist.",
  "integrity/already-member": "Refuses a join by a user who is already a member.",
  "integrity/not-member": "Refuses a role change, removal or mute of a user who is not a member.",
  "integrity/creator-role": "Refuses to change the creator's role: a group keeps exactly one creator.",
  "integrity/creator-protected": "Refuses to remove the group's creator.",
};

/** One row per guard name (a name can be several guards, on different events), in the guards' order. */
function guardRules(): EngineRule[] {
  const rows = new Map<string, EngineRule>();
  for (const g of integrityGuards()) {
    let row = rows.get(g.name);
    if (row === undefined) {
      const text = GUARD_TEXTS[g.name];
      if (text === undefined) throw new Error(`internal: integrity guard ${g.name} has no text in src/docgen/engine-rules.ts`);
      rows.set(g.name, (row = { name: g.name, on: [], outcome: "deny", text, cites: [] }));
    }
    for (const e of g.on) if (!row.on.includes(e)) row.on.push(e);
    for (const c of g.cites) if (!row.cites.includes(c.req)) row.cites.push(c.req);
  }
  return [...rows.values()];
}

/** Every rule the engine applies on its own, in the order docs/engine.md describes them. */
export const ENGINE_RULES: readonly EngineRule[] = [
  { name: "effective/not-yet", on: ["any event"], outcome: "ungoverned", text: "An event before the first version takes effect is recorded and changes nothing: no version of the policy governs it.", cites: ["A15.effective"] },
  { name: "facts/registered", on: ["user.registered"], outcome: "noted", text: "Records that the user is registered (the registration time counts for account age).", cites: [] },
  { name: "facts/verified", on: ["user.verified"], outcome: "noted", text: "Records that the user has a verified real identity; the identity itself is dropped at intake and never stored.", cites: ["A6.real-name", "A6.pii"] },
  { name: "facts/credit", on: ["user.credit"], outcome: "noted", text: "Sets the user's credit level to the one the platform assessed.", cites: ["A7.credit"] },
  { name: "facts/agreement-published", on: ["agreement.published"], outcome: "noted", text: "Records a new version of the service agreement as the current one.", cites: ["A5.agreement"] },
  { name: "facts/agreement-accepted", on: ["agreement.accepted"], outcome: "noted", text: "Records that the user accepted a version of the service agreement.", cites: ["A5.agreement"] },
  { name: "groups/leave", on: ["group.leave"], outcome: "noted", text: "A member or manager leaves the group; the creator cannot leave, and leaving a group one is not in, or an unknown group, changes nothing.", cites: ["A2.roles"] },
  { name: "complaints/accepted", on: ["complaint.filed"], outcome: "noted", text: "Every complaint is accepted and its resolution deadline is set (when it passes, the complaints/overdue timer applies what the policy's complaints section says).", cites: ["A12.complaints"] },
  { name: "complaints/already-filed", on: ["complaint.filed"], outcome: "noted", text: "A complaint filed again under the same id changes nothing.", cites: ["A12.complaints"] },
  { name: "complaints/resolved", on: ["complaint.resolved"], outcome: "noted", text: "The complaint is resolved and its deadline cancelled.", cites: ["A12.complaints"] },
  { name: "complaints/already-resolved", on: ["complaint.resolved"], outcome: "noted", text: "Resolving a complaint already resolved changes nothing.", cites: ["A12.complaints"] },
  { name: "complaints/unknown", on: ["complaint.resolved"], outcome: "noted", text: "Resolving a complaint never filed changes nothing.", cites: ["A12.complaints"] },
  { name: "flags/unknown-group", on: ["content.flagged"], outcome: "noted", text: "A flag in a group that does not exist is recorded and changes nothing (no measure has a group to act on).", cites: ["A10.prohibited-content"] },
  { name: "clock/advance", on: ["clock"], outcome: "noted", text: "Moves the clock forward, so that the timers due by then fire (each as its own decision).", cites: [] },
  ...guardRules(),
  { name: "engine/no-permit", on: ["any decided event"], outcome: "deny", text: "Denies an event that no rule of the policy allows (the default deny).", cites: [] },
];
