/**
 * Time, the one way the whole project does it: instants are epoch milliseconds; local date-times
 * belong to a zone (an IANA name such as `Asia/Shanghai`, or a fixed offset such as `+08:00`);
 * months and years are calendar units added in the zone's local time with month-end clamping.
 *
 * Offsets of IANA zones come from Intl (Node ships full ICU) and are cached per zone and UTC hour,
 * because Intl is slow and decisions render many timestamps.
 */

export interface CalendarDuration {
  amount: number;
  unit: "minute" | "hour" | "day" | "week" | "month" | "year";
}

const FIXED_OFFSET = /^([+-])(\d{2}):(\d{2})$/;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** True when `zone` is a fixed offset or an IANA zone this Node knows. */
export function isValidZone(zone: string): boolean {
  if (FIXED_OFFSET.test(zone)) return fixedOffsetMinutes(zone) !== undefined;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function fixedOffsetMinutes(zone: string): number | undefined {
  const m = FIXED_OFFSET.exec(zone);
  if (!m) return undefined;
  const h = Number(m[2]);
  const min = Number(m[3]);
  if (h > 23 || min > 59) return undefined;
  return (m[1] === "-" ? -1 : 1) * (h * 60 + min);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, Map<number, number>>();

/** The zone's offset from UTC in minutes at the instant `ms`. */
export function zoneOffsetMinutes(zone: string, ms: number): number {
  const fixed = fixedOffsetMinutes(zone);
  if (fixed !== undefined) return fixed;
  let perZone = offsetCache.get(zone);
  if (!perZone) {
    perZone = new Map();
    offsetCache.set(zone, perZone);
  }
  const hour = Math.floor(ms / HOUR);
  const cached = perZone.get(hour);
  if (cached !== undefined) return cached;
  let fmt = formatters.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, fmt);
  }
  const parts: Record<string, number> = {};
  for (const p of fmt.formatToParts(new Date(hour * HOUR))) if (p.type !== "literal") parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  const offset = Math.round((asUtc - hour * HOUR) / MINUTE);
  if (perZone.size > 100_000) perZone.clear();
  perZone.set(hour, offset);
  return offset;
}

/** The instant of a local wall-clock time (given as UTC fields) in `zone`. Gaps resolve forward. */
function localToInstant(localAsUtcMs: number, zone: string): number {
  // Two passes settle the offset across a DST change.
  let guess = localAsUtcMs - zoneOffsetMinutes(zone, localAsUtcMs) * MINUTE;
  guess = localAsUtcMs - zoneOffsetMinutes(zone, guess) * MINUTE;
  return guess;
}

/** `2017-10-08`, `2017-10-08T09:30`, `2017-10-08T09:30:15` in `zone` → epoch ms; undefined if invalid. */
export function zonedInstant(local: string, zone: string): number | undefined {
  const m = LOCAL.exec(local);
  if (!m || !isValidZone(zone)) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? "0", m[5] ?? "0", m[6] ?? "0"].map(Number) as number[];
  if (!validFields(y!, mo!, d!, h!, mi!, s!)) return undefined;
  return localToInstant(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!), zone);
}

function validFields(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false;
  return d <= daysInMonth(y, mo - 1);
}

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/** Parses an RFC 3339 timestamp that carries an offset (or `Z`); undefined otherwise. */
export function parseRfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as number[];
  if (!validFields(y!, mo!, d!, h!, mi!, s!)) return undefined;
  const frac = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  const off = m[8]!;
  let offsetMin = 0;
  if (off !== "Z" && off !== "z") {
    const om = fixedOffsetMinutes(off);
    if (om === undefined) return undefined;
    offsetMin = om;
  }
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!, frac) - offsetMin * MINUTE;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** An instant as RFC 3339 in `zone`'s local time with its offset, e.g. `2017-10-08T00:00:00+08:00`. */
export function formatInstant(ms: number, zone: string): string {
  const offset = zoneOffsetMinutes(zone, ms);
  const local = new Date(ms + offset * MINUTE);
  const abs = Math.abs(offset);
  const sign = offset < 0 ? "-" : "+";
  const millis = local.getUTCMilliseconds();
  return (
    `${local.getUTCFullYear()}-${pad2(local.getUTCMonth() + 1)}-${pad2(local.getUTCDate())}` +
    `T${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}:${pad2(local.getUTCSeconds())}` +
    (millis ? `.${String(millis).padStart(3, "0")}` : "") +
    `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`
  );
}

/**
 * `ms` plus (or, with sign −1, minus) a duration. Minutes, hours, days and weeks are exact
 * lengths; months and years move the local calendar date in `zone`, clamping to the month's last
 * day (31 August − 6 months = 28 or 29 February).
 */
export function addDuration(ms: number, d: CalendarDuration, zone: string, sign: 1 | -1 = 1): number {
  switch (d.unit) {
    case "minute":
      return ms + sign * d.amount * MINUTE;
    case "hour":
      return ms + sign * d.amount * HOUR;
    case "day":
      return ms + sign * d.amount * DAY;
    case "week":
      return ms + sign * d.amount * 7 * DAY;
    case "month":
    case "year": {
      const months = sign * d.amount * (d.unit === "year" ? 12 : 1);
      const offset = zoneOffsetMinutes(zone, ms);
      const local = new Date(ms + offset * MINUTE);
      const total = local.getUTCFullYear() * 12 + local.getUTCMonth() + months;
      const year = Math.floor(total / 12);
      const month0 = total - year * 12;
      const day = Math.min(local.getUTCDate(), daysInMonth(year, month0));
      const target = Date.UTC(year, month0, day, local.getUTCHours(), local.getUTCMinutes(), local.getUTCSeconds(), local.getUTCMilliseconds());
      return localToInstant(target, zone);
    }
  }
}

/** A duration's length in ms when it has a fixed one (not months or years). */
export function fixedDurationMs(d: CalendarDuration): number | undefined {
  switch (d.unit) {
    case "minute":
      return d.amount * MINUTE;
    case "hour":
      return d.amount * HOUR;
    case "day":
      return d.amount * DAY;
    case "week":
      return d.amount * 7 * DAY;
    default:
      return undefined;
  }
}
