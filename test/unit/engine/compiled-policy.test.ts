/**
 * The engine on IR from the real pipeline (src/compile.ts), for the reference policy: the same
 * behaviours the fixture tests pin down, now through the emitter's lowering.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { compilePolicyText } from "../../../src/compile.js";
import { compileProgram, emptyState, runStream, type Decision } from "../../../src/engine/index.js";
import { harness, t, timers } from "./fixtures.js";

const text = readFileSync(new URL("../../../policies/cac-2017.qg", import.meta.url), "utf8");
const compiled = compilePolicyText(text, "policies/cac-2017.qg");
const AT = t("2017-10-09T09:00");

describe("reference policy policies/cac-2017.qg", () => {
  test("compiles without errors and into a program", () => {
    expect(compiled.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(compiled.ir).not.toBeNull();
    expect(() => compileProgram(compiled.ir!)).not.toThrow();
  });

  const h = () => harness(compiled.ir!);

  test("A6.real-name: an unverified member's post is denied by real-name/post", () => {
    const x = h();
    x.user("u1", AT);
    x.group("g1", "u1", AT);
    x.decide({ type: "agreement.accepted", at: AT, user: "u7", version: "2017-10" });
    expect(x.decide({ type: "group.join", at: AT, user: "u7", group: "g1" }).outcome).toBe("allow");
    const d = x.decide({ type: "message.post", at: t("2017-10-09T10:00"), user: "u7", group: "g1", message: "m" });
    expect([d.outcome, d.rule, d.reason, d.subject]).toEqual(["deny", "real-name/post", "user u7 has no verified real identity", { user: "u7", group: "g1", role: "member" }]);
    expect(d.cites).toEqual([{ article: 6, req: "A6.real-name" }]);
  });

  test("A7.tiers: create names the tier; a verified member's post is permitted", () => {
    const x = h();
    x.user("u1", AT);
    const c = x.decide({ type: "group.create", at: AT, user: "u1", group: "g1", category: "general" });
    expect([c.outcome, c.rule, c.effects]).toEqual(["allow", "permit/group.create", [{ kind: "tier", group: "g1", from: null, to: "small" }]]);
    expect(c.reason).toBe("user u1 may create group g1 in tier small");
    x.user("u2", AT);
    expect(x.decide({ type: "group.join", at: AT, user: "u2", group: "g1" }).reason).toBe("user u2 may join group g1, now 2 members in tier small");
    expect(x.decide({ type: "message.post", at: AT, user: "u2", group: "g1", message: "m" }).rule).toBe("permit/message.post");
  });

  test("A10.prohibited-content, A11.*: a serious flag suspends posting and lowers the user's credit", () => {
    const x = h();
    x.user("u1", AT);
    x.group("g1", "u1", AT, ["u2"]);
    const d = x.decide({ type: "content.flagged", at: t("2017-10-09T10:00"), group: "g1", user: "u2", message: "m1", category: "fraud" });
    expect(d.outcome).toBe("measures");
    expect(d.rule).toBe("suspend-on-serious");
    expect(d.effects).toContainEqual({ kind: "measure", target: { group: "g1" }, measure: "suspend-posting", until: "2017-10-16T10:00:00+08:00" });
    expect(d.effects).toContainEqual({ kind: "measure", target: { user: "u2" }, measure: "lower-credit", from: "C", to: "D" });
    expect(x.decide({ type: "message.post", at: t("2017-10-10T10:00"), user: "u1", group: "g1", message: "x" }).rule).toBe("measures/posting-suspended");
  });

  test("A12.complaints: escalation exactly once by a clock event", () => {
    const x = h();
    x.decide({ type: "complaint.filed", at: t("2017-10-09T10:00"), complaint: "c1" });
    const r = x.send({ type: "clock", at: t("2017-10-11T10:00") });
    expect(timers(r.decisions).map((d) => [d.rule, d.effects[0]])).toEqual([["complaints/overdue", { kind: "escalate", what: "complaint", complaint: "c1" }]]);
    expect(timers(x.send({ type: "clock", at: t("2017-10-20T10:00") }).decisions)).toEqual([]);
  });

  test("A13.retention: a purge of the last six calendar months is denied", () => {
    const x = h();
    expect(x.decide({ type: "records.purge", at: t("2018-08-31T00:00"), actor: "ops", before: t("2018-02-28T00:00:01") }).outcome).toBe("deny");
    expect(x.decide({ type: "records.purge", at: t("2018-08-31T00:00"), actor: "ops", before: t("2018-02-28T00:00") }).outcome).toBe("allow");
  });

  test("A15.effective: before 2017-10-08 CST the policy does not govern", () => {
    expect(h().decide({ type: "user.registered", at: "2017-10-07T15:59:59Z", user: "u" }).outcome).toBe("ungoverned");
    expect(h().decide({ type: "user.registered", at: "2017-10-07T16:30:00Z", user: "u" }).outcome).toBe("noted");
  });

  test("the examples compile and run a stream with the accounting holding", () => {
    const lines = [
      JSON.stringify({ id: "e1", type: "user.registered", at: AT, user: "u1" }),
      JSON.stringify({ id: "e2", type: "message.post", at: AT, user: "u1", group: "g", message: "m" }),
      "garbage",
    ];
    const out: Decision[] = [];
    const counts = runStream(compileProgram(compiled.ir!), lines, emptyState(), { decision: (_j, d) => out.push(d) });
    expect(counts).toMatchObject({ inputs: 3, primaryDecisions: 2, deadLetters: 1 });
    expect(out[1]!.rule).toBe("groups/unknown");
  });
});

describe("example policies", () => {
  const dir = new URL("../../../policies/examples/", import.meta.url);
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".qg")) : [];
  test.each(files.length > 0 ? files : ["(none yet)"])("%s compiles into a program", (file) => {
    if (file === "(none yet)") return;
    const r = compilePolicyText(readFileSync(new URL(file, dir), "utf8"), `policies/examples/${file}`);
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(() => compileProgram(r.ir!)).not.toThrow();
  });
});
