// The rustokio-lint extension for VS Code: starts `rustokio-lint --lsp` for
// Rust files. Fix on save is the editor's setting (see README.md):
//   "[rust]": { "editor.codeActionsOnSave": { "source.fixAll.rustokio": "explicit" } }
'use strict';
const { workspace } = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

async function activate() {
  const config = workspace.getConfiguration('rustokio-lint');
  const command = config.get('path') || 'rustokio-lint';
  // A .js path (a checkout's bin/rustokio-lint.js) runs with the node VS Code ships.
  const server = command.endsWith('.js')
    ? { command: process.execPath, args: [command, '--lsp'], options: { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } } }
    : { command, args: ['--lsp'] };
  client = new LanguageClient('rustokio-lint', 'rustokio-lint', server, {
    documentSelector: [
      { scheme: 'file', language: 'rust' },
      { scheme: 'untitled', language: 'rust' },
    ],
    initializationOptions: {
      debounceMs: config.get('debounceMs'),
      configFile: config.get('configFile') || undefined,
    },
  });
  await client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
