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

/** One entry; an entry without a description shows its label alone. */
function entry(command: string, label: string, icon: string, description = ''): MenuEntry {
  return { command, label, icon, description };
}

export const MENU: Record<MenuId, MenuEntry> = {
  start: entry('helix.startSession', 'Start Session', 'play', 'Begin working on it'),
  pause: entry('helix.pauseSession', 'Pause Session', 'debug-pause', 'Take a break; active time stops'),
  resume: entry('helix.resumeSession', 'Resume Session', 'debug-continue', 'Pick up where you left it'),
  complete: entry('helix.completeSession', 'Complete Session', 'pass', 'Mark it done'),
  fail: entry('helix.failSession', 'Fail Session', 'error', 'Give up on it, with a reason'),
  create: entry('helix.createSession', 'Create Session…', 'add', 'Start a new focused period of work'),
  switch: entry('helix.switchSession', 'Switch Session…', 'arrow-swap', 'Work on another open session'),
  setMode: entry('helix.setMode', 'Set Mode…', 'symbol-enum', 'Planning, building, testing, …'),
  addTag: entry('helix.addTag', 'Add Tag…', 'tag'),
  removeTag: entry('helix.removeTag', 'Remove Tag…', 'close'),
  setMetadata: entry('helix.setMetadata', 'Set Metadata…', 'symbol-key', 'A key and a value, e.g. sprint = 23'),
  show: entry('helix.showSession', 'Show Session', 'info', 'All details'),
  list: entry('helix.listSessions', 'List Sessions…', 'list-unordered', 'Browse sessions by status, mode or tag'),
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
