/**
 * The filing document in Chinese (Article 7, A7.filing): the 分级分类管理制度 a provider files with
 * the national or provincial cyberspace office, as a formal document: the provider block from the
 * provider file (./provider.ts; blank where the platform gave nothing, never invented), the basis
 * and scope, versions and dates in force, then per version the service agreement and real-name
 * rule, the group categories, the tier scheme with its criteria and the rule that assigns a tier,
 * creator qualifications and join approval, the credit system (levels, how a level rises and
 * falls, a level → services table), the caps, group management and the duty to handle flagged
 * content, the prohibited content, the measures ladder and the blacklist, complaints and their
 * deadline, and log retention. Internal ids (tier, measure, severity and rule names, requirement
 * ids, the policy id) appear only in the appendix, which maps each name used in the text to them.
 *
 * Every sentence is made from the IR (./describe-zh.ts): what the engine does, with the figures
 * the platform chose. The print CSS is for A4 with page numbers.
 */
import { policyId } from "../ir/identity.js";
import type { ActionIR, MeasureIR, PolicyIR, RuleIR, TierTableIR, VersionIR } from "../ir/types.js";
import { ARTICLES, REGULATION_SOURCE } from "../law/articles.js";
import { code, h, p, type Block, type Cell, type Doc, type Inline, type TableBlock } from "./content.js";
import {
  actionsZh,
  actionZh,
  atCredit,
  countZh,
  levelNamesZh,
  quotedListZh,
  type ActionContextZh,
  conditionZh,
  dayZh,
  durationMsZh,
  durationZh,
  EVENT_ZH,
  groupServicesZh,
  instantZh,
  listZh,
  numeralZh,
  servicesZh,
  severityNamesZh,
  steppedAt,
  steppedZh,
  tierNameZh,
  triggerZh,
} from "./describe-zh.js";
import { changeHistory, decisionLines } from "./changes.js";
import type { SemanticDiff } from "../diff/semantic.js";
import { changeLineZh } from "./changes-zh.js";
import { PROVIDER_FIELDS, type Provider } from "./provider.js";
import { sectionCites, type SectionKind } from "./sections.js";

/** What the Chinese filing is made from. */
export interface FilingZhInputs {
  ir: PolicyIR;
  /** The provider's details (absent fields print blank). */
  provider?: Provider;
  /** The generator, named in the appendix. */
  generator?: string;
  /** qungui's version and the date given with `--date`, for the appendix. */
  meta?: { version: string; date?: string };
  /** Per amended version (by its label): what it changes in decisions, from `qungui diff` against the version before. */
  amendmentDiffs?: ReadonlyMap<string, SemanticDiff>;
}

/** A4 print: readable type (五号, 10.5pt), page numbers, tables that never split a row, no page holding only the footer. */
export const FILING_ZH_CSS = `
.filing-zh main, .filing-zh header.page, .filing-zh footer.page { max-width: 48rem; }
.filing-zh h1 { text-align: center; font-size: 1.7rem; margin-bottom: .3rem; }
.filing-zh .subtitle { text-align: center; margin-top: 0; }
.filing-zh h2 { font-size: 1.25rem; }
.filing-zh h3 { font-size: 1.08rem; }
.filing-zh p, .filing-zh li { line-height: 1.8; }
.filing-zh ol.clauses { padding-left: 2em; }
.filing-zh table.provider th { width: 11em; }
.filing-zh table.provider td { height: 2.4rem; }
.filing-zh table.provider tr.seal td { height: 7rem; }
.filing-zh .appendix { margin-top: 2.5rem; }
@page { size: A4; margin: 20mm 18mm 22mm; @bottom-center { content: "第 " counter(page) " 页，共 " counter(pages) " 页"; font-size: 9pt; font-family: "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif; color: #555; } }
@media print {
  body { font-size: 10.5pt; }
  header.page, main, footer.page { max-width: none; padding: 0; }
  .filing-zh h1 { font-size: 18pt; }
  .filing-zh h2 { font-size: 14pt; margin-top: 14pt; }
  .filing-zh h3 { font-size: 12pt; margin-top: 10pt; }
  table { font-size: 10.5pt; }
  .table-wrap { overflow: visible; }
  table { break-inside: auto; }
  tr, th, td { break-inside: avoid; }
  thead { display: table-header-group; }
  caption { break-after: avoid; }
  .appendix { break-before: page; }
  footer.page { margin-top: 8pt; padding-bottom: 0; break-before: avoid; font-size: 9pt; }
}
`;

