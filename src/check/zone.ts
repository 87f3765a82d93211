/**
 * Time zones and local date-times as the checker sees them. The conversion itself is the
 * project's one implementation in src/source/time.ts, re-exported here for the emitter; this module
 * adds what diagnostics need (which zone name was probably meant).
 */
import { isValidZone, zonedInstant } from "../source/time.js";
import { closest } from "./suggest.js";

export { isValidZone, zonedInstant };

const OFFSET = /^[+-]\d{2}:\d{2}$/;

let zoneNames: string[] | undefined;

/** The IANA zone name closest to a misspelt one (`Asia/Shangai` → `Asia/Shanghai`). */
export function suggestZone(name: string): string | undefined {
  if (OFFSET.test(name)) return undefined;
  // China Standard Time is named after Shanghai in the IANA database; people write Beijing.
  if (/beijing|peking|chongqing|china|^cst$/i.test(name)) return "Asia/Shanghai";
  if (!zoneNames) {
    try {
      zoneNames = [...Intl.supportedValuesOf("timeZone"), "UTC"];
    } catch {
      zoneNames = ["Asia/Shanghai", "Asia/Hong_Kong", "UTC"];
    }
  }
  return closest(name, zoneNames);
}
