/**
 * The policy's sections as tables (tiers, limits, measures, complaints, retention, …), shared by
 * the reviewer document and the filing document. Every figure is the platform's choice, shown
 * as the policy states it.
 */
import type { PolicyIR, SpanIR, TierTableIR, VersionIR } from "../ir/types.js";
import { code, join, zh, type Block, type Cell, type Inline, type TableBlock } from "./content.js";
import { actions, duration, durationMs, groupServices, services, stepped, trigger } from "./describe.js";

/** Renders a source position as a link (or plain text when there is nowhere to link to). */
export type SourceLinker = (span: SpanIR | undefined) => Inline[];

/** A linker that links nowhere (a printed filing). */
export const noLinks: SourceLinker = () => [];

const yesNo = (b: boolean): string => (b ? "yes" : "no");

function at(link: SourceLinker, ir: PolicyIR, node: string | null | undefined): Cell {
  const l = node ? link(ir.spans[node]) : [];
  return l.length ? l : ["—"];
}

/** Drops a table's last column ("Source") when no row links anywhere (IR without spans, or a printed filing). */
function dropEmptySource(t: TableBlock): TableBlock {
  const last = t.head.length - 1;
  if (t.head[last] !== "Source") return t;
  const empty = t.rows.every((r) => r[last]!.length === 1 && r[last]![0] === "—");
  return empty ? { ...t, head: t.head.slice(0, last), rows: t.rows.map((r) => r.slice(0, last)) } : t;
}

/** Section kinds in the order the regulation treats them. */
export const SECTION_KINDS = ["agreement", "identity", "credit", "categories", "tiers", "limits", "management", "prohibited", "measures", "responsibility", "blacklist", "complaints", "retention"] as const;
/** A section kind. */
export type SectionKind = (typeof SECTION_KINDS)[number];

/** Versions of the policy: when each takes effect. */
export function versionsTable(ir: PolicyIR, link: SourceLinker): TableBlock {
  return dropEmptySource({
    t: "table",
    caption: "Versions of the policy",
    head: ["Version", "Takes effect", "Time zone", "Out-of-order tolerance", "Source"],
    rowHeader: true,
    rows: ir.versions.map((v) => [[v.version], [v.effective], [v.zone], [durationMs(v.toleranceMs)], at(link, ir, v.id)]),
  });
}

function categoryLabel(v: VersionIR, name: string): Inline[] {
  const c = v.categories.find((x) => x.name === name);
  return c?.label ? [code(name), " ", zh(c.label)] : [code(name)];
}

function tierTableCaption(v: VersionIR, t: TierTableIR): string {
  if (t.categories === null) {
    const own = new Set(v.tiers.flatMap((x) => x.categories ?? []));
    const rest = v.categories.map((c) => c.name).filter((c) => !own.has(c));
    return rest.length ? `Tiers of the categories ${rest.join(", ")}` : "Default tiers";
  }
  return `Tiers of the ${t.categories.length === 1 ? "category" : "categories"} ${t.categories.join(", ")}`;
}

/** One table per tier table: bands, activity promotion, creator qualification, join approval. */
export function tierTables(v: VersionIR, ir: PolicyIR, link: SourceLinker): TableBlock[] {
  return v.tiers.map((t) => dropEmptySource({
    t: "table",
    caption: tierTableCaption(v, t),
    head: ["Tier", "Members", "Promoted at (messages per day)", "Creator qualification", "Join needs approval", "Source"],
    rowHeader: true,
    rows: t.tiers.map((x) => [
      [code(x.name)],
      [`${x.minMembers}–${x.maxMembers}`],
      [x.activityFrom === null ? "—" : String(x.activityFrom)],
      [[x.creator.verified ? "verified real identity" : "", x.creator.minCredit ? `credit ${x.creator.minCredit} or better` : ""].filter(Boolean).join(", ") || "none"],
      [yesNo(x.joinApproval)],
      at(link, ir, x.id),
    ]),
  }));
}

