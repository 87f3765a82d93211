/**
 * `qungui diff` describes where a change bites by the ranges of the facts the rules read. Every
 * expected range below is read off the two policies (their caps, thresholds and credit scales),
 * not off the diff's output: e.g. the reference caps groups at 2000 members and the forum at
 * 3000, so the reference's member-cap rule held for members-after 2001–3000 and no longer does.
 *
 * Credit is compared by rank (the i-th level of one scale against the i-th of the other, the
 * ranks both scales have), and is shown under both names: "D (bronze)".
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { compilePolicyText } from "../../src/compile.js";
import type { PolicyIR } from "../../src/ir/types.js";
import type { Box, Range } from "../../src/diff/region.js";
import { semanticDiff, type RuleChange, type SemanticDiff } from "../../src/diff/semantic.js";
import { load, MUTANTS, REFERENCE } from "./helpers.js";

const last = (ir: PolicyIR) => ({ ir, version: ir.versions[ir.versions.length - 1]! });
const JOIN_CREATE = ["group.create", "group.join"] as const;

/** A box as plain data: counts as [lo, hi] (null: unbounded), enumerations and booleans as their values. */
function plain(b: Box): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, r] of Object.entries(b.ranges) as [string, Range][]) out[name] = r.kind === "int" ? [r.lo, r.hi] : r.values;
  return out;
}

function rule(d: SemanticDiff, event: string, name: string): RuleChange {
  const r = d.rules.find((x) => x.event === event && x.rule === name);
  expect(r, `${event} ${name} in ${d.rules.map((x) => `${x.event} ${x.rule}`).join(", ")}`).toBeDefined();
  return r!;
}

const where = (boxes: readonly Box[] | undefined) => (boxes ?? []).map(plain);

describe("diff ranges: the reference policy against the example policies", () => {
  const reference = load(REFERENCE);

  it("forum: the member cap rises from 2000 to 3000, joins cap at 200, creation caps move per credit rank", async () => {
    const d = await semanticDiff(last(reference), last(load("policies/examples/forum.qg")), { events: JOIN_CREATE, rulesOnly: true });
    // The issue's own example: joins that made 2001–3000 members were denied and no longer are.
    expect(where(rule(d, "group.join", "limits/member-cap").lost)).toEqual([{ "group.members-after": [2001, 3000] }]);
    expect(where(rule(d, "group.join", "limits/member-cap").gained)).toEqual([]);
    for (const event of JOIN_CREATE) expect(where(rule(d, event, "limits/groups-joined").gained)).toEqual([{ "actor.groups-joined": [200, 499] }]);
    // Caps 3 / 3 / 10 (D, C, B) against 2 / 5 / 10 (bronze, silver, gold): more denied at the lowest rank, fewer at the second.
    const created = rule(d, "group.create", "limits/groups-created");
    expect(where(created.gained)).toEqual([{ "actor.groups-created": [2, 2], "actor.credit": ["D (bronze)"] }]);
    expect(where(created.lost)).toEqual([{ "actor.groups-created": [3, 4], "actor.credit": ["C (silver)"] }]);
    // Info pages are enforced from 50 members instead of 100.
    expect(where(rule(d, "group.join", "limits/info-page").gained)).toEqual([{ "group.members-after": [50, 99], "group.has-info-page": [false] }]);
    for (const r of d.rules) if (r.change === "changed" && r.gained && r.lost) expect(r.gained.length + r.lost.length, `${r.event} ${r.rule}`).toBeGreaterThan(0);
  }, 240_000);

  it("messenger: a cap of 500 members, 1000 joined groups, and creation caps of 10 / 10 / 30 in two boxes", async () => {
    const d = await semanticDiff(last(reference), last(load("policies/examples/messenger.qg")), { events: JOIN_CREATE, rulesOnly: true });
    expect(where(rule(d, "group.join", "limits/member-cap").gained)).toEqual([{ "group.members-after": [501, 2000] }]);
    for (const event of JOIN_CREATE) expect(where(rule(d, event, "limits/groups-joined").lost)).toEqual([{ "actor.groups-joined": [500, 999] }]);
    // 3 / 3 / 10 against 10 / 10 / 30: no longer denied from 3 at the two lower ranks, from 10 at the top one.
    const lost = where(rule(d, "group.create", "limits/groups-created").lost);
    expect(lost).toHaveLength(2);
    expect(lost).toEqual(
      expect.arrayContaining([
        { "actor.groups-created": [3, 9], "actor.credit": ["D (restricted)", "C (normal)"] },
        { "actor.groups-created": [10, 29], "actor.credit": ["B (trusted)"] },
      ]),
    );
    expect(where(rule(d, "group.create", "limits/groups-created").gained)).toEqual([]);
  }, 240_000);

  it("neighbourhood: 200 members, 20 joined groups, 2 created groups at both ranks", async () => {
    const d = await semanticDiff(last(reference), last(load("policies/examples/neighbourhood.qg")), { events: JOIN_CREATE, rulesOnly: true });
    expect(where(rule(d, "group.join", "limits/member-cap").gained)).toEqual([{ "group.members-after": [201, 2000] }]);
    for (const event of JOIN_CREATE) expect(where(rule(d, event, "limits/groups-joined").gained)).toEqual([{ "actor.groups-joined": [20, 499] }]);
    expect(where(rule(d, "group.create", "limits/groups-created").gained)).toEqual([{ "actor.groups-created": [2, 2], "actor.credit": ["D (warned)", "C (good)"] }]);
    // Info pages are asked for without holding joins: the enforcing rule is gone.
    expect(rule(d, "group.join", "limits/info-page").change).toBe("removed");
  }, 240_000);

  it("campus: 500 members, 100 joined groups, creation caps of 2 / 2 / 5, info pages from 30", async () => {
    const d = await semanticDiff(last(reference), last(load("examples/tutorial/campus.qg")), { events: JOIN_CREATE, rulesOnly: true });
    expect(where(rule(d, "group.join", "limits/member-cap").gained)).toEqual([{ "group.members-after": [501, 2000] }]);
    for (const event of JOIN_CREATE) expect(where(rule(d, event, "limits/groups-joined").gained)).toEqual([{ "actor.groups-joined": [100, 499] }]);
    const gained = where(rule(d, "group.create", "limits/groups-created").gained);
    expect(gained).toHaveLength(2);
    expect(gained).toEqual(
      expect.arrayContaining([
        { "actor.groups-created": [2, 2], "actor.credit": ["D (probation)", "C (member)"] },
        { "actor.groups-created": [5, 9], "actor.credit": ["B (trusted)"] },
      ]),
    );
    expect(where(rule(d, "group.join", "limits/info-page").gained)).toEqual([{ "group.members-after": [30, 99], "group.has-info-page": [false] }]);
  }, 240_000);
});

