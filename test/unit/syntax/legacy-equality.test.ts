/**
 * TEMPORARY (issue 17): the one parser against the old front end on every policy text of the
 * repository: every .qg file, every fenced policy in docs/ and the README, every catalogue
 * example (bad and fixed), the bench's synthetic policies, and each of those cut short at every
 * line (to exercise recovery on realistic partial files).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHECK_CODES } from "../../../src/check/codes.js";
import { SYNTAX_CODES } from "../../../src/syntax/codes.js";
import { syntheticPolicy } from "../../bench/synthetic.js";
import { HEADER } from "./helpers.js";
import { compared, legacyDisagreement } from "./legacy.js";

function files(dir: string, ext: string, acc: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (entry === "node_modules" || entry === "dist" || entry.startsWith(".")) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) files(path, ext, acc);
    else if (path.endsWith(ext)) acc.push(path);
  }
  return acc.sort();
}

function fencedPolicies(): [string, string][] {
  const out: [string, string][] = [];
  for (const md of [...files("docs", ".md"), "README.md"]) {
    const text = readFileSync(md, "utf8");
    for (const m of text.matchAll(/^```([a-z]*)\n([\s\S]*?)^```/gm)) {
      const [, lang, body] = m as unknown as [string, string, string];
      if (!["", "qg", "qungui"].includes(lang) || !/^(\/\/|\/\*|[a-z]+\b)/.test(body) || /^[\w-]+\s*=/.test(body)) continue;
      out.push([`${md}: ${body.split("\n")[0]}`, body.startsWith("policy") ? body : HEADER + body]);
    }
  }
  return out;
}

describe("one parser = old front end (issue 17 equality proof)", () => {
  it("on every policy text of the repository, whole and cut at every line", () => {
    const reference = readFileSync("policies/cac-2017.qg", "utf8");
    const texts: [string, string][] = [
      ...files(".", ".qg").map((f): [string, string] => [f, readFileSync(f, "utf8")]),
      ...fencedPolicies(),
      ...[...SYNTAX_CODES, ...CHECK_CODES].flatMap((c): [string, string][] => [
        [`${c.code} bad`, c.bad],
        [`${c.code} fixed`, c.fixed],
      ]),
      ["synthetic 50", syntheticPolicy(reference, 50)],
      ["synthetic 10000", syntheticPolicy(reference, 10_000)],
    ];
    let cuts = 0;
    for (const [name, text] of texts) {
      expect(legacyDisagreement(text, name.replace(/[^\w./-]/g, "_")), name).toBeNull();
      if (text.length > 200_000) continue;
      const lines = text.split("\n");
      for (let i = 1; i < lines.length; i++) {
        const cut = lines.slice(0, i).join("\n");
        expect(legacyDisagreement(cut, "cut.qg", false), `${name} cut at line ${i}`).toBeNull();
        // and with the line's last token dropped, mid-clause
        expect(legacyDisagreement(cut.replace(/\S+\s*$/, ""), "cut.qg", false), `${name} cut inside line ${i}`).toBeNull();
        cuts += 2;
      }
    }
    console.log(`equality: ${texts.length} texts whole, ${cuts} cut; ${compared.texts} compared, ${compared.withErrors} with diagnostics, ${compared.compiled} compiled to IR, ${compared.misspelt} QG080 in place of QG002`);
    expect(texts.length).toBeGreaterThan(150);
  }, 600_000);
});
