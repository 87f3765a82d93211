import { describe, expect, test } from "vitest";
import { parseDuration, parseTestFile } from "../../../src/policytest/format.js";

const problems = (text: string) => parseTestFile(text, "t.test.yaml").problems.map((p) => `${p.pos.line}:${p.pos.col} ${p.message}`);

describe("policy test format", () => {
  test("a well-formed file parses; fixtures and repeat expand with their variables", () => {
    const r = parseTestFile(
      `policy: p.qg
start: 2017-10-09T09:00:00+08:00
fixtures:
  owner:
    - {type: user.verified, user: "{user}"}
tests:
  - name: "A6.real-name: fixtures"
    steps:
      - use: owner
        with: {user: u1}
      - repeat: 2
        from: 5
        as: k
        steps:
          - {type: message.post, user: "u{k}", group: g1, message: "m{k}", expect: {outcome: deny, cites: [A6.real-name], effects: []}}
      - advance: 1 day 2 hours
        timers: [complaints/overdue]
`,
      "t.test.yaml",
    );
    expect(r.problems).toEqual([]);
    const t = r.file!.tests[0]!;
    expect(t.steps.map((s) => s.label)).toEqual(["user.verified", "message.post", "message.post", "advance 1 day 2 hours"]);
    expect(t.steps[0]!.fields).toEqual({ user: "u1", identity: { placeholder: "test" } });
    expect(t.steps[2]!.fields).toEqual({ user: "u6", group: "g1", message: "m6" });
    expect(t.steps[1]!.expect).toMatchObject({ outcome: "deny", cites: ["A6.real-name"], effects: [] });
    expect(t.steps[3]!.when).toMatchObject({ kind: "after", duration: [{ amount: 1, unit: "day" }, { amount: 2, unit: "hour" }] });
    expect(t.steps[3]!.timers).toMatchObject([{ rule: "complaints/overdue" }]);
  });

  test("ids keep their text: 001 stays 001, 2017-10 stays a string", () => {
    const r = parseTestFile(`policy: p.qg\nstart: 2017-10-09T09:00\ntests:\n  - name: "A5.agreement: x"\n    steps:\n      - {type: agreement.accepted, user: 001, version: 2017-10}\n`, "t.test.yaml");
    expect(r.problems).toEqual([]);
    expect(r.file!.tests[0]!.steps[0]!.fields).toEqual({ user: "001", version: "2017-10" });
  });

  test("problems are reported with line and column, and never throw", () => {
    expect(
      problems(`policy: p.qg
start: 2017-10-09T09:00:00+08:00
tests:
  - name: "A8.member-cap: typos"
    steps:
      - {type: group.jion, user: u1, group: g1}
      - {type: group.join, usr: u1, group: g1}
      - {type: group.join, user: u1, group: g1, expct: {outcome: allow}}
      - {type: group.join, user: u1, group: g1, expect: {outcome: allowed}}
      - {type: group.join, user: u1, group: g1, expect: {cites: [A8.membercap]}}
      - advance: soon
      - use: nothing
  - name: "no requirement id"
    steps: []
`),
    ).toEqual([
      "6:16 unknown event type `group.jion` (did you mean `group.join`?)",
      "7:28 group.join has no field `usr` (did you mean `user`?)",
      "7:9 group.join needs `user`",
      "8:49 group.join has no field `expct` (did you mean `expect`?)",
      "9:67 outcome is one of allow, deny, noted, measures, ungoverned, got `allowed`",
      "10:66 unknown requirement id `A8.membercap` (did you mean `A8.member-cap`?)",
      "11:18 `advance` takes a duration such as `49 hours` or `6 months`, got `soon`",
      "12:14 no fixture `nothing`; define it under `fixtures:`",
      "13:11 a test name starts with the requirement id it tests, e.g. `A8.member-cap: a join beyond the cap is denied`",
    ]);
  });

  test("YAML syntax errors and a missing policy are reported", () => {
    expect(problems("policy: [unclosed\n")[0]).toMatch(/^1:\d+ /);
    expect(problems("tests: []\n")).toEqual(["1:1 the test file does not name its policy: add `policy: <file>.qg` (relative to this file)"]);
    expect(problems("")).toEqual(["1:1 the test file is empty"]);
    expect(problems("- a\n- b\n")).toEqual(["1:1 a test file must be a mapping (key: value lines)"]);
  });

  test("a fixture that uses itself is reported, not expanded for ever", () => {
    const p = problems(`policy: p.qg
start: 2017-10-09T09:00:00+08:00
fixtures:
  loop:
    - use: loop
tests:
  - name: "A2.roles: loop"
    steps:
      - use: loop
`);
    expect(p).toEqual(["5:12 fixture `loop` uses itself (loop → loop)"]);
  });

  test("state expectations are typed", () => {
    expect(
      problems(`policy: p.qg
start: 2017-10-09T09:00:00+08:00
tests:
  - name: "A2.roles: state"
    steps: []
    state:
      groups:
        g1: {members: many, roles: {u1: owner}, colour: red}
      users:
        u1: {verified: maybe}
`),
    ).toEqual([
      "8:23 `members` is a whole number, got `many`",
      "8:41 a role is creator, manager, member or none, got `owner`",
      "8:49 unknown key `colour` in the state of a group; expected one of: exists, category, creator, name, members, managers, roles, tier, activity, closed, blacklisted, posting-suspended, has-info-page, flags, muted",
      "10:24 `verified` is true or false, got `maybe`",
    ]);
  });

  test("durations", () => {
    expect(parseDuration("49 hours")).toEqual([{ amount: 49, unit: "hour" }]);
    expect(parseDuration("1 month")).toEqual([{ amount: 1, unit: "month" }]);
    expect(parseDuration("2 days, 3 minutes")).toEqual([{ amount: 2, unit: "day" }, { amount: 3, unit: "minute" }]);
    expect(parseDuration("49")).toBeUndefined();
    expect(parseDuration("hours")).toBeUndefined();
  });
});
