// Which session the indicator shows and where "back where you left it"
// goes. Pure: no `vscode` import.

import { Session, StatusParams, isFinal } from './model';

/**
 * The session shown for `project`: its active session from `helix/status`,
 * else its most recently paused session (from `paused`). Without a project
 * (no folder open) the server's overall active session.
 */
export function currentSession(
  status: StatusParams | undefined,
  project: string | undefined,
  paused: Session[] = [],
): Session | undefined {
  if (!status) return undefined;
  if (project === undefined) return status.active ?? latestPaused(paused);
  const active = status.sessions.find((s) => s.project === project && s.status === 'active')
    ?? (status.active && status.active.project === project && status.active.status === 'active' ? status.active : undefined);
  if (active) return active;
  return latestPaused(paused.filter((s) => s.project === project));
}

function latestPaused(sessions: Session[]): Session | undefined {
  let best: Session | undefined;
  for (const s of sessions) {
    if (s.status !== 'paused') continue;
    if (!best || (s.lastPausedAt ?? '') > (best.lastPausedAt ?? '')) best = s;
  }
  return best;
}

/**
 * Sessions offered by "Switch Session": the non-final ones, the focused
 * project's first, then active, paused, idle, each newest first.
 */
export function switchCandidates(sessions: Session[], project: string | undefined, exclude?: string): Session[] {
  const rank: Record<string, number> = { active: 0, paused: 1, idle: 2 };
  return sessions
    .filter((s) => !isFinal(s.status) && s.id !== exclude)
    .map((s, i) => ({ s, i }))
    .sort((a, b) =>
      Number(b.s.project === project) - Number(a.s.project === project)
      || (rank[a.s.status] ?? 3) - (rank[b.s.status] ?? 3)
      || a.i - b.i)
    .map(({ s }) => s);
}

export interface FolderRef {
  name: string;
  fsPath: string;
}

/** The project of a workspace folder, as the server names it. */
export function projectOfFolder(folder: FolderRef | undefined): string | undefined {
  return folder?.name;
}

export interface RestoreTarget {
  /** Candidate absolute paths, best first; the first that exists wins. */
  paths: string[];
  /** 0-based. */
  line: number;
  /** 0-based. */
  character: number;
}

function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

function join(dir: string, rel: string): string {
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.replace(/[\\/]+$/, '') + sep + rel.replace(/^[\\/]+/, '');
}

/**
 * Where to reopen a session: its context's `current_file` (relative to the
 * folder of the session's project, or absolute) at `current_line`/`current_column`.
 */
export function restoreTarget(session: Session, folders: FolderRef[]): RestoreTarget | undefined {
  const file = session.context?.current_file;
  if (!file) return undefined;
  const line = Math.max(1, parseInt(session.context?.current_line ?? '1', 10) || 1) - 1;
  const character = Math.max(1, parseInt(session.context?.current_column ?? '1', 10) || 1) - 1;
  let paths: string[];
  if (isAbsolutePath(file)) {
    paths = [file];
  } else {
    const own = folders.filter((f) => f.name === session.project);
    const others = folders.filter((f) => f.name !== session.project);
    paths = [...own, ...others].map((f) => join(f.fsPath, file));
  }
  return paths.length ? { paths, line, character } : undefined;
}
