/**
 * The change history in formal Chinese, for the Chinese filing: the same changes as the reviewer
 * document's English history (./changes.ts, `Change`), one clause each, with the parameters that
 * moved ("投诉处理时限：48小时 → 12小时"). Names of credit levels and categories are the ones the
 * filing's text uses; rule and measure names, which only the appendix otherwise gives, are quoted
 * so that a reader can find them there.
 */
import type { ActionIR, MeasureIR, RuleIR, VersionIR } from "../ir/types.js";
import { isDuration, isStepped, type Change, type SectionName } from "./changes.js";
import { actionsZh, conditionZh, durationMsZh, durationZh, EVENT_ZH, groupServicesZh, levelNamesZh, listZh, numeralZh, servicesZh, severityNamesZh, steppedZh, triggerZh } from "./describe-zh.js";

/** Section names as the filing's headings call them. */
export const SECTION_ZH: Record<SectionName, string> = {
  agreement: "服务协议",
  identity: "真实身份信息认证",
  credit: "信用等级",
  categories: "群组分类",
  tiers: "分级标准",
  limits: "人数和数量上限",
  management: "群组管理",
  prohibited: "违规信息类别",
  responsibility: "管理责任",
  blacklist: "黑名单",
  complaints: "投诉举报处理",
  retention: "日志留存",
};

/** How a parameter's value reads in Chinese; `level` names credit levels as the filing does. */
type ValueZh = (v: unknown, level: (l: string) => string) => string;

const none = (v: unknown): boolean => v === null || v === undefined || (Array.isArray(v) && v.length === 0);
const dur: ValueZh = (v) => (isDuration(v) ? durationZh(v) : String(v));
const cap: ValueZh = (v, level) => (isStepped(v) ? steppedZh(v, "个", level) : String(v));
const acts =
  (ctx: "complaint" | "responsibility"): ValueZh =>
  (v) =>
    Array.isArray(v) ? actionsZh(v as ActionIR[], ctx) : String(v);
const services: ValueZh = (v) => (Array.isArray(v) ? servicesZh(v as string[]) : String(v));

/** Parameters by path: the label the filing's reader knows and how the value reads. */
const PARAMS_ZH: Record<string, [label: string, value: ValueZh]> = {
  "complaints.resolveWithin": ["投诉处理时限", dur],
  "complaints.otherwise": ["投诉逾期未处理完毕的处理", acts("complaint")],
  "responsibility.window": ["群组管理者处置被标记违规信息的时限", dur],
  "responsibility.otherwise": ["逾期未处置的处理", acts("responsibility")],
  "retention.keepLogs": ["网络日志和有关记录留存期限", dur],
  "limits.membersPerGroup": ["每个群组的成员人数上限", (v) => `${String(v)}人`],
  "limits.groupsCreated": ["每个用户建立的群组数", cap],
  "limits.groupsJoined": ["每个用户参加的群组数", cap],
  "limits.infoPage": ["应当设置群信息页面的成员人数", (v) => (typeof v === "object" && v !== null && "from" in v ? `${String((v as { from: unknown }).from)}人${(v as { enforced?: boolean }).enforced ? "（未设置的不再接受新成员）" : "（提示设置）"}` : String(v))],
  "management.muteFor": ["每次禁言时长", dur],
  "credit.levels": ["信用等级", (v) => (Array.isArray(v) ? listZh(levelNamesZh(v as string[])) : String(v))],
  "credit.default": ["新用户的初始信用等级", (v, level) => level(String(v))],
  "agreement.currentVersion": ["现行服务协议版本", (v) => `“${String(v)}”`],
  "agreement.requiredFor": ["须先同意服务协议的服务", services],
  "agreement.reaccept": ["服务协议更新后须重新同意", (v) => (v ? "是" : "否")],
  "identity.requiredFor": ["须先完成真实身份信息认证的服务", services],
  "blacklist.users": ["纳入黑名单的用户不得使用的服务", services],
  "blacklist.groups": ["纳入黑名单的群组受限的功能", (v) => (Array.isArray(v) ? groupServicesZh(v as string[]) : String(v))],
  "prohibited.severities": ["违规程度分档", (v) => (Array.isArray(v) ? `${v.length}档` : String(v))],
  toleranceMs: ["事件到达乱序容差", (v) => (typeof v === "number" ? durationMsZh(v) : String(v))],
  zone: ["时区", (v) => String(v)],
};

