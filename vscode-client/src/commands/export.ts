// Export Sessions: every session as a JSON snapshot, to a file the user
// chooses (proposed in the home folder, not inside a repository).

import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';

import { Helix } from '../common/helix';

function countSessions(snapshot: unknown): number | undefined {
  const sessions = (snapshot as { sessions?: unknown } | null)?.sessions;
  return Array.isArray(sessions) ? sessions.length : undefined;
}

export async function exportSessions(helix: Helix): Promise<void> {
  const snapshot = await helix.server.run<unknown>('helix.session.export', { all: true });
  const name = `helix-sessions-${new Date().toISOString().slice(0, 10)}.json`;
  const uri = await vscode.window.showSaveDialog({
    title: 'Export Sessions',
    defaultUri: vscode.Uri.file(path.join(os.homedir(), name)),
    filters: { JSON: ['json'] },
    saveLabel: 'Export',
  });
  if (!uri) return;
  await vscode.workspace.fs.writeFile(uri, Buffer.from(JSON.stringify(snapshot, null, 2) + '\n', 'utf8'));
  const count = countSessions(snapshot);
  const what = count === undefined ? 'sessions' : `${count} session${count === 1 ? '' : 's'}`;
  void vscode.window.showInformationMessage(`Exported ${what} to ${uri.fsPath}.`);
}
