/**
 * The change history of an amended policy: for each version after the first, what changed from
 * the version before — sections added, changed or removed with the parameters that moved
 * ("complaint deadline: 48 hours → 12 hours"), rules and measures added, changed or removed. Made
 * from the IR alone (ids and citations aside), so it says exactly what the engine will do
 * differently from the version's effective instant.
 */
import type { DurationIR, PolicyIR, RuleIR, SteppedIR, VersionIR } from "../ir/types.js";
import { duration, measureSentence, ruleSentence, stepped } from "./describe.js";

/** One version's changes from the version before. */
export interface VersionChanges {
  version: string;
  effective: string;
  /** "was" → "is", one line each, in a fixed order: header, sections, rules, measures. */
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

const SECTIONS = ["agreement", "identity", "credit", "categories", "tiers", "limits", "management", "prohibited", "responsibility", "blacklist", "complaints", "retention"] as const;

/** Drops what is not behaviour: node ids, node kinds and citations. */
function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(strip);
  if (v === null || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (k !== "id" && k !== "kind" && k !== "cites") out[k] = strip(x);
  return out;
}

const isDuration = (v: unknown): v is DurationIR => typeof v === "object" && v !== null && "amount" in v && "unit" in v && Object.keys(v).length <= 3;
const isStepped = (v: unknown): v is SteppedIR => typeof v === "object" && v !== null && "base" in v && "steps" in v;

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

/** The leaves that differ between two values, as "label: was → is". */
function diff(path: string, a: unknown, b: unknown, out: string[]): void {
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  const label = LABELS[path] ?? path;
  const leaf = (x: unknown) => x === null || typeof x !== "object" || Array.isArray(x) || isDuration(x) || isStepped(x) || (typeof x === "object" && "enforced" in (x as object));
  if (leaf(a) || leaf(b)) {
    // Arrays of named things (tiers, categories): item by item.
    if (Array.isArray(a) && Array.isArray(b) && [...a, ...b].every((x) => typeof x === "object" && x !== null && "name" in x)) {
      const byName = (xs: unknown[]) => new Map(xs.map((x) => [(x as { name: string }).name, x]));
      const [ma, mb] = [byName(a), byName(b)];
      for (const [n, x] of mb) if (!ma.has(n)) out.push(`${label}: ${n} added`);
      for (const [n] of ma) if (!mb.has(n)) out.push(`${label}: ${n} removed`);
      for (const [n, x] of mb) if (ma.has(n)) diff(`${path} ${n}`, ma.get(n), x, out);
      return;
    }
    out.push(`${label}: ${shown(a)} → ${shown(b)}`);
    return;
  }
  const ka = a as Record<string, unknown>;
  const kb = b as Record<string, unknown>;
  for (const k of new Set([...Object.keys(ka), ...Object.keys(kb)])) diff(path ? `${path}.${k}` : k, ka[k], kb[k], out);
}

function ruleKey(r: RuleIR): string {
  return r.name;
}

/** What changed from `prev` to `next`. */
export function versionChanges(prev: VersionIR, next: VersionIR): string[] {
  const lines: string[] = [];
  diff("", { zone: prev.zone, toleranceMs: prev.toleranceMs }, { zone: next.zone, toleranceMs: next.toleranceMs }, lines);
  for (const kind of SECTIONS) {
    const a = strip(prev[kind]);
    const b = strip(next[kind]);
    const empty = (x: unknown) => x === null || (Array.isArray(x) && x.length === 0);
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (empty(a)) lines.push(`${kind} section added`);
    else if (empty(b)) lines.push(`${kind} section removed`);
    else {
      const moved: string[] = [];
      diff(kind, a, b, moved);
      lines.push(`${kind} section changed${moved.length ? `: ${moved.join("; ")}` : ""}`);
    }
  }
  const own = (v: VersionIR) => new Map(v.rules.filter((r) => r.origin === "policy").map((r) => [ruleKey(r), r]));
  const [ra, rb] = [own(prev), own(next)];
  for (const [n, r] of rb) if (!ra.has(n)) lines.push(`rule ${n} added: ${ruleSentence(r)}`);
  for (const [n] of ra) if (!rb.has(n)) lines.push(`rule ${n} removed`);
  for (const [n, r] of rb) {
    const old = ra.get(n);
    if (old && JSON.stringify(strip(old)) !== JSON.stringify(strip(r))) lines.push(`rule ${n} changed: was “${ruleSentence(old)}”, is “${ruleSentence(r)}”`);
  }
  const ms = (v: VersionIR) => new Map(v.measures.map((m) => [m.name, m]));
  const [ma, mb] = [ms(prev), ms(next)];
  for (const [n, m] of mb) if (!ma.has(n)) lines.push(`measure ${n} added: ${measureSentence(m)}`);
  for (const [n] of ma) if (!mb.has(n)) lines.push(`measure ${n} removed`);
  for (const [n, m] of mb) {
    const old = ma.get(n);
    if (old && JSON.stringify(strip(old)) !== JSON.stringify(strip(m))) lines.push(`measure ${n} changed: was “${measureSentence(old)}”, is “${measureSentence(m)}”`);
  }
  return lines;
}

/** The change history of a policy: one entry per version after the first. */
export function changeHistory(ir: PolicyIR): VersionChanges[] {
  return ir.versions.slice(1).map((v, i) => ({ version: v.version, effective: v.effective, lines: versionChanges(ir.versions[i]!, v) }));
}
