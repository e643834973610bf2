// End-to-end: starting the server. A wrong interpreter setting gives a clear
// message and a red indicator; fixing the setting restarts the server.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';

import { clientDir, launch, waitFor } from './harness.mjs';

let vs;
let page;

before(async () => {
  vs = await launch({
    name: 'launch',
    folders: { tool: { 'README.md': '# tool\n' } },
    machineSettings: { 'helix.server.pythonPath': '/nonexistent/bin/python3' },
  });
  page = vs.page;
});

after(async () => {
  await vs?.close();
});

test('no usable Python: an error message that says what to do, and a red indicator', async () => {
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'helix.server.pythonPath' });
  await toast.waitFor({ timeout: 60_000 });
  const text = (await toast.innerText()).replace(/\s+/g, ' ');
  assert.match(text, /could not start its language server with \/nonexistent\/bin\/python3 \(helix\.server\.pythonPath\)/);
  assert.match(text, /Fix helix\.server\.pythonPath/);
  assert.match(text, /Open Settings/);
  // One message, not the language client's own as well.
  assert.equal(await page.locator('.notifications-toasts .notification-toast').count(), 1);
  await waitFor('the indicator to say the server is not running', async () => (await vs.itemLabel()) === 'Helix: server not running');
  assert.equal(await vs.itemText(), 'Helix');
});

test('fixing the setting from the message\'s "Open Settings" restarts the server', async () => {
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'helix.server.pythonPath' });
  await toast.getByRole('button', { name: 'Open Settings' }).click();
  await page.locator('.settings-editor').waitFor({ timeout: 60_000 });
  // Interpreter paths are machine settings: the "Remote" tab in code-server.
  await page.locator('.settings-editor .settings-tabs-widget .action-label', { hasText: 'Remote' }).click();
  const row = page.locator('.settings-editor .setting-item', { hasText: 'Python Path' }).first();
  await row.waitFor({ timeout: 60_000 });
  const input = row.locator('input');
  assert.equal(await input.inputValue(), '/nonexistent/bin/python3');
  await input.fill('');
  await waitFor('the server to run', async () => (await vs.itemLabel()) === 'Helix: no session');
  await vs.palette('Helix: Create Session');
  await vs.answer('Create Session (1/4)', 'after-restart');
  await vs.answer('Create Session (2/4)', 'planning');
  await vs.answer('Create Session (3/4)');
  await vs.answer('Create Session (4/4)', '');
  await waitFor('the session in the store', async () => vs.show('after-restart').project === 'tool');
});

test('helix.server.path runs an installed helix-lsp, with --stdio', async () => {
  // A stand-in for an installed helix-lsp that notes how it was started.
  const marker = path.join(vs.tmp, 'server-args.txt');
  const wrapper = path.join(vs.tmp, 'helix-lsp');
  const pythonPath = [path.resolve(clientDir, '..'), path.join(clientDir, 'bundled', 'libs')].join(path.delimiter);
  fs.writeFileSync(wrapper, `#!/bin/sh\necho "$@" > '${marker}'\nPYTHONPATH='${pythonPath}' exec python3 -m helix_lsp "$@"\n`, { mode: 0o755 });
  const row = page.locator('.settings-editor .setting-item', { hasText: 'An installed' }).first();
  await row.waitFor({ timeout: 60_000 });
  await row.locator('input').fill(wrapper);
  await waitFor('the wrapper to be started', async () => fs.existsSync(marker));
  assert.equal(fs.readFileSync(marker, 'utf8').trim(), '--stdio');
  await waitFor('the server to run, showing the idle session', async () => (await vs.itemText()) === 'planning · after-restart · idle');
  vs.cli('start', 'after-restart');
  await waitFor('the session started elsewhere in the indicator', async () => (await vs.itemText()) === 'planning · after-restart');
});
