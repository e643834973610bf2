// The status-bar item: the server's `current` session as `helix/status`
// pushes it, or the server's state while it is not running. No request of
// its own: everything shown comes with the push.

import * as vscode from 'vscode';

import { Session, StoreState } from '../model';
import { StatusBarView, serverStateView, statusBarView } from '../view';
import { HelixServer, ServerState } from './server';

/** How often the tooltip's active time is brought up to date while a session is active. */
const TICK_MS = 30_000;

export class SessionStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private session: Session | undefined;
  private store: StoreState | null | undefined;
  private receivedAt = Date.now();

  constructor(server: HelixServer) {
    this.item = vscode.window.createStatusBarItem('helix.session', vscode.StatusBarAlignment.Left, 100);
    this.item.name = 'Helix Session';
    this.showServerState(server.state);
    this.item.show();
    const ticker = setInterval(() => {
      if (this.session?.status === 'active') this.showSession();
    }, TICK_MS);
    this.disposables.push(
      this.item,
      { dispose: () => clearInterval(ticker) },
      server.onDidChangeState((state) => this.showServerState(state)),
      server.onStatus((params) => {
        this.session = params?.current ?? undefined;
        this.store = params?.store;
        this.receivedAt = Date.now();
        this.showSession();
      }),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** The session shown: the server's current session of the current project. */
  get current(): Session | undefined {
    return this.session;
  }

  private showServerState(state: ServerState): void {
    if (state.kind === 'running') return; // the first push follows
    this.session = undefined;
    this.render(state.kind === 'starting' ? serverStateView('starting') : serverStateView('error', state.detail));
  }

  private showSession(): void {
    this.render(statusBarView(this.session, { receivedAt: this.receivedAt, store: this.store }));
  }

  private render(view: StatusBarView): void {
    this.item.text = view.text;
    this.item.tooltip = new vscode.MarkdownString(view.tooltip, true);
    this.item.accessibilityInformation = { label: view.accessibilityLabel, role: 'button' };
    this.item.backgroundColor =
      view.look === 'paused'
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : view.look === 'error'
          ? new vscode.ThemeColor('statusBarItem.errorBackground')
          : undefined;
    this.item.command = view.look === 'error' ? 'helix.showLog' : view.look === 'starting' ? undefined : 'helix.sessionActions';
  }
}
