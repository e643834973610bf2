// The read-only "Show Session" documents (`helix-session:` URIs). Each one
// follows its session: on every `helix/status` push the open ones are asked
// for again, so a session completed from the palette, the command line or
// another window reads "completed" without reopening the document.

import * as vscode from 'vscode';

import { Session } from '../model';
import { sessionDetails } from '../view';
import { errorMessage } from './errors';
import { HelixServer } from './server';

const SESSION_SCHEME = 'helix-session';

export class SessionDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  /** The last content of each document, kept when the server cannot be asked. */
  private readonly last = new Map<string, string>();
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly server: HelixServer, private readonly output: vscode.LogOutputChannel) {
    this.disposables = [
      this.changed,
      vscode.workspace.registerTextDocumentContentProvider(SESSION_SCHEME, this),
      server.onStatus(() => this.refreshOpen()),
      vscode.workspace.onDidCloseTextDocument((doc) => this.last.delete(doc.uri.toString())),
    ];
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  static uriFor(session: Session): vscode.Uri {
    return vscode.Uri.from({ scheme: SESSION_SCHEME, path: `/${session.name.replace(/[\\/]/g, '_')}.md`, query: session.id });
  }

  /** Opens (or brings forward and refreshes) the document of `session`. */
  async show(session: Session): Promise<void> {
    const uri = SessionDocuments.uriFor(session);
    this.last.set(uri.toString(), sessionDetails(session));
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const key = uri.toString();
    if (this.server.running) {
      try {
        const session = await this.server.request<Session | null>('helix.session.get', { session: uri.query });
        this.last.set(key, session ? sessionDetails(session) : 'This session no longer exists.\n');
      } catch (err) {
        this.output.warn(`Refreshing ${uri.path}: ${errorMessage(err)}`);
      }
    }
    return this.last.get(key) ?? '';
  }

  private refreshOpen(): void {
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme === SESSION_SCHEME && !doc.isClosed) this.changed.fire(doc.uri);
    }
  }
}
