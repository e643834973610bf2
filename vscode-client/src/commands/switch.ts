// Switch Session: pick any open session; an idle one starts, a paused one
// resumes (what the server's `actions` offer), and its last file reopens.

import * as vscode from 'vscode';

import { sessionParams } from '../args';
import { Session, TransitionResult, allows } from '../model';
import { Helix } from '../common/helix';
import { offerCreate, openSessions, pickSession } from '../common/picks';
import { reopenWhereLeft } from '../common/reopen';

export async function switchSession(helix: Helix): Promise<void> {
  const shownId = helix.statusBar.current?.id;
  const choices = (await openSessions(helix)).filter((s) => s.id !== shownId);
  if (choices.length === 0) {
    void offerCreate('There is no other open session to switch to.');
    return;
  }
  const target = await pickSession(choices, 'Switch Session', 'Work on which session? (idle ones start, paused ones resume)');
  if (!target) return;
  let session: Session = target;
  const action = allows(target, 'start') ? 'start' : allows(target, 'resume') ? 'resume' : undefined;
  if (action) {
    const result = await helix.server.run<TransitionResult>(`helix.session.${action}`, sessionParams(target.id));
    session = result.session;
    const paused = (result.paused ?? []).map((s) => `'${s.name}'`);
    if (paused.length) void vscode.window.showInformationMessage(`Switched to '${session.name}'; paused ${paused.join(', ')}.`);
  }
  await reopenWhereLeft(session);
}
