/** `qungui diff` reports: a short text for people, JSON for tools. */
import type { FactValue } from "../prove/situation.js";
import type { ReplayDiff } from "./replay.js";
import { boxText } from "./box-text.js";
import type { Region, SemanticDiff, Transition } from "./semantic.js";

function verdict(o: { allowed: boolean; rule: string }): string {
  return `${o.allowed ? "allowed" : "denied"} by ${o.rule}`;
}

function values(v: Record<string, FactValue>): string {
  const parts = Object.entries(v).map(([k, x]) => `${k} = ${x === null ? "none" : String(x)}`);
  return parts.length ? parts.join(", ") : "any situation";
}

/** Where something happens: one line per box ("when …", "or when …"), with how its witness replayed. */
function whereLines(regions: readonly Region[], indent: string): string[] {
  return regions.map((r, i) => {
    const replayed = r.replay ? ` — witness ${r.replay.status === "confirmed" ? "replayed and confirmed" : `${r.replay.status} (${r.replay.message})`}` : "";
    return `${indent}${i === 0 ? "when" : "or when"} ${boxText(r)}${replayed}`;
  });
}

function transitionLines(t: Transition): string[] {
  const now = t.from.allowed === t.to.allowed ? `now ${verdict(t.to)} (was ${t.from.rule})` : `now ${verdict(t.to)}, was ${verdict(t.from)}`;
  if (t.regions.length === 0) return [`  ${t.event}: ${now}`, `      e.g. ${values(t.values)}`];
  return [`  ${t.event}: ${now}`, ...whereLines(t.regions, "      ")];
}

export function renderDiffText(d: SemanticDiff, replay: ReplayDiff | null): string {
  const lines = [`diff ${d.old} → ${d.new}`, ""];
  if (d.equivalent) lines.push("equivalent: no state and no event is decided differently");
  else {
    if (d.rules.length) {
      lines.push("changed rules:");
      for (const r of d.rules) {
        lines.push(`  ${r.event}: ${r.rule} (${r.effect}) ${r.change}`);
        if (r.gained?.length) lines.push("      now holds, did not before,", ...whereLines(r.gained, "        "));
        if (r.lost?.length) lines.push("      no longer holds,", ...whereLines(r.lost, "        "));
      }
      lines.push("");
    }
    lines.push(`situations decided differently${d.truncated ? " (the first kinds only)" : ""}:`);
    for (const t of d.transitions) lines.push(...transitionLines(t));
    for (const u of d.unsupported) lines.push(`  ${u.event}: not compared (${u.why})`);
  }
  if (replay) {
    lines.push("", `replayed ${replay.inputs} inputs: ${replay.differing} of ${replay.decisions} decisions differ${replay.deadLetterDifferences ? `, ${replay.deadLetterDifferences} inputs refused by one side only` : ""}`);
    for (const g of replay.byRule) lines.push(`  ${g.count} × ${g.key}  (e.g. ${g.examples.join(", ")})`);
    const reqs = Object.entries(replay.byRequirement).sort((a, b) => b[1] - a[1]);
    if (reqs.length) lines.push(`  by requirement: ${reqs.map(([r, n]) => `${r} ${n}`).join(", ")}`);
  }
  return lines.join("\n") + "\n";
}

/**
 * JSON: the diff as computed, each region with its text; replayed streams are given by their
 * length only (they are rebuilt from the witness's facts, and verifications carry identities).
 */
export function renderDiffJson(d: SemanticDiff, replay: ReplayDiff | null): string {
  const region = (r: Region) => {
    const { replay: rp, ...rest } = r;
    return { ...rest, text: boxText(r), ...(rp ? { replay: { status: rp.status, message: rp.message, oldEvents: rp.old.length, newEvents: rp.new.length } } : {}) };
  };
  const out = {
    ...d,
    transitions: d.transitions.map((t) => ({ ...t, regions: t.regions.map(region) })),
    rules: d.rules.map((r) => ({ ...r, ...(r.gained ? { gained: r.gained.map(region) } : {}), ...(r.lost ? { lost: r.lost.map(region) } : {}) })),
  };
  return JSON.stringify({ ...out, ...(replay ? { replay } : {}) }, null, 2) + "\n";
}
