// How sessions are shown: status-bar text and tooltip, quick-pick rows,
// the details document. Everything shown is what the server sent.
// Pure: no `vscode` import.

import { Session, StoreState, modeIcon, statusIcon } from './model';

const SEP = ' · ';

/** "42s", "5m 03s", "1h 05m", "2d 3h". */
export function formatDuration(totalSeconds: number | null | undefined): string {
  if (totalSeconds === null || totalSeconds === undefined || !Number.isFinite(totalSeconds)) return '—';
  const s = Math.max(0, Math.floor(totalSeconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  const d = Math.floor(h / 24);
  return `${d}d ${h % 24}h`;
}

/**
 * Active seconds as of `now`: the server's figure at `receivedAt`, plus the
 * time since then while the session is active.
 */
export function activeSecondsNow(session: Session, receivedAt: number, now: number): number | undefined {
  if (session.activeSeconds === null || session.activeSeconds === undefined) return undefined;
  const extra = session.status === 'active' ? Math.max(0, (now - receivedAt) / 1000) : 0;
  return session.activeSeconds + extra;
}

/** "src/auth.ts:42", or undefined when the session has no recorded file. */
export function currentLocation(session: Session): string | undefined {
  const file = session.context?.current_file;
  if (!file) return undefined;
  const line = session.context?.current_line;
  return line ? `${file}:${line}` : file;
}

/**
 * "17:42" in local time, or "Nov 28 17:42" when `iso` is not on `now`'s
 * local day; undefined for a missing or unreadable time.
 */
export function localClock(iso: string | null | undefined, now: Date = new Date()): string | undefined {
  if (!iso) return undefined;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return undefined;
  const time = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (at.toDateString() === now.toDateString()) return time;
  return `${at.toLocaleDateString(undefined, { month: 'short', day: 'numeric', year: at.getFullYear() === now.getFullYear() ? undefined : 'numeric' })} ${time}`;
}

export type StatusBarLook = 'none' | 'active' | 'paused' | 'idle' | 'finished' | 'starting' | 'error';

export interface StatusBarView {
  text: string;
  /** Markdown; codicons allowed. */
  tooltip: string;
  look: StatusBarLook;
  accessibilityLabel: string;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>$]/g, (c) => `\\${c}`);
}

export interface StatusBarOptions {
  receivedAt?: number;
  now?: number;
  /** The store's state from `helix/status`; offline is shown. */
  store?: StoreState | null;
}

const IDLE_ICON = 'circle-large-outline';

/**
 * The status-bar item for the server's `current` session (active, else the
 * most recently paused, else the idle one Start would take), or the quiet
 * "Helix" item when there is none.
 */
export function statusBarView(session: Session | undefined, opts: StatusBarOptions = {}): StatusBarView {
  const offline = opts.store && opts.store.online === false
    ? `\n\n$(cloud-offline) The store is offline${opts.store.message ? `: ${escapeMarkdown(opts.store.message)}` : '.'}`
    : '';
  const offlineIcon = offline ? ' $(cloud-offline)' : '';
  if (!session) {
    return {
      text: `$(circle-outline) Helix${offlineIcon}`,
      tooltip: `No session in this project.${offline}\n\nClick to create a session or switch to one.`,
      look: 'none',
      accessibilityLabel: 'Helix: no session',
    };
  }
  const status = session.status;
  const icon = status === 'paused' ? 'debug-pause' : status === 'idle' ? IDLE_ICON : status === 'active' ? modeIcon(session.mode) : statusIcon(status);
  const now = opts.now ?? Date.now();
  const awaySince = status === 'paused' ? localClock(session.awaySince, new Date(now)) : undefined;
  let text = `$(${icon}) ${session.mode}${SEP}${session.name}`;
  if (status !== 'active') text += `${SEP}${status}`;
  if (awaySince) text += ` (away since ${awaySince})`;
  text += offlineIcon;

  const active = activeSecondsNow(session, opts.receivedAt ?? now, now);
  const lines: string[] = [];
  lines.push(`$(${modeIcon(session.mode)}) **${escapeMarkdown(session.name)}** — ${escapeMarkdown(session.mode)}`);
  lines.push('');
  lines.push(`Project: ${escapeMarkdown(session.project)}  `);
  const statusNote = status === 'idle'
    ? ' (not started yet)'
    : awaySince
      ? ` — paused as of ${escapeMarkdown(awaySince)}, its last activity, after no activity; the time since is not counted`
      : '';
  lines.push(`Status: ${escapeMarkdown(status)}${statusNote}  `);
  lines.push(`Active time: ${formatDuration(active)}  `);
  const tags = session.tags ?? [];
  lines.push(`Tags: ${tags.length ? tags.map(escapeMarkdown).join(', ') : '—'}  `);
  const loc = currentLocation(session);
  lines.push(`Current file: ${loc ? escapeMarkdown(loc) : '—'}`);
  if (offline) lines.push(offline.trimStart());
  lines.push('');
  lines.push(status === 'idle' ? 'Click to start it, or for other session actions.' : 'Click for session actions.');
  const look: StatusBarLook = status === 'paused' ? 'paused' : status === 'active' ? 'active' : status === 'idle' ? 'idle' : 'finished';
  return {
    text,
    tooltip: lines.join('\n'),
    look,
    accessibilityLabel: `Helix session ${session.name}, ${session.mode}, ${status}${awaySince ? `, away since ${awaySince}` : ''}`,
  };
}

