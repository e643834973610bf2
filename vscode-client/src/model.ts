// The session objects and notifications of the helix-lsp protocol, and the
// fixed vocabulary (modes, statuses). Which lifecycle actions are legal, and
// which session is current, come from the server (`actions`, `current`).
// Pure: no `vscode` import.

export type Mode = 'planning' | 'building' | 'testing' | 'refactoring' | 'debugging' | 'deployment';
export type Status = 'idle' | 'active' | 'paused' | 'completed' | 'failed';
export type LifecycleAction = 'start' | 'pause' | 'resume' | 'complete' | 'fail';

/** A session as the server sends it (camelCase JSON). */
export interface Session {
  id: string;
  name: string;
  mode: Mode | string;
  status: Status | string;
  project: string;
  description?: string | null;
  tags?: string[];
  metadata?: Record<string, string>;
  context?: Record<string, string>;
  createdAt?: string | null;
  updatedAt?: string | null;
  startedAt?: string | null;
  lastPausedAt?: string | null;
  /** The session's latest activity (a cursor move, an edit, a command on it). */
  lastActivityAt?: string | null;
  /** When the session was paused because nobody was working on it (its last activity); null otherwise. */
  awaySince?: string | null;
  endedAt?: string | null;
  failureReason?: string | null;
  durationSeconds?: number | null;
  activeSeconds?: number | null;
  /** The lifecycle actions legal now, computed by the server. */
  actions?: (LifecycleAction | string)[];
}

/** The store's reachability, when the server reports it. */
export interface StoreState {
  online: boolean;
  message?: string | null;
}

/** Params of the server -> client notification `helix/status`. */
export interface StatusParams {
  active: Session | null;
  /** The current project's current session: active, else last paused, else the idle one start would take. */
  current: Session | null;
  sessions: Session[];
  store?: StoreState | null;
}

/** Result of start / pause / resume / complete / fail. */
export interface TransitionResult {
  session: Session;
  paused?: Session[];
}

export interface SessionListResult {
  sessions: Session[];
  total: number;
}

export interface ModeInfo {
  mode: Mode;
  icon: string;
  description: string;
}

export const MODES: readonly ModeInfo[] = [
  { mode: 'planning', icon: 'checklist', description: 'Designing, scoping and breaking the work down' },
  { mode: 'building', icon: 'tools', description: 'Writing new code and features' },
  { mode: 'testing', icon: 'beaker', description: 'Writing and running tests' },
  { mode: 'refactoring', icon: 'wand', description: 'Restructuring code without changing behaviour' },
  { mode: 'debugging', icon: 'debug', description: 'Hunting down and fixing a bug' },
  { mode: 'deployment', icon: 'rocket', description: 'Releasing, shipping and operating' },
];

export const STATUSES: readonly Status[] = ['idle', 'active', 'paused', 'completed', 'failed'];

/** Codicon name for a mode (a neutral icon for an unknown one). */
export function modeIcon(mode: string): string {
  return MODES.find((m) => m.mode === mode)?.icon ?? 'circle-filled';
}

const STATUS_ICONS: Record<Status, string> = {
  idle: 'circle-outline',
  active: 'play-circle',
  paused: 'debug-pause',
  completed: 'pass',
  failed: 'error',
};

export function statusIcon(status: string): string {
  return STATUS_ICONS[status as Status] ?? 'circle-outline';
}

/** Whether the server says `action` is legal for `session` now. */
export function allows(session: Session | undefined, action: LifecycleAction): boolean {
  return !!session?.actions?.includes(action);
}
