// End-to-end: the Helix view in the activity bar (current session, today by
// mode, sessions by status with their inline actions), the session details
// webview that follows its session, and "Helix: Show Report" in a webview.
// The store holds six days of finished work (seed_store.py) and two live
// sessions. Screenshots: activity-view.png, session-details.png,
// report-webview.png in test-output/. HELIX_SERVER_PATH: an installed
// helix-lsp to run instead of the bundled server.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import { clientDir, launch, log, outDir, waitFor } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
let vs;
let page;

before(async () => {
  vs = await launch({
    name: 'views',
    folders: { shop: { 'auth.py': 'def login(user):\n    return user\n', 'cart.py': 'ITEMS = []\n' } },
    machineSettings: process.env.HELIX_SERVER_PATH ? { 'helix.server.path': process.env.HELIX_SERVER_PATH } : undefined,
  });
  page = vs.page;
  await vs.serverReady();
  execFileSync('python3', [path.join(here, 'seed_store.py'), vs.db], {
    env: { ...process.env, PYTHONPATH: [path.resolve(clientDir, '..'), path.join(clientDir, 'bundled', 'libs')].join(path.delimiter) },
  });
  vs.cli('create', 'fix-login', '--mode', 'debugging', '--project', 'shop');
  vs.cli('create', 'payments', '--mode', 'building', '--project', 'shop', '--start', '--tag', 'stripe');
  await waitFor('payments in the indicator', async () => (await vs.itemText()) === 'building · payments');
  await vs.openFromExplorer('auth.py', 'def login');
  await page.keyboard.press('ArrowDown');
  await waitFor('the place in the store', async () => vs.show('payments').context.current_line === '2');
});

after(async () => {
  await vs?.close();
});

const sidebar = () => page.locator('.part.sidebar');
// The explorer's rows stay in the page, hidden, while the Helix view shows.
const rows = () => sidebar().locator('.monaco-list-row').filter({ visible: true });
/** Each visible row as "label description". */
const rowTexts = () => rows().evaluateAll((els) => els.map((el) =>
  [el.querySelector('.label-name'), el.querySelector('.label-description')]
    .map((e) => e?.textContent?.trim() ?? '').filter(Boolean).join(' ')));
/** The rows labelled `name` whose description contains `description`. */
const row = (name, description) => rows()
  .filter({ has: page.locator('.label-name').getByText(name, { exact: true }) })
  .filter({ has: page.locator('.label-description').getByText(description) });

/** The frame of the visible webview whose document has `selector`. */
async function webview(selector, what) {
  return waitFor(what, async () => {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      if (await frame.locator(selector).count().catch(() => 0)) return frame;
    }
    return undefined;
  });
}

test('the Helix view: the current session with its mode, time today and place, today by mode, sessions by status', async () => {
  await page.locator('.part.activitybar .action-item a[aria-label^="Helix"]').click();
  await waitFor('the current session at the top', async () => (await rowTexts())[0]?.startsWith('payments building'));
  // (today's figures come from a report the view asks for after the status: wait for them too)
  const shown = await waitFor("the place of the current session and today's total", async () => {
    const r = await rowTexts();
    return (
      r.some((t) => t === 'Place auth.py:2') &&
      r.some((t) => t.startsWith('Not started')) &&
      r.some((t) => /^Today \d/.test(t)) &&
      r
    );
  });
  log(`view rows: ${JSON.stringify(shown)}`);
  assert.equal(shown[1], 'Mode building');
  assert.match(shown[2], /^Time \d.* in all$/);
  // Today by mode: the live session's building time, with its share.
  assert.ok(shown.some((t) => /^Today \d/.test(t)), 'the total of today');
  assert.ok(shown.some((t) => /^building \d[\dms ]* · 100%$/.test(t)), "building today");
  const groups = shown.filter((t) => /^(Active|Paused|Not started|Completed|Failed) \d+$/.test(t));
  assert.deepEqual(groups, ['Active 1', 'Paused 1', 'Not started 1', 'Completed 5', 'Failed 1']);
  assert.ok(shown.some((t) => t.startsWith('fix-login debugging · shop')), 'the idle session is listed');
});

