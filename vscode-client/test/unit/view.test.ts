import assert from 'node:assert/strict';
import { test } from 'node:test';

import { activeSecondsNow, currentLocation, formatDuration, formatTimestamp, localClock, serverStateView, sessionDetails, sessionRow, statusBarView } from '../../src/view';
import { session } from './fixtures';

test('active session: mode icon, mode and name', () => {
  const v = statusBarView(session());
  assert.equal(v.text, '$(tools) building · implement-user-auth');
  assert.equal(v.look, 'active');
});

test('each mode has its own icon in the status bar', () => {
  const texts = ['planning', 'building', 'testing', 'refactoring', 'debugging', 'deployment'].map(
    (mode) => statusBarView(session({ mode })).text.split(' ')[0],
  );
  assert.equal(new Set(texts).size, 6, texts.join(' '));
  assert.equal(statusBarView(session({ mode: 'debugging' })).text, '$(debug) debugging · implement-user-auth');
  assert.equal(statusBarView(session({ mode: 'deployment' })).text, '$(rocket) deployment · implement-user-auth');
});

test('paused session looks different from the active one', () => {
  const active = statusBarView(session());
  const paused = statusBarView(session({ status: 'paused' }));
  assert.equal(paused.text, '$(debug-pause) building · implement-user-auth · paused');
  assert.equal(paused.look, 'paused');
  assert.notEqual(paused.text, active.text);
});

test('no session: the quiet Helix item offering create / switch', () => {
  const v = statusBarView(undefined);
  assert.equal(v.text, '$(circle-outline) Helix');
  assert.equal(v.look, 'none');
  assert.equal(v.accessibilityLabel, 'Helix: no session');
  assert.match(v.tooltip, /create a session or switch/);
});

test('an idle session shows, with its own icon, and says it has not started', () => {
  const v = statusBarView(session({ status: 'idle', name: 'fix-login', actions: ['start', 'fail'], activeSeconds: 0 }));
  assert.equal(v.text, '$(circle-large-outline) building · fix-login · idle');
  assert.equal(v.look, 'idle');
  assert.match(v.tooltip, /Status: idle \(not started yet\)/);
  assert.match(v.tooltip, /Click to start it/);
  assert.notEqual(v.text.split(' ')[0], statusBarView(session()).text.split(' ')[0]);
  assert.notEqual(v.text.split(' ')[0], statusBarView(session({ status: 'paused' })).text.split(' ')[0]);
});

test('an offline store shows in the item and the tooltip', () => {
  const v = statusBarView(session(), { store: { online: false, message: 'cannot reach db.example' } });
  assert.match(v.text, /\$\(cloud-offline\)$/);
  assert.match(v.tooltip, /The store is offline: cannot reach db\\.example/);
  assert.doesNotMatch(statusBarView(session(), { store: { online: true } }).text, /offline/);
  assert.match(statusBarView(undefined, { store: { online: false } }).tooltip, /The store is offline\./);
});

test('tooltip: project, status, active time, tags, current file:line', () => {
  const v = statusBarView(
    session({ tags: ['auth', 'backend'], activeSeconds: 3900, context: { current_file: 'src/auth.ts', current_line: '42' } }),
    { receivedAt: 1000, now: 1000 },
  );
  assert.match(v.tooltip, /Project: api\\-server/);
  assert.match(v.tooltip, /Status: active/);
  assert.match(v.tooltip, /Active time: 1h 05m/);
  assert.match(v.tooltip, /Tags: auth, backend/);
  assert.match(v.tooltip, /Current file: src\/auth\\\.ts:42/);
});

test('tooltip without tags or file says so', () => {
  const v = statusBarView(session());
  assert.match(v.tooltip, /Tags: —/);
  assert.match(v.tooltip, /Current file: —/);
});

test('markdown in names is escaped in the tooltip', () => {
  const v = statusBarView(session({ name: 'fix *all* [the] bugs' }));
  assert.match(v.tooltip, /fix \\\*all\\\* \\\[the\\\] bugs/);
});

test('active time keeps counting between notifications only while active', () => {
  const s = session({ activeSeconds: 100 });
  assert.equal(activeSecondsNow(s, 0, 30_000), 130);
  assert.equal(activeSecondsNow(session({ status: 'paused', activeSeconds: 100 }), 0, 30_000), 100);
  assert.equal(activeSecondsNow(session({ activeSeconds: null }), 0, 30_000), undefined);
});

