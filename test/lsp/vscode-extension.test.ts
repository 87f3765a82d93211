/**
 * The VS Code extension folder (editors/vscode) is consistent with the project: its manifest
 * declares the language, grammar and configuration it ships, its grammar is the project's, its
 * client starts `qungui lsp` and routes the command the server offers, and its dependency is the
 * client library of the protocol version the server speaks.
 */
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { RUN_TESTS_COMMAND } from "../../src/lsp/server.js";

const DIR = "editors/vscode";
const read = (f: string) => readFileSync(join(DIR, f), "utf8");
const manifest = JSON.parse(read("package.json")) as {
  name: string;
  main: string;
  engines: { vscode: string };
  activationEvents: string[];
  contributes: {
    languages: { id: string; extensions: string[]; configuration: string }[];
    grammars: { language: string; scopeName: string; path: string }[];
    commands: { command: string }[];
    configuration: { properties: Record<string, { default: unknown }> };
  };
  dependencies: Record<string, string>;
};

describe("editors/vscode", () => {
  test("the manifest declares the qungui language for .qg files, activated by it", () => {
    expect(manifest.engines.vscode).toMatch(/^\^1\.\d+\.\d+$/);
    const lang = manifest.contributes.languages.find((l) => l.id === "qungui");
    expect(lang?.extensions).toEqual([".qg"]);
    expect(manifest.activationEvents).toContain("onLanguage:qungui");
    const config = JSON.parse(read(lang!.configuration)) as { comments: { lineComment: string; blockComment: string[] }; brackets: string[][] };
    expect(config.comments).toEqual({ lineComment: "//", blockComment: ["/*", "*/"] });
    expect(config.brackets).toContainEqual(["{", "}"]);
  });

  test("its grammar is the project's TextMate grammar, under the grammar's own scope name", () => {
    const g = manifest.contributes.grammars[0]!;
    expect(g.language).toBe("qungui");
    const shipped = read(g.path);
    expect(shipped, "copy grammar/qg.tmLanguage.json to editors/vscode/syntaxes/ after `npm run grammar`").toBe(readFileSync("grammar/qg.tmLanguage.json", "utf8"));
    expect(g.scopeName).toBe((JSON.parse(shipped) as { scopeName: string }).scopeName);
  });

  test("the client starts `qungui lsp` over stdio and the command the server executes is contributed", () => {
    const main = read(manifest.main);
    expect(() => execFileSync(process.execPath, ["--check", join(DIR, manifest.main)])).not.toThrow();
    expect(main).toContain('require("vscode-languageclient/node")');
    expect(main).toContain("TransportKind.stdio");
    expect(manifest.contributes.configuration.properties["qungui.server.args"]!.default).toEqual(["lsp"]);
    expect(manifest.contributes.configuration.properties["qungui.server.command"]!.default).toBe("qungui");
    expect(manifest.contributes.commands.map((c) => c.command)).toContain(RUN_TESTS_COMMAND);
    expect(main).toContain(`"${RUN_TESTS_COMMAND}"`);
  });

  test("it depends on the client library matching the server's (vscode-languageclient 9 ↔ vscode-languageserver 9)", () => {
    const server = (JSON.parse(readFileSync("package.json", "utf8")) as { dependencies: Record<string, string> }).dependencies["vscode-languageserver"]!;
    expect(manifest.dependencies["vscode-languageclient"]!.replace(/^\^/, "").split(".")[0]).toBe(server.replace(/^\^/, "").split(".")[0]);
  });

  test("its README documents install and settings", () => {
    const readme = read("README.md");
    for (const s of Object.keys(manifest.contributes.configuration.properties)) expect(readme).toContain(`\`${s}\``);
    expect(readme).toContain("qungui lsp");
  });
});
