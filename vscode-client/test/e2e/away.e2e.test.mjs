// End-to-end: the closed-editor scenario. Work at a.py:15, quit VS Code
// without pausing, stay away past the idle limit, open VS Code again (it
// restores its editors and their cursors) on b.py: the session is paused as
// of its last activity, its place is still a.py:15, VS Code offers it back
// with three buttons, and "Resume at a.py:15" opens a.py at line 15.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';

import { launch, log, outDir, waitFor } from './harness.mjs';

const SESSION = 'fix-login';
const IDLE_MINUTES = 0.1; // six seconds
/** How close the recorded pause must be to the last move (the cursor writes are coalesced to ~1 s). */
const TOLERANCE_MS = 1500;

const numbered = (n, word) => Array.from({ length: n }, (_, i) => `${word}_${i + 1} = ${i + 1}`).join('\n') + '\n';

let vs;
let page;
let lastMove;
let quitAt;

before(async () => {
  vs = await launch({
    name: 'away',
    folders: { shop: { 'a.py': numbered(30, 'alpha'), 'b.py': numbered(10, 'beta') } },
    // While working, a limit the test cannot reach; the short one applies
    // from the restart on, so the pause below is the start-up's, not the timer's.
    settings: { 'helix.idleMinutes': 1 },
  });
  page = vs.page;
  await vs.serverReady();
});

after(async () => {
  await vs?.close();
});

/** Moves the cursor of the focused editor to `line` (1-based) with the keyboard. */
async function keyboardToLine(line) {
  await page.keyboard.press('Control+Home');
  for (let i = 1; i < line; i++) await page.keyboard.press('ArrowDown');
  await waitFor(`VS Code to report line ${line}`, async () => new RegExp(`Ln ${line},`).test(await vs.statusBarText()));
}

/** The settings file VS Code reads (code-server's user settings). */
function setUserSetting(key, value) {
  const file = path.join(vs.userData, 'User', 'settings.json');
  const settings = JSON.parse(fs.readFileSync(file, 'utf8'));
  settings[key] = value;
  fs.writeFileSync(file, JSON.stringify(settings, null, 2));
}

test('work at a.py:15 after b.py:3, then quit without pausing', async () => {
  vs.cli('create', SESSION, '--mode', 'building', '--project', 'shop', '--start');
  await waitFor('the session in the indicator', async () => (await vs.itemText()) === `building · ${SESSION}`);
  await vs.openFromExplorer('b.py', 'beta_1 =');
  await keyboardToLine(3);
  await waitFor('b.py:3 in the store', async () => vs.show(SESSION).context?.current_line === '3');
  await vs.openFromExplorer('a.py', 'alpha_1 =');
  await keyboardToLine(15);
  lastMove = Date.now();
  const s = await waitFor('a.py:15 in the store', async () => {
    const got = vs.show(SESSION);
    return got.context?.current_file === 'a.py' && got.context?.current_line === '15' ? got : undefined;
  });
  assert.equal(s.status, 'active');
  await vs.quit();
  quitAt = Date.now();
  assert.equal(vs.show(SESSION).status, 'active', 'nothing paused it on quitting');
});

