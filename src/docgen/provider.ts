/**
 * The provider block of the filing document: who files the scheme (单位名称, 统一社会信用代码,
 * 应用/网站名称, ICP 备案或许可证号, 信息安全负责人, 联系电话与邮箱, 日期). The platform fills these in
 * a small YAML (or JSON) file, `qungui docs --filing --provider FILE` (format: docs/tutorial.md,
 * "The provider file"). Nothing here is ever invented: a field left out or left empty stays blank
 * on the page, for handwriting, and the seal (盖章处) is always a blank box.
 *
 * Reading is strict, because a filing with a mistyped credit code is worse than a blank one:
 * unknown keys, non-text values, a credit code whose check character is wrong (GB 32100-2015), an
 * e-mail or telephone number that cannot be one, an impossible date: each is a problem, returned
 * as a value with the key it concerns; the CLI prints them all and writes nothing.
 */
import { parseDocument } from "yaml";

/** The provider's details; an absent field is printed blank. */
export interface Provider {
  /** 单位名称 */
  organisation?: string;
  /** 统一社会信用代码 (18 characters) */
  creditCode?: string;
  /** 应用/网站名称 */
  service?: string;
  /** ICP 备案号或经营许可证号 */
  icp?: string;
  /** 信息安全负责人 */
  securityOfficer?: string;
  /** 联系电话 */
  phone?: string;
  /** 联系邮箱 */
  email?: string;
  /** 填报日期, YYYY-MM-DD */
  date?: string;
}

/** The keys of the provider file, each with its label on the filing (one table, used by the parser and both renderings). */
export const PROVIDER_FIELDS: readonly { key: keyof Provider; zh: string; en: string }[] = [
  { key: "organisation", zh: "单位名称", en: "Provider (organisation)" },
  { key: "creditCode", zh: "统一社会信用代码", en: "Unified social credit code" },
  { key: "service", zh: "应用/网站名称", en: "App or website" },
  { key: "icp", zh: "ICP 备案号或许可证号", en: "ICP filing or licence number" },
  { key: "securityOfficer", zh: "信息安全负责人", en: "Person responsible for information security" },
  { key: "phone", zh: "联系电话", en: "Telephone" },
  { key: "email", zh: "联系邮箱", en: "E-mail" },
  { key: "date", zh: "填报日期", en: "Date" },
];

/** The result of reading a provider file: the fields, and every problem found (empty when it is valid). */
export interface ProviderResult {
  provider: Provider;
  problems: string[];
}

/** Characters of a unified social credit code (GB 32100-2015: digits and capitals without I, O, S, V, Z). */
const USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Why a unified social credit code is not one, or null when it is well formed and its check character is right. */
export function creditCodeProblem(code: string): string | null {
  if (code.length !== 18) return `has ${code.length} characters; a unified social credit code has 18`;
  const bad = [...code].find((c) => !USCC_CHARS.includes(c));
  if (bad !== undefined) return `contains "${bad}"; a unified social credit code uses digits and the capitals ${USCC_CHARS.slice(10)}`;
  const sum = USCC_WEIGHTS.reduce((s, w, i) => s + USCC_CHARS.indexOf(code[i]!) * w, 0);
  const check = USCC_CHARS[(31 - (sum % 31)) % 31]!;
  return code[17] === check ? null : `has the check character ${code[17]}, but the first 17 characters give ${check} (GB 32100-2015): a character is mistyped`;
}

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
/** Digits with the separators people write: `010-12345678`, `+86 10 1234 5678`, `400-123-4567 转 8`. */
const PHONE = /^\+?[0-9][0-9 ()\-]{4,}[0-9]( ?(转|ext\.?|x) ?[0-9]{1,6})?$/;

function dateProblem(text: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return "is not a date written YYYY-MM-DD";
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d ? null : "is not a day of the calendar";
}

/** Checks one field's text; null when it may be printed. */
function fieldProblem(key: keyof Provider, text: string): string | null {
  switch (key) {
    case "creditCode":
      return creditCodeProblem(text);
    case "email":
      return EMAIL.test(text) ? null : "is not an e-mail address";
    case "phone":
      return PHONE.test(text) ? null : "is not a telephone number (digits, with spaces, -, (), a leading +, an extension after 转)";
    case "date":
      return dateProblem(text);
    case "organisation":
    case "service":
    case "icp":
    case "securityOfficer":
      return null;
  }
}

/** Reads a provider file (YAML, or JSON, which is YAML). */
export function parseProvider(text: string): ProviderResult {
  const problems: string[] = [];
  const provider: Provider = {};
  // The failsafe schema keeps every scalar as it is written: a telephone number 010… keeps its 0.
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, schema: "failsafe" });
  for (const e of doc.errors) problems.push(`not valid YAML: ${e.message.split("\n")[0]}`);
  if (problems.length) return { provider, problems };
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) return { provider, problems };
  if (typeof data !== "object" || Array.isArray(data)) return { provider, problems: ["the file must be a mapping of the keys " + PROVIDER_FIELDS.map((f) => f.key).join(", ")] };
  const known = new Map(PROVIDER_FIELDS.map((f) => [f.key as string, f]));
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    const field = known.get(key);
    if (!field) {
      problems.push(`unknown key ${JSON.stringify(key)}; the keys are ${PROVIDER_FIELDS.map((f) => f.key).join(", ")}`);
      continue;
    }
    if (value === null || value === undefined) continue;
    const raw = value;
    if (typeof raw !== "string") {
      problems.push(`${key} (${field.zh}): must be text, got ${Array.isArray(raw) ? "a list" : typeof raw}`);
      continue;
    }
    const t = raw.trim();
    if (t === "") continue;
    if (/[\u0000-\u001f\u007f]/.test(t)) {
      problems.push(`${key} (${field.zh}): must be one line of text`);
      continue;
    }
    if (t.length > 200) {
      problems.push(`${key} (${field.zh}): is ${t.length} characters long; at most 200 fit the form`);
      continue;
    }
    const why = fieldProblem(field.key, t);
    if (why) problems.push(`${key} (${field.zh}): ${JSON.stringify(t)} ${why}`);
    else provider[field.key] = t;
  }
  return { provider, problems };
}
