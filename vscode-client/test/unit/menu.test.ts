import assert from 'node:assert/strict';
import { test } from 'node:test';

import { MENU, sessionMenu } from '../../src/menu';
import { session } from './fixtures';

test("the lifecycle entries are the server's actions, in its order", () => {
  assert.deepEqual(sessionMenu(session({ actions: ['pause', 'complete', 'fail'] })), [
    'pause', 'complete', 'fail', 'setMode', 'addTag', 'setMetadata', 'show', 'switch', 'create', 'list',
  ]);
  // Whatever the status says, only what the server allows is offered.
  const idle = sessionMenu(session({ status: 'idle', actions: ['start', 'fail'] }));
  assert.deepEqual(idle.slice(0, 2), ['start', 'fail']);
  assert.ok(!idle.includes('pause') && !idle.includes('complete') && !idle.includes('resume'));
  assert.deepEqual(sessionMenu(session({ status: 'active', actions: [] })).slice(0, 1), ['setMode']);
});

test('an action this client does not know is left out, not guessed', () => {
  assert.deepEqual(sessionMenu(session({ actions: ['archive', 'pause'] })).slice(0, 2), ['pause', 'setMode']);
});

test('remove tag only when there is a tag to remove', () => {
  assert.ok(!sessionMenu(session()).includes('removeTag'));
  assert.ok(sessionMenu(session({ tags: ['auth'] })).includes('removeTag'));
});

test('no session: create, switch, list', () => {
  assert.deepEqual(sessionMenu(undefined), ['create', 'switch', 'list']);
});

test('every entry names a helix command', () => {
  for (const e of Object.values(MENU)) assert.match(e.command, /^helix\.[a-zA-Z]+$/);
});
