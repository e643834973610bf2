// End-to-end: the older setting helix.autoPauseMinutes still reaches the
// server as the idle limit when helix.idleMinutes is not set. With no
// activity the active session pauses as of its last activity (the indicator
// says since when); typing resumes it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launch, waitFor } from './harness.mjs';

let vs;
let page;

before(async () => {
  vs = await launch({
    name: 'autopause',
    folders: { idle: { 'todo.txt': 'first\nsecond\nthird\n' } },
    settings: { 'helix.autoPauseMinutes': 0.05 }, // three seconds
  });
  page = vs.page;
  await vs.serverReady();
});

after(async () => {
  await vs?.close();
});

test('an idle session pauses by itself, and the indicator says so', async () => {
  await vs.openFromExplorer('todo.txt', 'first');
  vs.cli('create', 'idle-check', '--mode', 'planning', '--project', 'idle', '--start');
  await waitFor('the session in the indicator', async () => (await vs.itemText()).startsWith('planning · idle-check'));
  await waitFor('the automatic pause', async () => /^planning · idle-check · paused \(away since \d/.test(await vs.itemText()));
  assert.equal(vs.show('idle-check').status, 'paused');
});

test('the next activity in the project resumes it', async () => {
  await page.locator('.editor-instance .monaco-editor .view-line', { hasText: 'second' }).first().click();
  await page.keyboard.press('End');
  await waitFor('the session active again', async () => vs.show('idle-check').status === 'active');
  await waitFor('the indicator active again', async () => (await vs.itemText()) === 'planning · idle-check');
});
