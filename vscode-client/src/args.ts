// Building the arguments of the server's workspace commands and of
// `helix/cursorMoved`, and validating what the user types. Pure: no `vscode`.

import { MODES, Mode, Status, STATUSES } from './model';

/** `workspace/executeCommand` arguments: empty, or one object of named parameters. */
export function commandArguments(params: Record<string, unknown> | undefined): unknown[] {
  if (!params) return [];
  const clean: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined) clean[k] = v;
  return Object.keys(clean).length ? [clean] : [];
}

// Mirrors the server's limits so mistakes show up while typing.
export const NAME_MAX = 200;
export const TAG_MAX = 64;
export const KEY_MAX = 128;
export const VALUE_MAX = 4096;
export const REASON_MAX = 2000;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** An error message for a session name, or undefined when it is fine. */
export function validateName(name: string): string | undefined {
  const n = name.trim();
  if (!n) return 'A session needs a name, e.g. implement-user-auth.';
  if (n.length > NAME_MAX) return `Keep the name under ${NAME_MAX + 1} characters (it has ${n.length}).`;
  if (CONTROL.test(n)) return 'The name cannot contain control characters.';
  return undefined;
}

export function validateTag(tag: string): string | undefined {
  const t = tag.trim();
  if (!t) return 'A tag cannot be empty.';
  if (t.length > TAG_MAX) return `A tag has at most ${TAG_MAX} characters.`;
  if (CONTROL.test(t)) return 'A tag cannot contain control characters.';
  if (/[,\s]/.test(t)) return 'One tag at a time, without spaces or commas.';
  return undefined;
}

/** "auth, backend  api" -> ["auth", "backend", "api"], duplicates dropped, order kept. */
export function parseTags(input: string): string[] {
  const out: string[] = [];
  for (const t of input.split(/[\s,]+/)) {
    const tag = t.trim();
    if (tag && !out.includes(tag)) out.push(tag);
  }
  return out;
}

export function validateTags(input: string): string | undefined {
  for (const t of parseTags(input)) {
    const err = validateTag(t);
    if (err) return `"${t}": ${err}`;
  }
  return undefined;
}

export function validateKey(key: string): string | undefined {
  const k = key.trim();
  if (!k) return 'A key cannot be empty.';
  if (k.length > KEY_MAX) return `A key has at most ${KEY_MAX} characters.`;
  if (CONTROL.test(k)) return 'A key cannot contain control characters.';
  return undefined;
}

export function validateValue(value: string): string | undefined {
  if (value.length > VALUE_MAX) return `A value has at most ${VALUE_MAX} characters.`;
  return undefined;
}

export function validateReason(reason: string): string | undefined {
  const r = reason.trim();
  if (!r) return 'Say why it failed, e.g. "Tests failed, need to redesign".';
  if (r.length > REASON_MAX) return `Keep the reason under ${REASON_MAX + 1} characters.`;
  return undefined;
}

export function validateProject(project: string): string | undefined {
  return project.trim() ? undefined : 'A session belongs to a project; enter its name.';
}

export function isMode(value: string): value is Mode {
  return MODES.some((m) => m.mode === value);
}

export function isStatus(value: string): value is Status {
  return (STATUSES as readonly string[]).includes(value);
}

export interface CreateInput {
  name: string;
  mode: Mode;
  project?: string;
  tags?: string;
  description?: string;
  start?: boolean;
}

/** Parameters of `helix.session.create`. */
export function createParams(input: CreateInput): Record<string, unknown> {
  const params: Record<string, unknown> = { name: input.name.trim(), mode: input.mode };
  const project = input.project?.trim();
  if (project) params.project = project;
  const tags = parseTags(input.tags ?? '');
  if (tags.length) params.tags = tags;
  const description = input.description?.trim();
  if (description) params.description = description;
  if (input.start) params.start = true;
  return params;
}

/** Parameters naming a session by id (omitted: the server's current session). */
export function sessionParams(sessionId: string | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return sessionId ? { session: sessionId, ...extra } : { ...extra };
}

export type ListFilter =
  | { kind: 'all' }
  | { kind: 'status'; value: Status }
  | { kind: 'mode'; value: Mode }
  | { kind: 'tag'; value: string };

/** Parameters of `helix.session.list` for a filter. */
export function listParams(filter: ListFilter, limit = 200, project?: string): Record<string, unknown> {
  const params: Record<string, unknown> = { limit };
  if (filter.kind !== 'all') params[filter.kind] = filter.value;
  if (project) params.project = project;
  return params;
}

/** Params of `helix/cursorMoved` (0-based, as in LSP). */
export function cursorParams(uri: string, line: number, character: number) {
  return { textDocument: { uri }, position: { line, character } };
}

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
