// End-to-end: the server runs with the interpreter selected in the Python
// extension (read through @vscode/python-extension), and selecting another
// one restarts it with that one. The Python extension itself cannot be
// installed offline; a stand-in with the same id answers its environments
// API (test/e2e/python-extension).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';

import { clientDir, launch, waitFor } from './harness.mjs';

let vs;
let work;
const started = () => (fs.existsSync(path.join(work, 'started.log')) ? fs.readFileSync(path.join(work, 'started.log'), 'utf8') : '');

/** An "interpreter" that notes its name each time it starts the server, then runs python3. */
function interpreter(name) {
  const file = path.join(work, name);
  fs.writeFileSync(file, `#!/bin/sh\necho ${name} >> '${path.join(work, 'started.log')}'\nexec python3 "$@"\n`, { mode: 0o755 });
  return file;
}

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'helix-e2e-python-'));
  const standIn = path.join(work, 'python-stand-in.vsix');
  execFileSync(path.join(clientDir, 'node_modules', '.bin', 'vsce'), ['package', '--allow-missing-repository', '--out', standIn], {
    cwd: path.join(clientDir, 'test', 'e2e', 'python-extension'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const selection = path.join(work, 'selection.json');
  fs.writeFileSync(selection, JSON.stringify({ current: interpreter('venv-a'), next: interpreter('venv-b'), version: [3, 11] }));
  process.env.HELIX_TEST_PYTHON_SELECTION = selection;
  vs = await launch({ name: 'python', folders: { svc: { 'app.py': 'print("hi")\n' } }, extensions: [standIn] });
  await vs.serverReady();
});

after(async () => {
  await vs?.close();
  delete process.env.HELIX_TEST_PYTHON_SELECTION;
  fs.rmSync(work, { recursive: true, force: true });
});

test("the server runs with the Python extension's selected interpreter", async () => {
  await waitFor('the server started by venv-a', async () => started().trim() === 'venv-a');
  vs.cli('create', 'on-venv-a', '--mode', 'testing', '--project', 'svc', '--start');
  await waitFor('the session in the indicator', async () => (await vs.itemText()) === 'testing · on-venv-a');
});

test('selecting another interpreter restarts the server with it', async () => {
  await vs.palette('Test Python: Select the Next Interpreter');
  await waitFor('the server started again by venv-b', async () => started().trim().split('\n').at(-1) === 'venv-b');
  assert.deepEqual(started().trim().split('\n'), ['venv-a', 'venv-b']);
  await waitFor('the session back in the indicator', async () => (await vs.itemText()) === 'testing · on-venv-a');
});
