import assert from 'node:assert/strict';
import { test } from 'node:test';

import { TreeNode, buildTree, sessionContextValue, statusGroups, todayNode } from '../../src/tree';
import { session } from './fixtures';

const current = session({
  id: 'cur', name: 'implement-user-auth', mode: 'debugging', activeSeconds: 3600,
  context: { current_file: 'src/auth.ts', current_line: '42' },
});
const today = { totalSeconds: 5400, byMode: { building: 1800, debugging: 3600, testing: 0 }, sessions: [{ id: 'cur', seconds: 1200 }] };

function labels(nodes: TreeNode[] | undefined): string[] {
  return (nodes ?? []).map((n) => `${n.label}${n.description ? ` | ${n.description}` : ''}`);
}

test('the current session comes first, with its mode, time today and place', () => {
  const [top] = buildTree({ current, today, recent: [current], receivedAt: 0, now: 0 });
  assert.equal(top.label, 'implement-user-auth');
  assert.equal(top.kind, 'current');
  assert.equal(top.icon, 'debug');
  assert.ok(top.expanded);
  assert.deepEqual(labels(top.children), [
    'Mode | debugging',
    'Time | 20m 00s today · 1h 00m in all',
    'Place | src/auth.ts:42',
    'Project | api-server',
  ]);
  assert.equal(top.contextValue, 'session:pause,complete,fail');
});

test("an active session's time today runs on from the push, as the status bar's does", () => {
  const [top] = buildTree({ current, today, recent: [], receivedAt: 0, now: 90_000 });
  assert.equal(top.children![1].description, '21m 30s today · 1h 01m in all');
  const [paused] = buildTree({ current: { ...current, status: 'paused' }, today, recent: [], receivedAt: 0, now: 90_000 });
  assert.equal(paused.children![1].description, '20m 00s today · 1h 00m in all');
  assert.equal(paused.description, 'debugging · paused');
});

test('time today is never more than the time in all (the report may be newer than the push)', () => {
  const [top] = buildTree({ current: { ...current, activeSeconds: 4 }, today: { ...today, sessions: [{ id: 'cur', seconds: 5 }] }, recent: [], receivedAt: 0, now: 0 });
  assert.equal(top.children![1].description, '4s today · 4s in all');
});

test('without a report (an older server) the current session shows its active time', () => {
  const [top] = buildTree({ current, recent: [], receivedAt: 0, now: 0 });
  assert.deepEqual(labels(top.children).slice(0, 2), ['Mode | debugging', 'Time | 1h 00m in all']);
  assert.equal(buildTree({ current, recent: [], reports: false })[1].description, 'this helix-lsp makes no reports');
  // Before the first answer: being read, under an id of its own (so it expands once it has rows).
  const pending = buildTree({ current, recent: [] })[1];
  assert.equal(pending.description, 'reading…');
  assert.notEqual(pending.id, todayNode(today).id);
});

test('no current session: one row that creates one', () => {
  const [top] = buildTree({ current: null, recent: [] });
  assert.equal(top.label, 'No session in this project');
  assert.equal(top.command, 'helix.createSession');
  assert.equal(top.session, undefined);
});

test("today's time by mode, the largest first, with shares; modes without time left out", () => {
  const node = todayNode(today);
  assert.equal(node.description, '1h 30m');
  assert.deepEqual(labels(node.children), ['debugging | 1h 00m · 67%', 'building | 30m 00s · 33%']);
  assert.deepEqual(node.children!.map((c) => c.icon), ['debug', 'tools']);
  assert.deepEqual(labels(todayNode({ totalSeconds: 0, byMode: {} }).children), ['No active time yet today']);
});

test('recent sessions grouped by status in lifecycle order, finished groups collapsed', () => {
  const recent = [
    session({ id: 'a', name: 'a-done', status: 'completed', actions: [] }),
    session({ id: 'b', name: 'b-idle', status: 'idle', actions: ['start', 'fail'] }),
    session({ id: 'c', name: 'c-active', status: 'active' }),
    session({ id: 'd', name: 'd-done', status: 'completed', actions: [] }),
    session({ id: 'e', name: 'e-failed', status: 'failed', actions: [], failureReason: 'flaky' }),
  ];
  const groups = statusGroups(recent);
  assert.deepEqual(labels(groups), ['Active | 1', 'Not started | 1', 'Completed | 2', 'Failed | 1']);
  assert.deepEqual(groups.map((g) => g.expanded), [true, true, false, false]);
  assert.deepEqual(groups[2].children!.map((c) => c.label), ['a-done', 'd-done']);
  assert.match(groups[3].children![0].tooltip!, /Failure reason: flaky/);
});

test("each session row carries the server's actions for the view's menus, and its session", () => {
  const idle = session({ id: 'b', name: 'b-idle', status: 'idle', actions: ['start', 'fail'] });
  const [group] = statusGroups([idle]);
  const row = group.children![0];
  assert.equal(row.contextValue, 'session:start,fail');
  assert.equal(row.session, idle);
  assert.equal(sessionContextValue(session({ actions: [] })), 'session:');
  assert.equal(row.description, 'building · api-server · 1m 00s');
});

test('row ids are unique even when the current session is also in its group', () => {
  const nodes = buildTree({ current, today, recent: [current, session({ id: 'x' })] });
  const ids: string[] = [];
  const walk = (ns: TreeNode[]) => ns.forEach((n) => { ids.push(n.id); walk(n.children ?? []); });
  walk(nodes);
  assert.equal(new Set(ids).size, ids.length, ids.join(' '));
});

test('a server that is not running: one row that shows the log', () => {
  assert.deepEqual(labels(buildTree({ current, recent: [current], running: false })), ['The Helix server is not running | show the log']);
});

test('no sessions at all says so', () => {
  assert.deepEqual(labels(buildTree({ current: null, recent: [], today })).slice(2), ['No sessions yet']);
});