/** The policy's names in the text, and their ids for the appendix. */
class Names {
  readonly categories = new Map<string, string>();
  readonly severities = new Map<string, string>();
  readonly prohibitedNames = new Map<string, string>();
  readonly levelNames = new Map<string, string>();
  constructor(readonly v: VersionIR) {
    const lv = levelNamesZh(v.credit.levels);
    v.credit.levels.forEach((l, i) => this.levelNames.set(l, lv[i]!));
    v.prohibited.categories.forEach((c, i) => this.prohibitedNames.set(c.name, c.label ?? `第${numeralZh(i + 1)}类违规信息`));
    v.categories.forEach((c, i) => this.categories.set(c.name, c.label ?? `第${numeralZh(i + 1)}类群组`));
    const names = severityNamesZh(v.prohibited.severities.length);
    v.prohibited.severities.forEach((s, i) => this.severities.set(s, names[i]!));
  }
  category = (c: string): string => this.categories.get(c) ?? c;
  severity = (s: string): string => this.severities.get(s) ?? s;
  prohibited = (c: string): string => this.prohibitedNames.get(c) ?? c;
  level = (l: string): string => this.levelNames.get(l) ?? l;
  /** The categories a tier table applies to, in Chinese; the default table takes the rest. */
  tableCategories(t: TierTableIR): string[] {
    if (t.categories !== null) return t.categories.map(this.category);
    const own = new Set(this.v.tiers.flatMap((x) => x.categories ?? []));
    return this.v.categories.filter((c) => !own.has(c.name)).map((c) => this.category(c.name));
  }
  /** `表1`, … in the order of the version's tier tables. */
  tableNo(t: TierTableIR): string {
    return `表${this.v.tiers.indexOf(t) + 1}`;
  }
  /** The tiers of a table lowest band first, with their names in the text. */
  tiers(t: TierTableIR): { tier: TierTableIR["tiers"][number]; zh: string }[] {
    return [...t.tiers].sort((a, b) => a.minMembers - b.minMembers).map((tier, i) => ({ tier, zh: tierNameZh(i) }));
  }
  tableOf(category: string): TierTableIR | undefined {
    return this.v.tiers.find((t) => t.categories?.includes(category)) ?? this.v.tiers.find((t) => t.categories === null);
  }
}

/** Section numbers: 一、二、… for h2, （一）（二）… for h3. */
class Counter {
  private n = 0;
  next(): string {
    this.n++;
    return `${numeralZh(this.n)}、`;
  }
}

/** The numbering of formal Chinese, by depth: 一、 > （一） > 1. > （1）. */
function num(depth: number, i: number): string {
  switch (Math.min(depth, 3)) {
    case 0:
      return `${numeralZh(i)}、`;
    case 1:
      return `（${numeralZh(i)}）`;
    case 2:
      return `${i}. `;
    default:
      return `（${i}）`;
  }
}

/** Where a version's parts sit: sections at depth 0 (one version) or 1 (under a version heading). */
interface Level {
  /** Depth of the version's sections. */
  depth: number;
  /** Sections so far. */
  i: number;
}

function kv(caption: string, rows: Cell[][], cls = "kv"): TableBlock {
  return { t: "table", caption, head: ["项目", "内容"], cls, rowHeader: true, rows };
}

/** Numbered clauses, one paragraph each, at `depth`. */
function clauses(depth: number, items: string[]): Block[] {
  return items.map((s, i) => ({ t: "p", cls: "clause", children: [`${num(depth, i + 1)}${s}`] }));
}

function qualification(t: { creator: { verified: boolean; minCredit: string | null } }, level: (l: string) => string): string {
  const parts = [t.creator.verified ? "已完成真实身份信息认证" : "", t.creator.minCredit ? `信用等级不低于${level(t.creator.minCredit)}` : ""].filter(Boolean);
  return parts.length ? parts.join("，") : "无特别要求";
}

