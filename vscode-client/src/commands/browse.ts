// Show Session (a document that follows the session), Show Session Details
// (a webview that follows it) and List Sessions (filter, then pick one to show).

import * as vscode from 'vscode';

import { ListFilter, listParams } from '../args';
import { MODES, STATUSES, Session, SessionListResult, modeIcon, statusIcon } from '../model';
import { Helix } from '../common/helix';
import { pickSession, targetSession } from '../common/picks';

export async function showSession(helix: Helix, given?: Session): Promise<void> {
  const target = await targetSession(helix, 'Show Session', given, true);
  if (target) await helix.documents.show(target);
}

/** The details of a session in a webview that follows it (a click in the Helix view). */
export async function showSessionDetails(helix: Helix, given?: Session): Promise<void> {
  const target = await targetSession(helix, 'Show Session Details', given, true);
  if (target) await helix.details.show(target);
}

type FilterItem = vscode.QuickPickItem & { filter?: ListFilter; askTag?: boolean };

function filterItems(): FilterItem[] {
  return [
    { label: '$(list-unordered) All sessions', filter: { kind: 'all' } },
    { label: 'Status', kind: vscode.QuickPickItemKind.Separator },
    ...STATUSES.map((s): FilterItem => ({ label: `$(${statusIcon(s)}) ${s}`, description: 'status', filter: { kind: 'status', value: s } })),
    { label: 'Mode', kind: vscode.QuickPickItemKind.Separator },
    ...MODES.map((m): FilterItem => ({ label: `$(${modeIcon(m.mode)}) ${m.mode}`, description: 'mode', filter: { kind: 'mode', value: m.mode } })),
    { label: 'Tag', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(tag) With tag…', askTag: true },
  ];
}

export async function listSessions(helix: Helix): Promise<void> {
  const pick = await vscode.window.showQuickPick(filterItems(), { title: 'List Sessions', placeHolder: 'Show which sessions?' });
  if (!pick) return;
  let filter = pick.filter;
  if (pick.askTag) {
    const tag = await vscode.window.showInputBox({ title: 'List Sessions with tag' });
    if (tag === undefined) return;
    filter = { kind: 'tag', value: tag.trim() };
  }
  if (!filter) return;
  const res = await helix.server.run<SessionListResult>('helix.session.list', listParams(filter));
  const sessions = res?.sessions ?? [];
  const which = filter.kind === 'all' ? '' : ` with ${filter.kind} ${filter.value}`;
  if (!sessions.length) {
    void vscode.window.showInformationMessage(`No sessions${which}.`);
    return;
  }
  const total = res.total ?? sessions.length;
  const chosen = await pickSession(
    sessions,
    `${total} ${total === 1 ? 'session' : 'sessions'}${which}${total > sessions.length ? ` (newest ${sessions.length} shown)` : ''}`,
    'Choose one to see its details',
  );
  if (chosen) await helix.documents.show(chosen);
}