test('durations read like a person would write them', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(42.7), '42s');
  assert.equal(formatDuration(303), '5m 03s');
  assert.equal(formatDuration(3900), '1h 05m');
  assert.equal(formatDuration(3 * 86400 + 7200), '3d 2h');
  assert.equal(formatDuration(null), '—');
});

test('current location is file:line, or the file alone', () => {
  assert.equal(currentLocation(session({ context: { current_file: 'a.py', current_line: '5' } })), 'a.py:5');
  assert.equal(currentLocation(session({ context: { current_file: 'a.py' } })), 'a.py');
  assert.equal(currentLocation(session()), undefined);
});

test('server states: starting and not running', () => {
  assert.equal(serverStateView('starting').text, '$(loading~spin) Helix');
  const err = serverStateView('error', 'no Python');
  assert.equal(err.text, '$(error) Helix');
  assert.match(err.tooltip, /not running: no Python/);
});

test('quick-pick row shows status, mode, project and last file', () => {
  const row = sessionRow(session({ status: 'paused', context: { current_file: 'src/a.ts', current_line: '7' }, tags: ['x'] }));
  assert.equal(row.label, '$(debug-pause) implement-user-auth');
  assert.equal(row.description, 'paused · building · api-server');
  assert.match(row.detail, /src\/a\.ts:7/);
  assert.match(row.detail, /\$\(tag\) x/);
  assert.match(sessionRow(session()).detail, /no file yet/);
});

test('details document lists fields, metadata and context', () => {
  const text = sessionDetails(
    session({ description: 'OAuth\nflow', failureReason: null, metadata: { sprint: '23' }, context: { branch: 'feat/x' } }),
  );
  const lines = text.split('\n');
  assert.equal(lines[0], 'implement-user-auth');
  assert.match(lines[1], /^=+$/);
  assert.ok(lines.includes('OAuth flow'));
  assert.ok(lines.includes('Mode          building'), text);
  assert.ok(lines.includes('Actions       pause, complete, fail'), text);
  assert.ok(lines.includes('Started       2026-11-24 18:00:00 UTC'), text);
  assert.ok(lines.includes('Last paused   —'), text);
  assert.ok(lines.includes('sprint  23'), text);
  assert.ok(lines.includes('branch  feat/x'), text);
  assert.doesNotMatch(text, /Failure reason/);
  assert.match(sessionDetails(session({ status: 'failed', failureReason: 'Tests failed' })), /Failure reason {2}Tests failed/);
});

test('timestamps read as UTC date and time', () => {
  assert.equal(formatTimestamp('2026-11-24T18:00:00.123Z'), '2026-11-24 18:00:00 UTC');
  assert.equal(formatTimestamp('2026-11-24T18:00:00Z'), '2026-11-24 18:00:00 UTC');
  assert.equal(formatTimestamp(null), undefined);
  assert.equal(formatTimestamp('yesterday'), 'yesterday');
});

test('a session paused while away says since when, in local time', () => {
  const now = new Date(2026, 10, 30, 18, 5); // local time
  const since = new Date(2026, 10, 30, 17, 42);
  const clock = since.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  const v = statusBarView(session({ status: 'paused', awaySince: since.toISOString() }), { now: now.getTime() });
  assert.equal(v.text, `$(debug-pause) building · implement-user-auth · paused (away since ${clock})`);
  assert.match(v.tooltip, /after no activity/);
  assert.match(v.accessibilityLabel, /away since/);
});

test('away since another day shows the date too; a pause by hand shows no away time', () => {
  const now = new Date(2026, 10, 30, 9, 0);
  const since = new Date(2026, 10, 28, 17, 42);
  const label = localClock(since.toISOString(), now);
  assert.ok(label);
  assert.ok(label.endsWith(since.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })), label);
  assert.notEqual(label, localClock(since.toISOString(), since));
  assert.equal(localClock('not a time', now), undefined);
  const byHand = statusBarView(session({ status: 'paused', awaySince: null }), { now: now.getTime() });
  assert.equal(byHand.text, '$(debug-pause) building · implement-user-auth · paused');
  assert.doesNotMatch(byHand.tooltip, /no activity/);
});
