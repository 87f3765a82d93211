/**
 * The policy in formal Chinese, for the filing document a provincial cyberspace office reads
 * (./filing-zh.ts): durations (`3日`, `24小时`, `6个月`), dates (`2017年10月8日`), services,
 * triggers and actions of the measures, in the register of a 管理制度 (“对该群组予以警示，责令其在
 * 3日内整改”). Like ./describe.ts it keeps every number the platform chose and says what the
 * engine does, never more; internal names (tiers, measures, severities) are not used here: the
 * filing names tiers 一级, 二级, … and severities by rank, and maps them to the ids in its appendix.
 */
import type { ActionIR, DurationIR, DurationUnit, ExprIR, SteppedIR, TargetName, TriggerIR } from "../ir/types.js";

const UNIT_ZH: Record<DurationUnit, string> = { minute: "分钟", hour: "小时", day: "日", week: "周", month: "个月", year: "年" };

/** `3日`, `24小时`, `6个月`. */
export function durationZh(d: DurationIR): string {
  return `${d.amount}${UNIT_ZH[d.unit]}`;
}

/** Milliseconds as the largest exact unit: 300000 → `5分钟`. */
export function durationMsZh(ms: number): string {
  if (ms === 0) return "不允许";
  const units: [number, string][] = [
    [86_400_000, "日"],
    [3_600_000, "小时"],
    [60_000, "分钟"],
    [1000, "秒"],
  ];
  for (const [size, unit] of units) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}毫秒`;
}

const CHINA_ZONES = new Set(["Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "Asia/Urumqi", "PRC", "+08:00"]);

/** An RFC 3339 instant as a date (and time when it is not midnight), in the instant's own offset: `2017年10月8日`. */
export function instantZh(instant: string, zone: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(instant);
  if (!m) return instant;
  const [y, mo, d, hh, mm] = [m[1]!, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
  const time = hh === 0 && mm === 0 ? "" : `${hh}时${mm ? `${mm}分` : ""}`;
  const where = CHINA_ZONES.has(zone) ? "北京时间" : `${zone} 时区`;
  return `${y}年${mo}月${d}日${time}（${where}）`;
}

/** A day `YYYY-MM-DD` as `2026年12月2日`. */
export function dayZh(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : day;
}

/** Chinese numerals for small ordinals: 一, 二, …, 九十九. */
export function numeralZh(n: number): string {
  const digits = "〇一二三四五六七八九";
  if (n < 10) return digits[n]!;
  if (n < 20) return `十${n % 10 ? digits[n % 10] : ""}`;
  if (n < 100) return `${digits[Math.floor(n / 10)]}十${n % 10 ? digits[n % 10] : ""}`;
  return String(n);
}

/** The name of the `i`-th tier (0-based) of a table, lowest first: 一级, 二级, …. */
export function tierNameZh(i: number): string {
  return `${numeralZh(i + 1)}级`;
}

/** Names of the severities of a scale, lowest first, by rank (the policy's own names are ids). */
export function severityNamesZh(n: number): string[] {
  const named: Record<number, string[]> = {
    1: ["违规"],
    2: ["一般", "严重"],
    3: ["轻微", "一般", "严重"],
    4: ["轻微", "一般", "较重", "严重"],
  };
  return named[n] ?? Array.from({ length: n }, (_, i) => `第${numeralZh(i + 1)}级`);
}

/** A list in formal Chinese: `甲`, `甲和乙`, `甲、乙和丙` (with `或` for alternatives). */
export function listZh(items: readonly string[], last = "和"): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join("、")}${last}${items[items.length - 1]}`;
}

/** A user's services. */
export const SERVICE_ZH: Record<string, string> = {
  create: "建立群组",
  join: "加入群组",
  post: "发布信息",
  manage: "管理群组",
  "set-info": "设置群组信息",
};

/** A blacklisted group's services. */
export const GROUP_SERVICE_ZH: Record<string, string> = {
  create: "重新建立",
  join: "加入新成员",
  post: "发布信息",
  manage: "进行管理",
  "set-info": "变更群组信息",
};

