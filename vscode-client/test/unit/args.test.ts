import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  commandArguments,
  createParams,
  cursorParams,
  expandHome,
  initializationOptions,
  listParams,
  parseTags,
  sessionParams,
  validateKey,
  validateName,
  validateReason,
  validateTag,
  validateTags,
} from '../../src/args';

const defaults = {
  dbPath: '',
  exclude: [],
  hideFileNames: false,
  autoPauseMinutes: 0,
  serverPath: '',
  pythonPath: '',
  restoreOnResume: true,
};

test('command arguments: one object of named parameters, undefined dropped', () => {
  assert.deepEqual(commandArguments(undefined), []);
  assert.deepEqual(commandArguments({}), []);
  assert.deepEqual(commandArguments({ session: undefined }), []);
  assert.deepEqual(commandArguments({ session: 'abc', tag: 'x', none: undefined }), [{ session: 'abc', tag: 'x' }]);
});

test('create: name trimmed, mode, project, tags parsed', () => {
  assert.deepEqual(createParams({ name: '  e2e-auth ', mode: 'building', project: 'shop', tags: 'auth, backend auth' }), {
    name: 'e2e-auth',
    mode: 'building',
    project: 'shop',
    tags: ['auth', 'backend'],
  });
  assert.deepEqual(createParams({ name: 'x', mode: 'testing', project: ' ', tags: '' }), { name: 'x', mode: 'testing' });
  assert.deepEqual(createParams({ name: 'x', mode: 'testing', start: true, description: ' d ' }), {
    name: 'x',
    mode: 'testing',
    description: 'd',
    start: true,
  });
});

test('session parameters name the session by id when known', () => {
  assert.deepEqual(sessionParams('id-1'), { session: 'id-1' });
  assert.deepEqual(sessionParams(undefined), {});
  assert.deepEqual(sessionParams('id-1', { reason: 'broken' }), { session: 'id-1', reason: 'broken' });
});

test('list filters', () => {
  assert.deepEqual(listParams({ kind: 'all' }), { limit: 200 });
  assert.deepEqual(listParams({ kind: 'status', value: 'paused' }, 20, 'api'), { limit: 20, status: 'paused', project: 'api' });
  assert.deepEqual(listParams({ kind: 'mode', value: 'testing' }), { limit: 200, mode: 'testing' });
  assert.deepEqual(listParams({ kind: 'tag', value: 'auth' }), { limit: 200, tag: 'auth' });
});

test('cursor notification params are 0-based LSP positions', () => {
  assert.deepEqual(cursorParams('file:///w/a.py', 4, 0), { textDocument: { uri: 'file:///w/a.py' }, position: { line: 4, character: 0 } });
});

test('name validation', () => {
  assert.equal(validateName('implement-user-auth'), undefined);
  assert.match(validateName('   ')!, /needs a name/);
  assert.match(validateName('a'.repeat(201))!, /under 201/);
  assert.equal(validateName('a'.repeat(200)), undefined);
  assert.match(validateName('bad\u0007name')!, /control characters/);
});

test('tags: parsing and validation', () => {
  assert.deepEqual(parseTags(''), []);
  assert.deepEqual(parseTags(' a,b  c,,a '), ['a', 'b', 'c']);
  assert.equal(validateTags('auth backend'), undefined);
  assert.match(validateTags('ok ' + 'x'.repeat(65))!, /at most 64/);
  assert.equal(validateTag('auth'), undefined);
  assert.match(validateTag('two words')!, /One tag at a time/);
  assert.match(validateTag('')!, /empty/);
});

test('metadata key and failure reason', () => {
  assert.equal(validateKey('sprint'), undefined);
  assert.match(validateKey(' ')!, /empty/);
  assert.match(validateReason('')!, /Say why/);
  assert.equal(validateReason('Tests failed, need to redesign'), undefined);
});

test('initialization options always declare cursor notifications', () => {
  assert.deepEqual(initializationOptions(defaults), { cursorNotifications: true, hideFileNames: false, autoPauseMinutes: 0 });
});

test('initialization options carry the settings', () => {
  const opts = initializationOptions(
    { ...defaults, dbPath: '~/sessions.db', exclude: [' **/secret/** ', ''], hideFileNames: true, autoPauseMinutes: 15 },
    '/home/me',
  );
  assert.deepEqual(opts, {
    cursorNotifications: true,
    hideFileNames: true,
    autoPauseMinutes: 15,
    dbPath: '/home/me/sessions.db',
    exclude: ['**/secret/**'],
  });
  assert.equal(initializationOptions({ ...defaults, autoPauseMinutes: -3 }).autoPauseMinutes, 0);
});

test('home expansion only at the start', () => {
  assert.equal(expandHome('~', '/h'), '/h');
  assert.equal(expandHome('/a/~/b', '/h'), '/a/~/b');
  assert.equal(expandHome('~/x', undefined), '~/x');
});
