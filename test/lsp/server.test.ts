/**
 * `qungui lsp` through a real client: the server runs as `node bin/qungui.js lsp --stdio` and is
 * spoken to with vscode-jsonrpc and the protocol types (test/lsp/client.ts), never by calling its
 * handlers. The reference policy and its tests are copied to a temporary directory.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  CodeActionRequest,
  CodeLensRequest,
  CompletionRequest,
  DefinitionRequest,
  DiagnosticSeverity,
  DocumentFormattingRequest,
  DocumentSymbolRequest,
  ExecuteCommandRequest,
  FoldingRangeRequest,
  HoverRequest,
  ReferencesRequest,
  RenameRequest,
  type CompletionItem,
  type CompletionList,
  type DocumentSymbol,
  type Location,
  type MarkupContent,
  type CodeAction,
  type Diagnostic,
} from "vscode-languageserver-protocol";
import { main } from "../../src/cli/main.js";
import { applyEdits, LspClient, positionOf } from "./client.js";

const REFERENCE = readFileSync("policies/cac-2017.qg", "utf8");
let dir: string;
let client: LspClient;
let n = 0;

/** A fresh document URI in the temporary directory (the server keeps one analysis per URI). */
const fresh = () => pathToFileURL(join(dir, `draft-${++n}.qg`)).href;

async function openAndWait(text: string, uri = fresh()): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
  const version = await client.open(uri, text);
  return { uri, diagnostics: (await client.diagnostics(uri, version)).diagnostics };
}

async function replaceAll(uri: string, text: string): Promise<Diagnostic[]> {
  const version = await client.change(uri, [{ text }]);
  return (await client.diagnostics(uri, version)).diagnostics;
}

const items = (r: CompletionItem[] | CompletionList | null) => (Array.isArray(r) ? r : (r?.items ?? [])).map((i) => i.label);
const markdown = (h: { contents: unknown } | null) => (h?.contents as MarkupContent | undefined)?.value ?? "";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "qungui-lsp-"));
  copyFileSync("policies/cac-2017.qg", join(dir, "cac-2017.qg"));
  copyFileSync("policies/cac-2017.test.yaml", join(dir, "cac-2017.test.yaml"));
  client = await LspClient.start(dir);
});

