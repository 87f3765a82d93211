/**
 * The rules the engine itself applies, whatever the policy: they are in no policy's IR, yet they
 * decide about half of a typical stream (facts, the clock, complaints, leaving, flags in unknown
 * groups, events before the policy takes effect, the integrity guards). The reviewer document
 * lists them beside the policy's own rules so that "all the rules" is true (A5.published-rules).
 *
 * What each one does is docs/engine.md's account of src/engine (judge.ts, decided.ts,
 * complaints.ts, flags.ts); test/unit/docgen/engine-rules.test.ts runs the reference policy over
 * the sample stream and fails if a decision names a rule that is neither the policy's nor here.
 */

/** One rule of the engine: its name as decisions give it, the events it decides, what it does, the requirements its decisions cite. */
export interface EngineRule {
  name: string;
  on: string[];
  outcome: "noted" | "deny" | "ungoverned";
  text: string;
  cites: string[];
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
  { name: "integrity/group-id-used", on: ["group.create"], outcome: "deny", text: "Refuses to create a group under an id already used, closed groups included.", cites: ["A8.group-id"] },
  { name: "integrity/unknown-group", on: ["group.join", "group.info", "group.role", "group.manage", "message.post"], outcome: "deny", text: "Refuses any event on a group that does not exist.", cites: ["A2.roles"] },
  { name: "integrity/already-member", on: ["group.join"], outcome: "deny", text: "Refuses a join by a user who is already a member.", cites: ["A2.roles"] },
  { name: "integrity/not-member", on: ["group.role", "group.manage"], outcome: "deny", text: "Refuses a role change, removal or mute of a user who is not a member.", cites: ["A2.roles"] },
  { name: "integrity/creator-role", on: ["group.role"], outcome: "deny", text: "Refuses to change the creator's role: a group keeps exactly one creator.", cites: ["A2.roles"] },
  { name: "integrity/creator-protected", on: ["group.manage"], outcome: "deny", text: "Refuses to remove or mute the group's creator.", cites: ["A9.management-rights"] },
  { name: "engine/no-permit", on: ["any decided event"], outcome: "deny", text: "Denies an event that no rule of the policy allows (the default deny).", cites: [] },
];
