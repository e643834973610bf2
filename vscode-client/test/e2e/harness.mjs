// Runs real VS Code for the end-to-end tests: code-server 4.100.3 with the
// packaged .vsix installed, in headless Chromium driven by playwright-core,
// against a temporary session store. Helpers act as a user would (command
// palette, quick inputs, clicks, keys) and read the store back with
// `helix-lsp session ... --json`.
//
// Environment:
//   HELIX_TEST_CACHE   where code-server is installed (default ~/.cache/helix-lsp-tests)
//   HELIX_VSIX         the extension to install (default ./helix-lsp.vsix)
//   HELIX_LSP          command that runs the helix-lsp CLI (default: helix-lsp on PATH,
//                      else python3 -m helix_lsp from the repository, with bundled/libs)
//   CHROMIUM           browser executable (default /usr/bin/chromium)
//   HELIX_E2E_KEEP=1   keep the temporary folders
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const clientDir = path.resolve(here, '..', '..');
const repoDir = path.resolve(clientDir, '..');
export const outDir = path.join(clientDir, 'test-output');
const vsix = path.resolve(process.env.HELIX_VSIX ?? path.join(clientDir, 'helix-lsp.vsix'));
const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
// One owner for the editor's server, the shell and the seeding scripts (every
// child inherits it): the editor runs with a HOME of its own, where git's
// user.email, the default owner, is not set.
process.env.HELIX_LSP_OWNER ??= 'tester@example.com';

/** Upper bound for waiting on the UI; it only decides when to give up. */
export const UI_TIMEOUT = 60_000;

export function log(msg) {
  process.stderr.write(`[e2e] ${msg}\n`);
}

