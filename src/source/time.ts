/**
 * Time, the one way the whole project does it. Instants are epoch milliseconds; a zone is an IANA
 * name (`Asia/Shanghai`), `UTC`/`Z`, or a fixed offset (`+08:00`); months and years are calendar
 * units added in the zone's local time with month-end clamping. Offsets of IANA zones come from
 * `Intl` once per 15-minute bucket and are cached, because `Intl` is far too slow to call per event
 * (every real offset transition falls on a quarter hour).
 *
 * Functions that take a zone accept a {@link Zone} (the engine resolves its zones once) or a zone
 * name (everything else).
 */

/**
 * A duration as a policy writes it (`6 months`, `48 hours`): a whole `amount` of one `unit`, not a
 * number of milliseconds. Minutes, hours, days and weeks are exact elapsed time; months and years
 * are calendar units, added in a zone's local time with the day clamped to the end of a shorter
 * month, so their length depends on the instant and zone they are added to. (The IR's
 * `DurationIR` has this shape.)
 */
export interface CalendarDuration {
  amount: number;
  unit: "minute" | "hour" | "day" | "week" | "month" | "year";
}

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

/** Days since 1970-01-01 of a proleptic Gregorian date (month 0-based; any year, no Date object). */
function daysFromCivil(y: number, m0: number, d: number): number {
  const yy = m0 < 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m0 + 10) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Epoch ms of a proleptic Gregorian UTC date-time; years 0–99 are taken literally (unlike Date.UTC). */
function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  return daysFromCivil(y, mo, d) * DAY + h * HOUR + mi * MINUTE + s * 1000 + ms;
}

/** Calendar fields of an epoch-ms value read as UTC (month 0-based). */
export interface Civil {
  y: number;
  m: number;
  d: number;
  /** Milliseconds into the day. */
  t: number;
}

export function civilOf(ms: number): Civil {
  const days = Math.floor(ms / DAY);
  const t = ms - days * DAY;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 2 : mp - 10;
  const y = yoe + era * 400 + (m < 2 ? 1 : 0);
  return { y, m, d, t };
}

export function daysInMonth(year: number, month0: number): number {
  if (month0 === 1) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month0 === 3 || month0 === 5 || month0 === 8 || month0 === 10 ? 30 : 31;
}

