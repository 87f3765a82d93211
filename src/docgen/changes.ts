/**
 * The change history of an amended policy: for each version after the first, what changed from
 * the version before — sections added, changed or removed with the parameters that moved
 * ("complaint deadline: 48 hours → 12 hours"), rules and measures added, changed or removed. Made
 * from the IR alone (ids and citations aside), so it says exactly what the engine will do
 * differently from the version's effective instant.
 */
import type { DurationIR, MeasureIR, PolicyIR, RuleIR, SteppedIR, VersionIR } from "../ir/types.js";
import { boxText, type Lang } from "../diff/box-text.js";
import type { Region, SemanticDiff } from "../diff/semantic.js";
import { duration, measureSentence, ruleSentence, stepped } from "./describe.js";

/**
 * One thing an amendment changed, as data: both renderings (English below, formal Chinese in
 * ./changes-zh.ts) are made from the same list, so they say the same changes.
 */
export type Change =
  /** A parameter that moved, by its path in the version IR (`complaints.resolveWithin`). */
  | { t: "param"; path: string; was: unknown; is: unknown }
  /** A named item of a list section (a tier, a category) added or removed. */
  | { t: "item"; path: string; name: string; op: "added" | "removed" }
  | { t: "section"; section: SectionName; op: "added" | "removed" | "changed"; moved: Change[] }
  | { t: "rule"; name: string; op: "added" | "removed" | "changed"; was: RuleIR | null; is: RuleIR | null }
  | { t: "measure"; name: string; op: "added" | "removed" | "changed"; was: MeasureIR | null; is: MeasureIR | null };

/** One version's changes from the version before. */
export interface VersionChanges {
  version: string;
  effective: string;
  /** The changes, in a fixed order: header, sections, rules, measures. */
  changes: Change[];
  /** The same in English, "was → is", one line each. */
  lines: string[];
}

/** Names of the parameters people look for, by path in the version IR (the rest are said by their path). */
const LABELS: Record<string, string> = {
  "complaints.resolveWithin": "complaint deadline",
  "complaints.otherwise": "what an overdue complaint brings",
  "responsibility.window": "time to handle flagged content",
  "responsibility.otherwise": "what unhandled flagged content brings",
  "retention.keepLogs": "log retention",
  "limits.membersPerGroup": "members per group",
  "limits.groupsCreated": "groups a user may create",
  "limits.groupsJoined": "groups a user may join",
  "limits.infoPage": "info page threshold",
  "management.muteFor": "mute duration",
  "credit.levels": "credit levels",
  "credit.default": "starting credit level",
  "agreement.currentVersion": "current service agreement",
  "agreement.requiredFor": "services that need the agreement",
  "agreement.reaccept": "re-acceptance of a new agreement",
  "identity.requiredFor": "services that need a verified identity",
  "blacklist.users": "what blacklisted users may not do",
  "blacklist.groups": "what blacklisted groups may not do",
  "prohibited.severities": "severities",
  toleranceMs: "out-of-order tolerance",
  zone: "time zone",
};

/** The sections compared, in the order their changes are listed. */
export const SECTIONS = ["agreement", "identity", "credit", "categories", "tiers", "limits", "management", "prohibited", "responsibility", "blacklist", "complaints", "retention"] as const;
export type SectionName = (typeof SECTIONS)[number];

/** Drops what is not behaviour: node ids, node kinds and citations. */
function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(strip);
  if (v === null || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (k !== "id" && k !== "kind" && k !== "cites") out[k] = strip(x);
  return out;
}

export const isDuration = (v: unknown): v is DurationIR => typeof v === "object" && v !== null && "amount" in v && "unit" in v && Object.keys(v).length <= 3;
export const isStepped = (v: unknown): v is SteppedIR => typeof v === "object" && v !== null && "base" in v && "steps" in v;

/** A value as people read it. */
function shown(v: unknown): string {
  if (v === null || v === undefined) return "none";
  if (isDuration(v)) return duration(v);
  if (isStepped(v)) return stepped(v);
  if (Array.isArray(v)) return v.every((x) => typeof x !== "object") ? (v.length ? v.join(", ") : "none") : JSON.stringify(v);
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    if ("from" in o && "enforced" in o) return `${String(o["from"])} members${o["enforced"] ? " (enforced)" : ""}`;
    return JSON.stringify(v);
  }
  return String(v);
}

