/**
 * Instants, zones and calendar arithmetic. Instants are epoch milliseconds; a zone is an IANA name
 * (`Asia/Shanghai`), `UTC`/`Z`, or a fixed offset (`+08:00`). Offsets of IANA zones come from
 * `Intl` once per 15-minute bucket and are cached, because `Intl` is far too slow to call per event
 * (every real offset transition falls on a quarter hour).
 */
import type { DurationIR } from "../ir/types.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const BUCKET = 15 * MINUTE;
const CACHE_LIMIT = 200_000;

/** Milliseconds of the fixed-length units; months and years are calendar units. */
export const UNIT_MS: Readonly<Record<"minute" | "hour" | "day" | "week", number>> = {
  minute: MINUTE,
  hour: HOUR,
  day: DAY,
  week: 7 * DAY,
};

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Epoch ms of a proleptic Gregorian UTC date; years 0–99 are taken literally (unlike Date.UTC). */
function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  const t = Date.UTC(2000, mo, d, h, mi, s, ms);
  const date = new Date(t);
  date.setUTCFullYear(y, mo, d);
  return date.getTime();
}

export function daysInMonth(year: number, month0: number): number {
  if (month0 === 1) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month0 === 3 || month0 === 5 || month0 === 8 || month0 === 10 ? 30 : 31;
}

/**
 * Parses an RFC 3339 timestamp. The offset (`Z` or `±HH:MM`) is required: a local time without
 * one names no instant. Leap seconds (`:60`) are rejected. Fractions beyond milliseconds are
 * truncated. Returns `NaN` when the text is not a valid timestamp.
 */
export function parseRfc3339(text: string): number {
  const m = RFC3339.exec(text);
  if (m === null) return NaN;
  const y = Number(m[1]);
  const mo = Number(m[2]) - 1;
  const d = Number(m[3]);
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const s = Number(m[6]);
  if (mo < 0 || mo > 11 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return NaN;
  const frac = m[7];
  const ms = frac === undefined ? 0 : Number((frac + "00").slice(0, 3));
  let offset = 0;
  if (m[8] === undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return NaN;
    offset = (oh * 60 + om) * MINUTE * (m[9] === "-" ? -1 : 1);
  }
  return utcMs(y, mo, d, h, mi, s, ms) - offset;
}

/** A time zone with a cached offset function. */
export interface Zone {
  readonly name: string;
  /** Offset from UTC in ms at an instant. */
  offsetAt(ms: number): number;
}

const FIXED = /^([+-])(\d{2}):(\d{2})$/;
const zones = new Map<string, Zone>();

function fixedZone(name: string, offset: number): Zone {
  return { name, offsetAt: () => offset };
}

function intlZone(name: string): Zone {
  const fmt = new Intl.DateTimeFormat("en-US", {
    timeZone: name,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
    era: "short",
  });
  const cache = new Map<number, number>();
  const compute = (ms: number): number => {
    let y = 0;
    let mo = 0;
    let d = 0;
    let h = 0;
    let mi = 0;
    let s = 0;
    let bc = false;
    for (const p of fmt.formatToParts(new Date(ms))) {
      switch (p.type) {
        case "year": y = Number(p.value); break;
        case "month": mo = Number(p.value) - 1; break;
        case "day": d = Number(p.value); break;
        case "hour": h = Number(p.value); break;
        case "minute": mi = Number(p.value); break;
        case "second": s = Number(p.value); break;
        case "era": bc = p.value === "BC" || p.value === "B"; break;
      }
    }
    if (bc) y = 1 - y;
    const local = utcMs(y, mo, d, h, mi, s, 0);
    return local - (ms - (((ms % 1000) + 1000) % 1000));
  };
  return {
    name,
    offsetAt(ms: number): number {
      const bucket = Math.floor(ms / BUCKET);
      let o = cache.get(bucket);
      if (o === undefined) {
        if (cache.size >= CACHE_LIMIT) cache.clear();
        o = compute(bucket * BUCKET);
        cache.set(bucket, o);
      }
      return o;
    },
  };
}

/** The zone of a name, or undefined when the name is not a zone this runtime knows. */
export function zoneOf(name: string): Zone | undefined {
  const cached = zones.get(name);
  if (cached) return cached;
  let z: Zone | undefined;
  if (name === "UTC" || name === "Z" || name === "Etc/UTC") z = fixedZone(name, 0);
  else {
    const m = FIXED.exec(name);
    if (m) {
      const oh = Number(m[2]);
      const om = Number(m[3]);
      if (oh > 23 || om > 59) return undefined;
      z = fixedZone(name, (oh * 60 + om) * MINUTE * (m[1] === "-" ? -1 : 1));
    } else {
      try {
        z = intlZone(name);
        z.offsetAt(0);
      } catch {
        return undefined;
      }
    }
  }
  zones.set(name, z);
  return z;
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n));
  return (n < 0 ? "-" : "") + (s.length >= width ? s : "0".repeat(width - s.length) + s);
}

