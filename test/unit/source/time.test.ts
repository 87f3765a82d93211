import { describe, expect, test } from "vitest";
import { addDuration, fixedDurationMs, formatElapsed, formatInstant, isValidZone, localToInstant, parseRfc3339, parseTimestamp, zonedInstant, zoneOf, zoneOffsetMinutes } from "../../../src/source/time.js";

const shanghai = zoneOf("Asia/Shanghai")!;
const utc = zoneOf("UTC")!;
const berlin = zoneOf("Europe/Berlin")!;

describe("RFC 3339 parsing", () => {
  test("A15.effective: an offset is required", () => {
    expect(parseTimestamp("2017-10-08T00:00:00+08:00")).toBe(Date.UTC(2017, 9, 7, 16));
    expect(parseTimestamp("2017-10-07T16:00:00Z")).toBe(Date.UTC(2017, 9, 7, 16));
    expect(parseTimestamp("2017-10-07t16:00:00z")).toBe(Date.UTC(2017, 9, 7, 16));
    expect(parseTimestamp("2017-10-08T00:00:00")).toBeNaN();
    expect(parseTimestamp("2017-10-08 00:00:00+08:00")).toBeNaN();
    expect(parseTimestamp("2017-10-08")).toBeNaN();
  });

  test("fractions are truncated to milliseconds; negative offsets", () => {
    expect(parseTimestamp("2017-10-08T00:00:00.1234567Z")).toBe(Date.UTC(2017, 9, 8) + 123);
    expect(parseTimestamp("2017-10-08T00:00:00.5-05:30")).toBe(Date.UTC(2017, 9, 8, 5, 30, 0, 500));
  });

  test("calendar validity: no 31 April, no 29 Feb 2017, no leap seconds, no hour 24", () => {
    for (const bad of ["2017-04-31T00:00:00Z", "2017-02-29T00:00:00Z", "2016-12-31T23:59:60Z", "2017-01-01T24:00:00Z", "2017-13-01T00:00:00Z", "2017-01-01T00:00:00+24:00", "2017-1-01T00:00:00Z"]) {
      expect(parseTimestamp(bad), bad).toBeNaN();
    }
    expect(parseTimestamp("2016-02-29T00:00:00Z")).toBe(Date.UTC(2016, 1, 29));
  });

  test("years below 100 are taken literally", () => {
    const ms = parseTimestamp("0099-01-01T00:00:00Z");
    expect(new Date(ms).getUTCFullYear()).toBe(99);
  });
});

describe("formatting in a zone", () => {
  test("+08:00 style, milliseconds only when present", () => {
    const ms = Date.UTC(2017, 9, 7, 16);
    expect(formatInstant(ms, shanghai)).toBe("2017-10-08T00:00:00+08:00");
    expect(formatInstant(ms + 5, shanghai)).toBe("2017-10-08T00:00:00.005+08:00");
    expect(formatInstant(ms, utc)).toBe("2017-10-07T16:00:00+00:00");
    expect(formatInstant(ms, zoneOf("-05:30")!)).toBe("2017-10-07T10:30:00-05:30");
  });

  test("a zone with daylight saving time gets the offset of the instant", () => {
    expect(formatInstant(Date.UTC(2017, 6, 1, 12), berlin)).toBe("2017-07-01T14:00:00+02:00");
    expect(formatInstant(Date.UTC(2017, 0, 1, 12), berlin)).toBe("2017-01-01T13:00:00+01:00");
    // 1 h before and after the spring-forward instant 2017-03-26T01:00Z
    expect(formatInstant(Date.UTC(2017, 2, 26, 0, 59), berlin)).toBe("2017-03-26T01:59:00+01:00");
    expect(formatInstant(Date.UTC(2017, 2, 26, 1, 0), berlin)).toBe("2017-03-26T03:00:00+02:00");
  });

  test("round trip: parse(format(x)) = x", () => {
    for (const ms of [0, 1_500_000_000_123, Date.UTC(2017, 2, 26, 1, 0), Date.UTC(1990, 5, 1)]) {
      for (const z of [shanghai, utc, berlin]) expect(parseTimestamp(formatInstant(ms, z))).toBe(ms);
    }
  });

  test("unknown zones are refused", () => {
    expect(zoneOf("Mars/Olympus")).toBeUndefined();
    expect(zoneOf("+25:00")).toBeUndefined();
  });
});

