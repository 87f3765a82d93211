/**
 * `qungui lsp`: the language server, over stdio (or node IPC / a socket, as vscode-languageserver
 * reads from the command line). It analyses each open document on every change and publishes all
 * its diagnostics; the other requests read the latest analysis. Everything about the language is
 * in the modules beside this one; this file only translates between them and the protocol.
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  CodeActionKind,
  CompletionItemKind,
  createConnection,
  DiagnosticSeverity,
  FoldingRangeKind,
  MessageType,
  ShowMessageNotification,
  ProposedFeatures,
  SymbolKind,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type CompletionItem,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type DocumentSymbol,
  type Location,
  type Range,
} from "vscode-languageserver/node.js";
import { TextDocument } from "vscode-languageserver-textdocument";
import { format } from "../ast/print.js";
import type { Diagnostic } from "../source/diagnostic.js";
import type { Span } from "../source/span.js";
import { fixes } from "./actions.js";
import { complete, type CompletionKind } from "./completion.js";
import { analyse, type Analysis } from "./document.js";
import { hover } from "./hover.js";
import { folds, outline, type OutlineItem, type OutlineKind } from "./outline.js";
import { resultTitle, runPolicyTests, testFilesOf, type TestRunResult } from "./tests.js";

/** A small policy with a syntax error and a checker error, analysed once at start-up. */
const WARM_UP = 'policy "w" version "1" {\n  serves A15.effective\n  effective 2017-10-08 in Asia/Shanghai\n}\ntiers {\n  serves A7.tiers\n  tier a { members 1..10 oops }\n}\nrule r {\n  serves A7.credit\n  on message.post\n  deny when (user.credit < C\n}\n';

/** The command the code lens runs: `qungui.runTests` with the policy's URI. */
export const RUN_TESTS_COMMAND = "qungui.runTests";

const COMPLETION_KIND: Record<CompletionKind, CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword,
  snippet: CompletionItemKind.Snippet,
  requirement: CompletionItemKind.Reference,
  path: CompletionItemKind.Field,
  name: CompletionItemKind.EnumMember,
  unit: CompletionItemKind.Unit,
  event: CompletionItemKind.Event,
  value: CompletionItemKind.Value,
  operator: CompletionItemKind.Operator,
};

const SYMBOL_KIND: Record<OutlineKind, SymbolKind> = {
  policy: SymbolKind.File,
  section: SymbolKind.Namespace,
  tier: SymbolKind.Class,
  for: SymbolKind.Namespace,
  measure: SymbolKind.Event,
  rule: SymbolKind.Function,
  amendment: SymbolKind.Module,
  category: SymbolKind.EnumMember,
  level: SymbolKind.EnumMember,
};

export function range(span: Span): Range {
  return { start: { line: span.start.line - 1, character: span.start.column - 1 }, end: { line: span.end.line - 1, character: span.end.column - 1 } };
}

/** The file name diagnostics and tests use for a document: its path for `file:` URIs. */
function fileOf(uri: string): string {
  return uri.startsWith("file:") ? fileURLToPath(uri) : uri;
}

export function toLspDiagnostic(d: Diagnostic, uri: string): LspDiagnostic {
  return {
    range: range(d.span),
    severity: d.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: d.code,
    source: "qungui",
    message: d.help ? `${d.message}\nhelp: ${d.help}` : d.message,
    relatedInformation: d.labels.map((l) => ({ location: { uri, range: range(l.span) }, message: l.message })),
    data: { help: d.help ?? null, reqs: d.reqs ?? [] },
  };
}

