#!/usr/bin/env node
// A strict LSP client: spawns the server given on the command line, checks that
// every byte on its stdout belongs to a well-formed LSP message, and drives a
// short session (diagnostics, hover) described by a JSON scenario file.
//
//   node strict_client.js SCENARIO.json -- python -m shapecheck lsp
//
// Prints one JSON line with what it saw; exits 0 only if every check passed.
"use strict";
const fs = require("fs");
const { spawn } = require("child_process");
const { pathToFileURL } = require("url");
const rpc = require("vscode-jsonrpc/node");

const sep = process.argv.indexOf("--");
const scenario = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const [command, ...args] = process.argv.slice(sep + 1);
const TIMEOUT_MS = scenario.timeoutMs || 10000;
const failures = [];
const seen = { diagnostics: null, hover: null, strayBytes: "", exitCode: null };

const server = spawn(command, args, { stdio: ["pipe", "pipe", "inherit"] });

// Framing check on the raw bytes, independent of vscode-jsonrpc's own reader.
let raw = Buffer.alloc(0);
server.stdout.on("data", (chunk) => {
  raw = Buffer.concat([raw, chunk]);
  for (;;) {
    const end = raw.indexOf("\r\n\r\n");
    if (end < 0) {
      if (raw.length > 0 && !"Content-".startsWith(raw.toString("latin1", 0, Math.min(raw.length, 8)))) {
        seen.strayBytes += raw.toString("latin1");
        raw = Buffer.alloc(0);
      }
      return;
    }
    const head = raw.toString("latin1", 0, end);
    const lines = head.split("\r\n");
    const length = /^Content-Length: (\d+)$/.exec(lines.find((l) => l.startsWith("Content-Length")) || "");
    if (!length || lines.some((l) => !/^Content-(Length|Type): /.test(l))) {
      seen.strayBytes += head;
      raw = raw.subarray(end + 4);
      continue;
    }
    const n = Number(length[1]);
    if (raw.length < end + 4 + n) return;
    const body = raw.toString("utf8", end + 4, end + 4 + n);
    try {
      const msg = JSON.parse(body);
      if (msg.jsonrpc !== "2.0") failures.push(`message without jsonrpc 2.0: ${body.slice(0, 80)}`);
    } catch (err) {
      failures.push(`body is not JSON: ${body.slice(0, 80)}`);
    }
    raw = raw.subarray(end + 4 + n);
  }
});

const connection = rpc.createMessageConnection(
  new rpc.StreamMessageReader(server.stdout),
  new rpc.StreamMessageWriter(server.stdin),
);
connection.onError(([err]) => failures.push(`protocol error: ${err && err.message}`));
connection.onRequest((method) => {
  if (method === "workspace/configuration") return [null];
  return null;
});
let diagnosticsArrived;
const diagnosticsPromise = new Promise((resolve) => (diagnosticsArrived = resolve));
connection.onNotification("textDocument/publishDiagnostics", (params) => {
  if (params.uri === uri && (params.diagnostics.length > 0 || scenario.expectDiagnostics.length === 0)) {
    diagnosticsArrived(params.diagnostics);
  }
});
connection.onNotification(() => {});
connection.listen();

const uri = pathToFileURL(scenario.file).href;

function within(promise, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), TIMEOUT_MS))),
  ]).finally(() => clearTimeout(timer));
}

function check(cond, message) {
  if (!cond) failures.push(message);
}

async function main() {
  const init = await within(
    connection.sendRequest("initialize", {
      processId: process.pid,
      rootUri: null,
      capabilities: {
        textDocument: { publishDiagnostics: {}, hover: { contentFormat: ["markdown", "plaintext"] } },
        workspace: { configuration: true },
      },
    }),
    "initialize",
  );
  check(init.capabilities.hoverProvider, "no hoverProvider");
  connection.sendNotification("initialized", {});
  connection.sendNotification("textDocument/didOpen", {
    textDocument: { uri, languageId: "python", version: 1, text: fs.readFileSync(scenario.file, "utf8") },
  });
  const diags = await within(diagnosticsPromise, "publishDiagnostics");
  seen.diagnostics = diags.map((d) => [d.code, d.range.start.line, d.range.start.character, d.severity]);
  check(JSON.stringify(seen.diagnostics.map((d) => d.slice(0, 2))) === JSON.stringify(scenario.expectDiagnostics),
    `diagnostics ${JSON.stringify(seen.diagnostics)} != expected ${JSON.stringify(scenario.expectDiagnostics)}`);
  if (scenario.hover) {
    const hover = await within(
      connection.sendRequest("textDocument/hover", { textDocument: { uri }, position: scenario.hover.position }),
      "hover",
    );
    seen.hover = hover && hover.contents && (hover.contents.value || hover.contents);
    check(typeof seen.hover === "string" && seen.hover.includes(scenario.hover.contains),
      `hover ${JSON.stringify(seen.hover)} lacks ${JSON.stringify(scenario.hover.contains)}`);
  }
  await within(connection.sendRequest("shutdown"), "shutdown");
  const exited = new Promise((resolve) => server.on("exit", (code) => resolve(code)));
  connection.sendNotification("exit");
  seen.exitCode = await within(exited, "server exit");
  check(seen.exitCode === 0, `server exit code ${seen.exitCode}`);
}

main()
  .catch((err) => failures.push(String(err && err.message ? err.message : err)))
  .finally(() => {
    if (seen.strayBytes) failures.push(`stray bytes on stdout: ${JSON.stringify(seen.strayBytes.slice(0, 200))}`);
    server.kill();
    process.stdout.write(JSON.stringify({ ok: failures.length === 0, failures, seen }) + "\n");
    process.exit(failures.length === 0 ? 0 : 1);
  });
