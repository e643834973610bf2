// What the report shows: a range of days and a project, chosen in quick
// picks, and the `helix.session.report` parameters they make. Days are the
// user's local days: the server cuts them in the time zone it is given.
// Pure: no `vscode` import.

import { Session } from './model';

export type RangeChoice =
  | { kind: 'today' }
  | { kind: 'week' }
  | { kind: 'month30' }
  | { kind: 'thisMonth' }
  | { kind: 'custom'; from: string; to: string };

export type ProjectChoice = { kind: 'current' } | { kind: 'all' } | { kind: 'named'; project: string };

export const RANGES: readonly { choice: RangeChoice; label: string }[] = [
  { choice: { kind: 'today' }, label: 'Today' },
  { choice: { kind: 'week' }, label: 'Last 7 days' },
  { choice: { kind: 'month30' }, label: 'Last 30 days' },
  { choice: { kind: 'thisMonth' }, label: 'This month' },
];

export const DEFAULT_RANGE: RangeChoice = { kind: 'week' };
export const DEFAULT_PROJECT: ProjectChoice = { kind: 'all' };

/** A local calendar day, `YYYY-MM-DD`. */
export function isoDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Undefined when `text` is a real calendar day `YYYY-MM-DD`, else the sentence saying what is wrong. */
export function dayError(text: string): string | undefined {
  const t = text.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (!m) return 'Give a day as YYYY-MM-DD, e.g. 2026-11-24.';
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (isoDay(d) !== t) return `${t} is not a day of the calendar.`;
  return undefined;
}

/** Undefined when `to` is not before `from`, else the sentence saying so. */
export function rangeError(from: string, to: string): string | undefined {
  return to.trim() < from.trim() ? `The range ends (${to.trim()}) before it starts (${from.trim()}).` : undefined;
}

export function rangeLabel(range: RangeChoice): string {
  if (range.kind === 'custom') return range.from === range.to ? range.from : `${range.from} – ${range.to}`;
  return RANGES.find((r) => r.choice.kind === range.kind)?.label ?? range.kind;
}

/** `since`, or `from`/`to` (days, `to` included) of the report for `range`, as of the local day `today`. */
export function rangeParams(range: RangeChoice, today: Date): Record<string, string> {
  switch (range.kind) {
    case 'today':
      return { since: '1d' };
    case 'week':
      return { since: '7d' };
    case 'month30':
      return { since: '30d' };
    case 'thisMonth':
      return { from: isoDay(new Date(today.getFullYear(), today.getMonth(), 1)), to: isoDay(today) };
    case 'custom':
      return { from: range.from.trim(), to: range.to.trim() };
  }
}

/** The project the report is limited to (undefined: all projects). */
export function projectOf(choice: ProjectChoice, current: string | undefined): string | undefined {
  if (choice.kind === 'named') return choice.project;
  if (choice.kind === 'current') return current;
  return undefined;
}

export function projectLabel(choice: ProjectChoice, current: string | undefined): string {
  if (choice.kind === 'all') return 'all projects';
  return projectOf(choice, current) ?? 'all projects';
}

/** The projects of `sessions`, each once, alphabetically. */
export function projectsOf(sessions: Session[]): string[] {
  return [...new Set(sessions.map((s) => s.project).filter((p) => !!p))].sort((a, b) => a.localeCompare(b));
}

export interface ReportRequest {
  range: RangeChoice;
  project: ProjectChoice;
  currentProject?: string;
  /** The IANA zone the days are cut in (the user's). */
  tz?: string;
  /** The CSP nonce the page's script and style carry. */
  nonce: string;
  today: Date;
}

/** Parameters of `helix.session.report` for the rendered page. */
export function reportParams(req: ReportRequest): Record<string, unknown> {
  const params: Record<string, unknown> = { ...rangeParams(req.range, req.today) };
  const project = projectOf(req.project, req.currentProject);
  if (project) params.project = project;
  if (req.tz) params.tz = req.tz;
  params.render = 'html';
  params.nonce = req.nonce;
  return params;
}

/** The panel's title: `Helix Report · Last 7 days · api-server`. */
export function reportTitle(range: RangeChoice, project: ProjectChoice, current: string | undefined): string {
  return `Helix Report · ${rangeLabel(range)} · ${projectLabel(project, current)}`;
}
