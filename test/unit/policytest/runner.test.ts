import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { PolicyTestRunner, summarise, type TestHost } from "../../../src/policytest/runner.js";
import { exercised } from "../../../src/policytest/coverage.js";
import { renderText } from "../../../src/policytest/report.js";
import type { Decision } from "../../../src/engine/index.js";

const REFERENCE = readFileSync("policies/cac-2017.qg", "utf8");

function host(files: Record<string, string>): TestHost {
  return {
    readFile: (p) => {
      const t = files[p];
      if (t === undefined) throw new Error("ENOENT");
      return t;
    },
    resolve: (_from, policy) => policy,
  };
}

function run(test: string, files: Record<string, string> = { "p.qg": REFERENCE }) {
  const runner = new PolicyTestRunner(host({ ...files, "t.test.yaml": test }));
  const file = runner.runFile("t.test.yaml");
  return { file, result: summarise([file], runner.coverageReports()) };
}

const HEAD = `policy: p.qg
start: 2017-10-09T09:00:00+08:00
tests:
`;

describe("policy test runner", () => {
  test("a passing test; events one minute apart from the start; auto ids", () => {
    const { file, result } = run(
      HEAD +
        `  - name: "A5.agreement: join needs the agreement"
    steps:
      - {type: group.join, user: u1, group: g1, expect: {outcome: deny, rule: groups/unknown, subject: {user: u1}}}
      - {type: clock, expect: {reason: "2017-10-09T09:01:00+08:00"}}
      - {type: clock, id: e1, after: 2 hours, expect: {reason: "2017-10-09T11:01:00+08:00"}}
`,
    );
    expect(file.problems).toEqual([]);
    expect(file.tests[0]).toMatchObject({ passed: true, failures: [] });
    expect(result.ok).toBe(true);
  });

  test("a failing expectation names each field that differs and shows the actual decision", () => {
    const { file, result } = run(
      HEAD +
        `  - name: "A6.real-name: wrong on purpose"
    steps:
      - type: user.verified
        user: u1
      - {type: agreement.accepted, user: u1, version: "2017-10"}
      - type: group.create
        user: u1
        group: g1
        category: general
        expect: {outcome: deny, rule: real-name/create, cites: [A6.real-name], effects: []}
`,
    );
    const t = file.tests[0]!;
    expect(t.passed).toBe(false);
    expect(t.failures).toHaveLength(1);
    const f = t.failures[0]!;
    expect(f).toMatchObject({ kind: "decision", step: 3, label: "group.create", event: "e3", at: "2017-10-09T09:02:00+08:00" });
    expect(f.pos).toMatchObject({ file: "t.test.yaml", line: 9 });
    expect(f.mismatches.map((m) => m.field)).toEqual(["outcome", "rule", "effects"]);
    expect(f.mismatches[0]).toEqual({ field: "outcome", expected: "deny", actual: "allow" });
    expect(result.ok).toBe(false);
    const text = renderText(result, { color: false });
    expect(text).toContain("✗ A6.real-name: wrong on purpose");
    expect(text).toContain("- outcome: deny");
    expect(text).toContain("+ outcome: allow");
    expect(text).toContain('"rule":"permit/group.create"');
  });

  test("timer expectations: exactly the listed timer decisions, in order", () => {
    const { file } = run(
      HEAD +
        `  - name: "A12.complaints: timers"
    steps:
      - {type: complaint.filed, complaint: c1}
      - advance: 3 days
        timers: []
`,
    );
    const f = file.tests[0]!.failures[0]!;
    expect(f).toMatchObject({ kind: "timers", message: "expected 0 timer decision(s) before this event, got 1" });
    expect(f.mismatches[0]!.actual).toContain("complaints/overdue (due 2017-10-11T09:00:00+08:00)");
  });

  test("an unexpected dead letter fails the step; an expected one passes", () => {
    const { file } = run(
      HEAD +
        `  - name: "A7.credit: dead letters"
    steps:
      - {type: user.credit, user: u1, level: Z}
      - {type: user.credit, user: u1, level: Z, expect: {dead-letter: level}}
      - {type: user.credit, user: u1, level: A, expect: {dead-letter: level}}
`,
    );
    const fs = file.tests[0]!.failures;
    expect(fs.map((f) => [f.kind, f.step])).toEqual([
      ["dead-letter", 1],
      ["dead-letter", 3],
    ]);
    expect(fs[0]!.message).toMatch(/^the event was rejected: /);
    expect(fs[1]!.message).toBe("the event was expected to be rejected, but it was decided");
  });

  test("state expectations compare the state view", () => {
    const { file } = run(
      HEAD +
        `  - name: "A2.roles: state"
    steps:
      - {type: user.verified, user: u1}
      - {type: agreement.accepted, user: u1, version: "2017-10"}
      - {type: group.create, user: u1, group: g1, category: general}
      - {type: complaint.filed, complaint: c1}
    state:
      clock: 2017-10-09T01:03:00Z
      timers: [{kind: complaint-due, due: 2017-10-11T09:03:00+08:00}]
      groups:
        g1: {members: 2, tier: small, roles: {u1: creator, u2: member}}
      users:
        u1: {verified: true, credit: C, groups-created: 1}
      complaints:
        c1: {filed: true, overdue: false}
`,
    );
    const f = file.tests[0]!.failures[0]!;
    expect(f.kind).toBe("state");
    expect(f.mismatches).toEqual([
      { field: "groups.g1.members", expected: "2", actual: "1" },
      { field: "groups.g1.roles", expected: "{u1: creator, u2: member}", actual: "{u2: none}" },
    ]);
  });

  test("a policy that does not compile, or cannot be read, is a problem of the test file", () => {
    const bad = run(HEAD + `  - name: "A2.roles: x"\n    steps: []\n`, { "p.qg": "policy \"x\" version \"1\" {" });
    expect(bad.file.problems[0]!.message).toMatch(/^the policy p\.qg does not compile:/);
    expect(bad.file.problems[0]!.pos.line).toBe(1);
    expect(bad.result.ok).toBe(false);
    const missing = run(HEAD + `  - name: "A2.roles: x"\n    steps: []\n`, {});
    expect(missing.file.problems[0]!.message).toBe("cannot load the policy p.qg: ENOENT");
  });

  test("setup steps run at the start of every test; local times are in the policy's zone", () => {
    const { file } = run(`policy: p.qg
start: 2017-10-09T09:00
setup:
  - {type: user.verified, user: u1}
  - {type: agreement.accepted, user: u1, version: "2017-10"}
tests:
  - name: "A6.real-name: one"
    steps:
      - {type: group.create, user: u1, group: g1, category: general, expect: {outcome: allow}}
    state:
      clock: 2017-10-09T01:02:00Z
  - name: "A6.real-name: two"
    steps:
      - {type: group.create, user: u1, group: g1, category: general, at: 2017-10-10T08:00, expect: {outcome: allow}}
    state:
      clock: 2017-10-10T00:00:00Z
      groups:
        g1: {creator: u1}
`);
    expect(file.problems).toEqual([]);
    expect(file.tests.map((t) => [t.name, t.passed, t.steps])).toEqual([
      ["A6.real-name: one", true, 3],
      ["A6.real-name: two", true, 3],
    ]);
  });

  test("a measure counts as exercised when it applied, deciding or not", () => {
    const d = { type: "content.flagged", outcome: "measures", rule: "a", reason: "message m1 in group g1 is flagged as fraud (serious) and removed; measures a, b-c apply", cites: [] } as unknown as Decision;
    expect(exercised(d)).toEqual(["a", "b-c"]);
    expect(exercised({ ...d, reason: "… removed; measure a applies" })).toEqual(["a"]);
  });
});

describe("expect.rule names are checked against the policy (issue 14)", () => {
  test("a misspelt rule name fails with the name that was meant", () => {
    const { file } = run(
      HEAD +
        `  - name: "A6.real-name: an unverified user may not post"
    steps:
      - {type: group.join, user: u1, group: g1, expect: {outcome: deny, rule: groups/unknwn}}
`,
    );
    const m = file.tests[0]!.failures[0]!.mismatches.find((x) => x.field === "rule")!;
    expect(m.expected).toBe("groups/unknwn (no rule or measure of the policy has this name; did you mean `groups/unknown`?)");
    expect(m.actual).toBe("groups/unknown");
  });

  test("a real rule name that simply did not decide gets no suggestion", () => {
    const { file } = run(
      HEAD +
        `  - name: "A8.member-cap: the wrong rule"
    steps:
      - {type: group.join, user: u1, group: g1, expect: {outcome: deny, rule: limits/member-cap}}
`,
    );
    const m = file.tests[0]!.failures[0]!.mismatches.find((x) => x.field === "rule")!;
    expect(m.expected).toBe("limits/member-cap");
  });
});
