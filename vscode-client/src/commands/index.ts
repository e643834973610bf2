// The palette commands, each bound to its flow.

import * as vscode from 'vscode';

import { Session } from '../model';
import { guard } from '../common/errors';
import { Helix } from '../common/helix';
import { listSessions, showSession, showSessionDetails } from './browse';
import { createSession } from './create';
import { addTag, removeTag, setMetadata, setMode } from './edit';
import { exportSessions } from './export';
import { transition } from './lifecycle';
import { sessionActions } from './sessionActions';
import { switchSession } from './switch';

/**
 * The session a command was given: a session (status-bar menu, details
 * page) or a row of the Helix view (inline and context-menu actions).
 */
export function givenSession(arg: unknown): Session | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const row = arg as { session?: Session; id?: unknown };
  if (row.session && typeof row.session.id === 'string') return row.session;
  return typeof row.id === 'string' && 'status' in row ? (arg as Session) : undefined;
}

export function registerCommands(helix: Helix): vscode.Disposable[] {
  const flows: Record<string, (s?: Session) => unknown> = {
    'helix.createSession': () => createSession(helix),
    'helix.startSession': (s) => transition(helix, 'start', s),
    'helix.pauseSession': (s) => transition(helix, 'pause', s),
    'helix.resumeSession': (s) => transition(helix, 'resume', s),
    'helix.completeSession': (s) => transition(helix, 'complete', s),
    'helix.failSession': (s) => transition(helix, 'fail', s),
    'helix.switchSession': () => switchSession(helix),
    'helix.setMode': (s) => setMode(helix, s),
    'helix.addTag': (s) => addTag(helix, s),
    'helix.removeTag': (s) => removeTag(helix, s),
    'helix.setMetadata': (s) => setMetadata(helix, s),
    'helix.showSession': (s) => showSession(helix, s),
    'helix.sessionDetails': (s) => showSessionDetails(helix, s),
    'helix.showReport': () => helix.report.show(),
    'helix.reportRange': () => helix.report.chooseRange(),
    'helix.reportProject': () => helix.report.chooseProject(),
    'helix.reportRefresh': () => helix.report.show(),
    'helix.refreshView': () => helix.tree.reload(),
    'helix.listSessions': () => listSessions(helix),
    'helix.exportSessions': () => exportSessions(helix),
    'helix.sessionActions': () => sessionActions(helix),
    'helix.showLog': () => helix.output.show(true),
    'helix.restartServer': async () => {
      await helix.server.restart();
      if (helix.server.running) vscode.window.setStatusBarMessage('$(check) Helix server restarted', 3000);
    },
  };
  return Object.entries(flows).map(([id, flow]) =>
    vscode.commands.registerCommand(id, (arg?: unknown) => guard(helix.output, () => flow(givenSession(arg)))));
}
