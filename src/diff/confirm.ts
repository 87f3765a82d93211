/**
 * A witness of a changed decision, checked against the engine: the situation is built into a
 * stream from the empty state for each side (src/prove/witness.ts, with each side's own names for
 * its credit levels and its own agreement version) and replayed through that side's compiled
 * program; it is confirmed when the old policy decides the event as the old encoding predicted and
 * the new policy as the new one did.
 */
import { buildStream, replay } from "../prove/witness.js";
import type { Situation } from "../prove/situation.js";
import type { GenEvent } from "../verify/oracle.js";
import type { Side } from "./side.js";

export interface Confirmation {
  /** `confirmed`: both sides decided as predicted; `not-confirmed`: replayed, decided otherwise; `not-built`: no stream could be made. */
  status: "confirmed" | "not-confirmed" | "not-built";
  message: string;
  /** The streams replayed under the old and the new policy (empty when not built). */
  old: GenEvent[];
  new: GenEvent[];
}

function decidedBy(side: Side, s: Situation): { events: GenEvent[] } | { why: string } | { events: GenEvent[]; wrong: string } {
  const vi = side.ir.versions.indexOf(side.version);
  const events = buildStream(side.ir, vi, s);
  if (typeof events === "string") return { why: events };
  if (!Array.isArray(events)) return { why: events.message };
  const r = replay(side.ir, events);
  if (r.refused) return { events, wrong: r.refused };
  const d = r.last;
  const ok = d !== undefined && (d.outcome === "allow") === s.allowed && d.rule === s.rule;
  return ok ? { events } : { events, wrong: `${side.ir.name} decided ${d ? `${d.outcome} by ${d.rule}` : "nothing"}, the encoding predicted ${s.allowed ? "allow" : "deny"} by ${s.rule}` };
}

export function confirmTransition(a: Side, b: Side, old: Situation, now: Situation): Confirmation {
  const x = decidedBy(a, old);
  const y = decidedBy(b, now);
  const streams = { old: "events" in x ? x.events : [], new: "events" in y ? y.events : [] };
  if ("why" in x || "why" in y) return { status: "not-built", message: "why" in x ? x.why : (y as { why: string }).why, ...streams };
  if ("wrong" in x || "wrong" in y) return { status: "not-confirmed", message: "wrong" in x ? x.wrong : (y as { wrong: string }).wrong, ...streams };
  return { status: "confirmed", message: `${a.ir.name} ${old.allowed ? "allows" : "denies"} it by ${old.rule}, ${b.ir.name} ${now.allowed ? "allows" : "denies"} it by ${now.rule}`, ...streams };
}
