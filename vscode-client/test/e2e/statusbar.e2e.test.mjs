// End-to-end: one folder in real VS Code (code-server + headless Chromium),
// the packaged extension, everything through the command palette and editor.
// See harness.mjs for the set-up and the environment variables.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';

import { launch, log, outDir, waitFor } from './harness.mjs';

const SESSION = 'e2e-auth';
let vs;
let page;

before(async () => {
  vs = await launch({
    name: 'single',
    folders: {
      shop: {
        'auth.py': Array.from({ length: 12 }, (_, i) => `line_${i + 1} = ${i + 1}  # auth`).join('\n') + '\n',
        'notes.md': '# notes\n',
      },
    },
  });
  page = vs.page;
});

after(async () => {
  await vs?.close();
});

test('the extension starts its bundled server and shows the quiet Helix item', async () => {
  await waitFor('the Helix item to report no session', async () => (await vs.itemLabel()) === 'Helix: no session');
  assert.equal(await vs.itemText(), 'Helix');
});

test('create "e2e-auth" in building mode and start it from the palette: the status bar shows mode and name', async () => {
  await vs.palette('Helix: Create Session');
  await vs.answer('Create Session (1/4)', SESSION);
  await vs.answer('Create Session (2/4)', 'building');
  await vs.answer('Create Session (3/4)'); // project: the folder, as proposed
  await vs.answer('Create Session (4/4)', '');
  await waitFor('the session in the store', async () => vs.show(SESSION).status === 'idle');
  const created = vs.show(SESSION);
  assert.equal(created.mode, 'building');
  assert.equal(created.project, 'shop');
  await waitFor('the idle session in the indicator', async () => (await vs.itemText()) === `building · ${SESSION} · idle`);

  await vs.palette('Helix: Start Session');
  await waitFor('the indicator to show the session', async () => (await vs.itemText()).includes(SESSION));
  const text = await vs.itemText();
  assert.match(text, /building/);
  assert.match(text, /e2e-auth/);
  assert.equal(vs.show(SESSION).status, 'active');
  await vs.screenshotStatusBar('statusbar-active.png');
  await vs.screenshotIndicator('indicator-active.png');
});

test('click into a file and move to line 5: the store has current_file and current_line "5"', async () => {
  await vs.openFromExplorer('auth.py', 'line_1 =');
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
  await waitFor('VS Code to report line 5', async () => /Ln 5,/.test(await vs.statusBarText()));
  const session = await waitFor('the cursor in the store', async () => {
    const s = vs.show(SESSION);
    return s.context?.current_line === '5' ? s : undefined;
  });
  assert.equal(session.context.current_file, 'auth.py');
  assert.equal(session.context.current_line, '5');
});

test('pause changes the indicator', async () => {
  const before = await vs.itemText();
  const beforeBg = await vs.item().evaluate((el) => getComputedStyle(el).backgroundColor);
  await vs.palette('Helix: Pause Session');
  await waitFor('the indicator to show the pause', async () => (await vs.itemText()).includes('paused'));
  const text = await vs.itemText();
  assert.notEqual(text, before);
  assert.match(text, /e2e-auth/);
  const afterBg = await vs.item().evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.notEqual(afterBg, beforeBg, 'a paused session has its own background');
  assert.equal(vs.show(SESSION).status, 'paused');
  await vs.screenshotStatusBar('statusbar-paused.png');
  await vs.screenshotIndicator('indicator-paused.png');
});

test('resume brings back the file at the line where the session was left', async () => {
  await vs.palette('View: Close All Editors');
  await waitFor('no editor open', async () => (await page.locator('.tab').count()) === 0);
  await vs.palette('Helix: Resume Session');
  await waitFor('the indicator to show the active session', async () => {
    const t = await vs.itemText();
    return t.includes(SESSION) && !t.includes('paused');
  });
  await waitFor('auth.py to be reopened', async () => (await vs.activeTab()).includes('auth.py'));
  await waitFor('the cursor on line 5', async () => /Ln 5,/.test(await vs.statusBarText()));
  assert.equal(vs.show(SESSION).status, 'active');
});

test('the indicator tooltip tells project, status, active time and current file:line', async () => {
  await vs.item().hover();
  const hover = page.locator('.monaco-hover:visible').last();
  await waitFor('the tooltip', async () => (await hover.innerText()).includes('Project'));
  const text = (await hover.innerText()).replace(/\s+/g, ' ');
  assert.match(text, /Project: shop/);
  assert.match(text, /Status: active/);
  assert.match(text, /Active time: \d/);
  assert.match(text, /Current file: auth\.py:5/);
  const box = await hover.boundingBox();
  const bar = await page.locator('.part.statusbar').boundingBox();
  const file = path.join(outDir, 'indicator-tooltip.png');
  await page.screenshot({
    path: file,
    clip: {
      x: 0,
      y: Math.max(0, box.y - 8),
      width: Math.ceil(Math.max(box.x + box.width, 360) + 16),
      height: Math.ceil(bar.y + bar.height - box.y + 8),
    },
  });
  log(`screenshot: ${file}`);
  await page.mouse.move(640, 300);
});

test('clicking the indicator offers the actions that are legal now', async () => {
  await vs.item().click();
  const widget = page.locator('.quick-input-widget');
  await waitFor('the actions quick pick', async () => (await widget.isVisible()) && (await widget.locator('.monaco-list-row').count()) > 3);
  const rows = (await widget.locator('.monaco-list-row').allInnerTexts()).map((r) => r.replace(/\s+/g, ' '));
  const has = (label) => rows.some((r) => r.includes(label));
  assert.ok(has('Pause Session'), rows.join(' | '));
  assert.ok(has('Complete Session'));
  assert.ok(has('Fail Session'));
  assert.ok(!has('Resume Session'), 'no resume for an active session');
  assert.ok(!has('Start Session'), 'no start for an active session');
  await page.keyboard.press('Escape');
});

test("a refused command shows the server's sentence as an error message", async () => {
  await vs.palette('Helix: Create Session');
  await vs.answer('Create Session (1/4)', 'too-long-project');
  await vs.answer('Create Session (2/4)', 'planning');
  await vs.answer('Create Session (3/4)', 'p'.repeat(201));
  await vs.answer('Create Session (4/4)', '');
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'longer than 200 characters' });
  await toast.waitFor({ timeout: 60_000 });
  assert.match(await toast.innerText(), /the project is longer than 200 characters/);
  assert.match(await toast.innerText(), /Edit/);
  assert.ok(!vs.cli('list', '--json').includes('too-long-project'), 'nothing was written');
  await page.keyboard.press('Escape');
});

test('switch to a session created from the command line: it becomes active, the other one pauses', async () => {
  vs.cli('create', 'review-pr', '--mode', 'testing', '--project', 'shop');
  await vs.palette('Helix: Switch Session');
  await vs.answer('Switch Session', 'review-pr');
  await waitFor('the indicator to show review-pr', async () => (await vs.itemText()).includes('review-pr'));
  assert.match(await vs.itemText(), /testing · review-pr/);
  assert.equal(vs.show('review-pr').status, 'active');
  assert.equal(vs.show(SESSION).status, 'paused');
});
