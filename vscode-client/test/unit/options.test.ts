import assert from 'node:assert/strict';
import { test } from 'node:test';

import { expandHome, initializationOptions } from '../../src/options';

const defaults = {
  dbPath: '',
  exclude: [],
  hideFileNames: false,
  autoPauseMinutes: 0,
  serverPath: '',
  pythonPath: '',
  restoreOnResume: true,
};

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