function helixCli() {
  if (process.env.HELIX_LSP) {
    const [cmd, ...args] = process.env.HELIX_LSP.split(' ');
    return { cmd, args, env: {} };
  }
  try {
    execFileSync('helix-lsp', ['--version'], { stdio: 'ignore' });
    return { cmd: 'helix-lsp', args: [], env: {} };
  } catch {
    // The repository's helix_lsp, with the dependencies bundled for the extension.
    return {
      cmd: 'python3',
      args: ['-m', 'helix_lsp'],
      env: { PYTHONPATH: [repoDir, path.join(clientDir, 'bundled', 'libs')].join(path.delimiter) },
    };
  }
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

/** Polls `fn` until it returns something truthy (or gives up after `timeout`). */
export async function waitFor(what, fn, timeout = UI_TIMEOUT) {
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
  const out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim().split('\n').pop();
}

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

/**
 * Starts code-server with the extension and opens `folders` (name -> files)
 * in Chromium: one folder opens as is, several as a multi-root workspace.
 * `settings` go to the user settings, `machineSettings` to the remote ones;
 * `extensions`: more .vsix files to install.
 */
export async function launch({ name, folders, settings = {}, machineSettings, extensions: more = [] }) {
  assert.ok(fs.existsSync(vsix), `${vsix} exists (run npm run package first)`);
  fs.mkdirSync(outDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `helix-e2e-${name}-`));
  const db = path.join(tmp, 'sessions.db');
  const home = path.join(tmp, 'home');
  const userData = path.join(tmp, 'user-data');
  const extensions = path.join(tmp, 'extensions');
  for (const d of [home, path.join(userData, 'User'), extensions]) fs.mkdirSync(d, { recursive: true });
  const folderPaths = {};
  for (const [folder, files] of Object.entries(folders)) {
    const dir = path.join(tmp, folder);
    folderPaths[folder] = dir;
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
  }
  let target;
  if (Object.keys(folders).length === 1) {
    target = Object.values(folderPaths)[0];
  } else {
    target = path.join(tmp, `${name}.code-workspace`);
    fs.writeFileSync(target, JSON.stringify({ folders: Object.values(folderPaths).map((p) => ({ path: p })) }, null, 2));
  }
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
        ...settings,
      },
      null,
      2,
    ),
  );
  if (machineSettings) {
    // code-server's "Remote" settings: where machine-scoped settings such as
    // helix.server.pythonPath live when VS Code runs remotely.
    fs.mkdirSync(path.join(userData, 'Machine'), { recursive: true });
    fs.writeFileSync(path.join(userData, 'Machine', 'settings.json'), JSON.stringify(machineSettings, null, 2));
  }
  const env = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_RUNTIME_DIR: path.join(tmp, 'run'),
  };
  delete env.HELIX_LSP_DB;
  fs.mkdirSync(env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });

  const bin = codeServerBin();
  const common = ['--user-data-dir', userData, '--extensions-dir', extensions];
  for (const x of [vsix, ...more]) execFileSync(bin, [...common, '--install-extension', x], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await freePort();
  log(`${name}: code-server on port ${port}, opening ${target}`);
  const query = Object.keys(folders).length === 1 ? `folder=${encodeURIComponent(target)}` : `workspace=${encodeURIComponent(target)}`;
  const url = `http://127.0.0.1:${port}/?${query}`;
  const start = () => startCodeServer(bin, [...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', target], env);
  const ctx = new VSCode({ name, tmp, db, folderPaths, userData, start, port, url });
  ctx.server = start();
  try {
    await ctx.listening();
    ctx.browser = await chromium.launch({
      executablePath: browserPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    ctx.page = await ctx.browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 2 });
    await ctx.page.goto(url);
    await ctx.page.locator('.monaco-workbench').waitFor({ timeout: UI_TIMEOUT });
  } catch (err) {
    await ctx.close();
    throw err;
  }
  return ctx;
}

/** Starts code-server in a process group of its own (so that it can be stopped with everything it started). */
function startCodeServer(bin, args, env) {
  const server = spawn(bin, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  server.log = '';
  server.stdout.on('data', (d) => (server.log += d));
  server.stderr.on('data', (d) => (server.log += d));
  return server;
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

class VSCode {
  constructor({ name, tmp, db, folderPaths, userData, start, port, url }) {
    Object.assign(this, { name, tmp, db, folderPaths, userData, start, port, url });
    this.server = undefined;
    this.earlierLogs = '';
    this.browser = undefined;
    this.page = undefined;
  }

  serverLogRef() {
    return this.earlierLogs + (this.server?.log ?? '');
  }

  async listening() {
    await waitFor('code-server to listen', async () => (await fetch(`http://127.0.0.1:${this.port}/healthz`)).ok);
  }

  /**
   * Quits VS Code as a user closing it would, without pausing anything:
   * code-server and everything it started (the extension host, the
   * language server) get SIGTERM, and this waits until they are gone.
   */
  async quit() {
    const pid = this.server.pid;
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // already gone
    }
    try {
      await waitFor('code-server and its children to exit', async () => !groupAlive(pid), 15_000);
    } catch {
      process.kill(-pid, 'SIGKILL');
      await waitFor('code-server and its children to be killed', async () => !groupAlive(pid), 15_000);
    }
    this.earlierLogs += `${this.server.log}\n--- code-server stopped ---\n`;
    this.server = undefined;
  }

  /** Starts code-server again on the same workspace, user data and store, and reloads the page (same origin: VS Code restores its editors). */
  async reopen() {
    this.server = this.start();
    await this.listening();
    await this.page.goto(this.url);
    await this.page.locator('.monaco-workbench').waitFor({ timeout: UI_TIMEOUT });
  }

  async close() {
    try {
      if (this.page) await this.page.screenshot({ path: path.join(outDir, `${this.name}-final.png`) }).catch(() => {});
      await this.browser?.close();
    } finally {
      if (this.server?.pid) {
        try {
          process.kill(-this.server.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
      fs.writeFileSync(path.join(outDir, `${this.name}-code-server.log`), this.serverLogRef());
      for (const f of findFiles(path.join(this.userData, 'logs'), /Helix\.log$/)) {
        fs.copyFileSync(f, path.join(outDir, `${this.name}-helix-output.log`));
      }
      if (!process.env.HELIX_E2E_KEEP) fs.rmSync(this.tmp, { recursive: true, force: true });
      else log(`kept ${this.tmp}`);
    }
  }

  /** Runs `helix-lsp session ARGS --db DB`; its standard output. */
  cli(...args) {
    const c = helixCli();
    return execFileSync(c.cmd, [...c.args, 'session', ...args, '--db', this.db], {
      env: { ...process.env, ...c.env },
      encoding: 'utf8',
    });
  }

  /** The session as the store has it (`helix-lsp session show NAME --json`). */
  show(name) {
    return JSON.parse(this.cli('show', name, '--json'));
  }

  /** The Helix status-bar item. */
  item() {
    return this.page.locator('.statusbar-item[id$="helix.session"]');
  }

  async itemText() {
    return (await this.item().innerText()).replace(/\s+/g, ' ').trim();
  }

  async itemLabel() {
    return (await this.item().locator('a').first().getAttribute('aria-label')) ?? '';
  }

  async activeTab() {
    return (await this.page.locator('.tab.active').innerText().catch(() => '')).trim();
  }

  async statusBarText() {
    return this.page.locator('.part.statusbar').innerText();
  }

  /** Waits until the extension's server is up (the item leaves its "starting" state). */
  async serverReady() {
    await waitFor('the Helix server to run', async () => {
      const label = await this.itemLabel();
      return label.startsWith('Helix') && label !== 'Helix: starting';
    });
  }

  /** Runs a command from the palette (F1), by its title. */
  async palette(title) {
    const page = this.page;
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-widget .monaco-list-row.focused');
    await waitFor(`palette entry "${title}"`, async () => (await row.innerText()).includes(title));
    await page.keyboard.press('Enter');
  }

  /**
   * Waits for a quick input whose title contains `title`, types `text` and
   * accepts. `raw`: accept the typed text itself (e.g. a path in the save
   * dialog), not the row it selects.
   */
  async answer(title, text, { raw = false } = {}) {
    const page = this.page;
    const widget = page.locator('.quick-input-widget');
    await waitFor(`quick input "${title}"`, async () =>
      (await widget.isVisible()) && (await widget.locator('.quick-input-title').innerText()).includes(title));
    const input = widget.locator('.quick-input-box input');
    if (text !== undefined) await input.fill(text);
    if (text !== undefined && text !== '') {
      const isPick = !raw && (await widget.locator('.monaco-list-row').count());
      if (isPick) {
        // A quick pick: wait until the filter has focused a matching row.
        await waitFor(`row "${text}"`, async () => (await widget.locator('.monaco-list-row.focused').innerText()).includes(text));
      } else {
        await waitFor(`input "${text}"`, async () => (await input.inputValue()) === text);
      }
    }
    await page.keyboard.press('Enter');
    await waitFor(`quick input "${title}" to close`, async () =>
      !(await widget.isVisible()) || !(await widget.locator('.quick-input-title').innerText()).includes(title));
  }

  /** Opens `file` from the explorer (a row with that label) and clicks into its first line. */
  async openFromExplorer(file, firstLineText) {
    const page = this.page;
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: file }).first().click();
    await waitFor(`${file} to be shown`, async () => (await this.activeTab()).includes(file));
    await page.locator('.editor-instance .monaco-editor .view-line', { hasText: firstLineText }).first().click();
  }

  async screenshotStatusBar(name) {
    const file = path.join(outDir, name);
    await this.page.locator('.part.statusbar').screenshot({ path: file });
    log(`screenshot: ${file}`);
    return file;
  }

  /** The left end of the status bar up to the Helix item, for the README. */
  async screenshotIndicator(name) {
    const file = path.join(outDir, name);
    const bar = await this.page.locator('.part.statusbar').boundingBox();
    const item = await this.item().boundingBox();
    await this.page.screenshot({ path: file, clip: { x: 0, y: bar.y, width: Math.ceil(item.x + item.width + 16), height: bar.height } });
    log(`screenshot: ${file}`);
    return file;
  }
}
