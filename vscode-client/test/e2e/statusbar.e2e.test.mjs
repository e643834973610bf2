// End-to-end test in real VS Code: code-server 4.100.3 in headless Chromium,
// the packaged .vsix installed, a folder opened. Everything goes through the
// command palette and the editor, as a user would; the session store is read
// back with `helix-lsp session show --json`.
//
//   node --test test/e2e/            (after `npm run package`)
//
// Environment:
//   HELIX_TEST_CACHE   where code-server is installed (default ~/.cache/helix-lsp-tests)
//   HELIX_VSIX         the extension to install (default ./helix-lsp.vsix)
//   HELIX_LSP          command that runs the helix-lsp CLI (default: helix-lsp on PATH,
//                      else python3 -m helix_lsp from the repository, with bundled/libs)
//   CHROMIUM           browser executable (default /usr/bin/chromium)
//   HELIX_E2E_KEEP=1   keep the temporary folder
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const clientDir = path.resolve(here, '..', '..');
const repoDir = path.resolve(clientDir, '..');
const outDir = path.join(clientDir, 'test-output');
const vsix = path.resolve(process.env.HELIX_VSIX ?? path.join(clientDir, 'helix-lsp.vsix'));
const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

// Generous upper bounds for waiting on the UI; they only decide when to give up.
const UI_TIMEOUT = 60_000;

const SESSION = 'e2e-auth';

let tmp;
let db;
let workspace;
let server;
let browser;
let page;
let serverLog = '';

function log(msg) {
  process.stderr.write(`[e2e] ${msg}\n`);
}

function helixCli() {
  if (process.env.HELIX_LSP) return { cmd: process.env.HELIX_LSP.split(' ')[0], args: process.env.HELIX_LSP.split(' ').slice(1), env: {} };
  try {
    execFileSync('helix-lsp', ['--version'], { stdio: 'ignore' });
    return { cmd: 'helix-lsp', args: [], env: {} };
  } catch {
    // The repository's helix_lsp, with the dependencies bundled for the extension.
    return { cmd: 'python3', args: ['-m', 'helix_lsp'], env: { PYTHONPATH: [repoDir, path.join(clientDir, 'bundled', 'libs')].join(path.delimiter) } };
  }
}

/** The session as the store has it (`helix-lsp session show NAME --json --db DB`). */
function showSession(name) {
  const cli = helixCli();
  const out = execFileSync(cli.cmd, [...cli.args, 'session', 'show', name, '--json', '--db', db], {
    env: { ...process.env, ...cli.env },
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitFor(what, fn, timeout = UI_TIMEOUT) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function codeServerBin() {
  const script = path.join(clientDir, 'scripts', 'install-code-server.sh');
  return execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
}

/** The Helix status-bar item. */
function helixItem() {
  return page.locator('.statusbar-item[id$="helix.session"]');
}

async function helixText() {
  return (await helixItem().innerText()).replace(/\s+/g, ' ').trim();
}

async function helixLabel() {
  return (await helixItem().locator('a').first().getAttribute('aria-label')) ?? '';
}

/** Runs a command from the palette (F1), by its title. */
async function palette(title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row.focused');
  await waitFor(`palette entry "${title}"`, async () => (await row.innerText()).includes(title));
  await page.keyboard.press('Enter');
}

/** Waits for a quick input whose title contains `title`, types `text` and accepts. */
async function answer(title, text) {
  const widget = page.locator('.quick-input-widget');
  await waitFor(`quick input "${title}"`, async () =>
    (await widget.isVisible()) && (await widget.locator('.quick-input-title').innerText()).includes(title));
  const input = widget.locator('.quick-input-box input');
  if (text !== undefined) await input.fill(text);
  if (text !== undefined && text !== '') {
    // For quick picks: wait until the filter has picked a matching row.
    const isPick = await widget.locator('.monaco-list-row').count();
    if (isPick) {
      await waitFor(`row "${text}"`, async () => (await widget.locator('.monaco-list-row.focused').innerText()).includes(text));
    } else {
      await waitFor(`input "${text}"`, async () => (await input.inputValue()) === text);
    }
  }
  await page.keyboard.press('Enter');
  await waitFor(`quick input "${title}" to close`, async () =>
    !(await widget.isVisible()) || !(await widget.locator('.quick-input-title').innerText()).includes(title));
}

async function screenshotStatusBar(name) {
  const file = path.join(outDir, name);
  await page.locator('.part.statusbar').screenshot({ path: file });
  log(`screenshot: ${file}`);
  return file;
}

/** The left end of the status bar with the Helix item, for the README. */
async function screenshotIndicator(name) {
  const file = path.join(outDir, name);
  const bar = await page.locator('.part.statusbar').boundingBox();
  const item = await helixItem().boundingBox();
  await page.screenshot({ path: file, clip: { x: 0, y: bar.y, width: Math.ceil(item.x + item.width + 16), height: bar.height } });
  log(`screenshot: ${file}`);
  return file;
}

async function activeTab() {
  return (await page.locator('.tab.active').innerText().catch(() => '')).trim();
}

before(async () => {
  assert.ok(fs.existsSync(vsix), `${vsix} exists (run npm run package first)`);
  fs.mkdirSync(outDir, { recursive: true });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'helix-e2e-'));
  db = path.join(tmp, 'sessions.db');
  const home = path.join(tmp, 'home');
  const userData = path.join(tmp, 'user-data');
  const extensions = path.join(tmp, 'extensions');
  workspace = path.join(tmp, 'shop');
  for (const d of [home, path.join(userData, 'User'), extensions, workspace]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(
    path.join(workspace, 'auth.py'),
    Array.from({ length: 12 }, (_, i) => `line_${i + 1} = ${i + 1}  # auth`).join('\n') + '\n',
  );
  fs.writeFileSync(path.join(workspace, 'notes.md'), '# notes\n');
  fs.writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'helix.dbPath': db,
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'security.workspace.trust.enabled': false,
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'window.commandCenter': false,
        'workbench.colorTheme': 'Default Dark Modern',
      },
      null,
      2,
    ),
  );
  const env = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_RUNTIME_DIR: path.join(tmp, 'run'),
    HELIX_LSP_DB: '',
  };
  fs.mkdirSync(env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });
  const bin = codeServerBin();
  const common = ['--user-data-dir', userData, '--extensions-dir', extensions];
  execFileSync(bin, [...common, '--install-extension', vsix], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await freePort();
  log(`code-server on port ${port}, folder ${workspace}`);
  server = spawn(
    bin,
    [
      ...common,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      workspace,
    ],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server.stdout.on('data', (d) => (serverLog += d));
  server.stderr.on('data', (d) => (serverLog += d));
  await waitFor('code-server to listen', async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok);
  browser = await chromium.launch({
    executablePath: browserPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 2 });
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: UI_TIMEOUT });
});