export function startServer(connection: Connection = createConnection(ProposedFeatures.all)): Connection {
  const documents = new TextDocuments(TextDocument);
  const analyses = new Map<string, { version: number; analysis: Analysis }>();
  const testResults = new Map<string, TestRunResult>();
  let lensRefresh = false;

  const analysisOf = (uri: string): { doc: TextDocument; a: Analysis } | null => {
    const doc = documents.get(uri);
    if (!doc) return null;
    const known = analyses.get(uri);
    if (known && known.version === doc.version) return { doc, a: known.analysis };
    const analysis = analyse(fileOf(uri), doc.getText());
    analyses.set(uri, { version: doc.version, analysis });
    return { doc, a: analysis };
  };

  connection.onInitialize((params) => {
    lensRefresh = params.capabilities?.workspace?.codeLens?.refreshSupport === true;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        foldingRangeProvider: true,
        completionProvider: { triggerCharacters: [" ", ".", "="] },
        documentFormattingProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        codeLensProvider: { resolveProvider: false },
        executeCommandProvider: { commands: [RUN_TESTS_COMMAND] },
      },
      serverInfo: { name: "qungui", version: "0.1.0" },
    };
  });

  // The first text with a syntax error takes chevrotain's recovery path, which V8 has not compiled
  // yet (docs/performance.md): take it once before the first keystroke does.
  connection.onInitialized(() => {
    for (let i = 0; i < 3; i++) analyse("<warm-up>", WARM_UP);
  });

  documents.onDidChangeContent(({ document }) => {
    const found = analysisOf(document.uri);
    if (found) void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: found.a.diagnostics.map((d) => toLspDiagnostic(d, document.uri)) });
  });
  documents.onDidClose(({ document }) => {
    analyses.delete(document.uri);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });

  connection.onHover(({ textDocument, position }) => {
    const found = analysisOf(textDocument.uri);
    if (!found) return null;
    const h = hover(found.a, found.doc.offsetAt(position));
    return h ? { contents: { kind: "markdown", value: h.markdown }, range: range(h.span) } : null;
  });

  const occurrences = (uri: string, offset: number) => {
    const found = analysisOf(uri);
    const ref = found?.a.symbols.at(offset);
    return found && ref ? { a: found.a, ref } : null;
  };

  connection.onDefinition(({ textDocument, position }) => {
    const doc = documents.get(textDocument.uri);
    const o = doc && occurrences(textDocument.uri, doc.offsetAt(position));
    if (!o) return null;
    return o.a.symbols.declarationsOf(o.ref.kind, o.ref.name).map((d): Location => ({ uri: textDocument.uri, range: range(d.nameSpan) }));
  });

  connection.onReferences(({ textDocument, position, context }) => {
    const doc = documents.get(textDocument.uri);
    const o = doc && occurrences(textDocument.uri, doc.offsetAt(position));
    if (!o) return null;
    return o.a.symbols
      .occurrencesOf(o.ref.kind, o.ref.name)
      .filter((r) => context.includeDeclaration || !r.declaration)
      .map((r): Location => ({ uri: textDocument.uri, range: range(r.span) }));
  });

  connection.onPrepareRename(({ textDocument, position }) => {
    const doc = documents.get(textDocument.uri);
    const o = doc && occurrences(textDocument.uri, doc.offsetAt(position));
    return o ? { range: range(o.ref.span), placeholder: o.ref.name } : null;
  });

  connection.onRenameRequest(({ textDocument, position, newName }) => {
    const doc = documents.get(textDocument.uri);
    const o = doc && occurrences(textDocument.uri, doc.offsetAt(position));
    if (!o) return null;
    if (!/^[\p{L}_][\p{L}\p{N}_-]*$/u.test(newName)) throw new Error(`\`${newName}\` is not a name: use letters, digits, \`_\` and \`-\`, starting with a letter`);
    return { changes: { [textDocument.uri]: o.a.symbols.occurrencesOf(o.ref.kind, o.ref.name).map((r) => ({ range: range(r.span), newText: newName })) } };
  });

  const symbolOf = (item: OutlineItem): DocumentSymbol => ({
    name: item.name,
    detail: item.detail,
    kind: SYMBOL_KIND[item.kind],
    range: range(item.span),
    selectionRange: range(item.selection),
    children: item.children.map(symbolOf),
  });

  connection.onDocumentSymbol(({ textDocument }) => {
    const found = analysisOf(textDocument.uri);
    return found?.a.ast ? outline(found.a.ast).map(symbolOf) : [];
  });

  connection.onWorkspaceSymbol(({ query }) => {
    const q = query.toLowerCase();
    return documents.all().flatMap((doc) => {
      const a = analysisOf(doc.uri)?.a;
      return (a?.symbols.declarations ?? [])
        .filter((d) => d.name.toLowerCase().includes(q))
        .map((d) => ({ name: d.name, kind: d.kind === "rule" ? SymbolKind.Function : d.kind === "measure" ? SymbolKind.Event : SymbolKind.EnumMember, containerName: d.kind, location: { uri: doc.uri, range: range(d.nameSpan) } }));
    });
  });

  connection.onFoldingRanges(({ textDocument }) => {
    const found = analysisOf(textDocument.uri);
    if (!found?.a.ast) return [];
    return folds(found.a.ast, found.a.comments).map((f) => ({ startLine: f.startLine - 1, endLine: f.endLine - 1, ...(f.comment ? { kind: FoldingRangeKind.Comment } : {}) }));
  });

  connection.onCompletion(({ textDocument, position }) => {
    const found = analysisOf(textDocument.uri);
    if (!found) return [];
    const offset = found.doc.offsetAt(position);
    const r = complete(found.a, offset);
    const replace = { start: found.doc.positionAt(r.from), end: position };
    return r.items.map(
      (c, i): CompletionItem => ({
        label: c.label,
        kind: COMPLETION_KIND[c.kind],
        ...(c.detail ? { detail: c.detail } : {}),
        ...(c.doc ? { documentation: { kind: "markdown", value: c.doc } } : {}),
        insertTextFormat: c.snippet ? 2 : 1,
        textEdit: { range: replace, newText: c.insert },
        sortText: String(i).padStart(4, "0"),
      }),
    );
  });

  connection.onDocumentFormatting(({ textDocument }) => {
    const found = analysisOf(textDocument.uri);
    if (!found) return null;
    const { a, doc } = found;
    if (a.syntaxErrors || !a.ast) {
      const first = a.diagnostics.find((d) => d.severity === "error");
      // A notification, not window/showMessageRequest: nothing to answer, and no client can fail it.
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `qungui: not formatted, the file has syntax errors${first ? ` (line ${first.span.start.line}: ${first.message})` : ""}` });
      return null;
    }
    const text = doc.getText();
    const formatted = format(a.ast, a.comments, text);
    if (formatted === text) return [];
    return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, newText: formatted }];
  });

  connection.onCodeAction(({ textDocument, range: r }) => {
    const found = analysisOf(textDocument.uri);
    if (!found) return [];
    const { a, doc } = found;
    return fixes(a, doc.offsetAt(r.start), doc.offsetAt(r.end)).map(
      (f): CodeAction => ({
        title: f.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [toLspDiagnostic(f.diagnostic, textDocument.uri)],
        isPreferred: f.preferred,
        edit: { changes: { [textDocument.uri]: f.edits.map((e) => ({ range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) }, newText: e.newText })) } },
      }),
    );
  });

  connection.onCodeLens(({ textDocument }) => {
    if (!textDocument.uri.startsWith("file:")) return [];
    const found = analysisOf(textDocument.uri);
    const line = found?.a.ast?.header ? found.a.ast.header.span.start.line - 1 : 0;
    const at = { start: { line, character: 0 }, end: { line, character: 0 } };
    const result = testResults.get(textDocument.uri);
    return testFilesOf(fileOf(textDocument.uri)).map((file) => ({ range: at, command: { title: resultTitle(file, result), command: RUN_TESTS_COMMAND, arguments: [textDocument.uri] } }));
  });

  connection.onExecuteCommand(async ({ command, arguments: args }) => {
    if (command !== RUN_TESTS_COMMAND) throw new Error(`unknown command ${command}`);
    const uri = String(args?.[0] ?? "");
    if (!uri.startsWith("file:")) throw new Error(`${RUN_TESTS_COMMAND} takes the file: URI of a policy`);
    const openText = (path: string) => documents.get(pathToFileURL(path).href)?.getText();
    const result = runPolicyTests(fileOf(uri), openText);
    testResults.set(uri, result);
    for (const f of result.files) {
      const diagnostics: LspDiagnostic[] = [
        ...f.problems.map((p) => ({ line: p.line, message: p.message })),
        ...f.tests.filter((t) => !t.passed).map((t) => ({ line: t.line, message: `test \`${t.name}\` failed: ${t.failures.join("; ")}` })),
      ].map((p) => ({ range: { start: { line: p.line - 1, character: 0 }, end: { line: p.line - 1, character: 1000 } }, severity: DiagnosticSeverity.Error, source: "qungui test", message: p.message }));
      void connection.sendDiagnostics({ uri: pathToFileURL(f.file).href, diagnostics });
    }
    if (lensRefresh) void connection.sendRequest("workspace/codeLens/refresh").catch(() => undefined);
    return result;
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}