function meets(t: { creator: { verified: boolean; minCredit: string | null } }, levels: readonly string[], level: string): boolean {
  return t.creator.minCredit === null || levels.indexOf(level) >= levels.indexOf(t.creator.minCredit);
}

/** The policy's own deny rules whose condition depends on the acting user's credit. */
function creditRules(v: VersionIR): RuleIR[] {
  const isF = (e: ReturnType<typeof atCredit>) => e.kind === "lit" && e.type === "bool" && !e.value;
  return v.rules.filter((r) => {
    if (r.origin !== "policy" || r.effect !== "deny") return false;
    const at = v.credit.levels.map((l) => JSON.stringify(atCredit(r.when, v.credit.levels, l)));
    return new Set(at).size > 1 && v.credit.levels.some((l) => !isF(atCredit(r.when, v.credit.levels, l)));
  });
}

class FilingZh {
  private readonly counter = new Counter();
  private readonly ruleRefs = new Map<string, number>();

  constructor(private readonly inp: FilingZhInputs) {}

  private get ir(): PolicyIR {
    return this.inp.ir;
  }

  /** The user a measure's actions name: once the trigger counts one user's flags, “该用户”. */
  private userNoun(m: MeasureIR): string | undefined {
    return m.trigger.count > 1 && m.trigger.scope === "user" ? "该用户" : undefined;
  }

  doc(): Doc {
    const pv = this.inp.provider ?? {};
    const title = `${pv.service ?? ""}互联网群组分级分类管理制度`;
    const blocks: Block[] = [h(1, "top", title), { t: "p", cls: "subtitle", children: ["（依据《互联网群组信息服务管理规定》第七条报送备案）"] }];
    blocks.push(...this.providerBlock(pv), ...this.basis(pv), ...this.versions());
    const multi = this.ir.versions.length > 1;
    this.ir.versions.forEach((v, i) => {
      if (multi) blocks.push(h(2, `version-${v.version}`, `${this.counter.next()}第${numeralZh(i + 1)}版管理制度（自${instantZh(v.effective, v.zone)}起施行）`));
      blocks.push(...this.version(v, multi));
    });
    blocks.push(this.appendix());
    return { title, blocks, css: FILING_ZH_CSS, cls: "filing filing-zh", lang: "zh-CN" };
  }

  /** A section heading of a version. */
  private heading(n: Level, text: string): Block {
    n.i++;
    return n.depth === 0 ? h(2, undefined, `${this.counter.next()}${text}`) : h(3, undefined, `${num(1, n.i)}${text}`);
  }

  /** A subsection heading inside a section (its `k`-th). */
  private subheading(n: Level, k: number, text: string): Block {
    return h(n.depth === 0 ? 3 : 4, undefined, `${num(n.depth + 1, k)}${text}`);
  }

  private providerBlock(pv: Provider): Block[] {
    const rows: Cell[][] = PROVIDER_FIELDS.map((f) => [[f.zh], [f.key === "date" && pv.date ? dayZh(pv.date) : (pv[f.key] ?? "")]]);
    rows.push([["单位盖章"], [""]]);
    return [
      h(2, "provider", `${this.counter.next()}提供者基本信息`),
      { t: "table", caption: "提供者基本信息（由提供者填写；空白处手写填写）", head: ["项目", "内容"], cls: "provider", rowHeader: true, rows, rowClass: rows.map((_, i) => (i === rows.length - 1 ? "seal" : "")) },
    ];
  }

  private basis(pv: Provider): Block[] {
    const a7 = ARTICLES.find((a) => a.number === 7)!;
    const who = pv.organisation ? `${pv.organisation}（以下简称“本单位”）` : "本单位";
    const service = pv.service ? `“${pv.service}”` : "";
    return [
      h(2, "basis", `${this.counter.next()}制定依据和适用范围`),
      p(`本制度依据《互联网群组信息服务管理规定》（国家互联网信息办公室发布，自2017年10月8日起施行）制定，适用于${who}通过${service || "其互联网站、应用程序"}提供的互联网群组信息服务。该规定第七条原文如下：`),
      { t: "quote", zh: true, children: [a7.textZh] },
      p("本制度所列人数、数量、期限等标准，均由本单位根据自身服务规模和管理能力确定。本制度所称“违规信息”，是指经本单位认定属于本制度所列违规信息类别的信息。"),
    ];
  }

