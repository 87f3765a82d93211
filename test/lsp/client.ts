/**
 * A real LSP client for the tests: `node bin/qungui.js lsp --stdio` in a child process, spoken to
 * over its stdio with vscode-jsonrpc and the protocol's request types, as an editor does. It
 * records every published diagnostic and server notification so tests can await them.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { pathToFileURL } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from "vscode-jsonrpc/node.js";
import {
  ExitNotification,
  InitializeRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  ShowMessageNotification,
  ShutdownRequest,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  type PublishDiagnosticsParams,
  type ShowMessageParams,
  type InitializeResult,
  type TextDocumentContentChangeEvent,
} from "vscode-languageserver-protocol";

export class LspClient {
  readonly connection: MessageConnection;
  readonly published: PublishDiagnosticsParams[] = [];
  readonly messages: ShowMessageParams[] = [];
  private waiters: (() => void)[] = [];
  private readonly versions = new Map<string, number>();
  initialized!: InitializeResult;

  /** What the server wrote to stderr (shown when a test fails). */
  stderr = "";

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stderr.on("data", (b: Buffer) => {
      this.stderr += b.toString();
    });
    this.connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.published.push(p);
      this.wake();
    });
    this.connection.onNotification(ShowMessageNotification.type, (p) => {
      this.messages.push(p);
      this.wake();
    });
    this.connection.onRequest("workspace/codeLens/refresh", () => null);
    this.connection.listen();
  }

  static async start(rootDir: string): Promise<LspClient> {
    const child = spawn(process.execPath, ["bin/qungui.js", "lsp", "--stdio", `--clientProcessId=${process.pid}`], { stdio: ["pipe", "pipe", "pipe"] });
    const client = new LspClient(child);
    client.initialized = await client.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(rootDir).href,
      capabilities: { workspace: { codeLens: { refreshSupport: true } }, textDocument: { publishDiagnostics: { relatedInformation: true } } },
      workspaceFolders: null,
    });
    await client.connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves with the first diagnostics for `uri` (at `version`, when given) published from now on or already. */
  async diagnostics(uri: string, version?: number, timeoutMs = 10_000): Promise<PublishDiagnosticsParams> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = [...this.published].reverse().find((p) => p.uri === uri && (version === undefined || p.version === version));
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no diagnostics for ${uri} version ${version}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  async open(uri: string, text: string): Promise<number> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "qungui", version: 1, text } });
    return 1;
  }

  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.child.once("exit", (code) => resolve(code)));
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}

/** The LSP position of an offset in a text (UTF-16 columns, as the protocol counts). */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length - 1;
  return { line, character: offset - (before.lastIndexOf("\n") + 1) };
}

/** The LSP position just after the first occurrence of `needle` (or at its start + `delta`). */
export function positionOf(text: string, needle: string, delta = needle.length): { line: number; character: number } {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`\`${needle}\` is not in the text`);
  return positionAt(text, at + delta);
}

/** Applies LSP text edits to a text (as an editor applies a workspace edit). */
export function applyEdits(text: string, edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const offset = (p: { line: number; character: number }) => {
    let o = 0;
    for (let l = 0; l < p.line; l++) o = text.indexOf("\n", o) + 1;
    return o + p.character;
  };
  const sorted = edits.map((e) => ({ start: offset(e.range.start), end: offset(e.range.end), text: e.newText })).sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
