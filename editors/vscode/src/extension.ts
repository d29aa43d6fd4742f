// Starts `shapecheck lsp` for Python files; the server does the rest.
import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions } from "vscode-languageclient/node";

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;

// Settings the server reads; `path` and `args` only matter here, to start it.
const SERVER_KEYS = ["enable", "inlayHints", "codeLens", "debounceMs", "ignore", "select"];

function serverSettings(config: vscode.WorkspaceConfiguration): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of SERVER_KEYS) {
    out[key] = config.get(key);
  }
  return out;
}

function expand(value: string): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? "";
  return value.replace(/\$\{workspaceFolder\}/g, folder);
}

function createClient(): LanguageClient {
  const config = vscode.workspace.getConfiguration("shapecheck");
  const command = expand(config.get<string>("path", "shapecheck"));
  const args = config.get<string[]>("args", ["lsp"]).map(expand);
  // No transport field: the client would append `--stdio`; `shapecheck lsp` uses stdio by default.
  const serverOptions: ServerOptions = { run: { command, args }, debug: { command, args } };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "python" },
      { scheme: "untitled", language: "python" },
      // Python cells of Jupyter notebooks (the server syncs them with notebookDocument/*).
      { notebook: "jupyter-notebook", language: "python" },
    ],
    initializationOptions: { shapecheck: serverSettings(config) },
    synchronize: {
      configurationSection: "shapecheck",
      fileEvents: vscode.workspace.createFileSystemWatcher("**/pyproject.toml"),
    },
    outputChannel: output,
  };
  return new LanguageClient("shapecheck", "shapecheck", serverOptions, clientOptions);
}

async function start(): Promise<void> {
  client = createClient();
  try {
    await client.start();
  } catch (err) {
    void vscode.window.showErrorMessage(
      `shapecheck: could not start the language server (${String(err)}). Check the "shapecheck.path" setting.`,
    );
  }
}

async function restart(): Promise<void> {
  if (client) {
    const old = client;
    client = undefined;
    try {
      await old.stop();
    } catch {
      // a server that already died cannot be stopped; start a new one anyway
    }
  }
  await start();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("shapecheck");
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand("shapecheck.restartServer", restart),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("shapecheck.path") || event.affectsConfiguration("shapecheck.args")) {
        void restart();
      }
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop();
  }
}
