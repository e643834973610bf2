import assert from 'node:assert/strict';
import { test } from 'node:test';

import { restoreTarget } from '../../src/restore';
import { session } from './fixtures';

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
