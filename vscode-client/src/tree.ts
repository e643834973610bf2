// The Helix view's tree: the current session (mode, time today, place),
// today's time by mode, and the recent sessions grouped by status. Built from
// what the server sent (`helix/status` `current`, `helix.session.list`, and a
// report of today); each session row carries its `actions` in its context
// value, so the view's inline buttons and context menu are the server's.
// Pure: no `vscode` import.

import { MODES, Session, modeIcon, statusIcon } from './model';
import { activeSecondsNow, currentLocation, formatDuration } from './view';

export type NodeKind = 'current' | 'detail' | 'today' | 'mode' | 'group' | 'session' | 'message';

/** One row of the view; the extension turns it into a `TreeItem` as it is. */
export interface TreeNode {
  /** Unique in the tree and stable across refreshes (keeps selection and expansion). */
  id: string;
  kind: NodeKind;
  label: string;
  description?: string;
  /** Markdown. */
  tooltip?: string;
  /** A codicon name. */
  icon: string;
  /** A theme colour id for the icon. */
  iconColor?: string;
  /** `session:ACTION,ACTION` for a session row: the view's menus match on it. */
  contextValue?: string;
  session?: Session;
  /** A palette command to run on click (rows that are not sessions). */
  command?: string;
  children?: TreeNode[];
  /** Whether a row with children starts expanded. */
  expanded?: boolean;
}

/** The part of a report of today that the view shows. */
export interface TodayReport {
  totalSeconds: number;
  byMode: Record<string, number>;
  sessions?: { id: string; seconds: number }[];
}

export interface TreeInput {
  /** `current` of the latest `helix/status`. */
  current: Session | null | undefined;
  /** When that push arrived (ms), to bring an active session's time up to now. */
  receivedAt?: number;
  now?: number;
  /** Today's report; undefined when the server does not make reports (or has not answered). */
  today?: TodayReport;
  /** The newest sessions (`helix.session.list`), any status. */
  recent: Session[];
  /** Whether the server is running (else one row says it is not). */
  running?: boolean;
  /** Whether the server makes reports (`helix.session.report`); default true. */
  reports?: boolean;
}

const STATUS_TITLES: Record<string, string> = {
  active: 'Active',
  paused: 'Paused',
  idle: 'Not started',
  completed: 'Completed',
  failed: 'Failed',
};

/** The groups in the order a user looks for them: what runs, what waits, what is done. */
const GROUP_ORDER = ['active', 'paused', 'idle', 'completed', 'failed'];

const STATUS_COLOURS: Record<string, string> = {
  active: 'charts.green',
  paused: 'charts.yellow',
  failed: 'charts.red',
};

/** `session:pause,complete,fail`: what the view's `when` clauses match. */
export function sessionContextValue(session: Session): string {
  return `session:${(session.actions ?? []).join(',')}`;
}

/** Seconds of `session` today, from today's report (0 when it has none); undefined without a report. */
export function secondsToday(session: Session, today: TodayReport | undefined): number | undefined {
  if (!today) return undefined;
  return today.sessions?.find((s) => s.id === session.id)?.seconds ?? 0;
}