/**
 * An instant as RFC 3339 in a zone, e.g. `2017-10-08T00:00:00+08:00` (always a numeric offset,
 * `+00:00` for UTC); milliseconds are shown only when not zero.
 */
export function formatInstant(ms: number, zone: Zone): string {
  const off = zone.offsetAt(ms);
  const d = new Date(ms + off);
  const frac = d.getUTCMilliseconds();
  const offMin = Math.round(Math.abs(off) / MINUTE);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}` +
    (frac === 0 ? "" : `.${pad(frac, 3)}`) +
    `${off < 0 ? "-" : "+"}${pad(Math.floor(offMin / 60), 2)}:${pad(offMin % 60, 2)}`
  );
}

/**
 * The instant of a local wall-clock time (given as ms since the epoch of the local calendar). In a
 * gap (clocks jump forward) the time moves forward by the gap; in an overlap the earlier instant
 * is chosen, as Temporal's `compatible` disambiguation does.
 */
export function localToInstant(local: number, zone: Zone): number {
  const before = zone.offsetAt(local - DAY);
  const after = zone.offsetAt(local + DAY);
  if (before === after) return local - before;
  const t1 = local - before;
  const t2 = local - after;
  const ok1 = zone.offsetAt(t1) === before;
  const ok2 = zone.offsetAt(t2) === after;
  if (ok1 && ok2) return Math.min(t1, t2);
  if (ok1) return t1;
  if (ok2) return t2;
  return local - before;
}

/**
 * `ms` plus `sign × duration`. Minutes to weeks are exact elapsed time; months and years are
 * calendar units in `zone`: the local date moves by whole months, keeping the local time of day and
 * clamping the day to the end of a shorter month (31 Aug + 1 month = 30 Sep; 31 Aug − 6 months =
 * 28 or 29 Feb).
 */
export function addDuration(ms: number, d: DurationIR, zone: Zone, sign: 1 | -1 = 1): number {
  if (d.unit !== "month" && d.unit !== "year") return ms + sign * d.amount * UNIT_MS[d.unit];
  const months = sign * d.amount * (d.unit === "year" ? 12 : 1);
  const local = ms + zone.offsetAt(ms);
  const t = new Date(local);
  const y = t.getUTCFullYear();
  const m = t.getUTCMonth() + months;
  const ty = y + Math.floor(m / 12);
  const tm = ((m % 12) + 12) % 12;
  const day = Math.min(t.getUTCDate(), daysInMonth(ty, tm));
  const newLocal = utcMs(ty, tm, day, t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds(), t.getUTCMilliseconds());
  return localToInstant(newLocal, zone);
}

/** An upper bound of a duration in ms (months as 31 days, years as 366), for pruning horizons. */
export function maxDurationMs(d: DurationIR): number {
  if (d.unit === "month") return d.amount * 31 * DAY + 2 * HOUR;
  if (d.unit === "year") return d.amount * 366 * DAY + 2 * HOUR;
  return d.amount * UNIT_MS[d.unit];
}

/** `3 days`, `1 month`: a duration as written in a policy. */
export function formatDuration(d: DurationIR): string {
  return `${d.amount} ${d.unit}${d.amount === 1 ? "" : "s"}`;
}

/** An elapsed time in ms for a person: `2 days 3 hours`, `45 minutes`, `0 minutes`. */
export function formatElapsed(ms: number): string {
  const parts: string[] = [];
  let rest = Math.max(0, Math.floor(ms / MINUTE));
  const days = Math.floor(rest / (24 * 60));
  rest -= days * 24 * 60;
  const hours = Math.floor(rest / 60);
  const minutes = rest - hours * 60;
  if (days) parts.push(`${days} day${days === 1 ? "" : "s"}`);
  if (hours) parts.push(`${hours} hour${hours === 1 ? "" : "s"}`);
  if (minutes || parts.length === 0) parts.push(`${minutes} minute${minutes === 1 ? "" : "s"}`);
  return parts.join(" ");
}
