// The pages of the extension's own webviews: a session's details (fields,
// tags, metadata, context, its actions as buttons, its history when the
// server keeps one) and the one-message pages of the report panel (loading,
// refused). Each page allows nothing but its own script and style, which
// carry the nonce the extension drew for it; colours are VS Code's theme
// variables, so the page follows the theme.
// Pure: no `vscode` import.

import { Session } from './model';
import { currentLocation, formatDuration, formatTimestamp } from './view';

export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page's Content-Security-Policy: nothing but its own nonce'd script and style. */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    'img-src data:',
    "font-src 'none'",
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground);
  background: var(--vscode-editor-background); padding: 0 20px 24px; line-height: 1.45; }
h1 { font-size: 1.6em; font-weight: 600; margin: 18px 0 2px; }
h2 { font-size: 1.1em; font-weight: 600; margin: 22px 0 6px; padding-bottom: 4px; border-bottom: 1px solid var(--vscode-panel-border, #8884); }
.sub { color: var(--vscode-descriptionForeground); margin: 0 0 12px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 9px; font-size: .85em; margin-right: 6px;
  background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
.status-active { background: var(--vscode-charts-green, #388a34); color: #fff; }
.status-paused { background: var(--vscode-charts-yellow, #bf8803); color: #000; }
.status-failed { background: var(--vscode-charts-red, #e51400); color: #fff; }
table { border-collapse: collapse; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 0 40px; max-width: 1200px; }
.wide { grid-column: 1 / -1; }
th, td { text-align: left; padding: 3px 14px 3px 0; vertical-align: top; }
th { color: var(--vscode-descriptionForeground); font-weight: normal; white-space: nowrap; }
td.mono { font-family: var(--vscode-editor-font-family); }
.actions { display: flex; gap: 8px; flex-wrap: wrap; margin: 14px 0 4px; }
button { font: inherit; padding: 4px 14px; border: 1px solid var(--vscode-button-border, transparent); border-radius: 2px; cursor: pointer;
  background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); }
button.primary { background: var(--vscode-button-background); color: var(--vscode-button-foreground); }
button:hover { filter: brightness(1.1); }
button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
.tag { display: inline-block; padding: 0 7px; margin: 0 4px 2px 0; border-radius: 3px; border: 1px solid var(--vscode-panel-border, #8886); }
.empty { color: var(--vscode-descriptionForeground); font-style: italic; }
.message { margin-top: 40px; font-size: 1.1em; }
`;

const SCRIPT = `
(function () {
  const vscode = acquireVsCodeApi();
  document.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-action]');
    if (b) vscode.postMessage({ action: b.dataset.action });
  });
})();
`;

function page(title: string, nonce: string, body: string, script = false): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style nonce="${escapeHtml(nonce)}">${STYLE}</style></head>
<body>${body}${script ? `<script nonce="${escapeHtml(nonce)}">${SCRIPT}</script>` : ''}</body></html>\n`;
}

/** A page with one heading and one sentence (the report while it loads, or why there is none). */
export function messagePage(title: string, message: string, nonce: string): string {
  return page(title, nonce, `<h1>${escapeHtml(title)}</h1><p class="message">${escapeHtml(message)}</p>`);
}

/** One event of a session's history, as far as this page can tell what it says. */
export interface HistoryRow {
  at: string;
  what: string;
  mode: string;
  /** Who did it: user, idle (away), switch (another session started), import. */
  by: string;
  detail: string;
}

const WHEN_KEYS = ['at', 'time', 'timestamp'];
const WHAT_KEYS = ['kind', 'type', 'event'];
const SHOWN = new Set([...WHEN_KEYS, ...WHAT_KEYS, 'mode', 'by', 'data', 'sessionId', 'id']);

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * The rows of a `helix.session.history` answer (`{events: [{at, kind, by,
 * mode, data?}]}`, or a list of events); [] for anything else. `data` and
 * any field this page does not know are shown as `key: value`.
 */
export function historyRows(answer: unknown): HistoryRow[] {
  const events = Array.isArray(answer) ? answer : (answer as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) return [];
  return events.filter((e): e is Record<string, unknown> => !!e && typeof e === 'object').map((e) => {
    const whenKey = WHEN_KEYS.find((k) => typeof e[k] === 'string');
    const whatKey = WHAT_KEYS.find((k) => typeof e[k] === 'string');
    const data = e.data && typeof e.data === 'object' ? Object.entries(e.data as Record<string, unknown>) : [];
    const extra = Object.entries(e).filter(([k]) => !SHOWN.has(k));
    return {
      at: whenKey ? formatTimestamp(e[whenKey] as string) ?? '' : '',
      what: whatKey ? (e[whatKey] as string) : '',
      mode: text(e.mode),
      by: text(e.by),
      detail: [...data, ...extra].filter(([, v]) => text(v) !== '').map(([k, v]) => `${k}: ${text(v)}`).join(', '),
    };
  });
}

const ACTION_LABELS: Record<string, string> = {
  start: 'Start', pause: 'Pause', resume: 'Resume', complete: 'Complete', fail: 'Fail…',
};
/** Buttons after the lifecycle actions: editing that any session offers. */
const EDIT_BUTTONS: [string, string][] = [['setMode', 'Set Mode…'], ['addTag', 'Add Tag…'], ['setMetadata', 'Set Metadata…']];

function rows(entries: [string, string | null | undefined][], mono = false): string {
  const shown = entries.filter(([, v]) => v !== null && v !== undefined && v !== '');
  if (!shown.length) return '<p class="empty">none</p>';
  return `<table>${shown.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td${mono ? ' class="mono"' : ''}>${escapeHtml(v)}</td></tr>`).join('')}</table>`;
}

export interface DetailsOptions {
  nonce: string;
  /** The history rows; undefined when the server keeps none (the section is left out). */
  history?: HistoryRow[];
}

/** The details page of `session` (null: it no longer exists). */
export function detailsPage(session: Session | null, opts: DetailsOptions): string {
  if (!session) return messagePage('Session', 'This session no longer exists.', opts.nonce);
  const s = session;
  const actions = (s.actions ?? []).filter((a) => a in ACTION_LABELS);
  const buttons = [
    ...actions.map((a, i) => `<button data-action="${escapeHtml(a)}"${i === 0 ? ' class="primary"' : ''}>${ACTION_LABELS[a]}</button>`),
    ...(s.status === 'completed' || s.status === 'failed' ? [] : EDIT_BUTTONS.map(([a, l]) => `<button data-action="${a}">${l}</button>`)),
  ];
  const tags = s.tags ?? [];
  const sort = (m: Record<string, string> | undefined) => Object.entries(m ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const statusClass = ['active', 'paused', 'failed'].includes(s.status) ? ` status-${s.status}` : '';
  const body = [
    `<h1>${escapeHtml(s.name)}</h1>`,
    `<p class="sub"><span class="badge${statusClass}" id="status">${escapeHtml(s.status)}</span>`,
    `<span class="badge">${escapeHtml(s.mode)}</span>${escapeHtml(s.project)}</p>`,
    s.description ? `<p>${escapeHtml(s.description)}</p>` : '',
    buttons.length ? `<div class="actions" role="toolbar" aria-label="Session actions">${buttons.join('')}</div>` : '',
    '<div class="grid"><section><h2>Fields</h2>',
    rows([
      ['Active time', formatDuration(s.activeSeconds)],
      ['Wall time', s.durationSeconds === null || s.durationSeconds === undefined ? undefined : formatDuration(s.durationSeconds)],
      ['Place', currentLocation(s)],
      ['Created', formatTimestamp(s.createdAt)],
      ['Started', formatTimestamp(s.startedAt)],
      ['Last paused', formatTimestamp(s.lastPausedAt)],
      ['Ended', formatTimestamp(s.endedAt)],
      ['Failure reason', s.failureReason],
      ['Id', s.id],
    ]),
    '</section><section><h2>Tags</h2>',
    tags.length ? `<p>${tags.map((t) => `<span class="tag">${escapeHtml(t)}</span>`).join('')}</p>` : '<p class="empty">none</p>',
    '<h2>Metadata</h2>',
    rows(sort(s.metadata)),
    '<h2>Context</h2>',
    rows(sort(s.context), true),
    '</section>',
  ];
  if (opts.history) {
    const head = ['when', 'what', 'mode', 'by', ''].map((h) => `<th scope="col">${h}</th>`).join('');
    const cells = (h: HistoryRow) => [h.at, h.what, h.mode, h.by, h.detail].map((c) => `<td>${escapeHtml(c)}</td>`).join('');
    body.push('<section class="wide"><h2>History</h2>');
    body.push(opts.history.length
      ? `<table class="history"><thead><tr>${head}</tr></thead><tbody>${opts.history.map((h) => `<tr>${cells(h)}</tr>`).join('')}</tbody></table>`
      : '<p class="empty">nothing recorded</p>');
    body.push('</section>');
  }
  body.push('</div>');
  return page(`Session ${s.name}`, opts.nonce, body.join('\n'), buttons.length > 0);
}
