import { describe, expect, it } from "vitest";
import { CREDIT, brief, diagnose, messages, only, policy } from "./helpers.js";

describe("rules", () => {
  it("QG066: a rule without `because` is a warning", () => {
    const d = only(policy(`rule quiet {\n  serves A6.real-name\n  on message.post\n  deny when not user.verified\n}`), "QG066");
    expect(d.severity).toBe("warning");
    expect(d.message).toBe("rule `quiet` has no `because`");
  });

  it("a rule without a condition always applies and is fine", () => {
    expect(diagnose(policy(`rule closed {\n  serves A13.retention\n  on records.purge\n  deny\n  because "purges are disabled"\n}`))).toEqual([]);
  });

  it("types the condition once per event and reports each problem once", () => {
    const text = policy(`${CREDIT}
rule r {
  serves A7.credit
  on message.post, group.join, group.create
  deny when user.credit >= 3 days
  because "x"
}`);
    expect(diagnose(text).map(brief)).toEqual(["QG030 25:13 cannot compare a credit level with a duration"]);
  });
});

describe("amendments are checked as the versions they make", () => {
  it("re-checks an inherited rule against a replaced credit scale, saying which version", () => {
    const text = policy(`${CREDIT}
rule needs-b {
  serves A7.credit
  on message.post
  deny when user.credit < B
  because "x"
}

amendment "2" {
  effective 2018-01-01 in Asia/Shanghai
  credit {
    serves A7.credit
    levels low < high
    default low
  }
}`);
    expect(diagnose(text).map((d) => `${brief(d)} | ${d.help}`)).toEqual(["QG012 25:27 unknown credit level `B` in version 2 | declared credit levels: low < high"]);
  });

  it("reports a problem once when every version has it", () => {
    const text = policy(`${CREDIT}
rule needs-e {
  serves A7.credit
  on message.post
  deny when user.credit < E
  because "x"
}

amendment "2" { effective 2018-01-01 in Asia/Shanghai }
amendment "3" { effective 2019-01-01 in Asia/Shanghai }`);
    expect(messages(text)).toEqual(["unknown credit level `E`"]);
  });

  it("re-checks the tier table against an amendment's new cap", () => {
    const text = policy(`tiers {
  serves A7.tiers
  tier all { members 1..500 }
}

amendment "2" {
  effective 2018-01-01 in Asia/Shanghai
  limits {
    serves A8.member-cap
    members per group 800
  }
}`);
    const d = only(text, "QG040");
    expect(d.message).toBe("no tier for 501..800 members in version 2");
    expect(d.labels[0]!.span.start.line).toBeGreaterThan(d.span.start.line);
  });

  it("a removed rule is not checked in the version that removes it", () => {
    const text = policy(`${CREDIT}
rule needs-b {
  serves A7.credit
  on message.post
  deny when user.credit < B
  because "x"
}

amendment "2" {
  effective 2018-01-01 in Asia/Shanghai
  credit {
    serves A7.credit
    levels low < high
    default low
  }
  remove rule needs-b
}`);
    expect(diagnose(text)).toEqual([]);
  });

  it("overlaps are checked per version: an amendment's allow against an inherited deny", () => {
    const text = policy(`rule no-blacklisted {
  serves A11.blacklist
  on message.post
  deny when user.blacklisted
  because "x"
}

amendment "2" {
  effective 2018-01-01 in Asia/Shanghai
  rule open {
    serves A6.real-name
    on message.post
    allow
    because "x"
  }
}`);
    expect(messages(text)).toEqual(["allow rule `open` and deny rule `no-blacklisted` can both match message.post: the deny wins (deny overrides allow)"]);
  });
});