function percent(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((part / whole) * 100)}%` : '0%';
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>$]/g, (c) => `\\${c}`);
}

function sessionTooltip(session: Session, today: number | undefined): string {
  const lines = [
    `$(${modeIcon(session.mode)}) **${escapeMarkdown(session.name)}** — ${escapeMarkdown(session.mode)}, ${escapeMarkdown(session.status)}`,
    '',
    `Project: ${escapeMarkdown(session.project)}  `,
    `Active time: ${formatDuration(session.activeSeconds)}${today === undefined ? '' : ` (${formatDuration(today)} today)`}  `,
  ];
  const tags = session.tags ?? [];
  if (tags.length) lines.push(`Tags: ${tags.map(escapeMarkdown).join(', ')}  `);
  const place = currentLocation(session);
  if (place) lines.push(`Place: ${escapeMarkdown(place)}  `);
  if (session.failureReason) lines.push(`Failure reason: ${escapeMarkdown(session.failureReason)}  `);
  lines.push('', 'Click for its details.');
  return lines.join('\n');
}

function sessionNode(session: Session, idPrefix: string, today: TodayReport | undefined): TreeNode {
  const seconds = secondsToday(session, today);
  const parts = [session.mode, session.project, formatDuration(session.activeSeconds)];
  return {
    id: `${idPrefix}:${session.id}`,
    kind: 'session',
    label: session.name,
    description: parts.join(' · '),
    tooltip: sessionTooltip(session, seconds),
    icon: modeIcon(session.mode),
    iconColor: STATUS_COLOURS[session.status],
    contextValue: sessionContextValue(session),
    session,
  };
}

/** The current session with its mode, time today and place; or a row offering to create one. */
export function currentNode(input: TreeInput): TreeNode {
  const s = input.current;
  if (!s) {
    return {
      id: 'current',
      kind: 'message',
      label: 'No session in this project',
      description: 'click to create one',
      icon: 'circle-outline',
      command: 'helix.createSession',
    };
  }
  const now = input.now ?? Date.now();
  const active = activeSecondsNow(s, input.receivedAt ?? now, now);
  const reported = secondsToday(s, input.today);
  // Today's figure is the report's, brought up to now like the status bar's.
  // (The report and the push were read at different moments: today never exceeds the whole.)
  const todaySeconds = reported === undefined
    ? undefined
    : Math.min(reported + Math.max(0, (active ?? 0) - (s.activeSeconds ?? 0)), active ?? Infinity);
  const place = currentLocation(s);
  const status = s.status === 'active' ? '' : ` · ${s.status}`;
  const node = sessionNode(s, 'current', input.today);
  node.kind = 'current';
  node.description = `${s.mode}${status}`;
  node.expanded = true;
  node.children = [
    detail(s, 'mode', 'Mode', s.mode, modeIcon(s.mode)),
    detail(s, 'time', 'Time', todaySeconds === undefined
      ? `${formatDuration(active)} in all`
      : `${formatDuration(todaySeconds)} today · ${formatDuration(active)} in all`, 'watch'),
    detail(s, 'place', 'Place', place ?? 'no file yet', 'file-code'),
    detail(s, 'project', 'Project', s.project, 'project'),
  ];
  return node;
}

function detail(s: Session, key: string, label: string, value: string, icon: string): TreeNode {
  return { id: `current:${s.id}:${key}`, kind: 'detail', label, description: value, icon, tooltip: `${label}: ${escapeMarkdown(value)}` };
}

/**
 * Today's active time by mode, the largest first. Without a report: that it
 * is being read, or (`reports` false) that the server makes none. (Those rows
 * have ids of their own: VS Code would keep a row that had no children
 * collapsed once it has some.)
 */
export function todayNode(today: TodayReport | undefined, reports = true): TreeNode {
  if (!today) {
    const description = reports ? 'reading…' : 'this helix-lsp makes no reports';
    return { id: `today:${reports ? 'pending' : 'unsupported'}`, kind: 'today', label: 'Today', description, icon: 'calendar' };
  }
  const order = MODES.map((m) => m.mode as string);
  const modes = Object.entries(today.byMode)
    .filter(([, s]) => s > 0)
    .sort(([a, x], [b, y]) => y - x || order.indexOf(a) - order.indexOf(b));
  const children: TreeNode[] = modes.map(([mode, seconds]) => ({
    id: `today:${mode}`,
    kind: 'mode',
    label: mode,
    description: `${formatDuration(seconds)} · ${percent(seconds, today.totalSeconds)}`,
    icon: modeIcon(mode),
  }));
  if (!children.length) children.push({ id: 'today:none', kind: 'message', label: 'No active time yet today', icon: 'info' });
  return {
    id: 'today',
    kind: 'today',
    label: 'Today',
    description: formatDuration(today.totalSeconds),
    tooltip: `Active time today: ${formatDuration(today.totalSeconds)}`,
    icon: 'calendar',
    command: 'helix.showReport',
    children,
    expanded: true,
  };
}

/** The recent sessions in one group per status (active, paused, not started, completed, failed). */
export function statusGroups(recent: Session[], today?: TodayReport): TreeNode[] {
  const known = new Set<string>(GROUP_ORDER);
  const order = [...GROUP_ORDER, ...new Set(recent.map((s) => s.status).filter((s) => !known.has(s)))];
  return order.flatMap((status): TreeNode[] => {
    const sessions = recent.filter((s) => s.status === status);
    if (!sessions.length) return [];
    return [{
      id: `group:${status}`,
      kind: 'group',
      label: STATUS_TITLES[status] ?? status,
      description: String(sessions.length),
      icon: statusIcon(status),
      iconColor: STATUS_COLOURS[status],
      children: sessions.map((s) => sessionNode(s, 'recent', today)),
      expanded: status !== 'completed' && status !== 'failed',
    }];
  });
}

/** The whole tree. */
export function buildTree(input: TreeInput): TreeNode[] {
  if (input.running === false) {
    return [{ id: 'server', kind: 'message', label: 'The Helix server is not running', description: 'show the log', icon: 'error', command: 'helix.showLog' }];
  }
  const groups = statusGroups(input.recent, input.today);
  if (!groups.length) groups.push({ id: 'group:none', kind: 'message', label: 'No sessions yet', icon: 'info' });
  return [currentNode(input), todayNode(input.today, input.reports ?? true), ...groups];
}
