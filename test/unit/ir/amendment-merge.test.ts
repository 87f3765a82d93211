/**
 * Issue 14, class 4: an amendment restates a section clause by clause. What it leaves out carries
 * over into the emitted version, so a version never silently loses the per-user caps, the info page,
 * a deadline or a restriction; lists are one clause and are replaced whole.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compilePolicyText } from "../../../src/compile.js";

const reference = readFileSync("policies/cac-2017.qg", "utf8");

function amended(body: string) {
  const text = `${reference}\namendment "1.1" {\n  serves A15.effective\n  effective 2019-01-01 in Asia/Shanghai\n${body}\n}\n`;
  const { ir, diagnostics } = compilePolicyText(text, "amended.qg");
  expect(diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return ir!.versions;
}

describe("amendments restate sections clause by clause", () => {
  it("the language.md example: restating limits with only the member cap keeps the per-user caps and the info page", () => {
    const [v1, v2] = amended(`  limits {\n    serves A8.member-cap\n    members per group 1500\n  }`);
    expect(v2!.limits.membersPerGroup).toBe(1500);
    expect(v2!.limits.groupsCreated).toEqual(v1!.limits.groupsCreated);
    expect(v2!.limits.groupsJoined).toEqual(v1!.limits.groupsJoined);
    expect(v2!.limits.infoPage).toEqual(v1!.limits.infoPage);
    // The merged section implements what both blocks cite, so user-cap decisions still cite A8.user-caps.
    const created = v2!.rules.find((r) => r.name === "limits/groups-created")!;
    expect(created.cites.map((c) => c.req)).toContain("A8.user-caps");
    expect(v2!.rules.some((r) => r.name === "limits/info-page")).toBe(true);
  });

  it("a restated clause replaces the old one; lists are replaced whole", () => {
    const [v1, v2] = amended(`  blacklist {\n    serves A11.blacklist\n    restrict users create, join\n  }\n\n  complaints {\n    serves A12.complaints\n    resolve within 24 hours\n  }`);
    expect(v2!.blacklist!.users).toEqual(["create", "join"]);
    expect(v2!.blacklist!.groups).toEqual(v1!.blacklist!.groups);
    expect(v2!.complaints!.resolveWithin).toEqual({ amount: 24, unit: "hour" });
    expect(v2!.complaints!.otherwise).toEqual(v1!.complaints!.otherwise);
  });

  it("the base file's own sections are never merged with each other", () => {
    const text = reference.replace("keep logs 6 months", "keep logs 6 months\n}\n\nretention {\n  serves A13.retention\n  keep logs 12 months");
    const { diagnostics } = compilePolicyText(text, "twice.qg", { lenient: true });
    expect(diagnostics.map((d) => d.code)).toContain("QG010");
  });
});
