/**
 * Content flags (A10.prohibited-content, Article 11): the message is removed, the flag is counted,
 * every matching measure applies, and the responsibility window starts (docs/engine.md, "Flags").
 */
import type { TriggerIR } from "../ir/types.js";
import { mergeCites, NO_EFFECTS, type Decision, type Effect } from "./decision.js";
import type { EventOf } from "./event.js";
import { applyActions, schedule } from "./measures.js";
import { cites, decision, firing, subjectOf, type CompiledVersion, type MeasureTrace, type Runtime } from "./runtime.js";
import { ensureUser, type EngineState, type FlagRecord } from "./state.js";
import { addDuration } from "../source/time.js";

const C_PROHIBITED = cites("A10.prohibited-content");

function pruneFlags(flags: FlagRecord[], horizon: number, now: number): void {
  if (!Number.isFinite(horizon) || flags.length === 0) return;
  const cutoff = now - horizon;
  let k = 0;
  while (k < flags.length && flags[k]!.t <= cutoff) k++;
  if (k > 0) flags.splice(0, k);
}

function triggerMatches(t: TriggerIR, cv: CompiledVersion, sev: number, category: string, list: readonly FlagRecord[], now: number, trace?: MeasureTrace[], name?: string): boolean {
  const v = cv.data;
  const want = t.severity === null ? -1 : v.severityIndex.get(t.severity)!;
  const sevOk = (s: number): boolean => t.severity === null || (t.severityOp === "==" ? s === want : s >= want);
  const catOk = (c: string): boolean => t.categories.length === 0 || t.categories.includes(c);
  const severityMatched = sevOk(sev);
  const categoryMatched = catOk(category);
  // Without an explanation to fill, stop at the first reason the trigger fails, or at the count.
  const explaining = trace !== undefined;
  let n = 0;
  if (severityMatched && categoryMatched) {
    const from = t.within === null ? -Infinity : addDuration(now, t.within, v.zone, -1);
    for (let i = list.length - 1; i >= 0; i--) {
      const r = list[i]!;
      if (r.t <= from) break;
      if (r.t <= now && sevOk(v.severityIndex.get(r.severity) ?? -1) && catOk(r.category) && ++n >= t.count && !explaining) return true;
    }
  }
  const matched = severityMatched && categoryMatched && n >= t.count;
  trace?.push({
    measure: name ?? "?",
    severity: t.severity === null ? null : `${t.severityOp} ${t.severity}`,
    severityMatched,
    categories: [...t.categories],
    categoryMatched,
    scope: t.scope,
    needed: t.count,
    counted: n,
    within: t.within ? { amount: t.within.amount, unit: t.within.unit } : null,
    applied: matched,
  });
  return matched;
}

export function judgeFlag(rt: Runtime, cv: CompiledVersion, ev: EventOf<"content.flagged">, st: EngineState, now: number): Decision {
  const f = firing(ev);
  const v = cv.data;
  const gid = ev.group;
  const uid = ev.user;
  const g = st.groups[gid];
  const subject = subjectOf(st, uid, gid);
  ensureUser(st, uid, now);
  if (g === undefined) {
    return decision(f, "noted", subject, "flags/unknown-group", `message ${ev.message} is flagged in unknown group ${gid}; nothing changes`, C_PROHIBITED, NO_EFFECTS, cv.stamp);
  }
  const u = st.users[uid]!;
  const severity = ev.severity ?? v.flagSeverity.get(ev.category)!;
  const sev = v.severityIndex.get(severity)!;
  const rec: FlagRecord = { t: now, severity, category: ev.category };
  pruneFlags(g.flags, rt.flagHorizonMs, now);
  pruneFlags(u.flags, rt.flagHorizonMs, now);
  g.flags.push(rec);
  u.flags.push({ t: now, severity, category: ev.category });
  g.flagTotal++;
  u.flagTotal++;

  const trace = rt.explain?.measures;
  const matching = v.measures.filter((m) => triggerMatches(m.trigger, cv, sev, ev.category, m.trigger.scope === "group" ? g.flags : u.flags, now, trace, m.name));
  const effects: Effect[] = [{ kind: "remove-message", message: ev.message }];
  for (const m of matching) {
    applyActions(m.actions, { st, v, now, group: gid, user: uid, complaint: null, message: ev.message, rule: m.name, cites: m.cites }, effects);
  }
  let rule = "prohibited/remove";
  let reason = `message ${ev.message} in group ${gid} is flagged as ${ev.category} (${severity}) and removed`;
  if (matching.length > 0) {
    let best = matching[0]!;
    const rank = (t: TriggerIR): number => (t.severity === null ? -1 : v.severityIndex.get(t.severity)!);
    for (const m of matching) {
      if (m.trigger.count > best.trigger.count || (m.trigger.count === best.trigger.count && rank(m.trigger) > rank(best.trigger))) best = m;
    }
    rule = best.name;
    reason += matching.length === 1 ? `; measure ${best.name} applies` : `; measures ${matching.map((m) => m.name).join(", ")} apply`;
  }
  const allCites = matching.length === 0 ? C_PROHIBITED : mergeCites(C_PROHIBITED, ...matching.map((m) => m.cites));

  const resp = v.ir.responsibility;
  if (resp !== null) {
    const due = addDuration(now, resp.window, v.zone, 1);
    const t = schedule(st, "responsibility-due", due, v.index, { group: gid, user: uid, message: ev.message });
    g.pending.push({ timer: t.seq, message: ev.message, user: uid });
  }
  return decision(f, "measures", subject, rule, reason, allCites, effects, cv.stamp);
}