  private versions(): Block[] {
    const vs = this.ir.versions;
    const rows: Cell[][] = vs.map((v, i) => [[`第${numeralZh(i + 1)}版`], [`自${instantZh(v.effective, v.zone)}起施行`]]);
    const note = vs.length > 1 ? "各版本自其施行之时起适用于此后发生的群组信息服务行为；新版本施行后，前一版本不再适用。" : "本制度自上述时间起施行。";
    const out: Block[] = [h(2, "versions", `${this.counter.next()}版本和施行时间`), { t: "table", caption: "制度版本", head: ["版本", "施行时间"], rowHeader: true, rows }, p(note)];
    // Per amendment, what it changes (the reviewer document's change history, in Chinese).
    changeHistory(this.ir).forEach((c, i) => {
      const [prev, next] = [vs[i]!, vs[i + 1]!];
      out.push(p(`第${numeralZh(i + 2)}版对第${numeralZh(i + 1)}版作如下修改${c.changes.length ? "：" : "。"}`));
      out.push(...(c.changes.length ? clauses(2, c.changes.map((x) => `${changeLineZh(x, prev, next)}。`)) : [p("本版仅修改引用的规定条款或者注释，本单位执行的各项标准和措施不变。")]));
      const d = this.inp.amendmentDiffs?.get(c.version);
      if (d) out.push(p("经求解器对全部状态验证（qungui diff），上述修改使下列情形的处理发生变化："), ...clauses(2, decisionLines(d, "zh").map((l) => `${l}。`)));
    });
    return out;
  }

  private version(v: VersionIR, multi: boolean): Block[] {
    const names = new Names(v);
    const n: Level = { depth: multi ? 1 : 0, i: 0 };
    const out: Block[] = [];
    out.push(...this.agreementIdentity(v, n));
    out.push(...this.categories(v, names, n));
    out.push(...this.tiers(v, names, n));
    out.push(...this.credit(v, names, n));
    out.push(...this.caps(v, n));
    out.push(...this.management(v, n));
    out.push(...this.prohibited(v, names, n));
    out.push(...this.measures(v, names, n));
    out.push(...this.complaints(v, n));
    out.push(...this.retention(v, n));
    return out;
  }

  private agreementIdentity(v: VersionIR, n: Level): Block[] {
    const items: string[] = [];
    if (v.agreement) {
      items.push(`本单位与用户签订服务协议，明确双方权利义务。用户未同意现行服务协议${v.agreement.currentVersion ? `（${v.agreement.currentVersion}版）` : ""}的，不得${servicesZh(v.agreement.requiredFor)}。`);
      if (v.agreement.reaccept) items.push("服务协议更新后，用户须重新确认同意，方可继续使用上述服务。");
    }
    if (v.identity) {
      items.push(`本单位按照“后台实名、前台自愿”的原则，对用户进行真实身份信息认证。用户未完成真实身份信息认证的，不得${servicesZh(v.identity.requiredFor)}。`);
      items.push("用户在群组中显示的名称由用户自愿设定。用户为认证提交的身份信息仅用于认证，不记入群组服务的决定、日志和报告。");
    }
    if (!items.length) return [];
    return [this.heading(n, "服务协议和真实身份信息认证"), ...clauses(n.depth + 1, items)];
  }

  private categories(v: VersionIR, names: Names, n: Level): Block[] {
    if (!v.categories.length) return [this.heading(n, "群组分类"), p("本单位未按性质类别对群组进行划分，所有群组适用同一分级标准（表1）。")];
    const rows: Cell[][] = v.categories.map((c) => {
      const t = names.tableOf(c.name);
      return [[names.category(c.name)], [t ? `${names.tableNo(t)}` : "无适用的分级标准"]];
    });
    return [
      this.heading(n, "群组分类"),
      p(`本单位根据群组的性质类别，将群组分为${numeralZh(v.categories.length)}类。用户建立群组时选定类别；群组类别变更的，自变更之时起适用新类别的分级标准。`),
      { t: "table", caption: "群组类别", head: ["群组类别", "适用的分级标准"], rowHeader: true, rows },
    ];
  }

