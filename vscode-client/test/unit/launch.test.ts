import assert from 'node:assert/strict';
import { test } from 'node:test';

import { chooseLaunch, isSupportedPython, startFailureMessage } from '../../src/launch';

test('supported Python versions', () => {
  assert.equal(isSupportedPython([3, 10]), true);
  assert.equal(isSupportedPython([3, 9]), false);
  assert.equal(isSupportedPython([4, 0]), true);
  assert.equal(isSupportedPython(undefined), false);
});

test('helix.server.path runs an installed helix-lsp as it is', () => {
  const { launch } = chooseLaunch({ serverPath: ' /usr/local/bin/helix-lsp ', pythonPath: '/py', platform: 'linux' });
  assert.deepEqual(launch, { command: '/usr/local/bin/helix-lsp', args: [], env: {}, origin: 'helix.server.path' });
});

test('helix.server.pythonPath wins over the Python extension', () => {
  const { launch } = chooseLaunch({ pythonPath: ' /opt/py/bin/python3 ', selected: { path: '/venv/bin/python', version: [3, 12] }, platform: 'linux' });
  assert.equal(launch.command, '/opt/py/bin/python3');
  assert.equal(launch.origin, 'helix.server.pythonPath');
});

test("the Python extension's interpreter runs the bundled server", () => {
  const { launch, skipped } = chooseLaunch({ selected: { path: '/venv/bin/python', version: [3, 11] }, platform: 'linux', bundledLibs: '/ext/bundled/libs' });
  assert.equal(launch.command, '/venv/bin/python');
  assert.deepEqual(launch.args, ['-m', 'helix_lsp']);
  assert.equal(launch.env.PYTHONPATH, '/ext/bundled/libs');
  assert.equal(launch.env.PYTHONNOUSERSITE, '1');
  assert.equal(skipped, undefined);
  // A version it does not know yet is tried as well.
  assert.equal(chooseLaunch({ selected: { path: '/x/python' }, platform: 'linux' }).launch.command, '/x/python');
});

test("an interpreter too old is passed over for the Python on PATH, and the log says why", () => {
  const { launch, skipped } = chooseLaunch({ selected: { path: '/old/python', version: [3, 8] }, platform: 'linux' });
  assert.equal(launch.command, 'python3');
  assert.equal(launch.origin, 'PATH');
  assert.match(skipped!, /\/old\/python is Python 3\.8; the server needs 3\.10 or newer/);
});

test('without the Python extension: python3 from PATH (python on Windows), no bundled libraries needed', () => {
  const linux = chooseLaunch({ platform: 'linux' }).launch;
  assert.equal(linux.command, 'python3');
  assert.equal(linux.env.PYTHONPATH, undefined);
  assert.equal(chooseLaunch({ platform: 'win32' }).launch.command, 'python');
});

test('the start failure message names what was run and the setting to fix', () => {
  const explicit = chooseLaunch({ pythonPath: '/nonexistent/bin/python3', platform: 'linux' }).launch;
  const msg = startFailureMessage(explicit, 'spawn /nonexistent/bin/python3 ENOENT');
  assert.match(msg, /with \/nonexistent\/bin\/python3 \(helix\.server\.pythonPath\): spawn .* ENOENT\. It needs Python 3\.10 or newer\. Fix helix\.server\.pythonPath/);
  const onPath = startFailureMessage(chooseLaunch({ platform: 'linux' }).launch, 'Connection closed.');
  assert.match(onPath, /with python3 from PATH: Connection closed\. It needs Python 3\.10 or newer\. Install Python, select an interpreter/);
  const server = startFailureMessage(chooseLaunch({ serverPath: '/bin/helix-lsp', platform: 'linux' }).launch, 'boom');
  assert.match(server, /language server \/bin\/helix-lsp \(helix\.server\.path\): boom\. Fix helix\.server\.path/);
});
