/**
 * The regulation as data: its 15 articles with qungui's own English summaries, and the requirement
 * ids, held here (the registry: `qungui reqs` lists it). Every other stage (checker, engine, verify, docs) refers to
 * requirements through these ids, so a reviewer can follow one obligation end to end.
 */
import { ARTICLE_TEXT_ZH } from "./articles-zh.js";

export type RequirementKind = "static" | "stream" | "doc" | "static+stream";

export interface Requirement {
  /** Stable id, e.g. `A8.member-cap`. */
  id: string;
  /** Primary article number. */
  article: number;
  /** Further articles the requirement also serves (A11.responsibility serves 9 and 11). */
  alsoArticles?: number[];
  kind: RequirementKind;
  /** qungui's own one-sentence English statement of the requirement. */
  summary: string;
  /** Declaratory requirements have nothing to execute; docs explain why. */
  declaratory?: boolean;
}

export interface Article {
  number: number;
  titleZh: string;
  /** The Chinese text, quoted exactly from the regulation. */
  textZh: string;
  /** qungui's own English summary (not a translation). */
  summaryEn: string;
  declaratory: boolean;
}

const SUMMARIES: Record<number, [titleZh: string, summaryEn: string, declaratory: boolean]> = {
  1: ["立法目的", "States why the provisions exist and the laws they rest on.", true],
  2: ["适用范围与定义", "Applies to group services offered or used in China and defines groups, providers, and the creator, manager and member roles.", false],
  3: ["监管职责", "Names the national and local cyberspace offices as the supervising authorities.", true],
  4: ["基本导向", "Asks providers and users to keep a healthy online culture.", true],
  5: ["主体责任与服务协议", "Providers own content-safety management, publish their rules and platform conventions, and sign a service agreement with every user.", false],
  6: ["实名与个人信息保护", "Real identity is verified in the back end while front-end names stay free; unverified users get no information-release service; personal information must be protected.", false],
  7: ["分级分类与信用管理", "Groups are managed by tiers of category, size and activity, the scheme is filed with the authority, and users get services according to a credit rating.", false],
  8: ["群组上限、识别码与建群资质", "Providers cap group size and per-user group counts, give groups unique ids and info pages, check creator qualifications by tier and verify creation and joining.", false],
  9: ["群主与管理者责任", "Creators and managers are responsible for order in their groups, members must behave lawfully, and providers give managers the tools to manage.", false],
  10: ["禁止传播违法信息", "Nobody may use groups to spread prohibited content.", false],
  11: ["处置措施、信用惩戒与黑名单", "Violating groups and users face graduated measures and a blacklist; every measure is recorded and reported to the authority.", false],
  12: ["投诉举报", "Providers run convenient complaint channels and handle complaints promptly.", false],
  13: ["配合检查与日志留存", "Providers support inspections and keep network logs for at least six months.", false],
  14: ["法律责任", "Violations are handled by the competent departments under the applicable laws.", true],
  15: ["施行日期", "The provisions take effect on 8 October 2017.", false],
};

/** Where the quoted Chinese text comes from: the regulation, and the project's copy that documents quote. */
export const REGULATION_SOURCE = {
  title: "互联网群组信息服务管理规定",
  issuer: "国家互联网信息办公室",
  issued: "2017-09-07",
  effective: "2017-10-08",
  /** The project's copy, with the official full-width punctuation (src/law/articles-zh.ts is generated from it). */
  copy: "docs/regulation/cac-2017-zh.md",
} as const;

/** The 15 articles, in order. */
export const ARTICLES: readonly Article[] = Object.entries(SUMMARIES).map(([n, [titleZh, summaryEn, declaratory]]) => ({
  number: Number(n),
  titleZh,
  textZh: ARTICLE_TEXT_ZH[Number(n)] ?? "",
  summaryEn,
  declaratory,
}));

