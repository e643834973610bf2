// Start, Pause, Resume, Complete, Fail. Without a session from a menu, the
// command acts on the session in the status bar when the server allows the
// action for it (its `actions`), else it leaves the choice to the server
// (the current project's current session; for Start, its newest idle one),
// which refuses with a sentence when there is none.

import * as vscode from 'vscode';

import { sessionParams } from '../args';
import { LifecycleAction, Session, TransitionResult, allows } from '../model';
import { formatDuration } from '../view';
import { Helix } from '../common/helix';
import { offerCreate } from '../common/picks';
import { Refused } from '../common/server';
import { Shown } from '../common/errors';
import { reopenWhereLeft } from '../common/reopen';

/** Runs `action` on the given session, the one shown, or the server's choice. */
export async function transition(helix: Helix, action: LifecycleAction, given?: Session): Promise<void> {
  const shown = helix.statusBar.current;
  const target = given?.id ? given : allows(shown, action) ? shown : undefined;
  let reason: string | undefined;
  if (action === 'fail') {
    reason = await vscode.window.showInputBox({
      title: target ? `Fail Session '${target.name}'` : 'Fail Session',
      prompt: 'Why did it fail?',
      placeHolder: 'Tests failed, need to redesign',
      ignoreFocusOut: true,
    });
    if (reason === undefined) return;
  }
  let result: TransitionResult;
  try {
    result = await helix.server.request<TransitionResult>(
      `helix.session.${action}`,
      sessionParams(target?.id, reason === undefined ? {} : { reason: reason.trim() }),
    );
  } catch (err) {
    if (!(err instanceof Refused)) throw err;
    if (err.kind === 'not_found' && !target) void offerCreate(err.message);
    else void vscode.window.showErrorMessage(err.message);
    throw new Shown();
  }
  const session = result.session;
  const paused = (result.paused ?? []).map((s) => `'${s.name}'`);
  if (paused.length) {
    const verb = action === 'start' ? 'Started' : 'Resumed';
    void vscode.window.showInformationMessage(`${verb} '${session.name}'; paused ${paused.join(', ')} (one active session per project).`);
  } else if (action === 'complete') {
    void vscode.window.showInformationMessage(`Completed '${session.name}' after ${formatDuration(session.activeSeconds)} of active time.`);
  } else if (action === 'fail') {
    void vscode.window.showInformationMessage(`Marked '${session.name}' as failed.`);
  }
  if (action === 'resume') await reopenWhereLeft(session);
}
