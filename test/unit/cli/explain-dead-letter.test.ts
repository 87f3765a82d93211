/** `qungui explain` on a dead-lettered input says so and why, instead of "event ? (?) at ?" and "outcome: null by null" (issue 14). */
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