/** Status-bar item while the server is starting or after it failed. */
export function serverStateView(state: 'starting' | 'error', detail?: string): StatusBarView {
  if (state === 'starting') {
    return {
      text: '$(loading~spin) Helix',
      tooltip: 'Starting the Helix language server…',
      look: 'starting',
      accessibilityLabel: 'Helix: starting',
    };
  }
  return {
    text: '$(error) Helix',
    tooltip: `The Helix language server is not running${detail ? `: ${escapeMarkdown(detail)}` : '.'}\n\nClick to show the log.`,
    look: 'error',
    accessibilityLabel: 'Helix: server not running',
  };
}

/** A quick-pick row for a session: label, description, detail. */
export interface SessionRow {
  label: string;
  description: string;
  detail: string;
}

export function sessionRow(session: Session): SessionRow {
  const loc = currentLocation(session);
  const parts = [session.status, session.mode, session.project];
  const tags = session.tags ?? [];
  return {
    label: `$(${statusIcon(session.status)}) ${session.name}`,
    description: parts.join(SEP),
    detail: [
      loc ? `$(file) ${loc}` : '$(file) no file yet',
      `$(watch) ${formatDuration(session.activeSeconds)}`,
      ...(tags.length ? [`$(tag) ${tags.join(', ')}`] : []),
    ].join('   '),
  };
}

/** "2026-11-24T18:00:00.000Z" -> "2026-11-24 18:00:00 UTC"; other text as it is. */
export function formatTimestamp(iso: string | null | undefined): string | undefined {
  if (!iso) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

/** The "Show Session" document: aligned "field  value" lines under Markdown headings. */
export function sessionDetails(session: Session): string {
  const rows: [string, string | null | undefined][] = [
    ['Mode', session.mode],
    ['Status', session.status],
    ['Actions', (session.actions ?? []).join(', ')],
    ['Project', session.project],
    ['Tags', (session.tags ?? []).join(', ')],
    ['Active time', formatDuration(session.activeSeconds)],
    ['Wall time', session.durationSeconds === null || session.durationSeconds === undefined ? undefined : formatDuration(session.durationSeconds)],
    ['Current file', currentLocation(session)],
    ['Created', formatTimestamp(session.createdAt)],
    ['Started', formatTimestamp(session.startedAt)],
    ['Last paused', formatTimestamp(session.lastPausedAt)],
    ['Ended', formatTimestamp(session.endedAt)],
  ];
  if (session.failureReason) rows.push(['Failure reason', session.failureReason]);
  rows.push(['Id', session.id]);
  const out: string[] = [session.name, '='.repeat(Math.max(3, session.name.length)), ''];
  if (session.description) out.push(oneLine(session.description), '');
  out.push(...aligned(rows));
  for (const [title, map] of [['Metadata', session.metadata], ['Context', session.context]] as const) {
    const entries = Object.entries(map ?? {}).sort(([a], [b]) => a.localeCompare(b));
    if (!entries.length) continue;
    out.push('', title, '-'.repeat(title.length), '', ...aligned(entries));
  }
  out.push('');
  return out.join('\n');
}

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, ' ');
}

function aligned(rows: [string, string | null | undefined][]): string[] {
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${k.padEnd(width)}${v === null || v === undefined || v === '' ? '—' : oneLine(v)}`);
}
