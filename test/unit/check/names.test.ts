import { describe, expect, it } from "vitest";
import { CAP, CATEGORIES, CREDIT, HEADER, KEEP, PROHIBITED, brief, codes, diagnose, messages, only, policy, withRule } from "./helpers.js";

describe("QG010 duplicate sections", () => {
  it("reports the second section of a kind and points at the first", () => {
    const d = only(policy(`${CREDIT}\n${CREDIT}`), "QG010");
    expect(d.message).toBe("the `credit` section appears twice in this file");
    expect(d.labels[0]!.message).toBe("first written here");
    expect(d.labels[0]!.span.start.line).toBeLessThan(d.span.start.line);
  });

  it("allows the same section once in the file and once per amendment", () => {
    const text = policy(`${CREDIT}
amendment "2" {
  effective 2018-01-01 in Asia/Shanghai
  ${CREDIT}
}
amendment "3" {
  effective 2019-01-01 in Asia/Shanghai
  ${CREDIT}
}`);
    expect(codes(text)).toEqual([]);
  });

  it("reports a section twice inside one amendment", () => {
    const text = policy(`amendment "2" {
  effective 2018-01-01 in Asia/Shanghai
  ${CAP}
  ${CAP}
}`);
    expect(messages(text, "QG010")).toEqual(['the `limits` section appears twice in amendment "2"']);
  });
});

describe("QG011 duplicate names", () => {
  it("reports rules, measures, levels, categories, severities and content categories declared twice", () => {
    const text = policy(`
credit { serves A7.credit  levels D < C < C  default C }
categories { serves A7.tiers  general "a"  general "b" }
prohibited { serves A10.prohibited-content  severities minor < minor  fraud minor  fraud minor }
rule r { serves A6.real-name  on message.post  deny when not user.verified  because "x" }
rule r { serves A6.real-name  on group.join  deny when not user.verified  because "x" }
measure m { serves A11.group-measures, A11.record-report  on flag minor  then warn group, record, report to authority }
measure m { serves A11.group-measures, A11.record-report  on flag minor  then warn group, record, report to authority }`);
    expect(messages(text, "QG011")).toEqual([
      "credit level `C` is declared twice",
      "category `general` is declared twice",
      "severity `minor` is declared twice",
      "prohibited-content category `fraud` is declared twice",
      "rule `r` is declared twice",
      "measure `m` is declared twice",
    ]);
  });

  it("A7.tiers: tier names are unique per table, not across tables", () => {
    const text = policy(`${CATEGORIES}
tiers {
  serves A7.tiers
  tier small { members 1..100 }
  tier small { members 101..500 }
  for news-discussion { tier small { members 1..200 }  tier large { members 201..500 } }
}`);
    expect(messages(text, "QG011")).toEqual(["tier `small` is declared twice in the default table"]);
  });

  it("lets an amendment redeclare a rule of the base version (that replaces it)", () => {
    const rule = `rule r { serves A6.real-name  on message.post  deny when not user.verified  because "x" }`;
    const text = policy(`${rule}\namendment "2" {\n  effective 2018-01-01 in Asia/Shanghai\n  ${rule}\n}`);
    expect(codes(text)).toEqual([]);
  });

  it("reports a version string used twice", () => {
    const text = policy(`amendment "1" { effective 2018-01-01 in Asia/Shanghai }`);
    expect(messages(text, "QG011")).toEqual(["version `1` is declared twice"]);
  });
});

