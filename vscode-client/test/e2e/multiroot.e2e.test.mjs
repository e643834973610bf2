// End-to-end: a multi-root workspace (folders "api" and "web"), each with
// its own active session. The indicator follows the folder of the focused
// editor, and cursor positions land in that folder's session.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launch, waitFor } from './harness.mjs';

let vs;
let page;

before(async () => {
  vs = await launch({
    name: 'multiroot',
    folders: {
      api: { 'server.py': 'def serve():\n    return "api"\n\n\nserve()\n' },
      web: { 'index.ts': 'export const page = "web";\nconsole.log(page);\nexport {};\n' },
    },
  });
  page = vs.page;
});

after(async () => {
  await vs?.close();
});

test('sessions started elsewhere (the command line) reach the editor', async () => {
  await vs.serverReady();
  vs.cli('create', 'api-rate-limits', '--mode', 'debugging', '--project', 'api', '--start');
  vs.cli('create', 'web-landing', '--mode', 'deployment', '--project', 'web', '--start');
  await waitFor('an indicator for one of the two sessions', async () => /api-rate-limits|web-landing/.test(await vs.itemText()));
});

test('a file of "api" focused: the indicator shows the api session and the cursor lands there', async () => {
  await vs.openFromExplorer('server.py', 'def serve');
  await waitFor('the api session in the indicator', async () => (await vs.itemText()) === 'debugging · api-rate-limits');
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('ArrowDown');
  await waitFor('line 2 in the api session', async () => vs.show('api-rate-limits').context?.current_line === '2');
  assert.equal(vs.show('api-rate-limits').context.current_file, 'server.py');
  assert.equal(vs.show('web-landing').context?.current_file, undefined);
});

test('a file of "web" focused: the indicator follows to the web session', async () => {
  await vs.openFromExplorer('index.ts', 'export const page');
  await waitFor('the web session in the indicator', async () => (await vs.itemText()) === 'deployment · web-landing');
  await waitFor('the web session records index.ts', async () => vs.show('web-landing').context?.current_file === 'index.ts');
  assert.equal(vs.show('api-rate-limits').context.current_file, 'server.py');
});

test('pausing from a web file pauses the web session only', async () => {
  await vs.palette('Helix: Pause Session');
  await waitFor('the web session paused', async () => (await vs.itemText()).includes('web-landing · paused'));
  assert.equal(vs.show('web-landing').status, 'paused');
  assert.equal(vs.show('api-rate-limits').status, 'active');
  await vs.openFromExplorer('server.py', 'def serve');
  await waitFor('back to the api session', async () => (await vs.itemText()) === 'debugging · api-rate-limits');
});
