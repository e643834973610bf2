// Reports the cursor of the focused editor to the server
// (`helix/cursorMoved`), debounced while it moves, at once when another
// editor gets the focus or the server (re)starts.

import * as vscode from 'vscode';

import { HelixServer } from './server';

const DEBOUNCE_MS = 150;

export class CursorReporter implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly server: HelixServer, private readonly output: vscode.LogOutputChannel) {
    this.disposables = [
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor === vscode.window.activeTextEditor) this.schedule(e.textEditor);
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor) this.send(editor);
      }),
      server.onDidChangeState((state) => {
        const editor = vscode.window.activeTextEditor;
        if (state.kind === 'running' && editor) this.send(editor);
      }),
    ];
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }

  private schedule(editor: vscode.TextEditor): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (vscode.window.activeTextEditor === editor) this.send(editor);
    }, DEBOUNCE_MS);
  }

  private send(editor: vscode.TextEditor): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const client = this.server.running;
    if (editor.document.uri.scheme !== 'file' || !client) return;
    const c2p = client.code2ProtocolConverter;
    const params = {
      textDocument: c2p.asTextDocumentIdentifier(editor.document),
      position: c2p.asPosition(editor.selection.active),
    };
    client.sendNotification('helix/cursorMoved', params).catch((err: unknown) =>
      this.output.warn(`helix/cursorMoved: ${err instanceof Error ? err.message : String(err)}`));
  }
}
