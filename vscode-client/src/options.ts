// The extension's settings and the `initializationOptions` they become.
// Pure: no `vscode` import.

/** Settings the extension reads (`helix.*`). */
export interface HelixSettings {
  dbPath: string;
  exclude: string[];
  hideFileNames: boolean;
  /** `helix.idleMinutes` when the user set it, else undefined (the default, or the older setting, applies). */
  idleMinutes: number | undefined;
  /** The older `helix.autoPauseMinutes`, when the user set it. */
  autoPauseMinutes: number | undefined;
  idleResume: IdleResume;
  /** `helix.owner`: who you are in a shared store; empty lets the server decide. */
  owner: string;
  serverPath: string;
  pythonPath: string;
  restoreOnResume: boolean;
}

export type IdleResume = 'ask' | 'never';

/** Minutes without activity after which a session counts as away, when nothing is set. */
export const DEFAULT_IDLE_MINUTES = 15;

/**
 * The idle limit sent to the server: `helix.idleMinutes` when set, else the
 * older `helix.autoPauseMinutes` when set, else 15; never negative (0 = never).
 */
export function idleMinutes(settings: Pick<HelixSettings, 'idleMinutes' | 'autoPauseMinutes'>): number {
  const chosen = settings.idleMinutes ?? settings.autoPauseMinutes ?? DEFAULT_IDLE_MINUTES;
  const n = Number(chosen);
  return Number.isFinite(n) ? Math.max(0, n) : DEFAULT_IDLE_MINUTES;
}

/** `initializationOptions` sent to the server. */
export function initializationOptions(settings: HelixSettings, home?: string): Record<string, unknown> {
  const opts: Record<string, unknown> = {
    cursorNotifications: true,
    hideFileNames: settings.hideFileNames,
    idleMinutes: idleMinutes(settings),
    idleResume: settings.idleResume === 'never' ? 'never' : 'ask',
  };
  const db = expandHome(settings.dbPath.trim(), home);
  if (db) opts.dbPath = db;
  const owner = settings.owner.trim();
  if (owner) opts.owner = owner;
  const exclude = settings.exclude.map((g) => g.trim()).filter(Boolean);
  if (exclude.length) opts.exclude = exclude;
  return opts;
}

export function expandHome(path: string, home: string | undefined): string {
  if (!home) return path;
  if (path === '~') return home;
  if (path.startsWith('~/') || path.startsWith('~\\')) return home + path.slice(1);
  return path;
}

/** Settings whose change needs a server restart (the rest apply at once). */
export const RESTART_SETTINGS = [
  'helix.dbPath',
  'helix.exclude',
  'helix.hideFileNames',
  'helix.idleMinutes',
  'helix.idleResume',
  'helix.owner',
  'helix.autoPauseMinutes',
  'helix.server.path',
  'helix.server.pythonPath',
];
