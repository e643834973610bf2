import assert from 'node:assert/strict';
import { test } from 'node:test';

import { expandHome, initializationOptions } from '../../src/options';

const defaults = {
  dbPath: '',
  exclude: [],
  hideFileNames: false,
  idleMinutes: undefined,
  autoPauseMinutes: undefined,
  idleResume: 'ask' as const,
  owner: '',
  serverPath: '',
  pythonPath: '',
  restoreOnResume: true,
};

test('initialization options always declare cursor notifications', () => {
  assert.deepEqual(initializationOptions(defaults), {
    cursorNotifications: true,
    hideFileNames: false,
    idleMinutes: 15,
    idleResume: 'ask',
  });
});

test('initialization options carry the settings', () => {
  const opts = initializationOptions(
    { ...defaults, dbPath: '~/sessions.db', exclude: [' **/secret/** ', ''], hideFileNames: true, idleMinutes: 0.1, idleResume: 'never' },
    '/home/me',
  );
  assert.deepEqual(opts, {
    cursorNotifications: true,
    hideFileNames: true,
    idleMinutes: 0.1,
    idleResume: 'never',
    dbPath: '/home/me/sessions.db',
    exclude: ['**/secret/**'],
  });
  assert.equal(initializationOptions({ ...defaults, idleMinutes: -3 }).idleMinutes, 0);
});

test('the owner is sent only when set', () => {
  assert.equal(initializationOptions({ ...defaults, owner: ' me@example.com ' }).owner, 'me@example.com');
  assert.equal('owner' in initializationOptions({ ...defaults, owner: '  ' }), false);
});

test('the idle limit: the new setting, else the older one, else 15', () => {
  assert.equal(initializationOptions({ ...defaults, autoPauseMinutes: 30 }).idleMinutes, 30);
  assert.equal(initializationOptions({ ...defaults, autoPauseMinutes: 0 }).idleMinutes, 0);
  assert.equal(initializationOptions({ ...defaults, idleMinutes: 5, autoPauseMinutes: 30 }).idleMinutes, 5);
  assert.equal(initializationOptions({ ...defaults, idleMinutes: 0, autoPauseMinutes: 30 }).idleMinutes, 0);
  assert.equal(initializationOptions(defaults).autoPauseMinutes, undefined);
});

test('home expansion only at the start', () => {
  assert.equal(expandHome('~', '/h'), '/h');
  assert.equal(expandHome('/a/~/b', '/h'), '/a/~/b');
  assert.equal(expandHome('~/x', undefined), '~/x');
});

test('a PostgreSQL URL is sent as it is, not taken for a path', () => {
  const url = 'postgresql://alice@db.example:5432/helix?sslmode=verify-full';
  assert.equal(initializationOptions({ ...defaults, dbPath: ` ${url} ` }, '/home/me').dbPath, url);
});