/** Whether a value is compared as a whole ("was → is") rather than field by field. */
function isLeaf(x: unknown): boolean {
  return x === null || typeof x !== "object" || Array.isArray(x) || isDuration(x) || isStepped(x) || "enforced" in (x as object);
}

/** The leaves that differ between two values. */
function diff(path: string, a: unknown, b: unknown, out: Change[]): void {
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  if (isLeaf(a) || isLeaf(b)) {
    // Arrays of named things (tiers, categories): item by item.
    if (Array.isArray(a) && Array.isArray(b) && [...a, ...b].every((x) => typeof x === "object" && x !== null && "name" in x)) {
      const byName = (xs: unknown[]) => new Map(xs.map((x) => [(x as { name: string }).name, x]));
      const [ma, mb] = [byName(a), byName(b)];
      for (const [n] of mb) if (!ma.has(n)) out.push({ t: "item", path, name: n, op: "added" });
      for (const [n] of ma) if (!mb.has(n)) out.push({ t: "item", path, name: n, op: "removed" });
      for (const [n, x] of mb) if (ma.has(n)) diff(`${path} ${n}`, ma.get(n), x, out);
      return;
    }
    out.push({ t: "param", path, was: a, is: b });
    return;
  }
  const ka = a as Record<string, unknown>;
  const kb = b as Record<string, unknown>;
  for (const k of new Set([...Object.keys(ka), ...Object.keys(kb)])) diff(path ? `${path}.${k}` : k, ka[k], kb[k], out);
}

/** A path's label: the name people look for, else the path (a tier's field: `tiers small.maxMembers`). */
function label(path: string): string {
  return LABELS[path] ?? path;
}

/** What changed from `prev` to `next`, as data. */
export function versionChanges(prev: VersionIR, next: VersionIR): Change[] {
  const out: Change[] = [];
  diff("", { zone: prev.zone, toleranceMs: prev.toleranceMs }, { zone: next.zone, toleranceMs: next.toleranceMs }, out);
  for (const section of SECTIONS) {
    const a = strip(prev[section]);
    const b = strip(next[section]);
    const empty = (x: unknown) => x === null || (Array.isArray(x) && x.length === 0);
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (empty(a)) out.push({ t: "section", section, op: "added", moved: [] });
    else if (empty(b)) out.push({ t: "section", section, op: "removed", moved: [] });
    else {
      const moved: Change[] = [];
      diff(section, a, b, moved);
      out.push({ t: "section", section, op: "changed", moved });
    }
  }
  const own = (v: VersionIR) => new Map(v.rules.filter((r) => r.origin === "policy").map((r) => [r.name, r]));
  const [ra, rb] = [own(prev), own(next)];
  for (const [n, r] of rb) if (!ra.has(n)) out.push({ t: "rule", name: n, op: "added", was: null, is: r });
  for (const [n, r] of ra) if (!rb.has(n)) out.push({ t: "rule", name: n, op: "removed", was: r, is: null });
  for (const [n, r] of rb) {
    const old = ra.get(n);
    if (old && JSON.stringify(strip(old)) !== JSON.stringify(strip(r))) out.push({ t: "rule", name: n, op: "changed", was: old, is: r });
  }
  const ms = (v: VersionIR) => new Map(v.measures.map((m) => [m.name, m]));
  const [ma, mb] = [ms(prev), ms(next)];
  for (const [n, m] of mb) if (!ma.has(n)) out.push({ t: "measure", name: n, op: "added", was: null, is: m });
  for (const [n, m] of ma) if (!mb.has(n)) out.push({ t: "measure", name: n, op: "removed", was: m, is: null });
  for (const [n, m] of mb) {
    const old = ma.get(n);
    if (old && JSON.stringify(strip(old)) !== JSON.stringify(strip(m))) out.push({ t: "measure", name: n, op: "changed", was: old, is: m });
  }
  return out;
}

