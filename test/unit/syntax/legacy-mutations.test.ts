/** TEMPORARY (issue 17): the one parser against the old front end on seeded mutations of every repository policy. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { compared, legacyDisagreement } from "./legacy.js";

function files(dir: string, acc: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (entry === "node_modules" || entry === "dist" || entry.startsWith(".")) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) files(path, acc);
    else if (path.endsWith(".qg")) acc.push(path);
  }
  return acc.sort();
}

it("seeded mutations: delete, duplicate, swap and insert tokens, insert and delete characters", () => {
  let seed = 2017;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const pieces = (t: string) => t.match(/\s+|"(?:[^"\\\n]|\\.)*"|[\p{L}\p{N}_.-]+|[^\s]/gu) ?? [];
  const texts = files(".").map((f) => readFileSync(f, "utf8"));
  const vocab = [...new Set(texts.flatMap(pieces).filter((p) => p.trim() !== ""))];
  const extra = ["{", "}", "(", ")", "[", "]", ",", "..", "=", "，", "“", "\\", "/*", "membrs", "resolv", "complains", "wihtin", "annd"];
  let runs = 0;
  for (const text of texts) {
    const base = pieces(text);
    for (let k = 0; k < 60; k++) {
      const out = [...base];
      for (let m = 0; m <= rnd(3); m++) {
        const i = rnd(out.length);
        switch (rnd(5)) {
          case 0: out.splice(i, 1 + rnd(6)); break;
          case 1: out.splice(i, 0, ...out.slice(i, i + 1 + rnd(10))); break;
          case 2: { const j = rnd(out.length); [out[i], out[j]] = [out[j]!, out[i]!]; break; }
          case 3: out.splice(i, 0, " ", (rnd(4) === 0 ? extra[rnd(extra.length)] : vocab[rnd(vocab.length)])!, " "); break;
          default: out[i] = out[i]!.slice(0, rnd(out[i]!.length + 1));
        }
      }
      const t = out.join("");
      expect(legacyDisagreement(t, "m.qg", false), t.slice(0, 2000)).toBeNull();
      runs++;
    }
  }
  console.log(`mutations: ${runs} texts, ${compared.withErrors} with diagnostics, ${compared.misspelt} QG080 in place of QG002`);
}, 900_000);
