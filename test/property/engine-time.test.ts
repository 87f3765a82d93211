import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { addDuration, civilOf, daysInMonth, formatInstant, parseRfc3339, zoneOf } from "../../src/source/time.js";

const ms = fc.integer({ min: -30_000_000_000_000, max: 30_000_000_000_000 });
const utc = zoneOf("UTC")!;
const zones = ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "+05:30", "UTC"].map((z) => zoneOf(z)!);

describe("engine time arithmetic", () => {
  test("A15.effective: civil dates agree with Date for any instant", () => {
    fc.assert(
      fc.property(ms, (t) => {
        const c = civilOf(t);
        const d = new Date(t);
        expect([c.y, c.m, c.d, c.t]).toEqual([d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), ((t % 86_400_000) + 86_400_000) % 86_400_000]);
      }),
    );
  });

  test("A15.effective: format then parse is the identity, in every zone", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constantFrom(...zones), (t, z) => {
        expect(parseRfc3339(formatInstant(t, z))).toBe(t);
      }),
    );
  });

  test("formatting in UTC matches toISOString (years 1000–9999)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -30_000_000_000_000, max: 200_000_000_000_000 }), (t) => {
        fc.pre(new Date(t).getUTCFullYear() >= 1000);
        const iso = new Date(t).toISOString().replace(/\.000Z$/, "+00:00").replace(/Z$/, "+00:00");
        expect(formatInstant(t, utc)).toBe(iso);
      }),
    );
  });

  test("A13.retention: adding months keeps the local time and clamps the day to the month end", () => {
    const shanghai = zoneOf("Asia/Shanghai")!;
    fc.assert(
      fc.property(fc.integer({ min: 946_684_800_000, max: 4_102_444_800_000 }), fc.integer({ min: 1, max: 40 }), fc.constantFrom<1 | -1>(1, -1), (t, n, sign) => {
        const local = civilOf(t + 8 * 3_600_000);
        const r = civilOf(addDuration(t, { amount: n, unit: "month" }, shanghai, sign) + 8 * 3_600_000);
        const months = local.y * 12 + local.m + sign * n;
        expect([r.y, r.m]).toEqual([Math.floor(months / 12), months % 12]);
        expect(r.d).toBe(Math.min(local.d, daysInMonth(r.y, r.m)));
        expect(r.t).toBe(local.t);
      }),
    );
  });
});
