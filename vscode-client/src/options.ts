// The extension's settings and the `initializationOptions` they become.
// Pure: no `vscode` import.

/** Settings the extension reads (`helix.*`). */
export interface HelixSettings {
  dbPath: string;
  exclude: string[];
  hideFileNames: boolean;
  autoPauseMinutes: number;
  serverPath: string;
  pythonPath: string;
  restoreOnResume: boolean;
}

/** `initializationOptions` sent to the server. */
export function initializationOptions(settings: HelixSettings, home?: string): Record<string, unknown> {
  const opts: Record<string, unknown> = {
    cursorNotifications: true,
    hideFileNames: settings.hideFileNames,
    autoPauseMinutes: Math.max(0, Number(settings.autoPauseMinutes) || 0),
  };
  const db = expandHome(settings.dbPath.trim(), home);
  if (db) opts.dbPath = db;
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
  'helix.autoPauseMinutes',
  'helix.server.path',
  'helix.server.pythonPath',
];