export function servicesZh(ss: readonly string[]): string {
  return listZh(ss.map((s) => SERVICE_ZH[s] ?? s));
}

export function groupServicesZh(ss: readonly string[]): string {
  return listZh(ss.map((s) => GROUP_SERVICE_ZH[s] ?? s));
}

/** The decided events as what a user does. */
export const EVENT_ZH: Record<string, string> = {
  "group.create": "建立群组",
  "group.join": "加入群组",
  "group.info": "设置群组信息",
  "group.role": "任免群组管理者",
  "group.manage": "对群组成员和信息进行管理",
  "message.post": "在群组中发布信息",
};

/** Whose an action is, by context: a flag's group and user, a complaint's, or those of a responsibility timer. */
export type ActionContextZh = "flag" | "complaint" | "responsibility";

const TARGET_ZH: Record<ActionContextZh, Record<TargetName, string>> = {
  flag: { group: "该群组", user: "发布该信息的用户", creator: "该群组建立者", managers: "该群组各管理者" },
  complaint: { group: "被投诉的群组", user: "被投诉的用户", creator: "被投诉群组的建立者", managers: "被投诉群组的各管理者" },
  responsibility: { group: "该群组", user: "发布该信息的用户", creator: "该群组建立者", managers: "该群组各管理者" },
};

/** One action: `暂停该群组信息发布7日`; `userNoun` names the user where the trigger already did (`该用户`). */
export function actionZh(a: ActionIR, ctx: ActionContextZh = "flag", userNoun?: string): string {
  const t = (n: TargetName) => (n === "user" && userNoun ? userNoun : TARGET_ZH[ctx][n]);
  switch (a.kind) {
    case "warn": {
      const base = `对${t(a.target)}予以警示`;
      if (!a.rectifyWithin) return base;
      const otherwise = a.otherwise.length ? `；整改期限内再次出现违规信息的，${actionsZh(a.otherwise, ctx, userNoun)}` : "";
      return `${base}，责令其在${durationZh(a.rectifyWithin)}内整改${otherwise}`;
    }
    case "suspend-posting":
      return `暂停${t(a.target)}信息发布${durationZh(a.duration)}`;
    case "close-group":
      return `关闭${t(a.target)}`;
    case "blacklist":
      return a.duration ? `将${t(a.target)}纳入黑名单${durationZh(a.duration)}` : `将${t(a.target)}纳入黑名单（不设期限）`;
    case "lower-credit":
      return `将${t(a.target)}的信用等级降低${a.by}级`;
    case "suspend-management":
      return `暂停${t(a.target)}的管理权限${durationZh(a.duration)}`;
    case "cancel-creation":
      return `取消${t(a.target)}的建群资格`;
    case "record":
      return "保存有关记录";
    case "report":
      return a.to === "authority" ? "向有关主管部门报告" : `向${a.to}报告`;
    case "escalate":
      return "提交上一级处理";
  }
}

/**
 * Actions in order: `暂停该群组信息发布7日，保存有关记录，并向有关主管部门报告`. What a warning's
 * rectification timer does is said after them, as its own clause, so that its actions are never
 * run together with the warning's own.
 */
export function actionsZh(as: readonly ActionIR[], ctx: ActionContextZh = "flag", userNoun?: string): string {
  const t = (n: TargetName) => (n === "user" && userNoun ? userNoun : TARGET_ZH[ctx][n]);
  const parts: string[] = [];
  const after: string[] = [];
  for (const a of as) {
    if (a.kind === "warn") {
      parts.push(a.rectifyWithin ? `对${t(a.target)}予以警示，责令其在${durationZh(a.rectifyWithin)}内整改` : `对${t(a.target)}予以警示`);
      if (a.rectifyWithin && a.otherwise.length) after.push(`整改期限内再次出现违规信息的，${actionsZh(a.otherwise, ctx, userNoun)}`);
    } else parts.push(actionZh(a, ctx, userNoun));
  }
  const joined = parts.length <= 1 ? parts.join("") : `${parts.slice(0, -1).join("，")}，并${parts[parts.length - 1]}`;
  return [joined, ...after].join("；");
}

