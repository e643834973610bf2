// "Back where you left it": reopens a session's last file at its last line
// (setting helix.restoreOnResume).

import * as fs from 'fs';
import * as vscode from 'vscode';

import { Session } from '../model';
import { restoreTarget } from '../restore';
import { readSettings } from './settings';

export async function reopenWhereLeft(session: Session): Promise<void> {
  if (!readSettings().restoreOnResume) return;
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => ({ name: f.name, fsPath: f.uri.fsPath }));
  const target = restoreTarget(session, folders);
  const file = target?.paths.find((p) => fs.existsSync(p));
  if (!target || !file) return;
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  const line = Math.min(target.line, Math.max(0, doc.lineCount - 1));
  const character = Math.min(target.character, doc.lineAt(line).text.length);
  const pos = new vscode.Position(line, character);
  editor.selection = new vscode.Selection(pos, pos);
  editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
