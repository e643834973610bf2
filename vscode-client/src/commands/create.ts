// Create Session: name, mode, project, tags; then offers Start. What was
// typed goes to the server as typed; when it refuses (a name too long, a tag
// with a space), its sentence is shown with "Edit", which brings the same
// answers back to correct.

import * as vscode from 'vscode';

import { CreateInput, createParams } from '../args';
import { Session } from '../model';
import { Helix } from '../common/helix';
import { focusedProject, pickMode } from '../common/picks';
import { Refused } from '../common/server';
import { guard } from '../common/errors';
import { transition } from './lifecycle';

const STEPS = 4;

async function ask(previous?: CreateInput): Promise<CreateInput | undefined> {
  const name = await vscode.window.showInputBox({
    title: `Create Session (1/${STEPS})`,
    prompt: 'Name the session after the work, e.g. implement-user-auth',
    placeHolder: 'implement-user-auth',
    value: previous?.name,
    ignoreFocusOut: true,
  });
  if (name === undefined) return undefined;
  const mode = await pickMode(`Create Session (2/${STEPS}): mode of '${name.trim()}'`, previous?.mode);
  if (!mode) return undefined;
  const project = await vscode.window.showInputBox({
    title: `Create Session (3/${STEPS}): project`,
    prompt: 'The project this session belongs to (one active session per project)',
    value: previous?.project ?? focusedProject() ?? '',
    ignoreFocusOut: true,
  });
  if (project === undefined) return undefined;
  const tags = await vscode.window.showInputBox({
    title: `Create Session (4/${STEPS}): tags (optional)`,
    prompt: 'Tags separated by commas, e.g. authentication, backend; leave empty for none',
    value: previous?.tags,
    ignoreFocusOut: true,
  });
  if (tags === undefined) return undefined;
  return { name, mode, project, tags };
}

export async function createSession(helix: Helix): Promise<void> {
  let input: CreateInput | undefined;
  for (;;) {
    input = await ask(input);
    if (!input) return;
    try {
      const session = await helix.server.request<Session>('helix.session.create', createParams(input));
      offerStart(helix, session);
      return;
    } catch (err) {
      if (!(err instanceof Refused)) throw err;
      const choice = await vscode.window.showErrorMessage(err.message, 'Edit');
      if (choice !== 'Edit') return;
    }
  }
}

function offerStart(helix: Helix, session: Session): void {
  void vscode.window
    .showInformationMessage(`Created session '${session.name}' (${session.mode}) in ${session.project}.`, 'Start')
    .then((choice) => {
      // Clicked later, the server says whether it can still start.
      if (choice === 'Start') void guard(helix.output, () => transition(helix, 'start', session));
    });
}