  private tiers(v: VersionIR, names: Names, n: Level): Block[] {
    if (!v.tiers.length) return [];
    const out: Block[] = [this.heading(n, "分级标准和定级规则")];
    out.push(this.subheading(n, 1, "分级标准"), p("本单位根据群组的成员规模和活跃程度，对每一类群组实行分级管理。活跃程度以群组最近24小时内发布的信息条数计。分级标准如下："));
    for (const t of v.tiers) {
      const cats = names.tableCategories(t);
      const rows: Cell[][] = names.tiers(t).map(({ tier, zh }) => [
        [zh],
        [`${tier.minMembers}至${tier.maxMembers}人`],
        [tier.activityFrom === null ? "—" : `达到${tier.activityFrom}条`],
        [qualification(tier, names.level)],
        [tier.joinApproval ? "须经群组建立者或管理者审核同意" : "无须审核"],
      ]);
      out.push({
        t: "table",
        caption: `${names.tableNo(t)} ${cats.length ? `${quotedListZh(cats)}的分级标准` : "分级标准"}`,
        head: ["级别", "成员人数", "活跃程度（升级标准）", "建群资质", "入群审核"],
        rowHeader: true,
        rows,
      });
    }
    const rules: string[] = ["群组的级别按其当前成员人数所在的人数区间确定。"];
    if (v.tiers.some((t) => t.tiers.some((x) => x.activityFrom !== null))) rules.push("群组最近24小时内发布的信息条数达到较高级别活跃程度标准的，升入所达到标准的最高级别；活跃程度回落后，按成员人数重新确定级别。");
    rules.push("群组新建时成员为1人，按其类别所适用的分级标准确定级别；成员人数或活跃程度发生变化的，级别随之调整。");
    rules.push("用户建立群组，应当具备该群组所属级别的建群资质。群组因新成员加入升入更高级别的，其建立者应当具备该级别的建群资质且建群资格未被取消；不具备的，该次入群不予通过。");
    if (v.tiers.some((t) => t.tiers.some((x) => x.joinApproval))) rules.push("加入须审核级别的群组，应当经该群组建立者或管理权限未被暂停的管理者审核同意。");
    if (v.rules.some((r) => r.name === "tiers/no-tier")) rules.push("群组成员人数超出所适用分级标准范围的，不予建立或者入群。");
    if (v.rules.some((r) => r.name === "creation/cancelled")) rules.push("建群资格被依法依约取消的用户，不得建立群组。");
    out.push(this.subheading(n, 2, "定级规则"), ...clauses(n.depth + 2, rules));
    return out;
  }

