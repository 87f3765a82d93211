import { describe, expect, it } from "vitest";
import { REGULATION_EFFECTIVE_MS } from "../../../src/law/articles.js";
import { zonedInstant } from "../../../src/check/zone.js";
import { suggestZone } from "../../../src/check/zone.js";
import { CAP, KEEP, brief, diagnose, only } from "./helpers.js";

const withHeader = (items: string, rest = "") => `policy "t" version "1" {\n${items}\n}\n${CAP}${KEEP}${rest}`;

describe("QG024 effective date", () => {
  it("A15.effective: the header must state one", () => {
    const d = only(withHeader(`  title "no date"`), "QG024");
    expect(d.message).toBe('policy "t" has no effective date');
    expect(d.reqs).toEqual(["A15.effective"]);
    expect(d.span.start.line).toBe(1);
  });

  it("A15.effective: so must every amendment", () => {
    const d = only(withHeader(`  effective 2017-10-08 in Asia/Shanghai`, `\namendment "2" {\n  serves A15.effective\n}\n`), "QG024");
    expect(d.message).toBe('amendment "2" has no effective date');
  });
});

describe("QG025 time zones", () => {
  it("suggests the zone meant", () => {
    const d = only(withHeader(`  effective 2017-10-08 in Asia/Shangai`), "QG025");
    expect(d.message).toBe("unknown time zone `Asia/Shangai`");
    expect(d.help).toBe("did you mean `Asia/Shanghai`?");
  });

  it("accepts IANA names and fixed offsets", () => {
    for (const zone of ["in Asia/Shanghai", "in UTC", "in Asia/Hong_Kong", "+08:00"]) {
      expect(diagnose(withHeader(`  effective 2018-01-01 ${zone}`)), zone).toEqual([]);
    }
  });

  it("checks date-times inside rule conditions too", () => {
    const text = withHeader(
      `  effective 2017-10-08 in Asia/Shanghai`,
      `\nrule r {\n  serves A13.retention\n  on records.purge\n  deny when event.before > 2018-01-01 in Mars/Olympus\n  because "x"\n}\n`,
    );
    expect(diagnose(text).map(brief)).toEqual(["QG025 18:42 unknown time zone `Mars/Olympus`"]);
  });
});

describe("QG026 effective before the regulation", () => {
  it("A15.effective: 2017-10-08 00:00 China Standard Time is the earliest instant", () => {
    expect(diagnose(withHeader(`  effective 2017-10-08 in Asia/Shanghai`))).toEqual([]);
    expect(diagnose(withHeader(`  effective 2017-10-08T00:00 +08:00`))).toEqual([]);
    const d = only(withHeader(`  effective 2017-10-07T23:59 in Asia/Shanghai`), "QG026");
    expect(d.message).toBe("the policy takes effect at 2017-10-07T23:59 in Asia/Shanghai, before the regulation does (2017-10-08 00:00 China Standard Time)");
    expect(d.reqs).toEqual(["A15.effective"]);
  });

  it("A15.effective: compares instants, not local dates", () => {
    // Midnight of 8 October in London is 07:00 or 08:00 in Beijing: after the regulation.
    expect(diagnose(withHeader(`  effective 2017-10-08 in Europe/London`))).toEqual([]);
    // 7 October 17:00 in UTC is 8 October 01:00 in Beijing: after it too.
    expect(diagnose(withHeader(`  effective 2017-10-07T17:00 in UTC`))).toEqual([]);
    expect(diagnose(withHeader(`  effective 2017-10-07T15:59 in UTC`)).map((d) => d.code)).toEqual(["QG026"]);
  });
});

describe("QG027 amendment order", () => {
  const base = `  effective 2018-01-01 in Asia/Shanghai`;
  it("A15.effective: an amendment on the same instant as the version before", () => {
    const d = only(withHeader(base, `\namendment "2" {\n  effective 2018-01-01T00:00 +08:00\n}\n`), "QG027");
    expect(d.message).toBe('amendment "2" takes effect at 2018-01-01T00:00+08:00, the same instant as version "1" (2018-01-01 in Asia/Shanghai)');
    expect(d.labels.map((l) => l.message)).toEqual(['version "1" takes effect here']);
  });

  it("A15.effective: compares with the amendment just before", () => {
    const text = withHeader(base, `
amendment "2" { effective 2019-01-01 in Asia/Shanghai }
amendment "3" { effective 2018-06-01 in Asia/Shanghai }
`);
    expect(diagnose(text).map((d) => d.message)).toEqual([
      'amendment "3" takes effect at 2018-06-01 in Asia/Shanghai, before version "2" (2019-01-01 in Asia/Shanghai)',
    ]);
  });

  it("skips an amendment without a date when looking for the version before", () => {
    const text = withHeader(base, `
amendment "2" { serves A15.effective }
amendment "3" { effective 2017-12-01 in Asia/Shanghai }
`);
    expect(diagnose(text).map((d) => d.code)).toEqual(["QG024", "QG027"]);
  });
});

describe("QG028 calendar tolerance", () => {
  it("warns about months and years, not about exact units", () => {
    expect(diagnose(withHeader(`  effective 2017-10-08 in Asia/Shanghai\n  tolerance 2 hours`))).toEqual([]);
    const d = only(withHeader(`  effective 2017-10-08 in Asia/Shanghai\n  tolerance 1 year`), "QG028");
    expect(d.severity).toBe("warning");
    expect(d.message).toBe("a tolerance in years has no fixed length");
  });
});

describe("zonedInstant", () => {
  it("A15.effective: 2017-10-08 in Asia/Shanghai is the regulation's instant", () => {
    expect(zonedInstant("2017-10-08", "Asia/Shanghai")).toBe(REGULATION_EFFECTIVE_MS);
    expect(zonedInstant("2017-10-08T00:00:00", "+08:00")).toBe(REGULATION_EFFECTIVE_MS);
  });

  it("follows daylight saving time", () => {
    expect(zonedInstant("2018-07-01T12:00", "Europe/Berlin")).toBe(Date.UTC(2018, 6, 1, 10));
    expect(zonedInstant("2018-01-01T12:00", "Europe/Berlin")).toBe(Date.UTC(2018, 0, 1, 11));
  });

  it("is undefined for an invalid date or zone", () => {
    expect(zonedInstant("2018-02-30", "UTC")).toBeUndefined();
    expect(zonedInstant("2018-01-01", "Nowhere/Town")).toBeUndefined();
  });

  it("suggests zone names, but not for offsets", () => {
    expect(suggestZone("Asia/Shangai")).toBe("Asia/Shanghai");
    expect(suggestZone("+08:00")).toBeUndefined();
  });
});

describe("zone suggestions for China Standard Time", () => {
  it("suggests Asia/Shanghai for Beijing time written as a zone", () => {
    expect(suggestZone("Asia/Beijing")).toBe("Asia/Shanghai");
    expect(suggestZone("CST")).toBe("Asia/Shanghai");
  });
});
