import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ACTIONS, canTransition, legalActions, targetFor } from '../../src/actions';
import { session } from './fixtures';

test('lifecycle table of the contract', () => {
  const table: Record<string, string[]> = {
    start: ['idle'],
    pause: ['active'],
    resume: ['paused'],
    complete: ['active', 'paused'],
    fail: ['idle', 'active', 'paused'],
  };
  for (const [action, from] of Object.entries(table)) {
    for (const status of ['idle', 'active', 'paused', 'completed', 'failed']) {
      assert.equal(canTransition(action as keyof typeof table as never, status), from.includes(status), `${action} from ${status}`);
    }
  }
});

test('legal actions of an active session', () => {
  assert.deepEqual(legalActions(session()), ['pause', 'complete', 'fail', 'setMode', 'addTag', 'setMetadata', 'show', 'switch', 'create', 'list']);
});

test('legal actions of a paused session start with resume', () => {
  const a = legalActions(session({ status: 'paused' }));
  assert.equal(a[0], 'resume');
  assert.ok(!a.includes('pause'));
  assert.ok(a.includes('complete') && a.includes('fail'));
});

test('idle session can start or fail, not pause or complete', () => {
  const a = legalActions(session({ status: 'idle' }));
  assert.deepEqual(a.slice(0, 2), ['start', 'fail']);
  assert.ok(!a.includes('pause') && !a.includes('complete') && !a.includes('resume'));
});

test('finished sessions offer no lifecycle or editing actions', () => {
  for (const status of ['completed', 'failed']) {
    assert.deepEqual(legalActions(session({ status })), ['show', 'switch', 'create', 'list']);
  }
});

test('remove tag only when there is a tag to remove', () => {
  assert.ok(!legalActions(session()).includes('removeTag'));
  assert.ok(legalActions(session({ tags: ['auth'] })).includes('removeTag'));
});

test('no session: create or switch', () => {
  assert.deepEqual(legalActions(undefined), ['create', 'switch', 'list']);
});

test('every action names a helix command', () => {
  for (const a of Object.values(ACTIONS)) assert.match(a.command, /^helix\.[a-zA-Z]+$/);
});

test('the current session is used without asking when the action is legal for it', () => {
  const cur = session();
  assert.deepEqual(targetFor('pause', cur, [session({ id: 'other' })]), { session: cur });
});

test('otherwise the only candidate is used, or the user chooses', () => {
  const paused = session({ id: 'p', status: 'paused' });
  const idle = session({ id: 'i', status: 'idle' });
  assert.deepEqual(targetFor('resume', session(), [paused, idle]), { session: paused });
  const idle2 = session({ id: 'i2', status: 'idle' });
  assert.deepEqual(targetFor('start', undefined, [idle, idle2, paused]), { choices: [idle, idle2] });
  assert.deepEqual(targetFor('start', undefined, [paused]), { choices: [] });
});
