import assert from 'node:assert/strict';
import { test } from 'node:test';

import { currentSession, restoreTarget, switchCandidates } from '../../src/select';
import { session } from './fixtures';

const a = session({ id: 'a', name: 'a', project: 'api' });
const w = session({ id: 'w', name: 'w', project: 'web', mode: 'testing' });

test('the indicator follows the project of the focused editor', () => {
  const status = { active: w, sessions: [a, w] };
  assert.equal(currentSession(status, 'api')?.id, 'a');
  assert.equal(currentSession(status, 'web')?.id, 'w');
  assert.equal(currentSession(status, 'docs'), undefined);
});

test('without an active session the most recently paused one of the project shows', () => {
  const p1 = session({ id: 'p1', status: 'paused', project: 'api', lastPausedAt: '2026-11-24T18:00:00.000Z' });
  const p2 = session({ id: 'p2', status: 'paused', project: 'api', lastPausedAt: '2026-11-24T19:00:00.000Z' });
  const other = session({ id: 'p3', status: 'paused', project: 'web', lastPausedAt: '2026-11-24T20:00:00.000Z' });
  assert.equal(currentSession({ active: null, sessions: [] }, 'api', [p1, p2, other])?.id, 'p2');
  assert.equal(currentSession({ active: null, sessions: [] }, 'docs', [p1, p2, other]), undefined);
});

test('an active session wins over a paused one', () => {
  const p = session({ id: 'p', status: 'paused', project: 'api', lastPausedAt: '2026-11-24T21:00:00.000Z' });
  assert.equal(currentSession({ active: a, sessions: [a] }, 'api', [p])?.id, 'a');
});

test('no folder: the server-wide active session', () => {
  assert.equal(currentSession({ active: w, sessions: [a, w] }, undefined)?.id, 'w');
  assert.equal(currentSession(undefined, 'api'), undefined);
});

test('switch offers open sessions, focused project first, without the current one', () => {
  const done = session({ id: 'd', status: 'completed', project: 'api' });
  const idle = session({ id: 'i', status: 'idle', project: 'api' });
  const paused = session({ id: 'p', status: 'paused', project: 'api' });
  const ids = switchCandidates([w, done, idle, a, paused], 'api', 'a').map((s) => s.id);
  assert.deepEqual(ids, ['p', 'i', 'w']);
});

test('restore: current_file relative to the folder of the session project, 1-based line', () => {
  const s = session({ project: 'web', context: { current_file: 'src/app.ts', current_line: '5', current_column: '3' } });
  const t = restoreTarget(s, [
    { name: 'api', fsPath: '/ws/api' },
    { name: 'web', fsPath: '/ws/web/' },
  ]);
  assert.deepEqual(t, { paths: ['/ws/web/src/app.ts', '/ws/api/src/app.ts'], line: 4, character: 2 });
});

test('restore: absolute paths as they are; nothing without a file', () => {
  const s = session({ context: { current_file: '/etc/hosts', current_line: '1' } });
  assert.deepEqual(restoreTarget(s, []), { paths: ['/etc/hosts'], line: 0, character: 0 });
  assert.equal(restoreTarget(session(), [{ name: 'api', fsPath: '/ws' }]), undefined);
  assert.deepEqual(restoreTarget(session({ context: { current_file: 'x', current_line: 'junk' } }), [{ name: 'q', fsPath: 'C:\\w' }]), {
    paths: ['C:\\w\\x'],
    line: 0,
    character: 0,
  });
});
