/** `qungui diff` reports: a short text for people, JSON for tools. */
import type { FactValue } from "../prove/situation.js";
import type { ReplayDiff } from "./replay.js";
import type { SemanticDiff, Transition } from "./semantic.js";

function verdict(o: { allowed: boolean; rule: string }): string {
  return `${o.allowed ? "allowed" : "denied"} by ${o.rule}`;
}

function values(v: Record<string, FactValue>): string {
  const parts = Object.entries(v).map(([k, x]) => `${k} = ${x === null ? "none" : String(x)}`);
  return parts.length ? parts.join(", ") : "any situation";
}

function transitionLine(t: Transition): string {
  const now = t.from.allowed === t.to.allowed ? `now ${verdict(t.to)} (was ${t.from.rule})` : `now ${verdict(t.to)}, was ${verdict(t.from)}`;
  return `  ${t.event}: ${now}\n      e.g. ${values(t.values)}`;
}

export function renderDiffText(d: SemanticDiff, replay: ReplayDiff | null): string {
  const lines = [`diff ${d.old} → ${d.new}`, ""];
  if (d.equivalent) lines.push("equivalent: no state and no event is decided differently");
  else {
    if (d.rules.length) {
      lines.push("changed rules:");
      for (const r of d.rules) {
        const ex = r.example ? ` — e.g. ${r.example.old ? "held" : "did not hold"} before, ${r.example.new ? "holds" : "does not hold"} now when ${values(r.example.values)}` : "";
        lines.push(`  ${r.event}: ${r.rule} (${r.effect}) ${r.change}${ex}`);
      }
      lines.push("");
    }
    lines.push(`situations decided differently${d.truncated ? " (the first kinds only)" : ""}:`);
    for (const t of d.transitions) lines.push(transitionLine(t));
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

export function renderDiffJson(d: SemanticDiff, replay: ReplayDiff | null): string {
  return JSON.stringify({ ...d, ...(replay ? { replay } : {}) }, null, 2) + "\n";
}