/** Every requirement id of the regulation, with our own wording. */
export const REQUIREMENTS: readonly Requirement[] = [
  { id: "A1.purpose", article: 1, kind: "doc", declaratory: true, summary: "Declaratory: the purpose and legal basis of the provisions; nothing to execute." },
  { id: "A2.roles", article: 2, kind: "stream", summary: "A group has exactly one creator plus managers and members, and every decision about a group member names that member's role." },
  { id: "A3.authorities", article: 3, kind: "doc", declaratory: true, summary: "Declaratory: which authorities supervise; nothing to execute." },
  { id: "A4.orientation", article: 4, kind: "doc", declaratory: true, summary: "Declaratory: a call for a healthy online culture; nothing to execute." },
  { id: "A5.agreement", article: 5, kind: "stream", summary: "A user without acceptance of the current service agreement gets no group service; a new version can require re-acceptance." },
  { id: "A5.published-rules", article: 5, kind: "doc", summary: "The platform's management rules are published: the generated docs render every rule with the article it serves." },
  { id: "A6.real-name", article: 6, kind: "stream", summary: "A user without a verified real identity may not post, create groups or set group information; display names stay free." },
  { id: "A6.pii", article: 6, kind: "stream", summary: "Personal information given for verification never appears in decisions, logs, errors, reports or documents." },
  { id: "A7.tiers", article: 7, kind: "static", summary: "Groups are tiered by category, member count and activity; per category every member count falls in exactly one tier." },
  { id: "A7.credit", article: 7, kind: "static+stream", summary: "Services depend on an ordered credit scale, monotonically: more credit never removes a service, less never adds one." },
  { id: "A7.filing", article: 7, kind: "doc", summary: "The tiered management scheme is rendered as one filing document for the authority." },
  { id: "A8.member-cap", article: 8, kind: "stream", summary: "No group ever exceeds its member cap; a join beyond it is denied." },
  { id: "A8.user-caps", article: 8, kind: "stream", summary: "No user ever creates or joins more groups than the caps allow at their credit level." },
  { id: "A8.group-id", article: 8, kind: "stream", summary: "Group ids are unique forever; creating a group under an id already used, even by a closed group, is denied." },
  { id: "A8.info-page", article: 8, kind: "stream", summary: "A group reaching the size threshold must have an info page; crossing it without one raises an obligation, and the policy may hold joins until it exists." },
  { id: "A8.creator-qualification", article: 8, kind: "stream", summary: "Creating a group, or growing it into a higher tier, needs the creator qualification of that tier." },
  { id: "A8.join-verification", article: 8, kind: "stream", summary: "In tiers that require approval, a join must be approved by the creator or an active manager." },
  { id: "A9.management-rights", article: 9, kind: "stream", summary: "Only the creator and managers whose rights are not suspended may manage a group, and nobody removes the creator." },
  { id: "A10.prohibited-content", article: 10, kind: "stream", summary: "Content flagged in a prohibited category is removed and starts the Article 11 measures." },
  { id: "A11.group-measures", article: 11, kind: "stream", summary: "Violating groups are warned and told to rectify, have posting suspended, or are closed; closed groups take no joins or posts, suspended ones no posts." },
  { id: "A11.user-measures", article: 11, kind: "stream", summary: "Violating users lose credit, management rights or the right to create groups, from the next event on." },
  { id: "A11.blacklist", article: 11, kind: "stream", summary: "Serious violators, groups or users, are blacklisted and lose the functions the policy names until lifted." },
  { id: "A11.record-report", article: 11, kind: "static+stream", summary: "Every Article 11 measure is both recorded and reported to the competent authority." },
  { id: "A11.responsibility", article: 11, alsoArticles: [9], kind: "stream", summary: "A creator or manager who leaves flagged content in their group unhandled past the policy's window faces user measures." },
  { id: "A12.complaints", article: 12, kind: "stream", summary: "Every complaint is accepted and must be resolved by the deadline; an overdue one is escalated exactly once, by timer." },
  { id: "A13.retention", article: 13, kind: "static+stream", summary: "Logs and records are kept for at least six calendar months; purging anything younger is refused." },
  { id: "A13.inspection", article: 13, kind: "stream", summary: "Records can be exported for inspection by time range, group or user, complete and in order." },
  { id: "A14.liability", article: 14, kind: "doc", declaratory: true, summary: "Declaratory: violations are handled under other laws; nothing to execute." },
  { id: "A15.effective", article: 15, kind: "stream", summary: "The policy governs events from 2017-10-08 00:00 China Standard Time; amendments apply from their own dates." },
];

const BY_ID = new Map(REQUIREMENTS.map((r) => [r.id, r]));

/** The requirement with this id, if it exists. */
export function requirement(id: string): Requirement | undefined {
  return BY_ID.get(id);
}

/** The article number a requirement id belongs to (`A8.member-cap` → 8), or undefined for a malformed id. */
export function articleOf(id: string): number | undefined {
  return BY_ID.get(id)?.article ?? (/^A(\d+)\./.exec(id) ? Number(/^A(\d+)\./.exec(id)![1]) : undefined);
}

/** The earliest instant the regulation governs: 2017-10-08 00:00 China Standard Time. */
export const REGULATION_EFFECTIVE_MS = Date.UTC(2017, 9, 7, 16, 0, 0);
