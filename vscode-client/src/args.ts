// The arguments of the server's workspace commands. What the user typed is
// sent as typed (trimmed): the server checks names, tags and their limits
// and explains a refusal in one sentence, the same in every client.
// Pure: no `vscode` import.

import { Mode, Status } from './model';

/** `workspace/executeCommand` arguments: empty, or one object of named parameters. */
export function commandArguments(params: Record<string, unknown> | undefined): unknown[] {
  if (!params) return [];
  const clean: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined) clean[k] = v;
  return Object.keys(clean).length ? [clean] : [];
}

/**
 * "auth, backend api" -> ["auth", "backend api"]: the tags typed into one
 * box, separated by commas. Each piece goes to the server as it is (a tag
 * with a space is refused there, with the same sentence as Add Tag gives).
 */
export function splitTags(input: string): string[] {
  return input.split(',').map((t) => t.trim()).filter((t) => t !== '');
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
  const tags = splitTags(input.tags ?? '');
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
export function listParams(filter: ListFilter, limit = 200): Record<string, unknown> {
  const params: Record<string, unknown> = { limit };
  if (filter.kind !== 'all') params[filter.kind] = filter.value;
  return params;
}