/** A count in words where Chinese says it so: 两 for 2 (两档, 两类), numerals otherwise. */
export function countZh(n: number): string {
  return n === 2 ? "两" : numeralZh(n);
}

/** Quoted names listed as formal Chinese writes them (no 顿号 between quotation marks): “甲”“乙”和“丙”. */
export function quotedListZh(items: readonly string[], last = "和"): string {
  const q = items.map((i) => `“${i}”`);
  if (q.length <= 1) return q.join("");
  return `${q.slice(0, -1).join("")}${last}${q[q.length - 1]}`;
}

/** What a trigger's flags are: `严重违规信息`, `“恐怖主义”类违规信息`, `一般及以上违规信息`. */
function flagKindZh(t: TriggerIR, severityName: (s: string) => string, categoryName: (c: string) => string): string {
  const cats = t.categories.length ? `${quotedListZh(t.categories.map(categoryName), "或")}类` : "";
  const sev = t.severity === null ? "" : t.severityOp === ">=" ? `${severityName(t.severity)}及以上` : severityName(t.severity);
  return `${cats}${sev}违规信息`;
}

/** When a measure applies: `群组内出现一般违规信息的`, `同一群组在30日内累计出现3次严重违规信息的`. */
export function triggerZh(t: TriggerIR, severityName: (s: string) => string, categoryName: (c: string) => string): string {
  const kind = flagKindZh(t, severityName, categoryName);
  if (t.count === 1) return `群组内出现${kind}的`;
  const when = t.within ? `在${durationZh(t.within)}内` : "";
  return t.scope === "group" ? `同一群组${when}累计出现${t.count}次${kind}的` : `同一用户${when}累计${t.count}次发布${kind}的`;
}

/** A credit-stepped cap: `不超过3个；信用等级达到B的，不超过10个；达到A的，不超过20个`. */
export function steppedZh(s: SteppedIR, unit = "个", level: (l: string) => string = (l) => l): string {
  return [`不超过${s.base}${unit}`, ...s.steps.map((x, i) => `${i === 0 ? "信用等级达到" : "达到"}${level(x.atLeast)}的，不超过${x.value}${unit}`)].join("；");
}

/**
 * Names of credit levels, lowest first: letters as Chinese platforms write them (`A级`), any other
 * scale by rank (`信用一级`, `信用二级`, …), since the policy's level names are ids.
 */
export function levelNamesZh(levels: readonly string[]): string[] {
  if (levels.every((l) => /^[A-Z]$/.test(l))) return levels.map((l) => `${l}级`);
  return levels.map((_, i) => `信用${numeralZh(i + 1)}级`);
}

/** The cap of a stepped limit for users at `level` (levels lowest first). */
export function steppedAt(s: SteppedIR, levels: readonly string[], level: string): number {
  const rank = levels.indexOf(level);
  let v = s.base;
  for (const step of s.steps) if (levels.indexOf(step.atLeast) <= rank) v = step.value;
  return v;
}

/** Paths that read the acting user's credit. */
const OWN_CREDIT = new Set(["actor.credit", "user.credit"]);

/**
 * A condition with the acting user's credit fixed at `level` and simplified: `true`, `false`, or
 * what remains to be decided (the parts that do not depend on the credit). Used to say, per
 * credit level, which services a policy's own rules restrict.
 */