/** One change in English: "complaints section changed: complaint deadline: 48 hours → 12 hours". */
export function changeLine(c: Change): string {
  switch (c.t) {
    case "param":
      return `${label(c.path)}: ${shown(c.was)} → ${shown(c.is)}`;
    case "item":
      return `${label(c.path)}: ${c.name} ${c.op}`;
    case "section":
      return c.op === "changed" ? `${c.section} section changed${c.moved.length ? `: ${c.moved.map(changeLine).join("; ")}` : ""}` : `${c.section} section ${c.op}`;
    case "rule":
      if (c.op === "added") return `rule ${c.name} added: ${ruleSentence(c.is!)}`;
      if (c.op === "removed") return `rule ${c.name} removed`;
      return `rule ${c.name} changed: was “${ruleSentence(c.was!)}”, is “${ruleSentence(c.is!)}”`;
    case "measure":
      if (c.op === "added") return `measure ${c.name} added: ${measureSentence(c.is!)}`;
      if (c.op === "removed") return `measure ${c.name} removed`;
      return `measure ${c.name} changed: was “${measureSentence(c.was!)}”, is “${measureSentence(c.is!)}”`;
  }
}

/** The change history of a policy: one entry per version after the first. */
export function changeHistory(ir: PolicyIR): VersionChanges[] {
  return ir.versions.slice(1).map((v, i) => {
    const changes = versionChanges(ir.versions[i]!, v);
    return { version: v.version, effective: v.effective, changes, lines: changes.map(changeLine) };
  });
}

/**
 * What an amendment changes in decisions, as `qungui diff` proves it over every state (src/diff):
 * for each rule whose condition now holds in other situations, where it now holds and where it no
 * longer does; for each kind of decision that changes, where. One line each, in English or Chinese.
 */
export function decisionLines(d: SemanticDiff, lang: Lang = "en"): string[] {
  const en = lang === "en";
  const where = (rs: readonly Region[] | undefined) => (rs ?? []).map((r) => boxText(r, lang)).join(en ? "; or when " : "；或 ");
  const effect = (e: "allow" | "deny") => (en ? e : e === "deny" ? "拒绝" : "准许");
  const verdict = (o: { allowed: boolean; rule: string }) => (en ? `${o.allowed ? "allowed" : "denied"} by ${o.rule}` : `依“${o.rule}”${o.allowed ? "准许" : "拒绝"}`);
  if (d.equivalent) return [en ? "No state and no event is decided differently." : "经验证，任何状态下任何事件的处理结果均不变。"];
  const out: string[] = [];
  for (const r of d.rules) {
    const head = en ? `${r.event}: rule ${r.rule} (${effect(r.effect)})` : `${r.event}：规则“${r.rule}”（${effect(r.effect)}）`;
    if (r.change !== "changed") out.push(en ? `${head} ${r.change}` : `${head}${r.change === "added" ? "新增" : "删除"}`);
    else {
      const parts: string[] = [];
      if (r.gained?.length) parts.push(en ? `now holds when ${where(r.gained)}` : `现适用于 ${where(r.gained)} 的情形`);
      if (r.lost?.length) parts.push(en ? `no longer holds when ${where(r.lost)}` : `不再适用于 ${where(r.lost)} 的情形`);
      out.push(`${head}${en ? " " : ""}${parts.length ? parts.join(en ? "; " : "；") : en ? "changed" : "修改"}`);
    }
  }
  for (const t of d.transitions) {
    const now = en ? `${t.event}: now ${verdict(t.to)}, was ${verdict(t.from)}` : `${t.event}：原${verdict(t.from)}，现${verdict(t.to)}`;
    out.push(t.regions.length ? (en ? `${now} — when ${where(t.regions)}` : `${now}，情形为 ${where(t.regions)}`) : now);
  }
  for (const u of d.unsupported) out.push(en ? `${u.event}: not compared (${u.why})` : `${u.event}：未能比较（${u.why}）`);
  if (d.truncated) out.push(en ? "(only the first kinds of change of an event type are listed)" : "（每类事件仅列出前若干种变化）");
  return out;
}