test('reopened past the limit on b.py: paused as of the last move, the place kept, the offer shown', async () => {
  setUserSetting('helix.idleMinutes', IDLE_MINUTES);
  const awayUntil = lastMove + IDLE_MINUTES * 60_000 + 2000;
  await new Promise((r) => setTimeout(r, Math.max(0, awayUntil - Date.now())));
  await vs.reopen();
  // b.py with the cursor VS Code restores for it (line 3), a.py's restored one behind it.
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'b.py' }).first().click();
  await waitFor('b.py shown', async () => (await vs.activeTab()).includes('b.py'));

  const toast = page.locator('.notification-toast', { hasText: SESSION });
  await toast.waitFor({ state: 'visible', timeout: 60_000 });
  const text = (await toast.innerText()).replace(/\s+/g, ' ');
  assert.match(text, /fix-login' was paused at .* after 6 s(econds)? without activity/i);
  const buttons = (await toast.locator('.monaco-button').allInnerTexts()).map((b) => b.trim());
  assert.deepEqual(buttons, ['Resume at a.py:15', 'Count the away time', 'Leave paused']);
  const shot = path.join(outDir, 'away-offer.png');
  await page.locator('.notifications-toasts').screenshot({ path: shot });
  log(`screenshot: ${shot}`);

  await waitFor('the indicator paused since the last move', async () =>
    /^building · fix-login · paused \(away since \d/.test(await vs.itemText()));
  await vs.screenshotStatusBar('statusbar-away.png');
  await vs.screenshotIndicator('indicator-away.png');

  const s = vs.show(SESSION);
  assert.equal(s.status, 'paused');
  const pausedAt = Date.parse(s.lastPausedAt);
  assert.ok(Math.abs(pausedAt - lastMove) <= TOLERANCE_MS, `paused at ${s.lastPausedAt}, last move ${new Date(lastMove).toISOString()}`);
  assert.equal(s.awaySince, s.lastPausedAt);
  const worked = (pausedAt - Date.parse(s.startedAt)) / 1000;
  assert.ok(Math.abs(s.activeSeconds - worked) < 0.01, `active ${s.activeSeconds}s, started to pause ${worked}s`);
  assert.ok((Date.now() - quitAt) / 1000 > IDLE_MINUTES * 60, 'the away time was longer than the limit');
  assert.equal(s.context.current_file, 'a.py');
  assert.equal(s.context.current_line, '15');
});

test('"Resume at a.py:15" opens a.py at line 15 and the session is active again', async () => {
  const toast = page.locator('.notification-toast', { hasText: SESSION });
  if (!(await toast.isVisible())) await vs.palette('Notifications: Show Notifications');
  await page.locator('.notification-list-item', { hasText: SESSION }).locator('.monaco-button', { hasText: 'Resume at a.py:15' }).first().click();
  await waitFor('a.py shown', async () => (await vs.activeTab()).includes('a.py'));
  await waitFor('the cursor on line 15', async () => /Ln 15,/.test(await vs.statusBarText()));
  await waitFor('the session active', async () => vs.show(SESSION).status === 'active');
  await waitFor('the indicator active', async () => (await vs.itemText()) === `building · ${SESSION}`);
  const s = vs.show(SESSION);
  assert.equal(s.context.current_file, 'a.py');
  assert.equal(s.context.current_line, '15');
});

/** Milliseconds of the session's active time attributed to `file` (from its export). */
function fileMs(file) {
  const snapshot = JSON.parse(vs.cli('export', SESSION));
  const [entry] = snapshot.sessions;
  return entry.time.filter((row) => row.file === file).reduce((sum, row) => sum + row.ms, 0);
}

test('showing b.py and a.py again, with the cursors VS Code restores, moves nothing; a key does', async () => {
  const bBefore = fileMs('b.py');
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'b.py' }).first().click();
  await waitFor('b.py with its restored cursor', async () =>
    (await vs.activeTab()).includes('b.py') && /Ln 3,/.test(await vs.statusBarText()));
  // Longer than the server's coalescing of positions (~1 s): a position sent would be in the store by now.
  await new Promise((r) => setTimeout(r, 2000));
  assert.equal(vs.show(SESSION).context.current_file, 'a.py');
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'a.py' }).first().click();
  await waitFor('a.py with its restored cursor', async () =>
    (await vs.activeTab()).includes('a.py') && /Ln 15,/.test(await vs.statusBarText()));
  await page.keyboard.press('Control+1'); // the focus into the editor: no move
  await page.keyboard.press('End');
  await waitFor('the key in the store', async () => vs.show(SESSION).context?.current_column === '14');
  const s = vs.show(SESSION);
  assert.equal(s.context.current_file, 'a.py');
  assert.equal(s.context.current_line, '15');
  assert.equal(fileMs('b.py'), bBefore, 'no time went to b.py');
});
