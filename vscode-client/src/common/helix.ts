// What every command flow works with: the server, the status bar, the
// session documents, the log.

import * as vscode from 'vscode';

import { SessionDocuments } from './sessionDocument';
import { HelixServer } from './server';
import { SessionStatusBar } from './statusBar';

export interface Helix {
  readonly server: HelixServer;
  readonly statusBar: SessionStatusBar;
  readonly documents: SessionDocuments;
  readonly output: vscode.LogOutputChannel;
}
