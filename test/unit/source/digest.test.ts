/**
 * The Node and browser SHA-256 (src/source/digest.ts and digest.browser.ts, swapped by the
 * `browser` field of package.json for the playground bundle) give the same hex digests, on ASCII,
 * CJK, astral characters and the reference policy.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { sha256Hex as nodeSha } from "../../../src/source/digest.js";
import { sha256Hex as browserSha } from "../../../src/source/digest.browser.js";

describe("sha256Hex", () => {
  const texts = ["", "abc", "互联网群组信息服务管理规定", "emoji 😀 and \r\n line ends", readFileSync("policies/cac-2017.qg", "utf8")];
  test.each(texts.map((t, i) => [i, t]))("text %i: node and browser agree with node:crypto", (_, text) => {
    const expected = createHash("sha256").update(text, "utf8").digest("hex");
    expect(nodeSha(text)).toBe(expected);
    expect(browserSha(text)).toBe(expected);
  });

  test("a known vector", () => {
    expect(browserSha("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  test("package.json maps the Node-only modules to their browser versions, and the targets exist", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { browser: Record<string, string> };
    expect(pkg.browser["./src/source/digest.js"]).toBe("./src/source/digest.browser.ts");
    expect(pkg.browser["./src/syntax/chevrotain.js"]).toBe("./src/playground/browser/chevrotain.ts");
    for (const target of Object.values(pkg.browser).filter((t) => t.startsWith("./src/"))) expect(() => readFileSync(target)).not.toThrow();
  });
});
