// What every command flow works with: the server, the status bar, the
// session documents and details, the Helix view, the report, the log.

import * as vscode from 'vscode';

import { SessionDetails } from './detailsPanel';
import { ReportPanel } from './reportPanel';
import { SessionDocuments } from './sessionDocument';
import { HelixServer } from './server';
import { SessionTree } from './sessionTree';
import { SessionStatusBar } from './statusBar';

export interface Helix {
  readonly server: HelixServer;
  readonly statusBar: SessionStatusBar;
  readonly documents: SessionDocuments;
  readonly details: SessionDetails;
  readonly tree: SessionTree;
  readonly report: ReportPanel;
  readonly output: vscode.LogOutputChannel;
}
