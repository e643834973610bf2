import assert from 'node:assert/strict';
import { test } from 'node:test';

import { contentSecurityPolicy, detailsPage, historyRows, messagePage } from '../../src/pages';
import { session } from './fixtures';

test('the details page allows nothing but its own nonce', () => {
  const html = detailsPage(session(), { nonce: 'abc123' });
  assert.match(html, /http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;nonce-abc123&#39;; style-src &#39;nonce-abc123&#39;/);
  const scripts = html.match(/<script[^>]*>/g) ?? [];
  assert.deepEqual(scripts, ['<script nonce="abc123">']);
  assert.doesNotMatch(html, /https?:\/\//);
  assert.equal(contentSecurityPolicy('x').split('; ')[0], "default-src 'none'");
});

test("the session's actions are its buttons, in the server's order; a finished session has none", () => {
  const html = detailsPage(session({ actions: ['pause', 'complete', 'fail'] }), { nonce: 'n' });
  const actions = [...html.matchAll(/data-action="(\w+)"/g)].map((m) => m[1]);
  assert.deepEqual(actions, ['pause', 'complete', 'fail', 'setMode', 'addTag', 'setMetadata']);
  const done = detailsPage(session({ status: 'completed', actions: [] }), { nonce: 'n' });
  assert.doesNotMatch(done, /<button/);
  assert.doesNotMatch(done, /<script/);
});

test('fields, tags, metadata and context; names are text, never markup', () => {
  const html = detailsPage(session({
    name: '<img src=x onerror=alert(1)>',
    tags: ['auth', 'backend'],
    metadata: { sprint: '23' },
    context: { current_file: 'src/a.ts', current_line: '7', branch: 'feat/x' },
  }), { nonce: 'n' });
  assert.doesNotMatch(html, /<img/);
  assert.match(html, /&#60;img src=x onerror=alert\(1\)&#62;/);
  assert.match(html, /<span class="tag">auth<\/span><span class="tag">backend<\/span>/);
  assert.match(html, /<th scope="row">sprint<\/th><td>23<\/td>/);
  assert.match(html, /<th scope="row">Place<\/th><td>src\/a.ts:7<\/td>/);
  assert.match(html, /<th scope="row">branch<\/th><td class="mono">feat\/x<\/td>/);
});

test('the history section only when the server keeps a history', () => {
  assert.doesNotMatch(detailsPage(session(), { nonce: 'n' }), /History/);
  const rows = historyRows({ events: [
    { at: '2026-11-24T18:00:00Z', kind: 'started', by: 'user', mode: 'building' },
    { at: '2026-11-24T18:30:00Z', kind: 'paused', by: 'idle', mode: 'building', data: { reconstructed: true } },
  ] });
  assert.deepEqual(rows, [
    { at: '2026-11-24 18:00:00 UTC', what: 'started', mode: 'building', by: 'user', detail: '' },
    { at: '2026-11-24 18:30:00 UTC', what: 'paused', mode: 'building', by: 'idle', detail: 'reconstructed: true' },
  ]);
  const html = detailsPage(session(), { nonce: 'n', history: rows });
  assert.match(html, /<h2>History<\/h2>/);
  assert.match(html, /<td>2026-11-24 18:30:00 UTC<\/td><td>paused<\/td><td>building<\/td><td>idle<\/td><td>reconstructed: true<\/td>/);
  assert.match(detailsPage(session(), { nonce: 'n', history: [] }), /<h2>History<\/h2>\s*<p class="empty">nothing recorded<\/p>/);
  assert.deepEqual(historyRows(null), []);
  assert.deepEqual(historyRows([{ kind: 'created', note: 'x' }]), [{ at: '', what: 'created', mode: '', by: '', detail: 'note: x' }]);
});

test('a session that no longer exists, and the one-message page', () => {
  assert.match(detailsPage(null, { nonce: 'n' }), /This session no longer exists/);
  const page = messagePage('Helix Report', 'Reading <the> report…', 'q');
  assert.match(page, /Reading &#60;the&#62; report…/);
  assert.match(page, /style-src &#39;nonce-q&#39;/);
});
