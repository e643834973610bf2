// Reads the `helix.*` settings.

import * as vscode from 'vscode';

import { HelixSettings } from '../options';

export function readSettings(): HelixSettings {
  const c = vscode.workspace.getConfiguration('helix');
  return {
    dbPath: c.get<string>('dbPath', ''),
    exclude: c.get<string[]>('exclude', []),
    hideFileNames: c.get<boolean>('hideFileNames', false),
    autoPauseMinutes: c.get<number>('autoPauseMinutes', 0),
    serverPath: c.get<string>('server.path', ''),
    pythonPath: c.get<string>('server.pythonPath', ''),
    restoreOnResume: c.get<boolean>('restoreOnResume', true),
  };
}
