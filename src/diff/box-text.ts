/**
 * A box of situations in words, in English or Chinese: "group.members-after is 1501–2000 and
 * actor.credit is D or C" / "group.members-after 为 1501–2000 且 actor.credit 为 D 或 C". Fact
 * names stay the policy language's paths (they are what a policy author writes); counts are
 * intervals, durations are lengths ("under 3 days"), instants are UTC timestamps.
 */
import type { Box, Range } from "./region.js";

export type Lang = "en" | "zh";

const WORDS = {
  en: { is: "is", isNot: "is not", and: " and ", or: " or ", none: "none", orMore: "or more", atMost: "at most", under: "under", from: "from", to: "to", before: "before", any: "in any situation", within: "within", day: ["day", "days"], hour: ["hour", "hours"], minute: ["minute", "minutes"], second: ["second", "seconds"], ms: "ms" },
  zh: { is: "为", isNot: "不为", and: " 且 ", or: " 或 ", none: "无", orMore: "及以上", atMost: "至多", under: "不足", from: "自", to: "至", before: "之前", any: "任何情形", within: "范围内", day: ["天", "天"], hour: ["小时", "小时"], minute: ["分钟", "分钟"], second: ["秒", "秒"], ms: "毫秒" },
} as const;

const UNITS: [number, "day" | "hour" | "minute" | "second"][] = [
  [86_400_000, "day"],
  [3_600_000, "hour"],
  [60_000, "minute"],
  [1000, "second"],
];

function length(ms: number, lang: Lang): string {
  const w = WORDS[lang];
  if (ms === 0) return lang === "en" ? "0" : "0";
  for (const [size, unit] of UNITS) {
    if (ms % size !== 0) continue;
    const n = ms / size;
    return lang === "en" ? `${n} ${w[unit][n === 1 ? 0 : 1]}` : `${n} ${w[unit][0]}`;
  }
  return `${ms} ${w.ms}`;
}

/** Whether `ms` is a whole number of seconds (a length a policy writes). */
function round(ms: number): boolean {
  return ms % 1000 === 0;
}

function instant(ms: number): string {
  return new Date(ms).toISOString();
}

function numbers(r: Extract<Range, { kind: "int" }>, lang: Lang): string {
  const w = WORDS[lang];
  const { lo, hi } = r;
  let text: string;
  if (r.type === "count") {
    if (lo !== null && hi !== null) text = lo === hi ? `${lo}` : `${lo}–${hi}`;
    else if (lo !== null) text = lang === "en" ? `${lo} ${w.orMore}` : `${lo} ${w.orMore}`;
    else if (hi !== null) text = `${w.atMost} ${hi}`;
    else text = "";
  } else if (r.type === "duration") {
    // Lengths the rules compare with are whole: [0, 3 days − 1 ms] reads "under 3 days".
    if (lo !== null && hi !== null && lo === hi) text = length(lo, lang);
    else if (hi !== null && round(hi + 1) && (lo === null || lo === 0)) text = `${w.under} ${length(hi + 1, lang)}`;
    else if (hi !== null && round(hi + 1)) text = `${length(lo!, lang)} ${w.to} ${w.under} ${length(hi + 1, lang)}`;
    else if (lo !== null && hi !== null) text = `${length(lo, lang)}–${length(hi, lang)}`;
    else if (lo !== null) text = `${length(lo, lang)} ${w.orMore}`;
    else text = hi !== null ? `${w.atMost} ${length(hi, lang)}` : "";
  } else {
    if (lo !== null && hi !== null) text = lo === hi ? instant(lo) : `${w.from} ${instant(lo)} ${w.to} ${instant(hi)}`;
    else if (lo !== null) text = `${w.from} ${instant(lo)}`;
    else text = hi !== null ? `${instant(hi + 1)} ${w.before}` : "";
  }
  if (r.none) text = text === "" ? w.none : `${text}${w.or}${w.none}`;
  return text;
}

/** One fact's values in words. */
export function rangeText(name: string, r: Range, lang: Lang = "en"): string {
  const w = WORDS[lang];
  switch (r.kind) {
    case "bool":
      return `${name} ${w.is} ${r.values.map(String).join(w.or)}`;
    case "enum": {
      // Many values but one or two others: said by the others ("is not news-discussion").
      if (r.others && r.others.length > 0 && r.others.length <= 2 && r.values.length > 3 && !r.values.includes(null))
        return lang === "en" && r.others.length === 2 ? `${name} is neither ${r.others.join(" nor ")}` : `${name} ${w.isNot} ${r.others.join(w.or)}`;
      return `${name} ${w.is} ${r.values.map((v) => (v === null ? w.none : v)).join(w.or)}`;
    }
    case "int": {
      const text = numbers(r, lang);
      // Chinese says a length under a bound without 为: "actor.account-age 不足 3 天".
      return lang === "zh" && text.startsWith(w.under) ? `${name} ${text}` : `${name} ${w.is} ${text}`;
    }
  }
}

/** A box in words: its facts joined by "and"; a box that is only a bound says "within". */
export function boxText(b: Box, lang: Lang = "en"): string {
  const w = WORDS[lang];
  const parts = Object.entries(b.ranges).map(([name, r]) => rangeText(name, r, lang));
  const text = parts.length === 0 ? w.any : parts.join(w.and);
  if (b.exact) return text;
  return lang === "en" ? `${w.within}: ${text}` : `${text}(${w.within})`;
}
