// Reports where the user works to the server (`helix/cursorMoved`),
// debounced while the cursor moves. Only the user's own movement and edits
// are reported: a selection VS Code sets by itself (restoring the cursor of
// a reopened file, or an editor that gets the focus) carries no change kind
// and is not sent, and opening or focusing a document sends nothing, so the
// session's recorded place is never overwritten by what the editor restores.

import * as vscode from 'vscode';

import { HelixServer } from './server';

const DEBOUNCE_MS = 150;

export class CursorReporter implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly server: HelixServer, private readonly output: vscode.LogOutputChannel) {
    this.disposables = [
      vscode.window.onDidChangeTextEditorSelection((e) => {
        // kind: Keyboard, Mouse or Command; undefined when VS Code moved it itself.
        if (e.kind !== undefined && e.textEditor === vscode.window.activeTextEditor) this.schedule(e.textEditor);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        const editor = vscode.window.activeTextEditor;
        if (editor?.document === e.document && e.contentChanges.length && isUserEdit(e)) this.schedule(editor);
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

/**
 * An edit in the focused editor counts as the user's: typing leaves the
 * document dirty, undo and redo say so; a document reloaded from disk
 * because it changed there is neither.
 */
function isUserEdit(e: vscode.TextDocumentChangeEvent): boolean {
  return e.document.isDirty || e.reason !== undefined;
}
