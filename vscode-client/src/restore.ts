// Where "back where you left it" goes: the file and line a session's context
// holds, resolved against the workspace folders. Pure: no `vscode` import.

import { Session } from './model';

export interface FolderRef {
  name: string;
  fsPath: string;
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