after(async () => {
  try {
    if (page) await page.screenshot({ path: path.join(outDir, 'workbench-final.png') }).catch(() => {});
    await browser?.close();
  } finally {
    if (server?.pid) {
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch {}
    }
    if (tmp) {
      fs.writeFileSync(path.join(outDir, 'code-server.log'), serverLog);
      for (const f of findFiles(path.join(tmp, 'user-data', 'logs'), /Helix\.log$/)) {
        fs.copyFileSync(f, path.join(outDir, 'helix-output.log'));
      }
      if (!process.env.HELIX_E2E_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
      else log(`kept ${tmp}`);
    }
  }
});

function findFiles(dir, re) {
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findFiles(p, re));
    else if (re.test(e.name)) out.push(p);
  }
  return out;
}

test('the extension starts its bundled server and shows the quiet Helix item', async () => {
  await waitFor('the Helix item to report no active session', async () => (await helixLabel()) === 'Helix: no active session');
  assert.equal(await helixText(), 'Helix');
});

test('create "e2e-auth" in building mode and start it from the palette: the status bar shows mode and name', async () => {
  await palette('Helix: Create Session');
  await answer('Create Session (1/4)', SESSION);
  await answer('Create Session (2/4)', 'building');
  await answer('Create Session (3/4)'); // project: the folder, as proposed
  await answer('Create Session (4/4)', '');
  await waitFor('the session in the store', async () => showSession(SESSION).status === 'idle');
  const created = showSession(SESSION);
  assert.equal(created.mode, 'building');
  assert.equal(created.project, 'shop');

  await palette('Helix: Start Session');
  await waitFor('the indicator to show the session', async () => (await helixText()).includes(SESSION));
  const text = await helixText();
  assert.match(text, /building/);
  assert.match(text, /e2e-auth/);
  assert.equal(showSession(SESSION).status, 'active');
  await screenshotStatusBar('statusbar-active.png');
  await screenshotIndicator('indicator-active.png');
});

test('click into a file and move to line 5: the store has current_file and current_line "5"', async () => {
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'auth.py' }).click();
  const editor = page.locator('.editor-instance .monaco-editor .view-lines');
  await editor.waitFor({ timeout: UI_TIMEOUT });
  await waitFor('auth.py to be shown', async () => (await page.locator('.tab.active').innerText()).includes('auth.py'));
  await page.locator('.editor-instance .monaco-editor .view-line', { hasText: 'line_1 =' }).first().click();
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
  await waitFor('VS Code to report line 5', async () => /Ln 5,/.test(await page.locator('.statusbar').innerText()));
  const session = await waitFor('the cursor in the store', async () => {
    const s = showSession(SESSION);
    return s.context?.current_line === '5' ? s : undefined;
  });
  assert.equal(session.context.current_file, 'auth.py');
  assert.equal(session.context.current_line, '5');
});

test('pause changes the indicator', async () => {
  const before = await helixText();
  const beforeBg = await helixItem().evaluate((el) => getComputedStyle(el).backgroundColor);
  await palette('Helix: Pause Session');
  await waitFor('the indicator to show the pause', async () => (await helixText()).includes('paused'));
  const text = await helixText();
  assert.notEqual(text, before);
  assert.match(text, /e2e-auth/);
  const afterBg = await helixItem().evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.notEqual(afterBg, beforeBg, 'a paused session has its own background');
  assert.equal(showSession(SESSION).status, 'paused');
  await screenshotStatusBar('statusbar-paused.png');
  await screenshotIndicator('indicator-paused.png');
});

test('resume brings back the file at the line where the session was left', async () => {
  await palette('View: Close All Editors');
  await waitFor('no editor open', async () => (await page.locator('.tab').count()) === 0);
  await palette('Helix: Resume Session');
  await waitFor('the indicator to show the active session', async () => {
    const t = await helixText();
    return t.includes(SESSION) && !t.includes('paused');
  });
  await waitFor('auth.py to be reopened', async () => (await activeTab()).includes('auth.py'));
  await waitFor('the cursor on line 5', async () => /Ln 5,/.test(await page.locator('.statusbar').innerText()));
  assert.equal(showSession(SESSION).status, 'active');
});

test('the indicator tooltip tells project, status, active time and current file:line', async () => {
  await helixItem().hover();
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
    clip: { x: 0, y: Math.max(0, box.y - 8), width: Math.ceil(Math.max(box.x + box.width, 360) + 16), height: Math.ceil(bar.y + bar.height - box.y + 8) },
  });
  log(`screenshot: ${file}`);
  await page.mouse.move(640, 300);
});

test('clicking the indicator offers the actions that are legal now', async () => {
  await helixItem().click();
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
