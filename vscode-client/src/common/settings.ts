// Reads the `helix.*` settings.

import * as vscode from 'vscode';

import { HelixSettings, IdleResume } from '../options';

/** A setting's value only when the user (or workspace) set it; undefined for the default. */
function userValue<T>(c: vscode.WorkspaceConfiguration, key: string): T | undefined {
  const i = c.inspect<T>(key);
  return i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
}

export function readSettings(): HelixSettings {
  const c = vscode.workspace.getConfiguration('helix');
  return {
    dbPath: c.get<string>('dbPath', ''),
    exclude: c.get<string[]>('exclude', []),
    hideFileNames: c.get<boolean>('hideFileNames', false),
    idleMinutes: userValue<number>(c, 'idleMinutes'),
    autoPauseMinutes: userValue<number>(c, 'autoPauseMinutes'),
    idleResume: c.get<IdleResume>('idleResume', 'ask'),
    owner: c.get<string>('owner', ''),
    serverPath: c.get<string>('server.path', ''),
    pythonPath: c.get<string>('server.pythonPath', ''),
    restoreOnResume: c.get<boolean>('restoreOnResume', true),
  };
}
