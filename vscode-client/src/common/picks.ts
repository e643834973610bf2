// Quick picks shared by the command flows: a session, a mode, and "which
// session does this command act on".

import * as vscode from 'vscode';

import { MODES, Mode, Session, SessionListResult } from '../model';
import { sessionRow } from '../view';
import { Helix } from './helix';

interface SessionItem extends vscode.QuickPickItem {
  session: Session;
}

/** The project of the focused editor's workspace folder, else of the first folder. */
export function focusedProject(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  const folder = editor ? vscode.workspace.getWorkspaceFolder(editor.document.uri) : undefined;
  return folder?.name ?? vscode.workspace.workspaceFolders?.[0]?.name;
}

export async function pickSession(sessions: Session[], title: string, placeHolder?: string): Promise<Session | undefined> {
  const items: SessionItem[] = sessions.map((s) => ({ ...sessionRow(s), session: s }));
  const pick = await vscode.window.showQuickPick(items, { title, placeHolder, matchOnDescription: true, matchOnDetail: true });
  return pick?.session;
}

export async function pickMode(title: string, current?: string): Promise<Mode | undefined> {
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { mode: Mode }>();
  qp.title = title;
  qp.placeholder = 'What kind of work is it?';
  qp.items = MODES.map((m) => ({
    label: `$(${m.icon}) ${m.mode}`,
    description: m.mode === current ? `${m.description} (current)` : m.description,
    mode: m.mode,
  }));
  const preferred = qp.items.find((i) => i.mode === (current ?? 'building'));
  if (preferred) qp.activeItems = [preferred];
  qp.ignoreFocusOut = true;
  return new Promise<Mode | undefined>((resolve) => {
    let done = false;
    qp.onDidAccept(() => {
      done = true;
      resolve(qp.selectedItems[0]?.mode ?? qp.activeItems[0]?.mode);
      qp.hide();
    });
    qp.onDidHide(() => {
      if (!done) resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}

/** The sessions that have not ended (active, paused, idle), the focused project's first. */
export async function openSessions(helix: Helix): Promise<Session[]> {
  const res = await helix.server.run<SessionListResult>('helix.session.list', { status: ['active', 'paused', 'idle'], limit: 100 });
  const sessions = res?.sessions ?? [];
  const p = focusedProject();
  return [...sessions.filter((s) => s.project === p), ...sessions.filter((s) => s.project !== p)];
}

export async function offerCreate(message: string): Promise<void> {
  const choice = await vscode.window.showInformationMessage(message, 'Create Session');
  if (choice) await vscode.commands.executeCommand('helix.createSession');
}

/**
 * The session a command acts on: the one given (from a menu), else the one
 * in the status bar, else the only open session, else the user's choice.
 * `anyStatus`: finished sessions count too (Show Session).
 */
export async function targetSession(helix: Helix, title: string, given?: Session, anyStatus = false): Promise<Session | undefined> {
  if (given?.id) return given;
  const shown = helix.statusBar.current;
  if (shown) return shown;
  let pool = await openSessions(helix);
  if (anyStatus && pool.length === 0) {
    pool = (await helix.server.run<SessionListResult>('helix.session.list', { limit: 50 }))?.sessions ?? [];
  }
  if (pool.length === 0) {
    void offerCreate(anyStatus ? 'There are no sessions yet.' : 'There is no open session.');
    return undefined;
  }
  if (pool.length === 1) return pool[0];
  return pickSession(pool, title, 'Which session?');
}
