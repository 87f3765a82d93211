// The qungui extension for VS Code: the TextMate grammar and language configuration (declared in
// package.json), and a client that starts `qungui lsp` over stdio. Plain CommonJS, so the folder
// runs as it is, without a build step.
"use strict";
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("qungui");
  const command = config.get("server.command", "qungui");
  const args = config.get("server.args", ["lsp"]);
  // A .js path (bin/qungui.js of a checkout) is run with this editor's Node.
  const run = command.endsWith(".js") ? { command: process.execPath, args: [command, ...args], transport: TransportKind.stdio } : { command, args, transport: TransportKind.stdio };
  const output = vscode.window.createOutputChannel("qungui tests");
  client = new LanguageClient("qungui", "qungui", { run, debug: run }, {
    documentSelector: [{ language: "qungui" }],
    middleware: {
      // `qungui.runTests` (the code lens above the policy header) returns every test's result:
      // show them, one line per test, in the "qungui tests" output channel.
      executeCommand: async (cmd, cmdArgs, next) => {
        const argsOrActive = cmd === "qungui.runTests" && cmdArgs.length === 0 && vscode.window.activeTextEditor ? [vscode.window.activeTextEditor.document.uri.toString()] : cmdArgs;
        const result = await next(cmd, argsOrActive);
        if (cmd === "qungui.runTests" && result) {
          output.clear();
          for (const file of result.files) {
            output.appendLine(file.file);
            for (const p of file.problems) output.appendLine(`  ✗ line ${p.line}: ${p.message}`);
            for (const t of file.tests) output.appendLine(`  ${t.passed ? "✓" : "✗"} ${t.name}${t.passed ? "" : `: ${t.failures.join("; ")}`}`);
          }
          output.appendLine(`${result.passed} passed, ${result.failed} failed`);
          output.show(true);
        }
        return result;
      },
    },
  });
  context.subscriptions.push(output);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