describe("diff ranges: situations decided differently, with replayed witnesses", () => {
  const reference = load(REFERENCE);

  it("a member cap lowered to 1500: joins to 1501–2000 members are now denied, each kind with a confirmed witness", async () => {
    const text = readFileSync(REFERENCE, "utf8").replace("members per group 2000", "members per group 1500");
    const lowered = compilePolicyText(text, "lowered.qg").ir!;
    const d = await semanticDiff(last(reference), last(lowered), { events: ["group.join"] });
    expect(d.rules.map((r) => `${r.event} ${r.rule}`)).toEqual(["group.join limits/member-cap"]);
    expect(where(d.rules[0]!.gained)).toEqual([{ "group.members-after": [1501, 2000] }]);
    const permitted = d.transitions.find((t) => t.from.rule === "permit/group.join" && t.to.rule === "limits/member-cap")!;
    expect(where(permitted.regions)).toEqual([{ "group.members-after": [1501, 2000] }]);
    // Every kind of change is into the cap (from an allow, or from a later deny: info page, joined groups).
    for (const t of d.transitions) {
      expect(t.to.rule).toBe("limits/member-cap");
      for (const r of t.regions) {
        expect((r.ranges["group.members-after"] as Extract<Range, { kind: "int" }>)).toMatchObject({ lo: 1501, hi: 2000 });
        expect(r.replay?.status, r.replay?.message).toBe("confirmed");
      }
    }
  }, 120_000);

  it("mutant 01 (posting without a verified identity): only real-name/post is removed, and what it decided is now decided by the next rule", async () => {
    const d = await semanticDiff(last(load(`${MUTANTS}/base.qg`)), last(load(`${MUTANTS}/01-unverified-post.qg`)));
    expect(d.rules.map((r) => `${r.event} ${r.rule} ${r.change}`)).toEqual(["message.post real-name/post removed"]);
    expect(d.transitions.length).toBeGreaterThan(0);
    for (const t of d.transitions) {
      expect(t.event).toBe("message.post");
      expect(t.from.rule).toBe("real-name/post");
      // The unverified user, and whatever the rule that now decides reads.
      for (const r of t.regions) expect(r.ranges["actor.verified"]).toEqual({ kind: "bool", values: [false] });
    }
    const permit = d.transitions.find((t) => t.to.rule === "permit/message.post")!;
    expect(where(permit.regions)).toEqual([{ "actor.verified": [false] }]);
    expect(permit.regions[0]!.replay?.status, permit.regions[0]!.replay?.message).toBe("confirmed");
  }, 120_000);

  it("mutant 29 (no cap on joined groups): joins at 500 joined groups or more are no longer denied", async () => {
    const d = await semanticDiff(last(reference), last(load(`${MUTANTS}/29-no-joined-cap.qg`)), { events: JOIN_CREATE });
    expect(d.rules.map((r) => `${r.event} ${r.rule} ${r.change}`).sort()).toEqual(["group.create limits/groups-joined removed", "group.join limits/groups-joined removed"]);
    const join = d.transitions.find((t) => t.event === "group.join" && t.from.rule === "limits/groups-joined" && t.to.rule === "permit/group.join")!;
    expect(where(join.regions)).toEqual([{ "actor.groups-joined": [500, null] }]);
    expect(join.regions[0]!.replay?.status, join.regions[0]!.replay?.message).toBe("confirmed");
  }, 120_000);

  it("muted users may post: the witness is muted by the group's creator before it posts, and the replay confirms it", async () => {
    const unmuted = structuredClone(reference);
    unmuted.name = "cac-2017-unmuted";
    for (const v of unmuted.versions) v.rules = v.rules.filter((r) => r.name !== "management/muted");
    const d = await semanticDiff(last(reference), last(unmuted), { events: ["message.post"] });
    expect(d.rules.map((r) => `${r.event} ${r.rule} ${r.change}`)).toEqual(["message.post management/muted removed"]);
    const t = d.transitions.find((x) => x.from.rule === "management/muted" && x.to.rule === "permit/message.post")!;
    expect(where(t.regions)).toEqual([{ "actor.muted": [true] }]);
    const r = t.regions[0]!.replay!;
    expect(r.status, r.message).toBe("confirmed");
    expect(r.old.some((e) => e.type === "group.manage" && (e as Record<string, unknown>)["action"] === "mute")).toBe(true);
  }, 120_000);

  it("a rule on flags counted in a window: the witness's flags are flagged messages just before the event, replayed and confirmed", async () => {
    const text = readFileSync(REFERENCE, "utf8") + `\nrule flagged-groups-keep-their-page {\n  serves A11.group-measures\n  on group.info\n  deny when group.flags within 30 days >= 2\n  because "group {group} was flagged recently"\n}\n`;
    const strict = compilePolicyText(text, "strict.qg").ir!;
    const d = await semanticDiff(last(reference), last(strict), { events: ["group.info"] });
    expect(d.rules.map((r) => `${r.event} ${r.rule} ${r.change}`)).toEqual(["group.info flagged-groups-keep-their-page added"]);
    const t = d.transitions.find((x) => x.from.rule === "permit/group.info" && x.to.rule === "flagged-groups-keep-their-page")!;
    expect(where(t.regions)).toEqual([{ "group.flags within 30 days": [2, null] }]);
    const r = t.regions[0]!.replay!;
    expect(r.status, r.message).toBe("confirmed");
    const flags = r.new.filter((e) => e.type === "content.flagged");
    expect(flags.length).toBe(t.regions[0]!.witness.values["group.flags within 30 days"]);
  }, 120_000);

  it("says the ranges in text and JSON", async () => {
    const text = readFileSync(REFERENCE, "utf8").replace("members per group 2000", "members per group 1500");
    const file = `/tmp/qungui-diff-ranges-${process.pid}.qg`;
    (await import("node:fs")).writeFileSync(file, text);
    let out = "";
    const io = { out: (t: string) => (out += t), err: () => {}, color: false };
    expect(await main(["node", "qungui", "diff", REFERENCE, file], io)).toBe(1);
    expect(out).toContain("group.join: limits/member-cap (deny) changed");
    expect(out).toContain("when group.members-after is 1501–2000");
    expect(out).toContain("witness replayed and confirmed");
    out = "";
    expect(await main(["node", "qungui", "diff", REFERENCE, file, "--format", "json"], io)).toBe(1);
    const json = JSON.parse(out);
    const cap = json.rules.find((r: { rule: string }) => r.rule === "limits/member-cap");
    expect(cap.gained[0]).toMatchObject({ ranges: { "group.members-after": { kind: "int", lo: 1501, hi: 2000 } }, exact: true, text: "group.members-after is 1501–2000" });
    expect(JSON.stringify(json)).not.toMatch(/"identity"/);
    (await import("node:fs")).rmSync(file);
  }, 240_000);
});
