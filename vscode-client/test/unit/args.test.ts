import assert from 'node:assert/strict';
import { test } from 'node:test';

import { commandArguments, createParams, listParams, sessionParams, splitTags } from '../../src/args';

test('command arguments: one object of named parameters, undefined dropped', () => {
  assert.deepEqual(commandArguments(undefined), []);
  assert.deepEqual(commandArguments({}), []);
  assert.deepEqual(commandArguments({ session: undefined }), []);
  assert.deepEqual(commandArguments({ session: 'abc', tag: 'x', none: undefined }), [{ session: 'abc', tag: 'x' }]);
});

test('create: name trimmed, mode, project, tags split at commas only', () => {
  assert.deepEqual(createParams({ name: '  e2e-auth ', mode: 'building', project: 'shop', tags: 'auth, backend ,auth' }), {
    name: 'e2e-auth',
    mode: 'building',
    project: 'shop',
    tags: ['auth', 'backend', 'auth'],
  });
  assert.deepEqual(createParams({ name: 'x', mode: 'testing', project: ' ', tags: '' }), { name: 'x', mode: 'testing' });
  assert.deepEqual(createParams({ name: 'x', mode: 'testing', start: true, description: ' d ' }), {
    name: 'x',
    mode: 'testing',
    description: 'd',
    start: true,
  });
});

test('a tag typed with a space reaches the server as typed (it explains the refusal)', () => {
  assert.deepEqual(splitTags('bad tag!, ok'), ['bad tag!', 'ok']);
  assert.deepEqual(createParams({ name: 'n', mode: 'building', tags: 'bad tag!, ok' }).tags, ['bad tag!', 'ok']);
  assert.deepEqual(splitTags(' , ,'), []);
});

test('nothing typed is refused or cut short here: long names go to the server', () => {
  const long = 'a'.repeat(5000);
  assert.equal(createParams({ name: long, mode: 'building' }).name, long);
  assert.equal(createParams({ name: '', mode: 'building' }).name, '');
});

test('session parameters name the session by id when known', () => {
  assert.deepEqual(sessionParams('id-1'), { session: 'id-1' });
  assert.deepEqual(sessionParams(undefined), {});
  assert.deepEqual(sessionParams('id-1', { reason: 'broken' }), { session: 'id-1', reason: 'broken' });
});

test('list filters', () => {
  assert.deepEqual(listParams({ kind: 'all' }), { limit: 200 });
  assert.deepEqual(listParams({ kind: 'status', value: 'paused' }, 20), { limit: 20, status: 'paused' });
  assert.deepEqual(listParams({ kind: 'mode', value: 'testing' }), { limit: 200, mode: 'testing' });
  assert.deepEqual(listParams({ kind: 'tag', value: 'auth' }), { limit: 200, tag: 'auth' });
});
