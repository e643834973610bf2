// Set Mode, Add Tag, Remove Tag, Set Metadata on one session. Typed values
// go to the server trimmed and nothing more; it explains a refusal.

import * as vscode from 'vscode';

import { sessionParams } from '../args';
import { Session } from '../model';
import { Helix } from '../common/helix';
import { pickMode, targetSession } from '../common/picks';

export async function setMode(helix: Helix, given?: Session): Promise<void> {
  const target = await targetSession(helix, 'Set Mode', given);
  if (!target) return;
  const mode = await pickMode(`Set Mode of '${target.name}'`, target.mode);
  if (!mode || mode === target.mode) return;
  await helix.server.run<Session>('helix.session.setMode', sessionParams(target.id, { mode }));
}

export async function addTag(helix: Helix, given?: Session): Promise<void> {
  const target = await targetSession(helix, 'Add Tag', given);
  if (!target) return;
  const tags = target.tags ?? [];
  const tag = await vscode.window.showInputBox({
    title: `Add Tag to '${target.name}'`,
    prompt: tags.length ? `Current tags: ${tags.join(', ')}` : 'e.g. authentication',
    ignoreFocusOut: true,
  });
  if (tag === undefined) return;
  await helix.server.run<Session>('helix.session.addTag', sessionParams(target.id, { tag: tag.trim() }));
}

export async function removeTag(helix: Helix, given?: Session): Promise<void> {
  const target = await targetSession(helix, 'Remove Tag', given);
  if (!target) return;
  const tags = target.tags ?? [];
  if (!tags.length) {
    void vscode.window.showInformationMessage(`'${target.name}' has no tags.`);
    return;
  }
  const pick = await vscode.window.showQuickPick(
    tags.map((t) => ({ label: `$(tag) ${t}`, tag: t })),
    { title: `Remove Tag from '${target.name}'` },
  );
  if (!pick) return;
  await helix.server.run<Session>('helix.session.removeTag', sessionParams(target.id, { tag: pick.tag }));
}

export async function setMetadata(helix: Helix, given?: Session): Promise<void> {
  const target = await targetSession(helix, 'Set Metadata', given);
  if (!target) return;
  const existing = Object.keys(target.metadata ?? {});
  const key = await vscode.window.showInputBox({
    title: `Set Metadata on '${target.name}' (1/2): key`,
    prompt: existing.length ? `Existing keys: ${existing.join(', ')}` : 'e.g. sprint, ticket, reviewer',
    ignoreFocusOut: true,
  });
  if (key === undefined) return;
  const k = key.trim();
  const value = await vscode.window.showInputBox({
    title: `Set Metadata on '${target.name}' (2/2): value of '${k}'`,
    value: target.metadata?.[k] ?? '',
    prompt: 'e.g. 23; leave empty to remove the key',
    ignoreFocusOut: true,
  });
  if (value === undefined) return;
  await helix.server.run<Session>('helix.session.setMetadata', sessionParams(target.id, { key: k, value: value === '' ? null : value }));
}