test("a session row's inline buttons are the server's actions for it", async () => {
  const idle = row('fix-login', 'debugging');
  await idle.hover();
  const labels = async () => idle.locator('.actions .action-label').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  await waitFor('the inline actions', async () => (await labels()).length > 0);
  assert.deepEqual(await labels(), ['Start Session', 'Fail Session']);
  const active = row('payments', 'building · shop');
  await active.first().hover();
  assert.deepEqual(
    await active.first().locator('.actions .action-label').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label'))),
    ['Pause Session', 'Complete Session', 'Fail Session'],
  );
  // For the picture: the row focused from the keyboard (its buttons show), the mouse away (no tooltip).
  const side = await sidebar().boundingBox();
  await page.mouse.click(side.x + side.width / 2, side.y + side.height - 40);
  await page.keyboard.press('Home');
  await waitFor('fix-login focused', async () => {
    const focused = rows().and(page.locator('.focused'));
    if ((await focused.locator('.label-name').innerText().catch(() => '')) === 'fix-login') return true;
    await page.keyboard.press('ArrowDown');
    return false;
  });
  await waitFor('its buttons without the mouse', async () => idle.locator('.actions .action-label[aria-label="Start Session"]').isVisible());
  const bar = await page.locator('.part.activitybar').boundingBox();
  const file = path.join(outDir, 'activity-view.png');
  await page.screenshot({ path: file, clip: { x: bar.x, y: side.y, width: side.x + side.width - bar.x, height: 460 } });
  log(`screenshot: ${file}`);
});

test('an inline Start starts that session; the view follows (the one it replaces is paused)', async () => {
  const idle = row('fix-login', 'debugging');
  await idle.hover();
  await idle.locator('.actions .action-label[aria-label="Start Session"]').click();
  await waitFor('fix-login active in the store', async () => vs.show('fix-login').status === 'active');
  assert.equal(vs.show('payments').status, 'paused');
  await waitFor('the view to show it', async () => {
    const r = await rowTexts();
    return r[0]?.startsWith('fix-login debugging') && r.includes('Active 1') && r.includes('Paused 2') && !r.some((t) => t.startsWith('Not started'));
  });
});

test('clicking a session opens its details, whose buttons act on it and which follow it', async () => {
  await row('payments', 'building · shop').first().click();
  const frame = await webview('h1:text("payments")', 'the details of payments');
  assert.equal((await frame.locator('#status').innerText()).trim(), 'paused');
  assert.ok(await frame.locator('.tag', { hasText: 'stripe' }).count());
  assert.match(await frame.locator('body').innerText(), /current_file\s+auth\.py/);
  await frame.locator('button[data-action="resume"]').click();
  await waitFor('payments active in the store', async () => vs.show('payments').status === 'active');
  // Resume reopens the session's file; the details tab's title follows the session.
  const tab = page.locator('.tab', { hasText: 'payments · active' });
  await waitFor('the details tab to say active', async () => (await tab.count()) === 1);
  await tab.click();
  await waitFor('the page to follow', async () => {
    const f = await webview('h1:text("payments")', 'the details again');
    return (await f.locator('#status').innerText()).trim() === 'active';
  });
  // The history, from a server that keeps one (helix.session.history): the resume just made is its last event.
  const f = await webview('h1:text("payments")', 'the details');
  if (await f.locator('h2', { hasText: 'History' }).count()) {
    await waitFor('the resume in the history', async () =>
      /resumed\s+building\s+user/.test(await f.locator('table.history tbody tr').last().innerText()));
  } else {
    log('this server keeps no history: the details have no History section');
  }
  await vs.palette('Notifications: Clear All Notifications');
  await page.screenshot({ path: path.join(outDir, 'session-details.png') });
  await page.keyboard.press('Control+W');
  await waitFor('the details tab closed', async () => (await page.locator('.tab', { hasText: 'payments ·' }).count()) === 0);
});

