// The Helix extension: starts the helix-lsp language server, shows the
// server's current session in the status bar and the Helix view, reports the
// cursor, offers the session commands in the command palette, and shows the
// server's report in a webview. This module only wires the
// pieces together (see src/common and src/commands).

import * as vscode from 'vscode';

import { registerCommands } from './commands';
import { CursorReporter } from './common/cursor';
import { SessionDetails } from './common/detailsPanel';
import { guard } from './common/errors';
import { Helix } from './common/helix';
import { onDidChangeInterpreter } from './common/python';
import { ReportPanel } from './common/reportPanel';
import { HelixServer } from './common/server';
import { SessionDocuments } from './common/sessionDocument';
import { SessionTree } from './common/sessionTree';
import { readSettings } from './common/settings';
import { SessionStatusBar } from './common/statusBar';
import { RESTART_SETTINGS } from './options';

let server: HelixServer | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Helix', { log: true });
  server = new HelixServer(context, output);
  const helix: Helix = {
    server,
    output,
    statusBar: new SessionStatusBar(server),
    documents: new SessionDocuments(server, output),
    details: new SessionDetails(server, output),
    tree: new SessionTree(server, output),
    report: new ReportPanel(server, output),
  };
  const restart = (why: string) => {
    output.info(`${why}; restarting the server.`);
    void guard(output, () => helix.server.restart());
  };
  context.subscriptions.push(
    output,
    server,
    helix.statusBar,
    helix.documents,
    helix.details,
    helix.tree,
    helix.report,
    new CursorReporter(server, output),
    ...registerCommands(helix),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (RESTART_SETTINGS.some((s) => e.affectsConfiguration(s))) restart('Settings changed');
    }),
  );
  // Not awaited: activation finishes at once; commands wait for the server.
  void server.start();
  // The Python extension's selection matters only when no setting names the server or its Python.
  void onDidChangeInterpreter(() => {
    const s = readSettings();
    if (!s.serverPath.trim() && !s.pythonPath.trim()) restart('Another Python interpreter was selected');
  }).then((d) => d && context.subscriptions.push(d));
}

export async function deactivate(): Promise<void> {
  await server?.stop();
  server = undefined;
}
