// End-to-end: the session commands of the palette, each checked in the
// store (helix-lsp session show --json) and on screen.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';

import { launch, waitFor } from './harness.mjs';

let vs;
let page;

before(async () => {
  vs = await launch({ name: 'commands', folders: { ws: { 'main.go': 'package main\n\nfunc main() {}\n' } } });
  page = vs.page;
  await vs.serverReady();
  vs.cli('create', 'payments', '--mode', 'building', '--project', 'ws', '--start');
  await waitFor('the payments session in the indicator', async () => (await vs.itemText()) === 'building · payments');
});

after(async () => {
  await vs?.close();
});

/** The text of the active editor (Monaco renders spaces as no-break spaces). */
async function editorText() {
  return (await page.locator('.editor-instance .monaco-editor .view-lines').innerText()).replace(/\u00a0/g, ' ');
}

test('Set Mode acts on the active session without asking which', async () => {
  await vs.palette('Helix: Set Mode');
  await vs.answer("Set Mode of 'payments'", 'testing');
  await waitFor('the indicator to show the new mode', async () => (await vs.itemText()) === 'testing · payments');
  assert.equal(vs.show('payments').mode, 'testing');
});

test('Add Tag and Set Metadata', async () => {
  await vs.palette('Helix: Add Tag');
  await vs.answer("Add Tag to 'payments'", 'stripe');
  await waitFor('the tag in the store', async () => vs.show('payments').tags.includes('stripe'));
  await vs.palette('Helix: Set Metadata');
  await vs.answer("Set Metadata on 'payments' (1/2)", 'sprint');
  await vs.answer("Set Metadata on 'payments' (2/2)", '23');
  await waitFor('the metadata in the store', async () => vs.show('payments').metadata.sprint === '23');
});

test('Show Session opens the details', async () => {
  await vs.palette('Helix: Show Session');
  await waitFor('the details document', async () => (await vs.activeTab()).includes('payments.md'));
  await waitFor('the details', async () => /sprint +23/.test(await editorText()));
  const text = await editorText();
  assert.match(text, /^payments\n=+/);
  assert.match(text, /Mode +testing/);
  assert.match(text, /Tags +stripe/);
  assert.match(text, /Project +ws/);
});

test('List Sessions filtered by tag', async () => {
  await vs.palette('Helix: List Sessions');
  await vs.answer('List Sessions', 'With tag');
  await vs.answer('List Sessions with tag', 'stripe');
  const widget = page.locator('.quick-input-widget');
  await waitFor('the list', async () => (await widget.locator('.quick-input-title').innerText()).includes('1 session with tag stripe'));
  const rows = await widget.locator('.monaco-list-row').allInnerTexts();
  assert.equal(rows.length, 1);
  assert.match(rows[0], /payments/);
  await page.keyboard.press('Escape');
});

test('Remove Tag', async () => {
  await vs.palette('Helix: Remove Tag');
  await vs.answer("Remove Tag from 'payments'", 'stripe');
  await waitFor('the tag gone from the store', async () => vs.show('payments').tags.length === 0);
});

test('Export Sessions proposes the home folder (not the repository) and writes where the dialog says', async () => {
  const home = path.join(vs.tmp, 'home');
  await vs.palette('Helix: Export Sessions');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const proposed = await waitFor('the proposed file', async () => {
    const v = await input.inputValue();
    return /helix-sessions-\d{4}-\d{2}-\d{2}\.json$/.test(v) && v;
  });
  assert.ok(proposed.startsWith(home), `${proposed} is in ${home}`);
  const target = path.join(home, 'export.json');
  await vs.answer('Export Sessions', target, { raw: true });
  const file = await waitFor('the export file', async () => fs.existsSync(target) && fs.readFileSync(target, 'utf8'));
  assert.match(file, /"payments"/);
  JSON.parse(file);
  assert.ok(!fs.readdirSync(vs.folderPaths.ws).some((f) => f.endsWith('.json')), 'nothing written into the folder');
});

test('Restart Server: the server comes back with the session', async () => {
  await vs.palette('Helix: Restart Server');
  await waitFor('the restart message', async () => (await vs.statusBarText()).includes('Helix server restarted'));
  await waitFor('the session back in the indicator', async () => (await vs.itemText()) === 'testing · payments');
});

test('Complete Session: the indicator goes quiet', async () => {
  await vs.palette('Helix: Complete Session');
  await waitFor('the quiet indicator', async () => (await vs.itemText()) === 'Helix');
  assert.equal(vs.show('payments').status, 'completed');
});

test('Fail Session asks the reason and records it', async () => {
  vs.cli('create', 'spike', '--mode', 'planning', '--project', 'ws', '--start');
  await waitFor('the spike session in the indicator', async () => (await vs.itemText()) === 'planning · spike');
  await vs.palette('Helix: Fail Session');
  await vs.answer("Fail Session 'spike'", 'Approach does not scale');
  await waitFor('the failure in the store', async () => vs.show('spike').status === 'failed');
  assert.equal(vs.show('spike').failureReason, 'Approach does not scale');
  await waitFor('the quiet indicator', async () => (await vs.itemText()) === 'Helix');
});
