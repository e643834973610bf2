// End-to-end: a session created but not started shows in the status bar and
// its menu offers Start (the server's `actions`); the Show Session document
// follows the session through Start and Complete; names and tags are
// refused by the server with the same sentence wherever they are typed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launch, waitFor } from './harness.mjs';

let vs;
let page;

before(async () => {
  vs = await launch({ name: 'idle', folders: { webapp: { 'login.ts': 'export function login() {}\n' } } });
  page = vs.page;
  await vs.serverReady();
});

after(async () => {
  await vs?.close();
});

/** The text of the active editor (Monaco renders spaces as no-break spaces). */
async function editorText() {
  return (await page.locator('.editor-instance .monaco-editor .view-lines').innerText()).replace(/\u00a0/g, ' ');
}

/** The rows of the open quick pick, one line each. */
async function quickPickRows() {
  const widget = page.locator('.quick-input-widget');
  await waitFor('a quick pick with rows', async () => (await widget.isVisible()) && (await widget.locator('.monaco-list-row').count()) > 0);
  return (await widget.locator('.monaco-list-row').allInnerTexts()).map((r) => r.replace(/\s+/g, ' '));
}

async function toastWith(text) {
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: text }).last();
  await toast.waitFor({ timeout: 60_000 });
  return (await toast.innerText()).replace(/\s+/g, ' ');
}

async function clearToasts() {
  await vs.palette('Notifications: Clear All Notifications');
  await waitFor('no toast', async () => (await page.locator('.notifications-toasts .notification-toast').count()) === 0);
}

test('Create without Start: the status bar shows the idle session', async () => {
  await vs.palette('Helix: Create Session');
  await vs.answer('Create Session (1/4)', 'fix-login');
  await vs.answer('Create Session (2/4)', 'debugging');
  await vs.answer('Create Session (3/4)');
  await vs.answer('Create Session (4/4)', '');
  await toastWith("Created session 'fix-login'");
  await waitFor('the idle session in the indicator', async () => (await vs.itemText()) === 'debugging · fix-login · idle');
  assert.equal(vs.show('fix-login').status, 'idle');
  assert.equal(await vs.itemLabel(), 'Helix session fix-login, debugging, idle');
  await clearToasts();
  await vs.screenshotStatusBar('statusbar-idle.png');
  await vs.screenshotIndicator('indicator-idle.png');
});

test("clicking it offers Start (the server's actions for an idle session), and Start starts it", async () => {
  await vs.item().click();
  const rows = await quickPickRows();
  const has = (label) => rows.some((r) => r.includes(label));
  assert.ok(has('Start Session'), rows.join(' | '));
  assert.ok(has('Fail Session'));
  assert.ok(!has('Pause Session') && !has('Resume Session') && !has('Complete Session'), rows.join(' | '));
  assert.match(rows[0], /Start Session/);
  await page.keyboard.press('Enter');
  await waitFor('the session active in the store', async () => vs.show('fix-login').status === 'active');
  await waitFor('the active session in the indicator', async () => (await vs.itemText()) === 'debugging · fix-login');
});

test('the Show Session document follows the session: Complete makes it say completed', async () => {
  await vs.palette('Helix: Show Session');
  await waitFor('the details document', async () => (await vs.activeTab()).includes('fix-login.md'));
  await waitFor('the status active', async () => /Status +active/.test(await editorText()));
  assert.match(await editorText(), /Actions +pause, complete, fail/);
  await vs.palette('Helix: Complete Session');
  await waitFor('the completion in the store', async () => vs.show('fix-login').status === 'completed');
  await waitFor('the open document to say completed', async () => /Status +completed/.test(await editorText()));
  assert.match(await editorText(), /Ended +\d{4}-\d{2}-\d{2}/);
  assert.doesNotMatch(await editorText(), /Status +active/);
  await waitFor('the quiet indicator', async () => (await vs.itemText()) === 'Helix');
});

test("Create and Add Tag refuse a tag with a space in the server's one sentence", async () => {
  await clearToasts();
  await vs.palette('Helix: Create Session');
  await vs.answer('Create Session (1/4)', 'tags-check');
  await vs.answer('Create Session (2/4)', 'testing');
  await vs.answer('Create Session (3/4)');
  await vs.answer('Create Session (4/4)', 'bad tag!, ok');
  const fromCreate = await toastWith('white space');
  assert.match(fromCreate, /the tag 'bad tag!' contains white space; use - or _ instead\./);
  assert.ok(!vs.cli('list', '--json').includes('tags-check'), 'nothing was written');
  await clearToasts();

  vs.cli('create', 'tags-check', '--mode', 'testing', '--project', 'webapp');
  await waitFor('the new idle session in the indicator', async () => (await vs.itemText()) === 'testing · tags-check · idle');
  await vs.palette('Helix: Add Tag');
  await vs.answer("Add Tag to 'tags-check'", 'bad tag!');
  const fromAddTag = await toastWith('white space');
  assert.match(fromAddTag, /the tag 'bad tag!' contains white space; use - or _ instead\./);
  assert.deepEqual(vs.show('tags-check').tags, []);
  await clearToasts();
});

test("a long name is the server's to refuse, with its sentence, and Edit brings the answers back", async () => {
  await vs.palette('Helix: Create Session');
  await vs.answer('Create Session (1/4)', 'n'.repeat(201));
  await vs.answer('Create Session (2/4)', 'planning');
  await vs.answer('Create Session (3/4)');
  await vs.answer('Create Session (4/4)', 'ok');
  const text = await toastWith('longer than 200 characters');
  assert.match(text, /the session name is longer than 200 characters\./);
  await page.locator('.notifications-toasts .notification-toast').last().getByRole('button', { name: 'Edit' }).click();
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await waitFor('the name typed before', async () => (await input.inputValue()) === 'n'.repeat(201));
  await vs.answer('Create Session (1/4)', 'short-name');
  await vs.answer('Create Session (2/4)', 'planning');
  await vs.answer('Create Session (3/4)');
  await vs.answer('Create Session (4/4)');
  await waitFor('the corrected session in the store', async () => vs.show('short-name').tags.join() === 'ok');
});