describe("QG012 undefined names", () => {
  it("suggests a close name (case differences count for one-letter levels)", () => {
    const d = only(policy(`credit { serves A7.credit  levels D < C < B < A  default c }`), "QG012");
    expect(d.message).toBe("unknown credit level `c`");
    expect(d.help).toBe("did you mean `C`?");
  });

  it("lists the declared names when none is close", () => {
    const d = only(policy(`credit { serves A7.credit  levels D < C < B < A  default E }`), "QG012");
    expect(d.help).toBe("declared credit levels: D < C < B < A");
  });

  it("says where names are declared when there are none", () => {
    const d = only(
      policy(`tiers { serves A7.tiers, A8.creator-qualification  tier all { members 1..500  creator requires credit >= B } }`),
      "QG012",
    );
    expect(d.message).toBe("unknown credit level `B`");
    expect(d.help).toBe("no credit level is declared: declare them in `levels` in the `credit` section");
  });

  it("checks credit steps, tier categories, content severities and measure triggers", () => {
    const text = policy(`${CREDIT}${CATEGORIES}
prohibited { serves A10.prohibited-content  severities minor < serious  fraud grave }
limits2 {}`.replace("limits2 {}", ""), `${HEADER}${KEEP}
limits { serves A8.member-cap, A8.user-caps  members per group 500  groups created per user 3, 10 when credit >= BB }
tiers { serves A7.tiers  tier all { members 1..500 }  for news { tier all { members 1..500 } } }
measure m { serves A11.group-measures, A11.record-report  on flag >= grave of scam  then warn group, record, report to authority }
`);
    expect(messages(text, "QG012")).toEqual([
      "unknown credit level `BB`",
      "unknown group category `news`",
      "unknown severity `grave`",
      "unknown prohibited-content category `scam`",
      "unknown severity `grave`",
    ]);
  });

  it("resolves a bare name in a condition against the type the other side expects", () => {
    const text = withRule(`  serves A7.tiers\n  on message.post\n  deny when group.category == news\n  because "x"`, CATEGORIES);
    const d = only(text, "QG012");
    expect(d.message).toBe("unknown group category `news`");
    expect(d.help).toBe("declared group categories: general, news-discussion");
  });

  it("says what kind of name it is when it belongs to another kind", () => {
    const text = withRule(`  serves A7.tiers\n  on message.post\n  deny when group.category == B\n  because "x"`, `${CREDIT}${CATEGORIES}`);
    expect(only(text, "QG012").help).toBe("`B` is a credit level, not a group category");
  });

  it("suggests the path for a field written without its root", () => {
    const text = withRule(`  serves A11.blacklist\n  on message.post\n  deny when blacklisted\n  because "x"`);
    const d = only(text, "QG012");
    expect(d.message).toBe("unknown name `blacklisted`");
    expect(d.help).toBe("did you mean `user.blacklisted`?");
  });
});

describe("QG013 unknown services", () => {
  it("checks agreement, identity and blacklist lists", () => {
    const text = policy(`
agreement { serves A5.agreement  required for create, joins }
identity { serves A6.real-name  verified required for publish }
blacklist { serves A11.blacklist  restrict users create, chat  restrict groups join }`);
    expect(diagnose(text).map((d) => `${d.message} | ${d.help}`)).toEqual([
      "unknown service `joins` | did you mean `join`?",
      "unknown service `publish` | services are create, join, post, manage, set-info",
      "unknown service `chat` | services are create, join, post, manage, set-info",
    ]);
  });
});

describe("QG014 rules on events that are not decided", () => {
  it("explains that flags belong to measures", () => {
    const d = only(withRule(`  serves A10.prohibited-content\n  on content.flagged\n  deny\n  because "x"`), "QG014");
    expect(d.message).toBe("content.flagged is not a decided event: no rule can allow or deny it");
    expect(d.help).toContain("measure");
  });

  it("suggests a decided event for an unknown one", () => {
    const d = only(withRule(`  serves A6.real-name\n  on message.posted\n  deny when not user.verified\n  because "x"`), "QG014");
    expect(d.message).toBe("unknown event `message.posted`");
    expect(d.help).toBe("did you mean `message.post`?");
  });

  it("reports a noted event", () => {
    expect(messages(withRule(`  serves A2.roles\n  on group.leave\n  deny\n  because "x"`), "QG014")).toEqual([
      "group.leave is not a decided event: no rule can allow or deny it",
    ]);
  });
});

describe("QG015 unknown measure targets", () => {
  it("suggests the closest target", () => {
    const text = policy(`${PROHIBITED}
measure m { serves A11.user-measures, A11.record-report  on flag minor  then lower credit of manager by 1, record, report to authority }`);
    const d = only(text, "QG015");
    expect(d.message).toBe("unknown target `manager`");
    expect(d.help).toBe("did you mean `managers`?");
  });
});

