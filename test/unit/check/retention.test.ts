import { describe, expect, it } from "vitest";
import { coversSixMonths } from "../../../src/check/retention.js";
import { CAP, HEADER, diagnose, messages, only } from "./helpers.js";

const keep = (period: string) => `${HEADER}${CAP}\nretention {\n  serves A13.retention\n  keep logs ${period}\n}\n`;

describe("A13.retention", () => {
  it("QG064: less than six months is an error citing Article 13", () => {
    const d = only(keep("3 months"), "QG064");
    expect(d.message).toBe("logs kept for 3 months: Article 13 requires at least six months");
    expect(d.reqs).toEqual(["A13.retention"]);
  });

  it("accepts six months, a year and longer", () => {
    for (const p of ["6 months", "7 months", "1 year", "2 years", "184 days", "27 weeks"]) expect(diagnose(keep(p)), p).toEqual([]);
  });

  it("QG064: 180 days is not six calendar months, and the help says why", () => {
    const d = only(keep("180 days"), "QG064");
    expect(d.help).toBe(
      "six calendar months are 181 to 184 days long (1 July to 1 January is 184), so a period in days must reach 184 days; write `keep logs 6 months`",
    );
    for (const p of ["183 days", "26 weeks", "4400 hours", "264959 minutes"]) expect(messages(keep(p)), p).toHaveLength(1);
  });

  it("six calendar months are 181 to 184 days", () => {
    let longest = 0;
    let shortest = Infinity;
    for (let y = 2017; y < 2025; y++) {
      for (let m = 0; m < 12; m++) {
        const from = Date.UTC(y, m, 1);
        const to = Date.UTC(y, m + 6, 1);
        longest = Math.max(longest, (to - from) / 86_400_000);
        shortest = Math.min(shortest, (to - from) / 86_400_000);
      }
    }
    expect(longest).toBe(184);
    expect(shortest).toBe(181);
    expect(coversSixMonths({ amount: 184, unit: "day" })).toBe(true);
    expect(coversSixMonths({ amount: 183, unit: "day" })).toBe(false);
  });

  it("QG065: a policy without retention", () => {
    const d = only(`${HEADER}${CAP}`, "QG065");
    expect(d.message).toBe("the policy does not say how long logs are kept");
    expect(d.reqs).toEqual(["A13.retention"]);
  });

  it("an amendment may shorten it only to six months or more", () => {
    const text = `${keep("1 year")}
amendment "2" {
  effective 2019-01-01 in Asia/Shanghai
  retention { serves A13.retention  keep logs 90 days }
}
`;
    expect(messages(text)).toEqual(["logs kept for 90 days: Article 13 requires at least six months"]);
  });
});
