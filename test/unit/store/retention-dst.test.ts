/**
 * Article 13 in zones with daylight saving (issue 13, item 8): the purge cutoff `now − 6 months`
 * must never be later than the earliest instant six calendar months before now. When that local
 * time falls in a gap (the clocks skipped it) the cutoff moves back by the gap, never forward
 * into records that are younger than six months; in an overlap it is the earlier instant. Checked
 * at gaps and overlaps of America/New_York, Europe/London and Australia/Lord_Howe (a 30-minute
 * shift), exactly and against an oracle built on Intl rather than on src/source/time.ts.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { purgeCutoff } from "../../../src/store/retention.js";
import { addDuration, formatInstant, parseRfc3339 } from "../../../src/source/time.js";

const SIX_MONTHS = { amount: 6, unit: "month" } as const;
const MINUTE = 60_000;

/** Local calendar fields of an instant in a zone, by Intl (independent of src/source/time.ts). */
function localFields(ms: number, zone: string): [number, number, number, number] {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric", hourCycle: "h23" }).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return [get("year"), get("month") - 1, get("day"), get("hour") * 3600 + get("minute") * 60 + get("second")];
}

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m + 1, 0)).getUTCDate();

/**
 * Whether a record made at `r` is younger than six calendar months at `now`: its local date moved
 * six months on (the day clamped to the month's end), at its local time of day, is later than
 * now's local date and time.
 */
function younger(r: number, now: number, zone: string): boolean {
  const [y, m, d, t] = localFields(r, zone);
  const months = y * 12 + m + 6;
  const ty = Math.floor(months / 12);
  const tm = months % 12;
  const until = [ty, tm, Math.min(d, daysIn(ty, tm)), t];
  const n = localFields(now, zone);
  for (let i = 0; i < 4; i++) if (until[i] !== n[i]) return until[i]! > n[i]!;
  return false;
}

const at = (s: string) => parseRfc3339(s)!;

// `now` six months after a local time in a gap or an overlap, and the cutoff that must result.
const CASES: { zone: string; what: string; now: string; cutoff: string; gap: number }[] = [
  { zone: "America/New_York", what: "gap (02:00→03:00, 10 Mar 2024)", now: "2024-09-10T02:30:00-04:00", cutoff: "2024-03-10T01:30:00-05:00", gap: 60 },
  { zone: "America/New_York", what: "overlap (02:00→01:00, 3 Nov 2024)", now: "2025-05-03T01:30:00-04:00", cutoff: "2024-11-03T01:30:00-04:00", gap: 0 },
  { zone: "Europe/London", what: "gap (01:00→02:00, 26 Mar 2023)", now: "2023-09-26T01:30:00+01:00", cutoff: "2023-03-26T00:30:00+00:00", gap: 60 },
  { zone: "Europe/London", what: "overlap (02:00→01:00, 27 Oct 2024)", now: "2025-04-27T01:30:00+01:00", cutoff: "2024-10-27T01:30:00+01:00", gap: 0 },
  { zone: "Australia/Lord_Howe", what: "30-minute gap (02:00→02:30, 6 Oct 2024)", now: "2025-04-06T02:15:00+10:30", cutoff: "2024-10-06T01:45:00+10:30", gap: 30 },
  { zone: "Australia/Lord_Howe", what: "30-minute overlap (02:00→01:30, 7 Apr 2024)", now: "2024-10-07T01:45:00+11:00", cutoff: "2024-04-07T01:45:00+11:00", gap: 0 },
];

describe("A13.retention: the purge cutoff in zones with daylight saving", () => {
  test.each(CASES)("$zone, $what", ({ zone, now, cutoff, gap }) => {
    const nowMs = at(now);
    const c = purgeCutoff(nowMs, { zone, keep: [SIX_MONTHS] });
    expect(formatInstant(c, zone)).toBe(formatInstant(at(cutoff), zone));
    // No record before the cutoff is younger than six months; sweep the two hours before it.
    for (let r = c - 120 * MINUTE; r < c; r += MINUTE) expect(younger(r, nowMs, zone), `record at ${formatInstant(r, zone)}`).toBe(false);
    // In a gap, the old cutoff (the local time moved forward by the gap) was later: the records
    // just before it, which it purged, are younger than six months.
    if (gap > 0) expect(younger(c + gap * MINUTE - MINUTE, nowMs, zone)).toBe(true);
  });

  test("for any now in 2020–2030, no record before the cutoff is younger than six months", () => {
    const zones = ["America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Shanghai"];
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: at("2020-01-01T00:00:00Z") / MINUTE, max: at("2030-01-01T00:00:00Z") / MINUTE }), fc.integer({ min: 1, max: 240 }), (zone, nowMin, back) => {
        const now = nowMin * MINUTE;
        const c = purgeCutoff(now, { zone, keep: [SIX_MONTHS] });
        expect(younger(c - back * MINUTE, now, zone)).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  test("an addition still moves a gap's time forward (a deadline never comes early)", () => {
    const ny = "America/New_York";
    expect(formatInstant(addDuration(at("2024-02-10T02:30:00-05:00"), { amount: 1, unit: "month" }, ny), ny)).toBe("2024-03-10T03:30:00-04:00");
  });
});
