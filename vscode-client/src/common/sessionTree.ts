// The Helix view in the activity bar: the tree of src/tree.ts, kept in step
// with the server. The current session comes with every `helix/status` push;
// the recent sessions and today's report are asked for again after a push
// (debounced, and only while the view is visible). No polling.

import * as vscode from 'vscode';

import { Session, SessionListResult, StatusParams } from '../model';
import { TodayReport, TreeNode, buildTree } from '../tree';
import { errorMessage } from './errors';
import { HelixServer } from './server';

export const VIEW_ID = 'helix.sessions';
/** Pushes closer together than this cause one refresh. */
const DEBOUNCE_MS = 400;
const RECENT_LIMIT = 50;
const REPORT = 'helix.session.report';

/** The user's IANA time zone, when the runtime knows it. */
export function localZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

export class SessionTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<TreeNode>;
  private readonly disposables: vscode.Disposable[];
  private current: Session | null = null;
  private receivedAt = Date.now();
  private recent: Session[] = [];
  private today: TodayReport | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** A push came while the view was hidden: refresh when it shows. */
  private stale = true;

  constructor(private readonly server: HelixServer, private readonly output: vscode.LogOutputChannel) {
    this.view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.disposables = [
      this.changed,
      this.view,
      server.onStatus((params: StatusParams) => {
        this.current = params?.current ?? null;
        this.receivedAt = Date.now();
        this.changed.fire(undefined); // the current session at once
        this.schedule();
      }),
      server.onDidChangeState(() => this.changed.fire(undefined)),
      this.view.onDidChangeVisibility((e) => {
        if (e.visible && this.stale) this.schedule();
      }),
      { dispose: () => clearTimeout(this.timer) },
    ];
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** Asks the server again soon (one request for a burst of pushes). */
  schedule(): void {
    this.stale = true;
    if (!this.view.visible) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reload(), DEBOUNCE_MS);
  }

  /** Reads the recent sessions and today's report now. */
  async reload(): Promise<void> {
    if (!this.server.running) return;
    this.stale = false;
    try {
      const list = await this.server.request<SessionListResult>('helix.session.list', { limit: RECENT_LIMIT });
      this.recent = list?.sessions ?? [];
      this.today = this.server.supports(REPORT)
        ? await this.server.request<TodayReport>(REPORT, { since: '1d', tz: localZone() })
        : undefined;
    } catch (err) {
      this.output.warn(`Refreshing the Helix view: ${errorMessage(err)}`);
    }
    this.changed.fire(undefined);
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (node) return node.children ?? [];
    const state = this.server.state.kind;
    if (state === 'starting') return [];
    return buildTree({
      current: this.current,
      receivedAt: this.receivedAt,
      today: this.today,
      recent: this.recent,
      running: state === 'running',
      reports: this.server.supports(REPORT),
    });
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const collapsible = node.children?.length
      ? node.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed
      : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(node.label, collapsible);
    item.id = node.id;
    item.description = node.description;
    if (node.tooltip) item.tooltip = new vscode.MarkdownString(node.tooltip, true);
    item.iconPath = new vscode.ThemeIcon(node.icon, node.iconColor ? new vscode.ThemeColor(node.iconColor) : undefined);
    item.contextValue = node.contextValue ?? node.kind;
    if (node.session) {
      item.command = { command: 'helix.sessionDetails', title: 'Show Session Details', arguments: [node.session] };
      item.accessibilityInformation = { label: `${node.label}, ${node.session.mode}, ${node.session.status}` };
    } else if (node.command) {
      item.command = { command: node.command, title: node.label };
    }
    return item;
  }
}
