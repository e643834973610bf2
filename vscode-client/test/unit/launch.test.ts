import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isSupportedPython, noPythonMessage, parsePythonVersion, pythonCandidates, pythonLaunch, serverPathLaunch } from '../../src/launch';

test('python version probe output', () => {
  assert.deepEqual(parsePythonVersion('3.11\n'), [3, 11]);
  assert.equal(parsePythonVersion('Python was not found; run without arguments to install from the Microsoft Store'), undefined);
  assert.equal(isSupportedPython([3, 10]), true);
  assert.equal(isSupportedPython([3, 9]), false);
  assert.equal(isSupportedPython([4, 0]), true);
  assert.equal(isSupportedPython(undefined), false);
});

test('interpreters to try', () => {
  assert.deepEqual(pythonCandidates({ platform: 'linux' }).map((c) => c.command), ['python3', 'python']);
  assert.deepEqual(pythonCandidates({ platform: 'linux', pythonExtensionPath: '/venv/bin/python' }).map((c) => c.command), [
    '/venv/bin/python',
    'python3',
    'python',
  ]);
  assert.deepEqual(pythonCandidates({ platform: 'win32' }), [
    { command: 'python', args: [] },
    { command: 'py', args: ['-3'] },
  ]);
  assert.deepEqual(pythonCandidates({ platform: 'linux', pythonPath: ' /opt/py/bin/python3 ', pythonExtensionPath: '/venv/bin/python' }), [
    { command: '/opt/py/bin/python3', args: [] },
  ]);
});

test('bundled server: python -m helix_lsp with the bundled libraries on PYTHONPATH', () => {
  const spec = pythonLaunch({ command: 'python3', args: [] }, '/ext/bundled/libs');
  assert.equal(spec.command, 'python3');
  assert.deepEqual(spec.args, ['-m', 'helix_lsp']);
  assert.equal(spec.env.PYTHONPATH, '/ext/bundled/libs');
  assert.equal(spec.origin, 'bundled');
  const installed = pythonLaunch({ command: 'py', args: ['-3'] }, undefined);
  assert.deepEqual(installed.args, ['-3', '-m', 'helix_lsp']);
  assert.equal(installed.env.PYTHONPATH, undefined);
});

test('an installed helix-lsp runs as it is', () => {
  assert.deepEqual(serverPathLaunch(' /usr/local/bin/helix-lsp '), { command: '/usr/local/bin/helix-lsp', args: [], env: {}, origin: 'server.path' });
});

test('the no-Python message says what to do', () => {
  const msg = noPythonMessage(pythonCandidates({ platform: 'linux' }), false);
  assert.match(msg, /Python 3\.10 or newer/);
  assert.match(msg, /python3, python/);
  assert.match(msg, /helix\.server\.pythonPath/);
  assert.match(noPythonMessage([{ command: '/bad', args: [] }], true), /helix\.server\.pythonPath \(\/bad\)/);
});
