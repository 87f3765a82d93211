import { describe, expect, it } from "vitest";
import { PROHIBITED, brief, diagnose, messages, only, policy } from "./helpers.js";

const measure = (body: string) => policy(`${PROHIBITED}\nmeasure m {\n  serves A11.group-measures, A11.user-measures, A11.record-report\n${body}\n}`);

describe("A11.record-report", () => {
  it("QG055 and QG056: a measure must record and report to the authority", () => {
    expect(diagnose(measure(`  on flag serious\n  then close group`)).map(brief)).toEqual([
      "QG055 26:8 measure `m` does not `record`",
      "QG056 26:8 measure `m` does not `report to authority`",
    ]);
  });

  it("QG056: reporting somewhere else does not count", () => {
    expect(messages(measure(`  on flag serious\n  then close group, record, report to police`))).toEqual(["measure `m` reports to `police` but not to the authority"]);
  });

  it("the responsibility `otherwise` records and reports", () => {
    const text = policy(`responsibility {
  serves A11.responsibility
  handle flags within 24 hours
  otherwise suspend management of managers for 7 days, record
}`);
    expect(messages(text)).toEqual(["the `responsibility` measure does not `report to authority`"]);
  });

  it("the complaints `otherwise` records and reports", () => {
    const text = policy(`complaints {
  serves A12.complaints
  resolve within 48 hours
  otherwise escalate, report to authority
}`);
    const d = only(text, "QG055");
    expect(d.message).toBe("the overdue-complaint measure does not `record`");
    expect(d.reqs).toEqual(["A11.record-report"]);
  });

  it("does not ask it of a rectification's `otherwise`, which belongs to a measure that does", () => {
    expect(diagnose(measure(`  on flag minor\n  then warn group rectify within 3 days otherwise (suspend posting of group for 3 days), record, report to authority`))).toEqual([]);
  });
});

describe("A12.complaints", () => {
  it("QG057: escalate only for complaints", () => {
    expect(messages(measure(`  on flag serious\n  then escalate, record, report to authority`))).toEqual(["`escalate` is only for overdue complaints, not for a measure"]);
    expect(messages(measure(`  on flag minor\n  then warn group rectify within 3 days otherwise (escalate), record, report to authority`))).toEqual([
      "`escalate` is only for overdue complaints, not for a rectification deadline",
    ]);
  });

  it("QG058: overdue complaints escalate", () => {
    const d = only(policy(`complaints {\n  serves A12.complaints\n  resolve within 48 hours\n  otherwise record, report to authority\n}`), "QG058");
    expect(d.message).toBe("overdue complaints are not escalated");
    expect(d.reqs).toEqual(["A12.complaints"]);
  });

  it("QG059: overdue complaints only escalate, record and report", () => {
    const text = policy(`complaints {\n  serves A12.complaints\n  resolve within 48 hours\n  otherwise escalate, close group, record, report to authority\n}`);
    expect(messages(text)).toEqual(["`close` cannot be used for overdue complaints: they escalate, record and report"]);
  });
});

describe("QG059 targets", () => {
  it("closes and suspends posting of groups only", () => {
    expect(messages(measure(`  on flag serious\n  then close creator, suspend posting of user for 1 day, record, report to authority`))).toEqual([
      "`close` applies to `group`, not to `creator`",
      "`suspend posting` applies to `group`, not to `user`",
    ]);
  });

  it("lowers credit, suspends management and cancels creation of users only", () => {
    expect(
      messages(measure(`  on flag serious\n  then lower credit of group by 1, suspend management of group for 1 day, cancel creation of group, record, report to authority`)),
    ).toEqual([
      "`lower credit` applies to `user`, `creator` or `managers`, not to `group`",
      "`suspend management` applies to `user`, `creator` or `managers`, not to `group`",
      "`cancel creation` applies to `user`, `creator` or `managers`, not to `group`",
    ]);
  });

  it("A11.responsibility: responsibility measures target the creator and managers", () => {
    const text = policy(`responsibility {
  serves A11.responsibility
  handle flags within 24 hours
  otherwise blacklist user, lower credit of creator by 1, record, report to authority
}`);
    const d = only(text, "QG059");
    expect(d.message).toBe("`blacklist user` cannot be a responsibility measure: it holds the group's creator and managers to account");
    expect(d.help).toBe("target `creator` or `managers` (A11.responsibility)");
  });
});

describe("triggers", () => {
  it("QG060: a flag count needs a window", () => {
    const d = only(measure(`  on 3 flags >= minor by user\n  then lower credit of user by 1, record, report to authority`), "QG060");
    expect(d.message).toBe("measure `m` counts 3 flags but gives no window to count them in");
    expect(diagnose(measure(`  on 3 flags >= minor by user within 90 days\n  then lower credit of user by 1, record, report to authority`))).toEqual([]);
  });

  it("QG012: severities and categories in triggers must exist", () => {
    expect(messages(measure(`  on flag >= severe of fraud, scams\n  then warn group, record, report to authority`))).toEqual([
      "unknown severity `severe`",
      "unknown prohibited-content category `scams`",
    ]);
  });
});

describe("QG061 zero amounts", () => {
  it("refuses zero durations, counts and credit reductions", () => {
    expect(
      messages(measure(`  on 0 flags serious within 0 days\n  then suspend posting of group for 0 hours, lower credit of user by 0, blacklist user for 0 days, record, report to authority`)),
    ).toEqual([
      "`on 0 flags` would trigger without any flag",
      "a window of 0 days has no effect",
      "`suspend posting` of 0 hours has no effect",
      "lowering credit by 0 levels has no effect",
      "`blacklist` of 0 days has no effect",
    ]);
  });
});
