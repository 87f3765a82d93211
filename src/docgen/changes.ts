/**
 * The change history of an amended policy: for each version after the first, what changed from
 * the version before — sections added, changed or removed with the parameters that moved
 * ("complaint deadline: 48 hours → 12 hours"), rules and measures added, changed or removed. Made
 * from the IR alone (ids and citations aside), so it says exactly what the engine will do
 * differently from the version's effective instant.
 */
import type { DurationIR, MeasureIR, PolicyIR, RuleIR, SteppedIR, VersionIR } from "../ir/types.js";
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
