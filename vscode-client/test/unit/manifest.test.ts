import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

import { MENU } from '../../src/menu';
import { RESTART_SETTINGS } from '../../src/options';

const root = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const src = path.join(root, 'src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

test('every menu entry is a palette command in the Helix category', () => {
  const commands = new Map<string, { category: string; title: string }>(
    manifest.contributes.commands.map((c: { command: string; category: string; title: string }) => [c.command, c]),
  );
  for (const e of Object.values(MENU)) {
    assert.ok(commands.has(e.command), `${e.command} is contributed`);
    assert.equal(commands.get(e.command)!.category, 'Helix');
  }
  for (const id of ['helix.exportSessions', 'helix.showLog', 'helix.restartServer', 'helix.sessionActions']) assert.ok(commands.has(id), id);
});

test('every contributed command is registered', () => {
  const index = fs.readFileSync(path.join(src, 'commands', 'index.ts'), 'utf8');
  for (const c of manifest.contributes.commands as { command: string }[]) assert.ok(index.includes(`'${c.command}'`), c.command);
});

/** Settings read where they are used, so a change applies without restarting the server. */
const APPLIED_AT_ONCE = ['helix.restoreOnResume', 'helix.trace.server'];

test('the contributed settings are exactly those the extension restarts the server for or applies at once', () => {
  const contributed = Object.keys(manifest.contributes.configuration.properties).sort();
  assert.deepEqual(contributed, [...RESTART_SETTINGS, ...APPLIED_AT_ONCE].sort());
});

test('the idle limit defaults to 15 minutes and the older name is marked deprecated', () => {
  const props = manifest.contributes.configuration.properties;
  assert.equal(props['helix.idleMinutes'].default, 15);
  assert.equal(props['helix.idleMinutes'].minimum, 0);
  assert.deepEqual(props['helix.idleResume'].enum, ['ask', 'never']);
  assert.equal(props['helix.idleResume'].default, 'ask');
  assert.ok(props['helix.autoPauseMinutes'].deprecationMessage);
  assert.equal(props['helix.autoPauseMinutes'].default, undefined);
});

test('the modules at the top of src/ do not import vscode (they run under node --test)', () => {
  for (const f of fs.readdirSync(src)) {
    if (f === 'extension.ts' || !f.endsWith('.ts')) continue;
    assert.doesNotMatch(fs.readFileSync(path.join(src, f), 'utf8'), /from 'vscode'/, f);
  }
});

test('every source file reads in one sitting (at most 300 lines)', () => {
  for (const f of sources(src)) {
    const lines = fs.readFileSync(f, 'utf8').split('\n').length;
    assert.ok(lines <= 300, `${path.relative(root, f)} has ${lines} lines`);
  }
});

test("the Helix view's inline buttons are exactly the actions a session row's context value lists", () => {
  const { sessionContextValue } = require('../../src/tree') as typeof import('../../src/tree');
  const { session } = require('./fixtures') as typeof import('./fixtures');
  const inline = (manifest.contributes.menus['view/item/context'] as { command: string; when: string; group: string }[])
    .filter((m) => m.group.startsWith('inline'));
  const shown = (actions: string[]) => {
    const value = sessionContextValue(session({ actions }));
    return inline.filter((m) => {
      const re = /viewItem =~ \/(.*)\/$/.exec(m.when);
      assert.ok(re && m.when.includes('view == helix.sessions'), m.when);
      return new RegExp(re[1]).test(value);
    }).map((m) => m.command);
  };
  assert.deepEqual(shown(['start', 'fail']), ['helix.startSession', 'helix.failSession']);
  assert.deepEqual(shown(['pause', 'complete', 'fail']), ['helix.pauseSession', 'helix.completeSession', 'helix.failSession']);
  assert.deepEqual(shown(['resume', 'complete', 'fail']), ['helix.resumeSession', 'helix.completeSession', 'helix.failSession']);
  assert.deepEqual(shown([]), []);
});

test('the Helix view lives in its own activity-bar container, with an icon that ships in the package', () => {
  const container = manifest.contributes.viewsContainers.activitybar.find((c: { id: string }) => c.id === 'helix');
  assert.ok(container);
  assert.ok(fs.existsSync(path.join(root, container.icon)), container.icon);
  const ignore = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n');
  assert.ok(ignore.includes(`!${container.icon}`), `${container.icon} is packaged`);
  assert.deepEqual(manifest.contributes.views.helix.map((v: { id: string }) => v.id), ['helix.sessions']);
  const title = manifest.contributes.menus['view/title'].map((m: { command: string }) => m.command);
  assert.ok(title.includes('helix.showReport'), 'a toolbar button opens the report');
});
