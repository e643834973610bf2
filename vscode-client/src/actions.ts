// Which session actions are legal for which status, and what they look like
// in a quick pick. Pure: no `vscode` import.

import { Session, Status, isFinal } from './model';

/** The lifecycle transitions and the statuses they are allowed from. */
export const TRANSITIONS = {
  start: ['idle'],
  pause: ['active'],
  resume: ['paused'],
  complete: ['active', 'paused'],
  fail: ['idle', 'active', 'paused'],
} as const satisfies Record<string, readonly Status[]>;

export type Transition = keyof typeof TRANSITIONS;

export type ActionId =
  | Transition
  | 'create'
  | 'switch'
  | 'setMode'
  | 'addTag'
  | 'removeTag'
  | 'setMetadata'
  | 'show'
  | 'list';

export interface ActionInfo {
  id: ActionId;
  /** The contributed VS Code command that performs the action. */
  command: string;
  label: string;
  icon: string;
  description: string;
}

export const ACTIONS: Record<ActionId, ActionInfo> = {
  start: { id: 'start', command: 'helix.startSession', label: 'Start Session', icon: 'play', description: 'Begin working on it' },
  pause: { id: 'pause', command: 'helix.pauseSession', label: 'Pause Session', icon: 'debug-pause', description: 'Take a break; active time stops' },
  resume: { id: 'resume', command: 'helix.resumeSession', label: 'Resume Session', icon: 'debug-continue', description: 'Pick up where you left it' },
  complete: { id: 'complete', command: 'helix.completeSession', label: 'Complete Session', icon: 'pass', description: 'Mark it done' },
  fail: { id: 'fail', command: 'helix.failSession', label: 'Fail Session', icon: 'error', description: 'Give up on it, with a reason' },
  create: { id: 'create', command: 'helix.createSession', label: 'Create Session…', icon: 'add', description: 'Start a new focused period of work' },
  switch: { id: 'switch', command: 'helix.switchSession', label: 'Switch Session…', icon: 'arrow-swap', description: 'Work on another open session' },
  setMode: { id: 'setMode', command: 'helix.setMode', label: 'Set Mode…', icon: 'symbol-enum', description: 'Planning, building, testing, …' },
  addTag: { id: 'addTag', command: 'helix.addTag', label: 'Add Tag…', icon: 'tag', description: '' },
  removeTag: { id: 'removeTag', command: 'helix.removeTag', label: 'Remove Tag…', icon: 'close', description: '' },
  setMetadata: { id: 'setMetadata', command: 'helix.setMetadata', label: 'Set Metadata…', icon: 'symbol-key', description: 'A key and a value, e.g. sprint = 23' },
  show: { id: 'show', command: 'helix.showSession', label: 'Show Session', icon: 'info', description: 'All details' },
  list: { id: 'list', command: 'helix.listSessions', label: 'List Sessions…', icon: 'list-unordered', description: 'Browse sessions by status, mode or tag' },
};

/** Whether a lifecycle transition is allowed from `status`. */
export function canTransition(action: Transition, status: string | undefined): boolean {
  if (status === undefined) return false;
  return (TRANSITIONS[action] as readonly string[]).includes(status);
}

/**
 * The actions a user can take now, in the order a quick pick shows them:
 * lifecycle transitions legal for the session's status first, then editing
 * (not on a finished session), then navigation.
 */
export function legalActions(session: Session | undefined): ActionId[] {
  if (!session) return ['create', 'switch', 'list'];
  const out: ActionId[] = [];
  for (const t of ['start', 'resume', 'pause', 'complete', 'fail'] as const) {
    if (canTransition(t, session.status)) out.push(t);
  }
  if (!isFinal(session.status)) {
    out.push('setMode', 'addTag');
    if ((session.tags ?? []).length > 0) out.push('removeTag');
    out.push('setMetadata');
  }
  out.push('show', 'switch', 'create', 'list');
  return out;
}

/**
 * Picks the session an action applies to without asking: the current one
 * when the action is legal for it, else the only candidate whose status
 * allows it. Otherwise the candidates the user chooses from, in the order
 * given (empty: nothing to act on).
 */
export function targetFor(
  action: Transition,
  current: Session | undefined,
  candidates: Session[],
): { session: Session } | { choices: Session[] } {
  if (current && canTransition(action, current.status)) return { session: current };
  const choices = candidates.filter((s) => canTransition(action, s.status));
  if (choices.length === 1) return { session: choices[0] };
  return { choices };
}

/** The statuses whose sessions a transition can act on (for the list query). */
export function statusesFor(action: Transition): Status[] {
  return [...TRANSITIONS[action]];
}
