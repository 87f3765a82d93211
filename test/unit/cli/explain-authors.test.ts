/**
 * `qungui explain` for policy authors (issue 14): on a dead-lettered input it says so and why, instead
 * of "event ? (?) at ?" and "outcome: null by null"; on a flag it shows every measure's trigger.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";

describe("qungui explain on a dead letter", () => {
  it("names the line, the reason and the safe raw form, and that nothing judged it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qg-explain-dl-"));
    const events = join(dir, "events.jsonl");
    writeFileSync(events, ['{"id":"e1","type":"clock","at":"2018-01-01T10:00:00+08:00"}', '{"id":"e2","type":"nonsense","at":"2018-01-01T11:00:00+08:00"}'].join("\n") + "\n");
    const out: string[] = [];
    const code = await main(["node", "qungui", "explain", "policies/cac-2017.qg", events, "--event", "e2"], { out: (s: string) => void out.push(s), err: () => undefined, color: false });
    expect(code).toBe(0);
    const text = out.join("");
    expect(text).toMatch(/^input at line 2 was dead-lettered: it is not a valid event, so no rule judged it$/m);
    expect(text).toMatch(/^reason: unknown event type/m);
    expect(text).toMatch(/^input: \{"id":"e2","type":"\[withheld\]"/m);
    expect(text).toMatch(/^outcome: none \(dead letter\)$/m);
    expect(text).not.toContain("event ? (?)");
    expect(text).not.toContain("null by null");
  });
});

describe("qungui explain on a flag", () => {
  it("shows every measure's trigger: severity and category matched, the count in the window against the count needed, and which named the decision", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qg-explain-flag-"));
    const events = join(dir, "events.jsonl");
    writeFileSync(
      events,
      [
        '{"id":"e1","type":"user.verified","at":"2018-01-01T10:00:00+08:00","user":"u1","identity":{"name":"x","idNumber":"y"}}',
        '{"id":"e2","type":"agreement.accepted","at":"2018-01-01T10:00:00+08:00","user":"u1","version":"2017-10"}',
        '{"id":"e3","type":"group.create","at":"2018-01-01T10:00:00+08:00","user":"u1","group":"g1","category":"general"}',
        '{"id":"e4","type":"content.flagged","at":"2018-01-01T11:00:00+08:00","group":"g1","user":"u1","message":"m1","category":"fraud"}',
      ].join("\n") + "\n",
    );
    const out: string[] = [];
    const io = { out: (s: string) => void out.push(s), err: () => undefined, color: false };
    expect(await main(["node", "qungui", "explain", "policies/cac-2017.qg", events, "--event", "e4"], io)).toBe(0);
    const text = out.join("");
    expect(text).toContain("measures considered (6, in source order):");
    expect(text).toMatch(/ {2}suspend-on-serious applies \(names the decision\)\n {4}severity == serious: matches\n {4}category any: matches\n {4}flags in the group: 1 counted, 1 needed/);
    expect(text).toMatch(/ {2}close-on-repeat does not apply\n(.*\n){2} {4}flags in the group within 30 days: 1 counted, 3 needed/);
    expect(text).toMatch(/ {2}blacklist-on-terrorism does not apply\n {4}severity any \(ranks lowest\): matches\n {4}category terrorism: does not match/);
    expect(text).toMatch(/^why: measures: suspend-on-serious, lower-credit-on-serious match and all apply; suspend-on-serious names the decision/m);
    out.length = 0;
    await main(["node", "qungui", "explain", "policies/cac-2017.qg", events, "--event", "e4", "--format", "json"], io);
    const x = JSON.parse(out.join("")) as { measures: { measure: string; applied: boolean; counted: number; needed: number }[] };
    expect(x.measures.filter((m) => m.applied).map((m) => m.measure)).toEqual(["suspend-on-serious", "lower-credit-on-serious"]);
  });
});
