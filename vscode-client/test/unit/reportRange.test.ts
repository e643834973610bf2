import assert from 'node:assert/strict';
import { test } from 'node:test';

import { dayError, projectsOf, rangeError, rangeLabel, rangeParams, reportParams, reportTitle } from '../../src/reportRange';
import { session } from './fixtures';

const today = new Date(2026, 10, 24, 15, 30); // Tue 24 Nov 2026, local

test('the ranges of the picker and their parameters', () => {
  assert.deepEqual(rangeParams({ kind: 'today' }, today), { since: '1d' });
  assert.deepEqual(rangeParams({ kind: 'week' }, today), { since: '7d' });
  assert.deepEqual(rangeParams({ kind: 'month30' }, today), { since: '30d' });
  assert.deepEqual(rangeParams({ kind: 'thisMonth' }, today), { from: '2026-11-01', to: '2026-11-24' });
  assert.deepEqual(rangeParams({ kind: 'custom', from: ' 2026-10-30 ', to: '2026-11-02' }, today), { from: '2026-10-30', to: '2026-11-02' });
});

test('custom days are checked before they are sent', () => {
  assert.equal(dayError('2026-11-24'), undefined);
  assert.match(dayError('24.11.2026')!, /YYYY-MM-DD/);
  assert.match(dayError('2026-02-30')!, /not a day of the calendar/);
  assert.equal(rangeError('2026-11-01', '2026-11-01'), undefined);
  assert.match(rangeError('2026-11-02', '2026-11-01')!, /ends \(2026-11-01\) before it starts \(2026-11-02\)/);
});

test('labels and the panel title', () => {
  assert.equal(rangeLabel({ kind: 'week' }), 'Last 7 days');
  assert.equal(rangeLabel({ kind: 'custom', from: '2026-11-01', to: '2026-11-03' }), '2026-11-01 – 2026-11-03');
  assert.equal(reportTitle({ kind: 'today' }, { kind: 'current' }, 'shop'), 'Helix Report · Today · shop');
  assert.equal(reportTitle({ kind: 'thisMonth' }, { kind: 'all' }, 'shop'), 'Helix Report · This month · all projects');
});

test('the report request: range, project, zone, the page with the given nonce', () => {
  const base = { range: { kind: 'week' } as const, tz: 'Europe/Berlin', nonce: 'n0nce', today };
  assert.deepEqual(reportParams({ ...base, project: { kind: 'all' }, currentProject: 'shop' }),
    { since: '7d', tz: 'Europe/Berlin', render: 'html', nonce: 'n0nce' });
  assert.equal(reportParams({ ...base, project: { kind: 'current' }, currentProject: 'shop' }).project, 'shop');
  assert.equal(reportParams({ ...base, project: { kind: 'named', project: 'api' }, currentProject: 'shop' }).project, 'api');
  // No folder open: "current project" cannot narrow anything.
  assert.equal('project' in reportParams({ ...base, project: { kind: 'current' } }), false);
});

test('the projects to pick from: each once, in order', () => {
  const s = [session({ project: 'web' }), session({ project: 'api' }), session({ project: 'web' })];
  assert.deepEqual(projectsOf(s), ['api', 'web']);
});