  private credit(v: VersionIR, names: Names, n: Level): Block[] {
    const levels = v.credit.levels;
    const out: Block[] = [this.heading(n, "信用等级管理"), this.subheading(n, 1, "信用等级")];
    out.push(p(`本单位对用户实行信用等级管理，并根据信用等级提供相应服务。信用等级由低到高依次为${levels.map(names.level).join("、")}，共${countZh(levels.length)}级；新注册用户的初始信用等级为${names.level(v.credit.default)}。`));
    // How a level rises and falls: the platform's assessment (user.credit), and every lower-credit action.
    const falls: string[] = [];
    const lowered = (as: readonly ActionIR[], ctx: ActionContextZh, userNoun?: string) => as.filter((a) => a.kind === "lower-credit").map((a) => actionZh(a, ctx, userNoun));
    for (const m of v.measures) for (const a of lowered(m.actions, "flag", this.userNoun(m))) falls.push(`${triggerZh(m.trigger, names.severity, names.prohibited)}，${a}。`);
    if (v.responsibility) for (const a of lowered(v.responsibility.otherwise, "responsibility")) falls.push(`群组内被标记的违规信息未在${durationZh(v.responsibility.window)}内得到处置的，${a}。`);
    if (v.complaints) for (const a of lowered(v.complaints.otherwise, "complaint")) falls.push(`投诉举报未在${durationZh(v.complaints.resolveWithin)}内处理完毕的，${a}。`);
    const changes = ["本单位根据用户遵守法律法规、服务协议和平台公约的情况，对其信用等级进行评定和调整，可以升级，也可以降级；调整自记录之时起生效。", ...falls];
    if (falls.length) changes.push("用户信用等级已为最低等级的，不再降低。");
    out.push(this.subheading(n, 2, "信用等级的升降"), ...clauses(n.depth + 2, changes));

    // Level → services.
    const cats = v.tiers.map((t) => ({ t, cats: names.tableCategories(t) }));
    const rules = creditRules(v);
    rules.forEach((r) => {
      if (!this.ruleRefs.has(r.name)) this.ruleRefs.set(r.name, this.ruleRefs.size + 1);
    });
    const rows: Cell[][] = levels.map((level) => {
      const creatable = cats
        .map(({ t, cats: cs }) => {
          const ok = names.tiers(t).filter(({ tier }) => meets(tier, levels, level)).map((x) => x.zh);
          const label = cs.length ? quotedListZh(cs) : "各类群组";
          return ok.length ? `${label}：${ok.join("、")}` : `${label}：不具备建群资质`;
        })
        .join("；");
      const others = rules.flatMap((r) => {
        const rest = atCredit(r.when, levels, level);
        if (rest.kind === "lit" && rest.type === "bool" && !rest.value) return [];
        const what = listZh(r.on.map((e) => EVENT_ZH[e] ?? e), "或");
        const ref = `（附录第${numeralZh(this.ruleRefs.get(r.name)!)}项）`;
        if (rest.kind === "lit" && rest.type === "bool") return [`不得${what}${ref}`];
        const cond = conditionZh(rest, names.category);
        return [cond ? `${cond}的，不得${what}${ref}` : `在附录所列情形下，不得${what}${ref}`];
      });
      return [
        [names.level(level)],
        [creatable || "—"],
        [v.limits.groupsCreated ? `${steppedAt(v.limits.groupsCreated, levels, level)}个` : "不限"],
        [v.limits.groupsJoined ? `${steppedAt(v.limits.groupsJoined, levels, level)}个` : "不限"],
        [others.length ? others.join("；") : "无"],
      ];
    });
    out.push(this.subheading(n, 3, "信用等级与服务对照"));
    out.push({ t: "table", caption: "信用等级与服务对照表", head: ["信用等级", "可担任建立者的群组级别", "个人建群数上限", "个人入群数上限", "其他服务限制"], rowHeader: true, rows });
    if (v.tiers.some((t) => t.tiers.some((x) => x.creator.verified))) out.push(p("表中建群资质均以用户已完成真实身份信息认证为前提。"));
    return out;
  }

  private caps(v: VersionIR, n: Level): Block[] {
    const names = new Names(v);
    const l = v.limits;
    const items: string[] = [];
    items.push(l.membersPerGroup === null ? "群组成员人数以所适用分级标准的最高级别为限。" : `每个群组的成员人数不超过${l.membersPerGroup}人；超出的，不予入群。`);
    items.push(l.groupsCreated ? `每个用户建立的群组数（已关闭的群组不计）${steppedZh(l.groupsCreated, "个", names.level)}。` : "个人建立群组数不设上限。");
    items.push(l.groupsJoined ? `每个用户参加的群组数${steppedZh(l.groupsJoined, "个", names.level)}。` : "个人参加群组数不设上限。");
    if (l.infoPage) items.push(`成员达到${l.infoPage.from}人的群组，应当设置群信息页面${l.infoPage.enforced ? "；未设置的，不再接受新成员加入，直至设置完成" : "；达到该人数时，本单位提示群组建立者予以设置"}。`);
    return [this.heading(n, "群组成员人数和个人建群数、参加群数上限"), ...clauses(n.depth + 1, items)];
  }