function digits(text: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

let lastText = "";
let lastMs = NaN;

/**
 * Parses an RFC 3339 timestamp. The offset (`Z` or `±HH:MM`) is required: a local time without
 * one names no instant. Leap seconds (`:60`) are rejected. Fractions beyond milliseconds are
 * truncated. Returns `NaN` when the text is not a valid timestamp. (A hand-written scanner: this
 * runs for every event, and consecutive events often repeat the same text.)
 */
export function parseTimestamp(text: string): number {
  if (text === lastText) return lastMs;
  const ms = scanRfc3339(text);
  lastText = text;
  lastMs = ms;
  return ms;
}

function scanRfc3339(text: string): number {
  const len = text.length;
  if (len < 20 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return NaN;
  const tee = text.charCodeAt(10);
  if (tee !== 84 && tee !== 116) return NaN;
  const y = digits(text, 0, 4);
  const mo = digits(text, 5, 2) - 1;
  const d = digits(text, 8, 2);
  const h = digits(text, 11, 2);
  const mi = digits(text, 14, 2);
  const s = digits(text, 17, 2);
  if (y < 0 || mo < 0 || mo > 11 || d < 1 || d > daysInMonth(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) return NaN;
  let i = 19;
  let ms = 0;
  if (text.charCodeAt(i) === 46) {
    i++;
    const start = i;
    while (i < len) {
      const c = text.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      if (i - start < 3) ms = ms * 10 + c;
      i++;
    }
    const n = i - start;
    if (n === 0) return NaN;
    if (n === 1) ms *= 100;
    else if (n === 2) ms *= 10;
  }
  let offset = 0;
  const z = text.charCodeAt(i);
  if (z === 90 || z === 122) {
    if (i + 1 !== len) return NaN;
  } else if (z === 43 || z === 45) {
    if (i + 6 !== len || text.charCodeAt(i + 3) !== 58) return NaN;
    const oh = digits(text, i + 1, 2);
    const om = digits(text, i + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
    offset = (oh * 60 + om) * MINUTE * (z === 45 ? -1 : 1);
  } else return NaN;
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
  /** The offset at an instant straight from Intl (slow: tens of microseconds). */
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
    return utcMs(y, mo, d, h, mi, s, 0) - (ms - (((ms % 1000) + 1000) % 1000));
  };
  // Per UTC day: the offset when it holds all day, else NaN and the day is resolved per quarter
  // hour. Offsets change at most once or twice a year, so a stream costs two Intl calls a day.
  const days = new Map<number, number>();
  const quarters = new Map<number, number>();
  let lastDay = NaN;
  let lastOffset = 0;
  const quarter = (ms: number): number => {
    const q = Math.floor(ms / BUCKET);
    let o = quarters.get(q);
    if (o === undefined) {
      if (quarters.size >= CACHE_LIMIT) quarters.clear();
      o = compute(q * BUCKET);
      quarters.set(q, o);
    }
    return o;
  };
  return {
    name,
    offsetAt(ms: number): number {
      const day = Math.floor(ms / DAY);
      if (day === lastDay) return Number.isNaN(lastOffset) ? quarter(ms) : lastOffset;
      let o = days.get(day);
      if (o === undefined) {
        if (days.size >= CACHE_LIMIT) days.clear();
        const start = compute(day * DAY);
        o = start === compute(day * DAY + DAY - BUCKET) && start === compute(day * DAY + DAY / 2) ? start : NaN;
        days.set(day, o);
      }
      lastDay = day;
      lastOffset = o;
      return Number.isNaN(o) ? quarter(ms) : o;
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
export function formatInstant(ms: number, zoneOrName: Zone | string): string {
  const zone = resolve(zoneOrName);
  const off = zone.offsetAt(ms);
  const c = civilOf(ms + off);
  const frac = c.t % 1000;
  const secs = Math.floor(c.t / 1000);
  const offMin = Math.round(Math.abs(off) / MINUTE);
  return (
    `${pad(c.y, 4)}-${pad(c.m + 1, 2)}-${pad(c.d, 2)}` +
    `T${pad(Math.floor(secs / 3600), 2)}:${pad(Math.floor(secs / 60) % 60, 2)}:${pad(secs % 60, 2)}` +
    (frac === 0 ? "" : `.${pad(frac, 3)}`) +
    `${off < 0 ? "-" : "+"}${pad(Math.floor(offMin / 60), 2)}:${pad(offMin % 60, 2)}`
  );
}

/**
 * How a local time that a zone's clocks skip (a gap) or show twice (an overlap) becomes an instant,
 * as Temporal names them: `compatible` moves a gap's time forward by the gap and takes an overlap's
 * earlier instant; `earlier` takes the earlier instant in both (a gap's time moves back by the gap).
 */
export type Disambiguation = "compatible" | "earlier";

/**
 * The instant of a local wall-clock time (given as ms since the epoch of the local calendar),
 * disambiguated as {@link Disambiguation} says (default `compatible`).
 */
export function localToInstant(local: number, zone: Zone, disambiguation: Disambiguation = "compatible"): number {
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
  // A gap: neither offset gives back this local time. The larger offset gives the earlier instant.
  return disambiguation === "earlier" ? local - Math.max(before, after) : local - Math.min(before, after);
}

/**
 * `ms` plus `sign × duration`. Minutes to weeks are exact elapsed time; months and years are
 * calendar units in `zone`: the local date moves by whole months, keeping the local time of day and
 * clamping the day to the end of a shorter month (31 Aug + 1 month = 30 Sep; 31 Aug − 6 months =
 * 28 or 29 Feb).
 *
 * A subtraction that lands on a local time the clocks skipped or showed twice takes the earlier
 * instant (`earlier`), so "six months before now" is never later than any instant six calendar
 * months before now: in a gap the time moves back by the gap, never forward into it. Moving it
 * forward (as an addition does, `compatible`) let a retention purge in New York or London remove
 * records younger than six months (issue 13). An addition keeps `compatible`: a deadline that
 * lands in a gap moves later, never earlier.
 */
export function addDuration(ms: number, d: CalendarDuration, zoneOrName: Zone | string, sign: 1 | -1 = 1): number {
  if (d.unit !== "month" && d.unit !== "year") return ms + sign * d.amount * UNIT_MS[d.unit];
  const zone = resolve(zoneOrName);
  const months = sign * d.amount * (d.unit === "year" ? 12 : 1);
  const c = civilOf(ms + zone.offsetAt(ms));
  const m = c.m + months;
  const ty = c.y + Math.floor(m / 12);
  const tm = ((m % 12) + 12) % 12;
  const day = Math.min(c.d, daysInMonth(ty, tm));
  return localToInstant(daysFromCivil(ty, tm, day) * DAY + c.t, zone, sign < 0 ? "earlier" : "compatible");
}

/** An upper bound of a duration in ms (months as 31 days, years as 366), for pruning horizons. */
export function maxDurationMs(d: CalendarDuration): number {
  if (d.unit === "month") return d.amount * 31 * DAY + 2 * HOUR;
  if (d.unit === "year") return d.amount * 366 * DAY + 2 * HOUR;
  return d.amount * UNIT_MS[d.unit];
}

/** `3 days`, `1 month`: a duration as written in a policy. */
export function formatDuration(d: CalendarDuration): string {
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

// ---------------------------------------------------------------------------------------------
// By zone name, for everything outside the engine's hot path.

/** A zone object for a name; an unknown name is a programming error here (names were validated). */
function resolve(zone: Zone | string): Zone {
  if (typeof zone !== "string") return zone;
  const z = zoneOf(zone);
  if (!z) throw new Error(`unknown time zone ${zone}`);
  return z;
}

/** True when `zone` is a fixed offset or an IANA zone this Node knows. */
export function isValidZone(zone: string): boolean {
  return zoneOf(zone) !== undefined;
}

/** The zone's offset from UTC in minutes at the instant `ms`. */
export function zoneOffsetMinutes(zone: string, ms: number): number {
  return Math.round(resolve(zone).offsetAt(ms) / MINUTE);
}

/** Parses an RFC 3339 timestamp that carries an offset (or `Z`); undefined otherwise. */
export function parseRfc3339(text: string): number | undefined {
  const ms = parseTimestamp(text);
  return Number.isNaN(ms) ? undefined : ms;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** `2017-10-08`, `2017-10-08T09:30`, `2017-10-08T09:30:15` in `zone` → epoch ms; undefined if invalid. */
export function zonedInstant(local: string, zone: string): number | undefined {
  const m = LOCAL.exec(local);
  const z = zoneOf(zone);
  if (!m || !z) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? "0", m[5] ?? "0", m[6] ?? "0"].map(Number) as number[];
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > daysInMonth(y!, mo! - 1) || h! > 23 || mi! > 59 || s! > 59) return undefined;
  return localToInstant(utcMs(y!, mo! - 1, d!, h!, mi!, s!, 0), z);
}

/** A duration's length in ms when it has a fixed one (not months or years). */
export function fixedDurationMs(d: CalendarDuration): number | undefined {
  return d.unit === "month" || d.unit === "year" ? undefined : d.amount * UNIT_MS[d.unit];
}