describe("QG016 unknown paths", () => {
  it("suggests the closest path", () => {
    const d = only(withRule(`  serves A8.member-cap\n  on group.join\n  deny when group.member > 10\n  because "x"`), "QG016");
    expect(d.message).toBe("unknown path `group.member`");
    expect(d.help).toBe("did you mean `group.members`?");
  });

  it("A6.pii: refuses identity fields with a reason, not a suggestion", () => {
    const d = only(withRule(`  serves A6.real-name\n  on message.post\n  deny when user.identity == "x"\n  because "x"`), "QG016");
    expect(d.message).toBe("`user.identity` cannot be read: personal information given for verification never reaches rules");
    // No requirement id: lenient compilation must not let an unknown path through to the engine.
    expect(d.reqs).toBeUndefined();
    expect(d.help).toBe("use `user.verified` to ask whether the identity was verified (A6.pii)");
  });

  it("reports a root written alone", () => {
    expect(messages(withRule(`  serves A8.member-cap\n  on group.join\n  deny when group\n  because "x"`), "QG016")).toEqual([
      "`group` alone is not a value a rule can test",
    ]);
  });
});

describe("QG017 removals", () => {
  it("suggests the rule meant, and tells a rule from a measure", () => {
    const text = policy(`${PROHIBITED}
rule no-unverified-posts { serves A6.real-name  on message.post  deny when not user.verified  because "x" }
measure warn-minor { serves A11.group-measures, A11.record-report  on flag minor  then warn group, record, report to authority }
amendment "2" {
  effective 2018-01-01 in Asia/Shanghai
  remove rule no-unverified-post
  remove rule warn-minor
}`);
    expect(diagnose(text).map((d) => `${d.message} | ${d.help}`)).toEqual([
      'there is no rule `no-unverified-post` to remove in version "1" | did you mean `no-unverified-posts`?',
      'there is no rule `warn-minor` to remove in version "1" | `warn-minor` is a measure: write `remove measure warn-minor`',
    ]);
  });

  it("looks in the version just before, not in the base", () => {
    const text = policy(`rule r { serves A6.real-name  on message.post  deny when not user.verified  because "x" }
amendment "2" { effective 2018-01-01 in Asia/Shanghai  remove rule r }
amendment "3" { effective 2019-01-01 in Asia/Shanghai  remove rule r }`);
    expect(messages(text)).toEqual(['there is no rule `r` to remove in version "2"']);
  });
});

describe("QG018 things listed twice", () => {
  it("warns about a repeated service, event, category or requirement", () => {
    const text = withRule(`  serves A6.real-name, A6.real-name\n  on message.post, message.post\n  deny when not user.verified\n  because "x"`);
    expect(diagnose(text).map(brief)).toEqual([
      "QG018 17:24 requirement `A6.real-name` is listed twice",
      "QG018 18:20 event `message.post` is listed twice",
    ]);
    expect(diagnose(text).every((d) => d.severity === "warning")).toBe(true);
  });
});

describe("QG019 missing clauses", () => {
  it("reports each block that lacks what it cannot work without", () => {
    const text = policy(`${PROHIBITED}
credit { serves A7.credit  levels D < C }
management { serves A9.management-rights }
responsibility { serves A11.responsibility }
complaints { serves A12.complaints  resolve within 2 days }
tiers { serves A7.tiers  tier all { join requires approval } }
rule r { serves A6.real-name  deny when not user.verified  because "x" }
measure m { serves A11.group-measures, A11.record-report  then warn group, record, report to authority }
measure n { serves A11.group-measures, A11.record-report  on flag minor }`);
    expect(messages(text, "QG019")).toEqual([
      "the `credit` section does not say which level new users start at",
      "the `management` section does not say how long a mute lasts",
      "the `responsibility` section does not say how long managers have to handle a flag",
      "the `responsibility` section says nothing about what happens when a flag is not handled",
      "the `complaints` section says nothing about overdue complaints",
      "tier `all` has no member band",
      "rule `r` does not say which events it applies to",
      "measure `m` has no trigger",
      "measure `n` has no actions",
    ]);
  });

  it("A13.retention: a retention section without a period", () => {
    const text = `${HEADER}${CAP}\nretention { serves A13.retention }\n`;
    expect(messages(text)).toEqual(["the `retention` section does not say how long logs are kept"]);
  });
});
