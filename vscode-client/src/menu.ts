// What the status-bar item's menu offers, and how each entry looks. The
// lifecycle entries are the session's `actions` as the server computed them,
// in the server's order; this module only gives them labels and icons.
// Pure: no `vscode` import.

import { LifecycleAction, Session } from './model';

export type MenuId =
  | LifecycleAction
  | 'create'
  | 'switch'
  | 'setMode'
  | 'addTag'
  | 'removeTag'
  | 'setMetadata'
  | 'show'
  | 'list';

export interface MenuEntry {
  /** The contributed VS Code command that performs it. */
  command: string;
  label: string;
  icon: string;
  description: string;
}

export const MENU: Record<MenuId, MenuEntry> = {
  start: { command: 'helix.startSession', label: 'Start Session', icon: 'play', description: 'Begin working on it' },
  pause: { command: 'helix.pauseSession', label: 'Pause Session', icon: 'debug-pause', description: 'Take a break; active time stops' },
  resume: { command: 'helix.resumeSession', label: 'Resume Session', icon: 'debug-continue', description: 'Pick up where you left it' },
  complete: { command: 'helix.completeSession', label: 'Complete Session', icon: 'pass', description: 'Mark it done' },
  fail: { command: 'helix.failSession', label: 'Fail Session', icon: 'error', description: 'Give up on it, with a reason' },
  create: { command: 'helix.createSession', label: 'Create Session…', icon: 'add', description: 'Start a new focused period of work' },
  switch: { command: 'helix.switchSession', label: 'Switch Session…', icon: 'arrow-swap', description: 'Work on another open session' },
  setMode: { command: 'helix.setMode', label: 'Set Mode…', icon: 'symbol-enum', description: 'Planning, building, testing, …' },
  addTag: { command: 'helix.addTag', label: 'Add Tag…', icon: 'tag', description: '' },
  removeTag: { command: 'helix.removeTag', label: 'Remove Tag…', icon: 'close', description: '' },
  setMetadata: { command: 'helix.setMetadata', label: 'Set Metadata…', icon: 'symbol-key', description: 'A key and a value, e.g. sprint = 23' },
  show: { command: 'helix.showSession', label: 'Show Session', icon: 'info', description: 'All details' },
  list: { command: 'helix.listSessions', label: 'List Sessions…', icon: 'list-unordered', description: 'Browse sessions by status, mode or tag' },
};

const LIFECYCLE = new Set<string>(['start', 'pause', 'resume', 'complete', 'fail']);

/** Entries that act on no particular session. */
export const NAVIGATION: readonly MenuId[] = ['create', 'switch', 'list'];

/**
 * The menu for the session in the status bar: the lifecycle actions the
 * server allows now, then editing, then navigation. Without a session:
 * create, switch, list.
 */
export function sessionMenu(session: Session | undefined): MenuId[] {
  if (!session) return [...NAVIGATION];
  const lifecycle = (session.actions ?? []).filter((a): a is LifecycleAction => LIFECYCLE.has(a));
  const editing: MenuId[] = ['setMode', 'addTag', ...((session.tags ?? []).length ? ['removeTag' as const] : []), 'setMetadata'];
  return [...lifecycle, ...editing, 'show', 'switch', 'create', 'list'];
}
