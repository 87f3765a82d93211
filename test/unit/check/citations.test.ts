import { describe, expect, it } from "vitest";
import { CAP, HEADER, KEEP, PROHIBITED, diagnose, only, policy } from "./helpers.js";

describe("QG020 unknown requirement ids", () => {
  it("suggests the closest id", () => {
    const d = only(policy(`identity { serves A6.realname  verified required for post }`), "QG020");
    expect(d.message).toBe("unknown requirement id `A6.realname`");
    expect(d.help).toBe("did you mean `A6.real-name`?");
  });

  it("lists the ids of the article when none is close", () => {
    const d = only(policy(`identity { serves A6.verification  verified required for post }`), "QG020");
    expect(d.help).toBe("requirement ids of article 6: A6.real-name, A6.pii");
  });

  it("checks the header's and amendments' citations too", () => {
    const text = `policy "t" version "1" {
  effective 2017-10-08 in Asia/Shanghai
  serves A15.effectiv
}
${CAP}${KEEP}
amendment "2" {
  effective 2018-01-01 in Asia/Shanghai
  serves A16.effective
}
`;
    expect(diagnose(text).map((d) => d.message)).toEqual(["unknown requirement id `A15.effectiv`", "unknown requirement id `A16.effective`"]);
  });
});

describe("QG021 missing serves", () => {
  it("A5.published-rules: a section without serves names the ids that fit", () => {
    const d = only(`${HEADER}${KEEP}\nlimits {\n  members per group 500\n}\n`, "QG021");
    expect(d.message).toBe("the `limits` section does not say which requirement it serves");
    expect(d.help).toBe("add `serves` with the ids it implements; these fit: A8.member-cap, A8.user-caps, A8.info-page");
    expect(d.span.start.line).toBe(10);
  });

  it("suggests ids for a rule from the paths it reads and its events", () => {
    const d = only(policy(`rule r {\n  on message.post\n  deny when not user.verified\n  because "x"\n}`), "QG021");
    expect(d.message).toBe("rule `r` does not say which requirement it serves");
    expect(d.help).toBe("add `serves` with the ids it implements; these fit: A6.real-name, A11.group-measures");
  });

  it("suggests ids for a measure from its actions", () => {
    const text = policy(`${PROHIBITED}
measure m {
  on flag serious
  then close group, blacklist creator, record, report to authority
}`);
    expect(only(text, "QG021").help).toBe("add `serves` with the ids it implements; these fit: A11.group-measures, A11.blacklist, A11.record-report");
  });

  it("does not require serves on the header or on amendments", () => {
    expect(diagnose(policy(`amendment "2" { effective 2018-01-01 in Asia/Shanghai }`))).toEqual([]);
  });
});

describe("QG022 declaratory requirements", () => {
  it("warns for each of A1, A3, A4 and A14", () => {
    const text = `${HEADER}${KEEP}
limits {
  serves A8.member-cap, A1.purpose, A3.authorities, A4.orientation, A14.liability
  members per group 500
}
`;
    const ds = diagnose(text);
    expect(ds.map((d) => `${d.code} ${d.severity} ${d.message}`)).toEqual([
      "QG022 warning `A1.purpose` is declaratory: article 1 has nothing a rule can implement",
      "QG022 warning `A3.authorities` is declaratory: article 3 has nothing a rule can implement",
      "QG022 warning `A4.orientation` is declaratory: article 4 has nothing a rule can implement",
      "QG022 warning `A14.liability` is declaratory: article 14 has nothing a rule can implement",
    ]);
  });
});
