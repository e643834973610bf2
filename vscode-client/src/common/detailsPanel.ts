// Session details in a webview that follows its session: after every
// `helix/status` push each open panel asks `helix.session.get` (and
// `helix.session.history`, when the server offers it) again and redraws, so
// a session completed anywhere reads "completed". Its buttons are the
// session's `actions`, run as the palette commands with this session.

import { randomBytes } from 'crypto';
import * as vscode from 'vscode';

import { Session } from '../model';
import { HistoryRow, detailsPage, historyRows } from '../pages';
import { errorMessage } from './errors';
import { HelixServer } from './server';

const VIEW_TYPE = 'helix.session';
const HISTORY = 'helix.session.history';
/** The buttons of the page and the commands they run. */
const BUTTON_COMMANDS: Record<string, string> = {
  start: 'helix.startSession',
  pause: 'helix.pauseSession',
  resume: 'helix.resumeSession',
  complete: 'helix.completeSession',
  fail: 'helix.failSession',
  setMode: 'helix.setMode',
  addTag: 'helix.addTag',
  setMetadata: 'helix.setMetadata',
};

export function nonce(): string {
  return randomBytes(18).toString('base64url');
}

class DetailsPanel {
  private html = '';
  private refreshing: Promise<void> = Promise.resolve();

  constructor(readonly panel: vscode.WebviewPanel, public session: Session, private readonly server: HelixServer,
    private readonly output: vscode.LogOutputChannel) {
    panel.webview.onDidReceiveMessage((msg: { action?: unknown }) => {
      const command = typeof msg?.action === 'string' ? BUTTON_COMMANDS[msg.action] : undefined;
      if (command) void vscode.commands.executeCommand(command, this.session);
    });
  }

  /** Reads the session (and its history) again and redraws when anything changed; one read at a time. */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(() => this.read()).catch((err) => {
      this.output.warn(`Refreshing the details of '${this.session.name}': ${errorMessage(err)}`);
    });
    return this.refreshing;
  }

  private async read(): Promise<void> {
    if (!this.server.running) return;
    const session = await this.server.request<Session | null>('helix.session.get', { session: this.session.id });
    let history: HistoryRow[] | undefined;
    if (session && this.server.supports(HISTORY)) {
      try {
        history = historyRows(await this.server.request<unknown>(HISTORY, { session: session.id }));
      } catch {
        history = undefined; // a server without history: the section stays out
      }
    }
    this.draw(session, history);
  }

  draw(session: Session | null, history?: HistoryRow[]): void {
    if (session) this.session = session;
    this.panel.title = `${this.session.name}${session ? ` · ${session.status}` : ' · gone'}`;
    const key = JSON.stringify([session, history]);
    if (key === this.html) return; // unchanged: keep the page (and its scroll position)
    this.html = key;
    this.panel.webview.html = detailsPage(session, { nonce: nonce(), history });
  }
}

export class SessionDetails implements vscode.Disposable {
  private readonly panels = new Map<string, DetailsPanel>();
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly server: HelixServer, private readonly output: vscode.LogOutputChannel) {
    this.disposables = [server.onStatus(() => {
      for (const p of this.panels.values()) void p.refresh();
    })];
  }

  dispose(): void {
    for (const p of this.panels.values()) p.panel.dispose();
    for (const d of this.disposables) d.dispose();
  }

  /** Opens (or brings forward) the details of `session`, drawn at once and then read again. */
  async show(session: Session): Promise<void> {
    let details = this.panels.get(session.id);
    if (details) {
      details.panel.reveal();
    } else {
      const panel = vscode.window.createWebviewPanel(VIEW_TYPE, session.name, vscode.ViewColumn.Active, {
        enableScripts: true,
        localResourceRoots: [],
      });
      details = new DetailsPanel(panel, session, this.server, this.output);
      this.panels.set(session.id, details);
      panel.onDidDispose(() => this.panels.delete(session.id));
      details.draw(session);
    }
    await details.refresh();
  }
}
