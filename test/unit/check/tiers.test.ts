import { describe, expect, it } from "vitest";
import { CATEGORIES, CREDIT, HEADER, KEEP, brief, diagnose, messages, only } from "./helpers.js";

const withCap = (cap: number | null, body: string, sections = "") =>
  `${HEADER}${KEEP}${sections}
limits {
  serves A8.member-cap
  ${cap === null ? "" : `members per group ${cap}`}
}

tiers {
  serves A7.tiers, A8.creator-qualification
${body}
}
`;

describe("A7.tiers: gaps (QG040)", () => {
  it("names the missing range", () => {
    expect(messages(withCap(500, `  tier small { members 1..100 }\n  tier large { members 151..500 }`))).toEqual(["no tier for 101..150 members"]);
  });

  it("names the category of a `for` table", () => {
    const text = withCap(
      500,
      `  tier small { members 1..100 }
  tier large { members 101..500 }
  for news-discussion {
    tier small { members 1..100 }
    tier large { members 151..500 }
  }`,
      CATEGORIES,
    );
    expect(messages(text)).toEqual(["no tier for 101..150 members in category news-discussion"]);
  });

  it("names the categories left to the default table when there are `for` blocks", () => {
    const text = withCap(
      500,
      `  tier small { members 1..100 }
  tier large { members 201..500 }
  for news-discussion { tier all { members 1..500 } }`,
      CATEGORIES,
    );
    expect(messages(text)).toEqual(["no tier for 101..200 members in category general"]);
  });

  it("requires the bands to start at 1", () => {
    const d = only(withCap(500, `  tier small { members 2..100 }\n  tier large { members 101..500 }`), "QG040");
    expect(d.message).toBe("no tier for 1 member");
    expect(d.help).toBe("start the lowest band at 1: `members 1..100`");
  });

  it("counts a cap above the top band as a gap, with the cap as a label", () => {
    const d = only(withCap(3000, `  tier small { members 1..100 }\n  tier large { members 101..2000 }`), "QG040");
    expect(d.message).toBe("no tier for 2001..3000 members");
    expect(d.labels.map((l) => l.message)).toEqual(["groups may have up to 3000 members"]);
    expect(d.help).toBe("extend `large` to 3000, add a tier for 2001..3000, or lower `members per group`");
  });

  it("without a platform cap, the top band is the cap", () => {
    expect(messages(withCap(null, `  tier small { members 1..100 }\n  tier large { members 101..2000 }`))).toEqual([]);
  });

  it("reports several gaps separately", () => {
    expect(messages(withCap(1000, `  tier a { members 1..10 }\n  tier b { members 20..30 }\n  tier c { members 40..900 }`))).toEqual([
      "no tier for 11..19 members",
      "no tier for 31..39 members",
      "no tier for 901..1000 members",
    ]);
  });

  it("reports a category with no table at all", () => {
    const text = withCap(500, `  for news-discussion { tier all { members 1..500 } }`, CATEGORIES);
    expect(messages(text)).toEqual(["no tier for any member count in category general: it has no `for` block and there is no default table"]);
  });

  it("ignores member counts above the cap", () => {
    expect(messages(withCap(150, `  tier small { members 1..100 }\n  tier large { members 101..150 }\n  tier huge { members 301..500 }`), "QG040")).toEqual([]);
  });
});

describe("A7.tiers: overlaps (QG041)", () => {
  it("names the doubled range and both tiers", () => {
    const d = only(withCap(500, `  tier small { members 1..100 }\n  tier medium { members 90..500 }`), "QG041");
    expect(d.message).toBe("members 90..100 are in both `small` and `medium`");
    expect(d.labels.map((l) => l.message)).toEqual(["`small` covers 1..100"]);
    expect(d.help).toBe("make the bands meet without overlapping, e.g. `medium` from 101");
  });

  it("names a single shared count", () => {
    expect(messages(withCap(500, `  tier small { members 1..100 }\n  tier large { members 100..500 }`))).toEqual(["members 100 are in both `small` and `large`"]);
  });

  it("reports each overlapping pair, whatever the order of declaration", () => {
    const text = withCap(500, `  tier c { members 300..500 }\n  tier a { members 1..350 }\n  tier b { members 200..400 }`);
    // Sorted by position: `c` is declared first; each message names the lower band first.
    expect(messages(text)).toEqual([
      "members 300..350 are in both `a` and `c`",
      "members 300..400 are in both `b` and `c`",
      "members 200..350 are in both `a` and `b`",
    ]);
  });

  it("checks each category's table on its own", () => {
    const text = withCap(
      500,
      `  tier small { members 1..100 }
  tier large { members 101..500 }
  for news-discussion { tier small { members 1..60 }  tier large { members 50..500 } }`,
      CATEGORIES,
    );
    expect(messages(text)).toEqual(["members 50..60 are in both `small` and `large` in category news-discussion"]);
  });
});