/** The section `kind` of version `v` as blocks (empty when the version has no such section). */
export function sectionBlocks(kind: SectionKind, v: VersionIR, ir: PolicyIR, link: SourceLinker): Block[] {
  const kv = (caption: string, rows: [string, Cell][], node: string | null | undefined): TableBlock => ({
    t: "table",
    caption,
    head: ["Setting", "Policy"],
    cls: "kv",
    rowHeader: true,
    rows: [...rows.map(([k, c]) => [[k], c] as Cell[]), ...(node && link(ir.spans[node]).length ? [[["Source"], at(link, ir, node)] as Cell[]] : [])],
  });
  switch (kind) {
    case "agreement":
      if (!v.agreement) return [];
      return [
        kv(
          "Service agreement",
          [
            ["Current version", [v.agreement.currentVersion ?? "the last one published"]],
            ["Must be accepted to", [services(v.agreement.requiredFor)]],
            ["A new version must be accepted again", [yesNo(v.agreement.reaccept)]],
          ],
          v.agreement.id,
        ),
      ];
    case "identity":
      if (!v.identity) return [];
      return [kv("Real-name identity", [["A verified real identity is required to", [services(v.identity.requiredFor)]], ["Display names", ["free: ", zh("后台实名、前台自愿"), " (real names in the back end, voluntary in front)"]]], v.identity.id)];
    case "credit":
      return [
        kv(
          "Credit levels",
          [
            ["Levels, lowest first", [v.credit.levels.join(" < ")]],
            ["New users start at", [v.credit.default]],
          ],
          v.credit.id,
        ),
      ];
    case "categories":
      if (!v.categories.length) return [];
      return [
        {
          t: "table",
          caption: "Group categories",
          head: ["Category", "Name", "Tier table"],
          rowHeader: true,
          rows: v.categories.map((c) => {
            const table = v.tiers.find((t) => t.categories?.includes(c.name)) ?? v.tiers.find((t) => t.categories === null);
            return [[code(c.name)], c.label ? [zh(c.label)] : ["—"], [table ? tierTableCaption(v, table) : "none"]];
          }),
        },
      ];
    case "tiers":
      return tierTables(v, ir, link);
    case "limits": {
      const l = v.limits;
      const rows: [string, Cell][] = [
        ["Members per group", [l.membersPerGroup === null ? "no cap" : String(l.membersPerGroup)]],
        ["Groups a user may create", [l.groupsCreated ? stepped(l.groupsCreated) : "no cap"]],
        ["Groups a user may join", [l.groupsJoined ? stepped(l.groupsJoined) : "no cap"]],
        ["Info page required from", [l.infoPage ? `${l.infoPage.from} members${l.infoPage.enforced ? " (joins are held until it exists)" : " (an obligation is raised when the threshold is reached)"}` : "no threshold"]],
      ];
      return [kv("Limits", rows, l.id)];
    }
    case "management":
      return [kv("Management", [["Creators and managers may", ["remove members, delete messages, mute members, appoint and revoke managers, set the group's information"]], ["A mute lasts", [duration(v.management.muteFor)]]], v.management.id)];
    case "prohibited": {
      if (!v.prohibited.categories.length) return [];
      return [
        {
          t: "table",
          caption: `Prohibited content (severities, lowest first: ${v.prohibited.severities.join(" < ")})`,
          head: ["Category", "Name", "Severity"],
          rowHeader: true,
          rows: v.prohibited.categories.map((c) => [[code(c.name)], c.label ? [zh(c.label)] : ["—"], [c.severity]]),
        },
      ];
    }
    case "measures":
      if (!v.measures.length) return [];
      return [
        dropEmptySource({
          t: "table",
          caption: "Measures on flagged content (a flag applies every matching measure)",
          head: ["Measure", "On", "Then", "Serves", "Source"],
          rowHeader: true,
          rows: v.measures.map((m) => [[code(m.name)], [trigger(m.trigger)], [actions(m.actions)], join(m.cites.map((c) => [code(c.req)])), at(link, ir, m.id)]),
        }),
      ];
    case "responsibility":
      if (!v.responsibility) return [];
      return [kv("Responsibility of creators and managers", [["Flagged content must be handled within", [duration(v.responsibility.window)]], ["Otherwise", [actions(v.responsibility.otherwise, "responsibility")]]], v.responsibility.id)];
    case "blacklist":
      if (!v.blacklist) return [];
      return [kv("Blacklist", [["Blacklisted users may not", [services(v.blacklist.users) || "—"]], ["Blacklisted groups may not", [groupServices(v.blacklist.groups) || "—"]]], v.blacklist.id)];
    case "complaints":
      if (!v.complaints) return [];
      return [kv("Complaints", [["Every complaint is accepted and must be resolved within", [duration(v.complaints.resolveWithin)]], ["Otherwise", [actions(v.complaints.otherwise, "complaint")]]], v.complaints.id)];
    case "retention":
      if (!v.retention) return [];
      return [kv("Retention", [["Logs and records are kept for", [duration(v.retention.keepLogs)]], ["Purging younger records", ["refused"]]], v.retention.id)];
  }
}

/** The articles a section serves (through the requirement ids it cites). */
export function sectionCites(kind: SectionKind, v: VersionIR): string[] {
  switch (kind) {
    case "agreement":
      return v.agreement?.cites.map((c) => c.req) ?? [];
    case "identity":
      return v.identity?.cites.map((c) => c.req) ?? [];
    case "credit":
      return v.credit.cites.map((c) => c.req);
    case "categories":
      return v.categories.length ? ["A7.tiers"] : [];
    case "tiers":
      return [...new Set(v.tiers.flatMap((t) => t.cites.map((c) => c.req)))];
    case "limits":
      return v.limits.cites.map((c) => c.req);
    case "management":
      return v.management.cites.length ? v.management.cites.map((c) => c.req) : ["A9.management-rights"];
    case "prohibited":
      return v.prohibited.cites.map((c) => c.req);
    case "measures":
      return [...new Set(v.measures.flatMap((m) => m.cites.map((c) => c.req)))];
    case "responsibility":
      return v.responsibility?.cites.map((c) => c.req) ?? [];
    case "blacklist":
      return v.blacklist?.cites.map((c) => c.req) ?? [];
    case "complaints":
      return v.complaints?.cites.map((c) => c.req) ?? [];
    case "retention":
      return v.retention?.cites.map((c) => c.req) ?? [];
  }
}
