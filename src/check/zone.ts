/**
 * Time zones and local date-times as the checker sees them. The conversion itself is the
 * project's one implementation in src/source/time.ts; this module adds what diagnostics need
 * (why a date is invalid, which zone name was probably meant).
 */
import { isValidZone, zonedInstant } from "../source/time.js";
import { closest } from "./suggest.js";

export { isValidZone, zonedInstant };

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const OFFSET = /^[+-]\d{2}:\d{2}$/;

/** Why a local date-time text is not a real date or time, or undefined when it is fine. */
export function invalidDateReason(text: string): string | undefined {
  const m = LOCAL.exec(text);
  if (!m) return "expected YYYY-MM-DD, optionally followed by THH:MM or THH:MM:SS";
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? "0", m[5] ?? "0", m[6] ?? "0"].map(Number) as number[];
  if (mo! < 1 || mo! > 12) return `there is no month ${m[2]}`;
  const days = new Date(Date.UTC(2000, mo!, 0)).getUTCDate() - (mo === 2 && !isLeap(y!) ? 1 : 0);
  if (d! < 1 || d! > days) return `${monthName(mo!)} ${y} has ${days} days`;
  if (h! > 23) return `there is no hour ${m[4]}`;
  if (mi! > 59) return `there is no minute ${m[5]}`;
  if (s! > 59) return `there is no second ${m[6]}`;
  return undefined;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function monthName(mo: number): string {
  return ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"][mo - 1]!;
}

let zoneNames: string[] | undefined;

/** The IANA zone name closest to a misspelt one (`Asia/Shangai` → `Asia/Shanghai`). */
export function suggestZone(name: string): string | undefined {
  if (OFFSET.test(name)) return undefined;
  if (!zoneNames) {
    try {
      zoneNames = [...Intl.supportedValuesOf("timeZone"), "UTC"];
    } catch {
      zoneNames = ["Asia/Shanghai", "Asia/Hong_Kong", "UTC"];
    }
  }
  return closest(name, zoneNames);
}
