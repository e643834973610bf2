import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

import { ACTIONS } from '../../src/actions';
import { RESTART_SETTINGS } from '../../src/args';

const root = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

test('every session action is a palette command in the Helix category', () => {
  const commands = new Map<string, { category: string; title: string }>(
    manifest.contributes.commands.map((c: { command: string; category: string; title: string }) => [c.command, c]),
  );
  for (const a of Object.values(ACTIONS)) {
    assert.ok(commands.has(a.command), `${a.command} is contributed`);
    assert.equal(commands.get(a.command)!.category, 'Helix');
  }
  for (const id of ['helix.exportSessions', 'helix.showLog', 'helix.restartServer']) assert.ok(commands.has(id), id);
});

test('the documented settings are contributed', () => {
  const props = manifest.contributes.configuration.properties;
  for (const key of [
    'helix.dbPath',
    'helix.exclude',
    'helix.hideFileNames',
    'helix.autoPauseMinutes',
    'helix.server.path',
    'helix.server.pythonPath',
    'helix.restoreOnResume',
    'helix.trace.server',
  ]) {
    assert.ok(props[key], key);
  }
  for (const key of RESTART_SETTINGS) assert.ok(props[key], `${key} (restarts the server) is contributed`);
});

test('the logic modules do not import vscode (they run under node --test)', () => {
  const src = path.join(root, 'src');
  for (const f of fs.readdirSync(src)) {
    if (f === 'extension.ts') continue;
    assert.doesNotMatch(fs.readFileSync(path.join(src, f), 'utf8'), /from 'vscode'/, f);
  }
});