export function atCredit(e: ExprIR, levels: readonly string[], level: string): ExprIR {
  const T: ExprIR = { kind: "lit", type: "bool", value: true };
  const F: ExprIR = { kind: "lit", type: "bool", value: false };
  const isT = (x: ExprIR) => x.kind === "lit" && x.type === "bool" && x.value;
  const isF = (x: ExprIR) => x.kind === "lit" && x.type === "bool" && !x.value;
  switch (e.kind) {
    case "cmp": {
      const own = (x: ExprIR) => x.kind === "path" && OWN_CREDIT.has(x.path);
      const lvl = (x: ExprIR) => (x.kind === "lit" && x.type === "level" ? levels.indexOf(x.value) : -1);
      let l: number, r: number;
      if (own(e.left) && lvl(e.right) >= 0) [l, r] = [levels.indexOf(level), lvl(e.right)];
      else if (own(e.right) && lvl(e.left) >= 0) [l, r] = [lvl(e.left), levels.indexOf(level)];
      else return e;
      const holds = e.op === "==" ? l === r : e.op === "!=" ? l !== r : e.op === "<" ? l < r : e.op === "<=" ? l <= r : e.op === ">" ? l > r : l >= r;
      return holds ? T : F;
    }
    case "in": {
      if (!(e.left.kind === "path" && OWN_CREDIT.has(e.left.path)) || !e.items.every((i) => i.kind === "lit" && i.type === "level")) return e;
      const member = e.items.some((i) => i.kind === "lit" && i.value === level);
      return member !== e.negated ? T : F;
    }
    case "not": {
      const a = atCredit(e.arg, levels, level);
      return isT(a) ? F : isF(a) ? T : { kind: "not", arg: a };
    }
    case "and":
    case "or": {
      const args = e.args.map((a) => atCredit(a, levels, level));
      const unit = e.kind === "and" ? isT : isF;
      const zero = e.kind === "and" ? isF : isT;
      if (args.some(zero)) return e.kind === "and" ? F : T;
      const rest = args.filter((a) => !unit(a));
      if (rest.length === 0) return e.kind === "and" ? T : F;
      return rest.length === 1 ? rest[0]! : { kind: e.kind, args: rest };
    }
    default:
      return e;
  }
}

/**
 * A condition in Chinese, for the few shapes the credit table needs (category, tier, member
 * count, identity); null when it has a part this function cannot say, and the caller then refers
 * to the appendix instead of guessing.
 */
export function conditionZh(e: ExprIR, categoryName: (c: string) => string): string | null {
  switch (e.kind) {
    case "cmp": {
      if (e.left.kind === "path" && e.left.path === "group.category" && e.right.kind === "lit" && (e.op === "==" || e.op === "!=")) return `群组类别${e.op === "==" ? "为" : "不是"}“${categoryName(String(e.right.value))}”`;
      if (e.left.kind === "path" && (e.left.path === "group.members" || e.left.path === "group.members-after") && e.right.kind === "lit" && e.right.type === "count") {
        const op = { "==": "为", "!=": "不为", "<": "少于", "<=": "不超过", ">": "超过", ">=": "达到" }[e.op];
        return `群组成员人数${op}${e.right.value}人`;
      }
      return null;
    }
    case "in": {
      if (e.left.kind === "path" && e.left.path === "group.category" && e.items.every((i) => i.kind === "lit")) return `群组类别${e.negated ? "不是" : "为"}${quotedListZh(e.items.map((i) => categoryName(String((i as { value: unknown }).value))), "或")}`;
      return null;
    }
    case "path": {
      const bool: Record<string, string> = { "actor.verified": "用户已完成真实身份信息认证", "user.verified": "用户已完成真实身份信息认证", "group.has-info-page": "群组已设置群信息页面" };
      return bool[e.path] ?? null;
    }
    case "not": {
      if (e.arg.kind === "path") {
        const neg: Record<string, string> = { "actor.verified": "用户未完成真实身份信息认证", "user.verified": "用户未完成真实身份信息认证", "group.has-info-page": "群组未设置群信息页面" };
        return neg[e.arg.path] ?? null;
      }
      const inner = conditionZh(e.arg, categoryName);
      return inner === null ? null : `并非${inner}`;
    }
    case "and":
    case "or": {
      const parts = e.args.map((a) => conditionZh(a, categoryName));
      if (parts.some((p) => p === null)) return null;
      return e.kind === "and" ? parts.join("且") : parts.join("或者");
    }
    default:
      return null;
  }
}
