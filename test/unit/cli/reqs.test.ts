/** `qungui reqs`: every requirement id with its article, kind and summary, as text and as JSON (issue 14). */
import { describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";
import { REQUIREMENTS } from "../../../src/law/articles.js";

async function reqs(...args: string[]) {
  const out: string[] = [];
  const code = await main(["node", "qungui", "reqs", ...args], { out: (s: string) => void out.push(s), err: () => undefined, color: false });
  return { code, out: out.join("") };
}

describe("qungui reqs", () => {
  it("lists every requirement id, one line each, with article, kind and summary", async () => {
    const r = await reqs();
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split("\n");
    expect(lines).toHaveLength(REQUIREMENTS.length);
    expect(lines.find((l) => l.startsWith("A8.user-caps"))).toMatch(/^A8\.user-caps +Art\. 8 +stream +No user ever creates or joins more groups/);
    expect(lines.find((l) => l.startsWith("A1.purpose"))).toMatch(/Art\. 1 +declaratory/);
  });

  it("--format json gives the same, with the stream properties verify judges", async () => {
    const r = await reqs("--format", "json");
    const rows = JSON.parse(r.out) as { id: string; article: number; kind: string; declaratory: boolean; summary: string; properties: { id: string; kind: string }[]; alsoArticles?: number[] }[];
    expect(rows.map((x) => x.id)).toEqual(REQUIREMENTS.map((x) => x.id));
    const resp = rows.find((x) => x.id === "A11.responsibility")!;
    expect(resp.alsoArticles).toEqual([9]);
    expect(resp.properties.map((p) => `${p.kind}: ${p.id}`)).toEqual(["must happen: A11.responsibility/timer", "must happen: A11.responsibility/holds-someone"]);
  });
});
