// Session Actions (a click on the status-bar item): the server's `actions`
// for the session shown, then editing and navigation.

import * as vscode from 'vscode';

import { MENU, MenuId, NAVIGATION, sessionMenu } from '../menu';
import { Helix } from '../common/helix';

export async function sessionActions(helix: Helix): Promise<void> {
  const session = helix.statusBar.current;
  const items = sessionMenu(session).map((id) => {
    const e = MENU[id];
    return { label: `$(${e.icon}) ${e.label}`, description: e.description, id } as vscode.QuickPickItem & { id: MenuId };
  });
  const pick = await vscode.window.showQuickPick(items, {
    title: session ? `Helix: ${session.name} (${session.mode}, ${session.status})` : 'Helix: no session in this project',
    placeHolder: 'Choose an action',
  });
  if (!pick) return;
  const target = NAVIGATION.includes(pick.id) ? undefined : session;
  await vscode.commands.executeCommand(MENU[pick.id].command, target);
}