afterAll(async () => {
  if (client.child.exitCode !== null) throw new Error(`the server died: ${client.stderr}`);
  const code = await client.stop();
  expect(code).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

describe("qungui lsp over stdio", () => {
  test("announces its features", () => {
    const c = client.initialized.capabilities;
    expect(c.hoverProvider).toBe(true);
    expect(c.definitionProvider).toBe(true);
    expect(c.referencesProvider).toBe(true);
    expect(c.documentSymbolProvider).toBe(true);
    expect(c.foldingRangeProvider).toBe(true);
    expect(c.documentFormattingProvider).toBe(true);
    expect(c.completionProvider).toBeDefined();
    expect(c.codeActionProvider).toBeDefined();
    expect(c.codeLensProvider).toBeDefined();
    expect(c.executeCommandProvider?.commands).toContain("qungui.runTests");
  });

  test("the reference policy has no diagnostics; an edit gets them all at once, the checker's included beside a syntax error", async () => {
    const { uri, diagnostics } = await openAndWait(REFERENCE);
    expect(diagnostics).toEqual([]);
    // A syntax error in the tiers block, and a misspelt requirement id further down that only the checker sees.
    const broken = REFERENCE.replace("members 101..500", "members 101..500 oops").replace("serves A13.retention", "serves A13.retentoin");
    const after = await replaceAll(uri, broken);
    const syntax = after.find((d) => d.code === "QG002");
    const citation = after.find((d) => d.code === "QG020");
    expect(syntax, JSON.stringify(after)).toBeDefined();
    expect(syntax!.severity).toBe(DiagnosticSeverity.Error);
    expect(syntax!.range.start).toEqual(positionOf(broken, "oops", 0));
    expect(syntax!.source).toBe("qungui");
    expect(citation, JSON.stringify(after)).toBeDefined();
    expect(citation!.message).toContain("unknown requirement id `A13.retentoin`");
    expect(citation!.message).toContain("help: did you mean `A13.retention`?");
    expect(citation!.range.start).toEqual(positionOf(broken, "A13.retentoin", 0));
    // Nothing echoes the damaged tier: no finding about the tiers block beside the syntax error.
    expect(after.map((d) => d.code).sort()).toEqual(["QG002", "QG020"]);
    // Fixing both clears them.
    expect(await replaceAll(uri, REFERENCE)).toEqual([]);
  });

  test("incremental edits are applied as the editor sends them", async () => {
    const { uri } = await openAndWait(REFERENCE);
    const at = positionOf(REFERENCE, "keep logs 6 months", "keep logs ".length);
    const version = await client.change(uri, [{ range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: "3" }]);
    const ds = (await client.diagnostics(uri, version)).diagnostics;
    expect(ds.map((d) => d.code)).toEqual(["QG064"]);
    expect(ds[0]!.message).toContain("logs kept for 3 months");
  });

  test("related locations, and warnings as warnings", async () => {
    const text = REFERENCE.replace('business "商务群"', 'business "商务群"\n  general "普通群二"').replace(
      '  because "user {user} needs credit C or better to post in news group {group}"\n',
      "",
    );
    const { diagnostics } = await openAndWait(text);
    const dup = diagnostics.find((d) => d.code === "QG011")!;
    expect(dup, JSON.stringify(diagnostics)).toBeDefined();
    expect(dup.relatedInformation?.[0]?.message).toBe("first declared here");
    expect(dup.relatedInformation?.[0]?.location.range.start).toEqual(positionOf(text, 'general "普通群"', 0));
    const noBecause = diagnostics.find((d) => d.code === "QG066")!;
    expect(noBecause.severity).toBe(DiagnosticSeverity.Warning);
  });

  test("hover: requirement ids with the article's Chinese text, paths, names, durations", async () => {
    const { uri } = await openAndWait(REFERENCE);
    const hoverAt = async (needle: string, delta = 1) => markdown(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(REFERENCE, needle, delta) }));
    const req = await hoverAt("A8.member-cap");
    expect(req).toContain("A8.member-cap");
    expect(req).toContain("第八条");
    expect(req).toContain("No group ever exceeds its member cap");
    expect(req).toContain("Providers cap group size");
    const path = await hoverAt("group.category ==", 3);
    expect(path).toContain("`group.category`: **category**");
    expect(path).toContain("group category");
    const level = await hoverAt("user.credit < C", "user.credit < ".length);
    expect(level).toContain("credit level **C**");
    expect(level).toContain("D < C < B < A");
    const tier = await hoverAt("tier medium", "tier m".length);
    expect(tier).toContain("tier **medium**");
    expect(tier).toContain("members 101..500");
    const days = await hoverAt("within 30 days", "within 3".length);
    expect(days).toContain("30 days = 720 h");
    const months = await hoverAt("keep logs 6 months", "keep logs 6".length);
    expect(months).toContain("181–184 days");
  });

  test("definition and references", async () => {
    const { uri } = await openAndWait(REFERENCE);
    const defs = (await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: positionOf(REFERENCE, "== news-discussion", 5) })) as Location[];
    expect(defs).toHaveLength(1);
    expect(defs[0]!.range.start).toEqual(positionOf(REFERENCE, 'news-discussion "新闻讨论群"', 0));
    const refs = (await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position: positionOf(REFERENCE, "levels D < C < B", "levels D < C < ".length), context: { includeDeclaration: true } })) as Location[];
    // B: declared once; used by tier medium, tier news-small and `10 when credit >= B`.
    expect(refs).toHaveLength(4);
    const rename = await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: positionOf(REFERENCE, "tier medium", "tier m".length), newName: "mid" });
    const renamed = applyEdits(REFERENCE, rename!.changes![uri]!);
    expect(renamed).toContain("tier mid {");
    expect(renamed).not.toContain("medium");
  });

  test("document symbols and folding ranges", async () => {
    const { uri } = await openAndWait(REFERENCE);
    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
    const names = symbols.map((s) => s.name);
    expect(names).toContain('policy "cac-2017"');
    expect(names).toContain("tiers");
    expect(names).toContain("news-needs-credit");
    expect(names).toContain("close-on-repeat");
    const tiers = symbols.find((s) => s.name === "tiers")!;
    expect(tiers.children!.map((c) => c.name)).toEqual(["small", "medium", "large", "for news-discussion"]);
    expect(tiers.children![3]!.children!.map((c) => c.name)).toEqual(["news-small", "news-large"]);
    const folds = await client.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } });
    const tiersLine = positionOf(REFERENCE, "tiers {", 0).line;
    expect(folds!.some((f) => f.startLine === tiersLine && f.endLine === tiers.range.end.line)).toBe(true);
    expect(folds!.some((f) => f.kind === "comment" && f.startLine === 0 && f.endLine === 4)).toBe(true);
  });

  test("completion by context", async () => {
    const { uri } = await openAndWait(REFERENCE);
    const completeAfter = async (needle: string, insert: string) => {
      const at = REFERENCE.indexOf(needle) + needle.length;
      const text = REFERENCE.slice(0, at) + insert + REFERENCE.slice(at);
      const version = await client.change(uri, [{ text }]);
      await client.diagnostics(uri, version);
      const offset = at + insert.length;
      return items(await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: text.slice(0, offset).split("\n").length - 1, character: offset - (text.lastIndexOf("\n", offset - 1) + 1) } }));
    };
    expect(await completeAfter("keep logs 6 months\n", "  serves A8.mem")).toContain("A8.member-cap");
    expect(await completeAfter("keep logs 6 months\n", "  keep logs 9 ")).toEqual(expect.arrayContaining(["months", "years", "days"]));
    expect(await completeAfter("groups joined per user 500\n", "  ")).toEqual(expect.arrayContaining(["members per group", "groups created per user", "info page from", "serves"]));
    expect(await completeAfter("deny when ", "")).toEqual(expect.arrayContaining(["group.members", "user.verified", "group.category"]));
    expect(await completeAfter("tier small { members 1..100  creator requires verified, credit >= ", "")).toEqual(["D", "C", "B", "A"]);
    expect(await completeAfter("deny when group.category == ", "")).toEqual(["general", "business", "hobby", "news-discussion"]);
    expect(await completeAfter("measure warn-on-minor {\n", "  ")).toEqual(expect.arrayContaining(["on flag", "then", "serves"]));
    expect(await completeAfter("  on flag ", "")).toEqual(expect.arrayContaining(["minor", "serious", "of"]));
    expect(await completeAfter("on flag of ", "")).toEqual(expect.arrayContaining(["fraud", "terrorism", "spam"]));
    expect(await completeAfter("rule news-needs-credit {\n  serves A7.credit\n  on ", "")).toContain("message.post");
    expect(await completeAfter("// 第五条 …与使用者签订服务协议,明确双方权利义务。\n", "")).toEqual(expect.arrayContaining(["rule", "measure", "tiers", "amendment"]));
  });

  test("formatting gives `qungui fmt`'s text, and refuses a file with syntax errors", async () => {
    const messy = REFERENCE.replace("  members per group 2000", "      members   per group 2000").replace("  mute for 1 day", "mute for 1   day");
    const { uri } = await openAndWait(messy);
    const edits = await client.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    let out = "";
    const io = { out: (t: string) => void (out += t), err: () => undefined, color: false };
    expect(await main(["node", "qungui", "fmt", "policies/cac-2017.qg"], io)).toBe(0);
    expect(applyEdits(messy, edits!)).toBe(out);
    const broken = messy.replace("mute for 1   day", "mute for");
    await replaceAll(uri, broken);
    const before = client.messages.length;
    expect(await client.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })).toBeNull();
    await client.diagnostics(uri); // let the notification arrive
    for (let i = 0; i < 50 && client.messages.length === before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(client.messages.slice(before).map((m) => m.message).join()).toContain("not formatted, the file has syntax errors");
  });

  test("code actions: did-you-mean, a missing tier band, record and report", async () => {
    const typo = REFERENCE.replace("required for create, join, post, manage, set-info", "required for create, jion, post, manage, set-info");
    const fixOf = async (text: string, code: string, title: RegExp) => {
      const { uri, diagnostics } = await openAndWait(text);
      const d = diagnostics.find((x) => x.code === code);
      expect(d, JSON.stringify(diagnostics)).toBeDefined();
      const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d!.range, context: { diagnostics: [d!] } })) as CodeAction[];
      const action = actions.find((a) => title.test(a.title));
      expect(action, actions.map((a) => a.title).join("; ")).toBeDefined();
      const fixed = applyEdits(text, action!.edit!.changes![uri]!);
      return { fixed, after: await replaceAll(uri, fixed) };
    };
    const service = await fixOf(typo, "QG013", /Change `jion` to `join`/);
    expect(service.fixed).toBe(REFERENCE);
    expect(service.after).toEqual([]);

    const gap = REFERENCE.replace("members 101..500", "members 201..500");
    const extended = await fixOf(gap, "QG040", /Extend tier `small` to 200 members/);
    expect(extended.fixed).toContain("tier small { members 1..200 ");
    expect(extended.after).toEqual([]);
    const added = await fixOf(gap, "QG040", /Add tier `band-101-200`/);
    expect(added.fixed).toContain("tier band-101-200 { members 101..200  creator requires verified, credit >= C }");
    expect(added.after).toEqual([]);

    const unreported = REFERENCE.replace("then suspend posting of group for 7 days, record, report to authority", "then suspend posting of group for 7 days");
    const reported = await fixOf(unreported, "QG055", /Add `record, report to authority`/);
    expect(reported.fixed).toBe(REFERENCE);
    expect(reported.after).toEqual([]);
  });

  test("a code lens runs the policy's tests, from the editor's buffer", async () => {
    const uri = pathToFileURL(join(dir, "cac-2017.qg")).href;
    await openAndWait(REFERENCE, uri);
    const lenses = await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    expect(lenses).toHaveLength(1);
    expect(lenses![0]!.command!.title).toBe("▶ Run tests in cac-2017.test.yaml");
    expect(lenses![0]!.range.start.line).toBe(positionOf(REFERENCE, 'policy "cac-2017"', 0).line);
    const run = (await client.connection.sendRequest(ExecuteCommandRequest.type, { command: lenses![0]!.command!.command, arguments: lenses![0]!.command!.arguments! })) as { passed: number; failed: number; files: { tests: { name: string; passed: boolean }[] }[] };
    const total = (readFileSync("policies/cac-2017.test.yaml", "utf8").match(/^ {2}- name:/gm) ?? []).length;
    expect(run.failed).toBe(0);
    expect(run.passed).toBe(total);
    expect(run.files[0]!.tests.every((t) => t.passed)).toBe(true);
    const after = await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    expect(after![0]!.command!.title).toBe(`✓ cac-2017.test.yaml: ${total} passed (run again)`);
    // Unsaved: the buffer has a syntax error, and the tests run on the buffer report that the policy does not compile.
    await replaceAll(uri, REFERENCE.replace("keep logs 6 months", "keep logs"));
    const broken = (await client.connection.sendRequest(ExecuteCommandRequest.type, { command: "qungui.runTests", arguments: [uri] })) as { failed: number; files: { problems: { message: string }[] }[] };
    expect(broken.failed).toBeGreaterThan(0);
    expect(broken.files[0]!.problems[0]!.message).toContain("does not compile");
    const yaml = await client.diagnostics(pathToFileURL(join(dir, "cac-2017.test.yaml")).href);
    expect(yaml.diagnostics.length).toBeGreaterThan(0);
  });
});