test('Helix: Show Report shows the charts and the sessions of the last 7 days in a webview', async () => {
  await page.locator('.tab.active').click(); // the workbench has the keyboard, not a closing frame
  await vs.palette('Helix: Show Report');
  const frame = await webview('canvas#chart-days', 'the report page');
  await waitFor('the tab title', async () => (await vs.activeTab()).includes('Helix Report · Last 7 days · all projects'));
  const text = await frame.locator('body').innerText();
  for (const name of ['checkout-page-tests', 'refactor-payment-service', 'implement-user-auth', 'deploy-api-v2']) assert.ok(text.includes(name), name);
  // Chart.js has drawn: the canvas has a size of its own.
  await waitFor('a drawn chart', async () => (await frame.locator('canvas#chart-days').evaluate((c) => c.width)) > 0);
  // The script ran under the page's nonce: nothing was refused by the CSP.
  const csp = await frame.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /default-src 'none'; script-src 'nonce-[\w-]+'/);
  await vs.palette('Notifications: Clear All Notifications');
  await page.mouse.move(200, 760); // below the view's rows: no tooltip in the picture
  const file = path.join(outDir, 'report-webview.png');
  await page.screenshot({ path: file });
  log(`screenshot: ${file}`);
});

/** Clicks a button of the report tab's title bar. */
async function titleButton(label) {
  const button = page.locator(`.editor-actions .action-label[aria-label^="${label}"]`);
  await button.waitFor({ state: 'visible', timeout: 30_000 });
  await button.click();
}

test("the range picker (the tab's calendar button) draws the report again for today", async () => {
  await titleButton('Report: Choose Range');
  await vs.answer('Report range', 'Today');
  await waitFor('the tab title', async () => (await vs.activeTab()).includes('Helix Report · Today · all projects'));
  const frame = await webview('canvas#chart-days', 'the report of today');
  await waitFor('only today', async () => {
    const text = await frame.locator('body').innerText();
    return text.includes('payments') && !text.includes('implement-user-auth');
  });
});

test('the project picker limits the report to one project', async () => {
  await titleButton('Report: Choose Project');
  await vs.answer('Report project', 'web-app');
  await waitFor('the tab title', async () => (await vs.activeTab()).includes('Helix Report · Today · web-app'));
  await titleButton('Report: Choose Range');
  await vs.answer('Report range', 'Last 30 days');
  await waitFor('the tab title', async () => (await vs.activeTab()).includes('Helix Report · Last 30 days · web-app'));
  const frame = await webview('canvas#chart-days', 'the report of web-app');
  await waitFor('only web-app', async () => {
    const text = await frame.locator('body').innerText();
    return text.includes('checkout-page-tests') && text.includes('plan-q1-roadmap') && !text.includes('payments');
  });
});

test('the page follows the theme', async () => {
  const frame = await webview('canvas#chart-days', 'the report');
  const background = () => frame.locator('body').evaluate((b) => [b.className, getComputedStyle(b).backgroundColor]);
  const [darkClass, dark] = await background();
  assert.match(darkClass, /vscode-dark/);
  // Keys typed while the page has the focus stay in its frame: focus the tab first.
  await page.locator('.tab.active').click();
  await page.keyboard.press('Control+K'); // Preferences: Color Theme
  await page.keyboard.press('Control+T');
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-box input').waitFor({ state: 'visible' });
  await widget.locator('.quick-input-box input').fill('Light Modern');
  await waitFor('the light theme in the list', async () => (await widget.locator('.monaco-list-row.focused').innerText()).includes('Light Modern'));
  await page.keyboard.press('Enter');
  const [lightClass, light] = await waitFor('the light theme in the page', async () => {
    const [cls, bg] = await background();
    return /vscode-light/.test(cls) && [cls, bg];
  });
  assert.match(lightClass, /vscode-light/);
  assert.notEqual(light, dark);
  await page.mouse.move(200, 760);
  await page.screenshot({ path: path.join(outDir, 'report-webview-light.png') });
});
