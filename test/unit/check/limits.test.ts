import { describe, expect, it } from "vitest";
import { CREDIT, HEADER, KEEP, diagnose, messages, only } from "./helpers.js";

/** A limits section serving A8.user-caps states both per-user caps (QG054); the body's own win. */
const limits = (body: string, extra = "") => `${HEADER}${KEEP}${CREDIT}${extra}
limits {
  serves A8.member-cap, A8.user-caps, A8.info-page
${body}${body.includes("groups created per user") ? "" : "\n  groups created per user 3"}${body.includes("groups joined per user") ? "" : "\n  groups joined per user 500"}
}
`;

describe("A7.credit: credit-stepped caps", () => {
  it("QG050: steps go from lower to higher credit", () => {
    const d = only(limits(`  members per group 500\n  groups created per user 3, 20 when credit >= A, 10 when credit >= B`), "QG050");
    expect(d.message).toBe("`groups created per user`: the step for credit B comes after the step for the higher credit A");
    expect(d.reqs).toEqual(["A7.credit"]);
  });

  it("QG050: a level stepped twice", () => {
    expect(messages(limits(`  members per group 500\n  groups joined per user 100, 200 when credit >= B, 300 when credit >= B`))).toEqual([
      "`groups joined per user` names `credit >= B` twice",
    ]);
  });

  it("QG051: more credit never gets a lower cap, compared in level order", () => {
    expect(messages(limits(`  members per group 500\n  groups created per user 10, 5 when credit >= B`))).toEqual([
      "`groups created per user` gives credit >= B a cap of 5, lower than the base cap of 10",
    ]);
    expect(messages(limits(`  members per group 500\n  groups created per user 3, 10 when credit >= B, 8 when credit >= A`))).toEqual([
      "`groups created per user` gives credit >= A a cap of 8, lower than the cap for credit >= B of 10",
    ]);
  });

  it("accepts equal steps and a zero base (low credit may create no groups)", () => {
    expect(diagnose(limits(`  members per group 500\n  groups created per user 0, 3 when credit >= B, 3 when credit >= A`))).toEqual([]);
  });
});

describe("A8.member-cap: QG052", () => {
  it("needs a cap: `members per group` or tier bands", () => {
    const d = only(`${HEADER}${KEEP}\nlimits {\n  serves A8.user-caps\n  groups joined per user 500\n}\n`, "QG052");
    expect(d.message).toBe("the policy sets no member cap: neither `members per group` nor tier bands limit group size");
    expect(d.reqs).toEqual(["A8.member-cap"]);
    expect(d.span.start.line).toBe(10);
    expect(diagnose(`${HEADER}${KEEP}\ntiers {\n  serves A7.tiers\n  tier all { members 1..500 }\n}\n`)).toEqual([]);
  });

  it("an amendment restating limits keeps the member cap it does not restate (clause by clause)", () => {
    const text = `${HEADER}${KEEP}
limits { serves A8.member-cap  members per group 500 }
amendment "2" {
  effective 2018-01-01 in Asia/Shanghai
  limits { serves A8.user-caps  groups created per user 3  groups joined per user 100 }
}
`;
    expect(messages(text)).toEqual([]);
  });
});

describe("A8.user-caps: QG054", () => {
  it("a limits section serving A8.user-caps must state both per-user caps", () => {
    const d = only(`${HEADER}${KEEP}\nlimits {\n  serves A8.member-cap, A8.user-caps\n  members per group 500\n}\n`, "QG054");
    expect(d.message).toBe("the `limits` section serves A8.user-caps but states no `groups created per user` and no `groups joined per user` cap");
    expect(d.reqs).toEqual(["A8.user-caps"]);
    expect(d.severity).toBe("error");
    const one = only(`${HEADER}${KEEP}\nlimits {\n  serves A8.member-cap, A8.user-caps\n  members per group 500\n  groups created per user 3\n}\n`, "QG054");
    expect(one.message).toBe("the `limits` section serves A8.user-caps but states no `groups joined per user` cap");
    expect(diagnose(`${HEADER}${KEEP}\nlimits {\n  serves A8.member-cap, A8.user-caps\n  members per group 500\n  groups created per user 3\n  groups joined per user 50\n}\n`)).toEqual([]);
  });

  it("an amendment restating limits with only the member cap keeps the per-user caps and the info page", () => {
    const text = `${HEADER}${KEEP}
limits {
  serves A8.member-cap, A8.user-caps, A8.info-page
  members per group 500
  groups created per user 3
  groups joined per user 50
  info page from 100 members
}
amendment "2" {
  effective 2018-01-01 in Asia/Shanghai
  limits {
    serves A8.member-cap
    members per group 3000
  }
}
`;
    expect(diagnose(text)).toEqual([]);
  });

  it("a version without per-user caps is an error in that version", () => {
    const text = `${HEADER}${KEEP}
limits { serves A8.member-cap  members per group 500 }
amendment "2" {
  effective 2018-01-01 in Asia/Shanghai
  limits { serves A8.member-cap, A8.user-caps  members per group 600 }
}
`;
    const d = only(text, "QG054");
    expect(d.message).toBe('the `limits` section of version "2" serves A8.user-caps but states no `groups created per user` and no `groups joined per user` cap');
  });
});

describe("A8.info-page: QG053", () => {
  it("warns when the threshold is above the cap", () => {
    const d = only(limits(`  members per group 500\n  info page from 501 members`), "QG053");
    expect(d.severity).toBe("warning");
    expect(d.message).toBe("the info page threshold of 501 members is above the member cap of 500: no group ever needs an info page");
    expect(diagnose(limits(`  members per group 500\n  info page from 500 members enforced`))).toEqual([]);
  });

  it("uses the top tier band when there is no platform cap", () => {
    const tiers = `\ntiers {\n  serves A7.tiers\n  tier all { members 1..300 }\n}\n`;
    expect(messages(limits(`  info page from 400 members`, tiers))).toEqual([
      "the info page threshold of 400 members is above the member cap of 300: no group ever needs an info page",
    ]);
  });
});

describe("QG061 on limits", () => {
  it("refuses a member cap of 0", () => {
    expect(messages(limits(`  members per group 0`))).toEqual(["a member cap of 0 leaves no room even for the creator"]);
  });
});