/** A value with no label of its own: said as the data it is. */
function rawZh(v: unknown): string {
  if (none(v)) return "无";
  if (isDuration(v)) return durationZh(v);
  if (Array.isArray(v) && v.every((x) => typeof x !== "object")) return v.join("、");
  if (typeof v === "boolean") return v ? "是" : "否";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

function paramZh(path: string, was: unknown, is: unknown, level: (l: string) => string): string {
  const known = PARAMS_ZH[path];
  const [label, value] = known ?? [path, (v: unknown) => rawZh(v)];
  const say = (v: unknown) => (none(v) ? "无" : value(v, level));
  return `${label}：${say(was)} → ${say(is)}`;
}

/** A rule as the filing says it: what it refuses and when, else its name only. */
function ruleZh(r: RuleIR, category: (c: string) => string): string {
  const what = listZh(r.on.map((e) => EVENT_ZH[e] ?? e), "或");
  const when = conditionZh(r.when, category);
  return when === null ? `“${r.name}”（${r.effect === "deny" ? "拒绝" : "准许"}${what}，条件见策略原文）` : `“${r.name}”：${when}的，${r.effect === "deny" ? "不予" : "准许"}${what}`;
}

function measureZh(m: MeasureIR, v: VersionIR): string {
  // The names the filing's text gives severities and prohibited categories (its `Names`).
  const sevNames = severityNamesZh(v.prohibited.severities.length);
  const sev = (s: string) => sevNames[v.prohibited.severities.indexOf(s)] ?? s;
  const cat = (c: string) => {
    const i = v.prohibited.categories.findIndex((x) => x.name === c);
    return i < 0 ? c : (v.prohibited.categories[i]!.label ?? `第${numeralZh(i + 1)}类违规信息`);
  };
  return `${triggerZh(m.trigger, sev, cat)}，${actionsZh(m.actions, "flag")}`;
}

/** One change in formal Chinese, against the versions before (`prev`) and after (`next`). */
export function changeLineZh(c: Change, prev: VersionIR, next: VersionIR): string {
  const levels = new Map<string, string>();
  for (const v of [prev, next]) levelNamesZh(v.credit.levels).forEach((n, i) => levels.set(v.credit.levels[i]!, n));
  const level = (l: string) => levels.get(l) ?? l;
  const category = (c: string) => next.categories.find((x) => x.name === c)?.label ?? prev.categories.find((x) => x.name === c)?.label ?? c;
  switch (c.t) {
    case "param":
      return paramZh(c.path, c.was, c.is, level);
    case "item":
      return `${PARAMS_ZH[c.path]?.[0] ?? SECTION_ZH[c.path as SectionName] ?? c.path}：${c.op === "added" ? "增加" : "删除"}“${c.name}”`;
    case "section":
      if (c.op === "added") return `增加“${SECTION_ZH[c.section]}”部分`;
      if (c.op === "removed") return `删除“${SECTION_ZH[c.section]}”部分`;
      return `修改“${SECTION_ZH[c.section]}”部分${c.moved.length ? `：${c.moved.map((m) => changeLineZh(m, prev, next)).join("；")}` : ""}`;
    case "rule":
      if (c.op === "added") return `增加平台规则${ruleZh(c.is!, category)}`;
      if (c.op === "removed") return `删除平台规则“${c.name}”`;
      return `修改平台规则：原为${ruleZh(c.was!, category)}；现改为${ruleZh(c.is!, category)}`;
    case "measure":
      if (c.op === "added") return `增加处置措施“${c.name}”：${measureZh(c.is!, next)}`;
      if (c.op === "removed") return `删除处置措施“${c.name}”`;
      return `修改处置措施“${c.name}”：原为“${measureZh(c.was!, prev)}”，现改为“${measureZh(c.is!, next)}”`;
  }
}