  private management(v: VersionIR, n: Level): Block[] {
    const items = [`本单位为群组建立者、管理者提供必要的管理功能：移除成员、删除群内信息、对成员禁言（每次${durationZh(v.management.muteFor)}）、任免管理者、设置群组信息。管理权限被暂停的管理者，不得行使上述权限；群组建立者不得被移除或禁言。`];
    if (v.responsibility) items.push(`群组建立者、管理者应当履行群组管理责任，对群内被标记的违规信息，应当在${durationZh(v.responsibility.window)}内予以处置（删除该信息或对发布者采取管理措施）；逾期未处置的，${actionsZh(v.responsibility.otherwise, "responsibility")}。`);
    return [this.heading(n, "群组管理和管理责任"), ...clauses(n.depth + 1, items)];
  }

  private prohibited(v: VersionIR, names: Names, n: Level): Block[] {
    if (!v.prohibited.categories.length) return [];
    const sevs = v.prohibited.severities.map(names.severity);
    return [
      this.heading(n, "违规信息类别"),
      p(`任何用户不得利用群组传播法律法规和国家有关规定禁止的信息内容。本单位将违规信息分为下列类别，违规程度由轻到重分为${listZh(sevs)}${countZh(sevs.length)}档。经认定的违规信息予以删除，并依照本制度规定的处置措施处理。`),
      { t: "table", caption: "违规信息类别", head: ["类别", "违规程度"], rowHeader: true, rows: v.prohibited.categories.map((c) => [[names.prohibited(c.name)], [names.severity(c.severity)]]) },
    ];
  }

  private measures(v: VersionIR, names: Names, n: Level): Block[] {
    if (!v.measures.length && !v.blacklist) return [];
    const head = this.heading(n, "处置措施和黑名单管理");
    const out: Block[] = [head];
    if (v.measures.length) {
      out.push(p("群组或用户发布违规信息的，本单位依法依约采取下列处置措施；同一违规信息符合多项情形的，各项措施一并适用："));
      out.push({ t: "table", caption: "违规处置措施", head: ["序号", "适用情形", "处置措施"], rowHeader: true, rows: v.measures.map((m, i) => [[String(i + 1)], [triggerZh(m.trigger, names.severity, names.prohibited)], [`${actionsZh(m.actions, "flag", this.userNoun(m))}。`]]) });
    }
    if (v.blacklist) {
      const parts = [v.blacklist.users.length ? `纳入黑名单的用户，不得${servicesZh(v.blacklist.users)}` : "", v.blacklist.groups.length ? `纳入黑名单的群组，不得${groupServicesZh(v.blacklist.groups)}` : ""].filter(Boolean);
      out.push(p(`本单位建立黑名单管理制度，对违法违约情节严重的群组及其建立者、管理者和成员纳入黑名单，限制群组服务功能：${parts.join("；")}。黑名单设有期限的，期限届满后自动解除。`));
    }
    return out;
  }

  private complaints(v: VersionIR, n: Level): Block[] {
    if (!v.complaints) return [];
    return [this.heading(n, "投诉举报处理"), p(`本单位接受社会公众和行业组织的监督，设置便捷的投诉举报入口，对投诉举报一律受理，并自受理之时起${durationZh(v.complaints.resolveWithin)}内处理完毕；逾期未处理完毕的，${actionsZh(v.complaints.otherwise, "complaint")}。`)];
  }

  private retention(v: VersionIR, n: Level): Block[] {
    if (!v.retention) return [];
    return [
      this.heading(n, "日志和记录留存"),
      p(`本单位对群组信息服务的每一项决定和处置措施予以记录，网络日志和有关记录留存${durationZh(v.retention.keepLogs)}（不少于六个月），留存期限届满前不予删除。本单位配合有关主管部门依法进行的监督检查，可以按时间段、群组或者用户完整导出有关记录，并提供必要的技术支持和协助。`),
    ];
  }