describe("A7.tiers: bands (QG042)", () => {
  it("reports a band that runs backwards, and reads it the right way round", () => {
    const text = withCap(500, `  tier small { members 1..100 }\n  tier large { members 500..101 }`);
    expect(diagnose(text).map(brief)).toEqual(["QG042 18:24 the member band 500..101 of tier `large` runs backwards"]);
  });

  it("reports a band starting at 0", () => {
    const text = withCap(500, `  tier small { members 0..100 }\n  tier large { members 101..500 }`);
    expect(messages(text)).toEqual(["the member band of tier `small` starts at 0, but every group has at least its creator"]);
  });
});

describe("QG043 tiers above the cap", () => {
  it("warns about a band wholly above the cap", () => {
    const d = only(withCap(500, `  tier small { members 1..500 }\n  tier huge { members 501..1000 }`), "QG043");
    expect(d.severity).toBe("warning");
    expect(d.message).toBe("tier `huge` (501..1000 members) is above the platform cap of 500 members and never applies");
  });
});

describe("A7.tiers: categories (QG044)", () => {
  it("reports a category named in two `for` blocks", () => {
    const text = withCap(
      500,
      `  tier all { members 1..500 }
  for news-discussion { tier a { members 1..500 } }
  for general, news-discussion { tier b { members 1..500 } }`,
      CATEGORIES,
    );
    const d = only(text, "QG044");
    expect(d.message).toBe("category `news-discussion` has two tier tables");
    expect(d.labels[0]!.message).toBe("its first table");
  });
});

describe("A7.tiers: activity thresholds (QG045)", () => {
  it("requires thresholds to rise with the tiers, in band order", () => {
    const text = withCap(
      500,
      `  tier large  { members 301..500  activity from 200 messages per day }
  tier small  { members 1..100 }
  tier medium { members 101..300  activity from 300 messages per day }`,
    );
    const d = only(text, "QG045");
    expect(d.message).toBe("tier `large` is promoted from 200 messages per day, not more than the smaller tier `medium` (300)");
  });

  it("accepts rising thresholds", () => {
    expect(diagnose(withCap(500, `  tier small { members 1..100 }\n  tier medium { members 101..300  activity from 100 messages per day }\n  tier large { members 301..500  activity from 101 messages per day }`))).toEqual([]);
  });
});

describe("A7.credit: creator qualifications (QG046)", () => {
  it("warns when a bigger tier asks less credit", () => {
    const text = withCap(
      500,
      `  tier small  { members 1..100    creator requires verified, credit >= B }
  tier medium { members 101..300  creator requires verified, credit >= A }
  tier large  { members 301..500  creator requires verified, credit >= B }`,
      CREDIT,
    );
    const d = only(text, "QG046");
    expect(d.message).toBe("tier `large` asks less credit of its creator (B) than the smaller tier `medium` (A)");
    expect(d.reqs).toEqual(["A7.credit"]);
  });

  it("warns when a bigger tier drops a requirement", () => {
    const text = withCap(
      500,
      `  tier small { members 1..100    creator requires verified, credit >= B }
  tier large { members 101..500 }`,
      CREDIT,
    );
    expect(messages(text)).toEqual([
      "tier `large` asks no minimum credit of its creator, but the smaller tier `small` asks B",
      "tier `large` does not require a verified creator, but the smaller tier `small` does",
    ]);
  });
});

describe("A7.tiers: empty tables", () => {
  it("reports a `for` block without tiers", () => {
    const text = withCap(500, `  tier all { members 1..500 }\n  for news-discussion { }`, CATEGORIES);
    expect(messages(text)).toEqual(["no tier for any member count in category news-discussion"]);
  });
});
