/**
 * `qungui lsp`: starts the language server (src/lsp/server.ts) on standard input and output. It
 * runs until the client sends `exit`; vscode-languageserver then ends the process. `--stdio` is
 * accepted (and implied) because editors pass it, as they pass `--clientProcessId=N`.
 */
export async function runLsp(): Promise<number> {
  const [{ startServer }, { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter }] = await Promise.all([import("../lsp/server.js"), import("vscode-languageserver/node.js")]);
  const connection = startServer(createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout)));
  return new Promise<number>((resolve) => connection.onExit(() => resolve(0)));
}