  /** Internal ids: everything the text names, with the id the policy and the engine use. */
  private appendix(): Block {
    const ir = this.ir;
    const rows: Cell[][] = [
      [["策略名称"], [code(ir.name)]],
      ...(ir.title ? [[["策略标题"], [ir.title]] as Cell[]] : []),
      [["策略标识（policyId）"], [code(policyId(ir))]],
      ...(ir.source ? [[["策略源文件及其 SHA-256"], [code(ir.source.file), " ", code(ir.source.sha256)]] as Cell[]] : []),
      [["生成工具"], [`${this.inp.generator ?? "qungui docs"}${this.inp.meta ? `（qungui ${this.inp.meta.version}）` : ""}`]],
      [["生成日期"], [this.inp.meta?.date ? dayZh(this.inp.meta.date) : "未注明"]],
      [["规定文本"], [`《${REGULATION_SOURCE.title}》（${REGULATION_SOURCE.issuer}${dayZh(REGULATION_SOURCE.issued)}发布），引自 `, code(REGULATION_SOURCE.copy)]],
    ];
    const blocks: Block[] = [h(2, "appendix", "附录：内部标识对照"), p("本附录列明正文所用名称与系统内部标识的对应关系，供核对系统记录时使用。"), kv("策略", rows)];
    const multi = ir.versions.length > 1;
    ir.versions.forEach((v, vi) => {
      const names = new Names(v);
      const pre = multi ? `第${numeralZh(vi + 1)}版：` : "";
      const vrows: Cell[][] = [
        [["版本号"], [code(v.version)]],
        [["施行时间"], [code(v.effective)], ],
        [["时区"], [code(v.zone)]],
        [["事件到达乱序容差"], [durationMsZh(v.toleranceMs)]],
      ];
      blocks.push(kv(`${pre}版本`, vrows));
      const idRows: Cell[][] = [];
      for (const c of v.categories) idRows.push([["群组类别"], [names.category(c.name)], [code(c.name)]]);
      for (const t of v.tiers) for (const { tier, zh } of names.tiers(t)) idRows.push([["群组级别"], [`${names.tableNo(t)} ${zh}`], [code(tier.name)]]);
      for (const l of v.credit.levels) idRows.push([["信用等级"], [names.level(l)], [code(l)]]);
      for (const s of v.prohibited.severities) idRows.push([["违规程度"], [names.severity(s)], [code(s)]]);
      for (const c of v.prohibited.categories) idRows.push([["违规信息类别"], [names.prohibited(c.name)], [code(c.name)]]);
      v.measures.forEach((m, i) => idRows.push([["处置措施"], [`序号${i + 1}`], [code(m.name)]]));
      blocks.push({ t: "table", caption: `${pre}名称与内部标识`, head: ["对象", "正文名称", "内部标识"], rowHeader: true, rows: idRows });
      const rules = creditRules(v);
      if (rules.length) {
        blocks.push({
          t: "table",
          caption: `${pre}信用等级与服务对照表引用的平台规则`,
          head: ["项", "规则", "拒绝理由（策略原文）"],
          rowHeader: true,
          rows: rules.map((r) => [[`第${numeralZh(this.ruleRefs.get(r.name) ?? 0)}项`], [code(r.name)], [r.because.map((x) => (typeof x === "string" ? x : `{${x.path}}`)).join("")]]),
        });
      }
      const kinds: [SectionKind, string][] = [
        ["agreement", "服务协议"],
        ["identity", "真实身份信息认证"],
        ["categories", "群组分类"],
        ["tiers", "分级标准"],
        ["credit", "信用等级"],
        ["limits", "人数和数量上限"],
        ["management", "群组管理"],
        ["responsibility", "管理责任"],
        ["prohibited", "违规信息类别"],
        ["measures", "处置措施"],
        ["blacklist", "黑名单"],
        ["complaints", "投诉举报"],
        ["retention", "日志留存"],
      ];
      const reqRows: Cell[][] = kinds.flatMap(([k, zh]): Cell[][] => {
        const reqs = [...new Set(sectionCites(k, v))];
        return reqs.length ? [[[zh], reqs.flatMap((r, i): Inline[] => (i ? ["、", code(r)] : [code(r)]))]] : [];
      });
      blocks.push({ t: "table", caption: `${pre}各部分对应的规定要求编号`, head: ["部分", "要求编号"], rowHeader: true, rows: reqRows });
    });
    return { t: "section", id: "appendix-ids", cls: "appendix", blocks };
  }
}

/** The Chinese filing document as a tree. */
export function filingDocumentZh(inputs: FilingZhInputs): Doc {
  return new FilingZh(inputs).doc();
}