describe("calendar arithmetic", () => {
  const at = (s: string) => parseTimestamp(s);
  const fmt = (ms: number) => formatInstant(ms, shanghai);

  test("A13.retention: month ends clamp (31 Aug + 1 month = 30 Sep; 31 Aug − 6 months = 28/29 Feb)", () => {
    expect(fmt(addDuration(at("2017-08-31T10:00:00+08:00"), { amount: 1, unit: "month" }, shanghai))).toBe("2017-09-30T10:00:00+08:00");
    expect(fmt(addDuration(at("2017-08-31T10:00:00+08:00"), { amount: 6, unit: "month" }, shanghai, -1))).toBe("2017-02-28T10:00:00+08:00");
    expect(fmt(addDuration(at("2016-08-31T10:00:00+08:00"), { amount: 6, unit: "month" }, shanghai, -1))).toBe("2016-02-29T10:00:00+08:00");
    expect(fmt(addDuration(at("2016-02-29T00:00:00+08:00"), { amount: 1, unit: "year" }, shanghai))).toBe("2017-02-28T00:00:00+08:00");
    expect(fmt(addDuration(at("2017-12-15T00:00:00+08:00"), { amount: 1, unit: "month" }, shanghai))).toBe("2018-01-15T00:00:00+08:00");
    expect(fmt(addDuration(at("2018-01-15T00:00:00+08:00"), { amount: 13, unit: "month" }, shanghai, -1))).toBe("2016-12-15T00:00:00+08:00");
  });

  test("months are counted in the zone's local calendar, not UTC's", () => {
    // 2017-08-31T20:00Z is already 1 September in Shanghai: one month later is 1 October local.
    const ms = Date.UTC(2017, 7, 31, 20);
    expect(fmt(addDuration(ms, { amount: 1, unit: "month" }, shanghai))).toBe("2017-10-01T04:00:00+08:00");
    expect(formatInstant(addDuration(ms, { amount: 1, unit: "month" }, utc), utc)).toBe("2017-09-30T20:00:00+00:00");
  });

  test("minutes, hours, days and weeks are exact elapsed time", () => {
    const ms = at("2017-10-08T00:00:00+08:00");
    expect(addDuration(ms, { amount: 48, unit: "hour" }, shanghai) - ms).toBe(48 * 3_600_000);
    expect(addDuration(ms, { amount: 2, unit: "week" }, shanghai, -1) - ms).toBe(-14 * 86_400_000);
    expect(addDuration(ms, { amount: 30, unit: "minute" }, shanghai) - ms).toBe(1_800_000);
  });

  test("local times in a daylight-saving gap move forward; overlaps take the earlier instant", () => {
    // 02:30 on 2017-03-26 does not exist in Berlin.
    expect(formatInstant(localToInstant(Date.UTC(2017, 2, 26, 2, 30), berlin), berlin)).toBe("2017-03-26T03:30:00+02:00");
    // 02:30 on 2017-10-29 exists twice; the first is +02:00.
    expect(formatInstant(localToInstant(Date.UTC(2017, 9, 29, 2, 30), berlin), berlin)).toBe("2017-10-29T02:30:00+02:00");
    // A month after 26 Feb 02:30 lands in the gap.
    expect(formatInstant(addDuration(parseTimestamp("2017-02-26T02:30:00+01:00"), { amount: 1, unit: "month" }, berlin), berlin)).toBe("2017-03-26T03:30:00+02:00");
  });

  test("elapsed times read as words", () => {
    expect(formatElapsed(0)).toBe("0 minutes");
    expect(formatElapsed(86_400_000 + 3_600_000)).toBe("1 day 1 hour");
    expect(formatElapsed(2 * 86_400_000 + 5 * 60_000)).toBe("2 days 5 minutes");
  });
});

describe("RFC 3339 scanner edge cases", () => {
  test("rejects near-misses the scanner must not accept", () => {
    for (const bad of [
      "2017-10-08T00:00:00.Z",
      "2017-10-08T00:00:00+08:00 ",
      " 2017-10-08T00:00:00Z",
      "2017-10-08T00:00:00+0800",
      "2017-10-08T00:00:00+08:0",
      "2017-10-08T00:00:00ZZ",
      "2017-10-08T0a:00:00Z",
      "2017-10-08X00:00:00Z",
      "+2017-10-08T00:00:00Z",
      "2017-10-08T00:00:00.12a+08:00",
      "2017-00-08T00:00:00Z",
      "2017-10-00T00:00:00Z",
      "",
    ]) {
      expect(parseTimestamp(bad), JSON.stringify(bad)).toBeNaN();
    }
  });

  test("agrees with Date.parse on valid timestamps", () => {
    for (const ok of ["2017-10-08T00:00:00.1+08:00", "2017-10-08T00:00:00.12-01:30", "2000-02-29T23:59:59.999Z", "1969-12-31T23:59:59Z", "2017-10-08T00:00:00.123456789+14:00"]) {
      expect(parseTimestamp(ok), ok).toBe(Date.parse(ok.replace(/(\.\d{3})\d+/, "$1")));
    }
  });
});

describe("zone names and undefined on failure (the API outside the engine's hot path)", () => {
  test("parseRfc3339 gives undefined where parseTimestamp gives NaN", () => {
    expect(parseRfc3339("2017-10-08T00:00:00+08:00")).toBe(Date.UTC(2017, 9, 7, 16));
    expect(parseRfc3339("2017-10-08T00:00:00")).toBeUndefined();
  });
  test("A13.retention: six calendar months before 31 August is the last day of February, by zone name", () => {
    const at = zonedInstant("2018-08-31T12:00", "Asia/Shanghai")!;
    expect(formatInstant(addDuration(at, { amount: 6, unit: "month" }, "Asia/Shanghai", -1), "Asia/Shanghai")).toBe("2018-02-28T12:00:00+08:00");
  });
  test("rejects impossible local dates and unknown zones", () => {
    expect(zonedInstant("2017-02-29", "Asia/Shanghai")).toBeUndefined();
    expect(zonedInstant("2017-10-08", "Asia/Shangai")).toBeUndefined();
    expect(isValidZone("+08:00")).toBe(true);
    expect(isValidZone("+25:00")).toBe(false);
    expect(zoneOffsetMinutes("Asia/Shanghai", Date.UTC(2017, 9, 8))).toBe(480);
    expect(fixedDurationMs({ amount: 2, unit: "day" })).toBe(172_800_000);
    expect(fixedDurationMs({ amount: 1, unit: "month" })).toBeUndefined();
  });
});
