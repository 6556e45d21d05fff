// A Web Test Runner launcher for WebKit (the engine of Safari): WebKitGTK's MiniBrowser, driven
// by the runner's own WebDriver launcher (@web/test-runner-webdriver, classic WebDriver through
// WebKitWebDriver). MiniBrowser has no headless mode, so this starts an X server (Xvfb) and
// the driver on a free port before the first test file, and stops both at the end. One page
// at a time: each test file is a navigation of one browser window.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { webdriverLauncher } from '@web/test-runner-webdriver';

/** Between two probes of the driver's /status while it starts. */
const STATUS_POLL_MS = 50;
const SCREEN = '1280x1024x24';

/** A free loopback port (the driver takes a port number, not 0). */
async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/** Starts Xvfb on a free display; resolves to `:N` once the server is ready (it writes N to fd 3). */
async function startXvfb(xvfb) {
  const child = spawn(xvfb, ['-displayfd', '3', '-screen', '0', SCREEN, '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const display = await new Promise((resolve, reject) => {
    let out = '';
    child.stdio[3].on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve(`:${out.trim()}`);
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before it was ready: ${stderr.trim()}`)));
  });
  return { child, display };
}

/** Starts WebKitWebDriver on `display`; resolves once it answers, with its port. */
async function startDriver(driver, display) {
  const port = await freePort();
  const child = spawn(driver, [`--port=${port}`, '--host=127.0.0.1'], {
    stdio: 'ignore',
    env: { ...process.env, DISPLAY: display },
  });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`WebKitWebDriver exited (${code}) before it was ready`);
  });
  const ready = (async () => {
    for (;;) {
      const up = await fetch(`http://127.0.0.1:${port}/status`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) return;
      await new Promise((resolve) => setTimeout(resolve, STATUS_POLL_MS));
    }
  })();
  await Promise.race([ready, exited]);
  return { child, port };
}

/** @param {{ driver: string, miniBrowser: string, xvfb: string }} options */
export function webkitLauncher({ driver, miniBrowser, xvfb }) {
  let xServer;
  let driverServer;
  /** @type {import('@web/test-runner-webdriver').WebdriverLauncher | undefined} */
  let webdriver;

  return {
    name: 'WebKit',
    type: 'webkit-webdriver',
    concurrency: 1,

    async initialize(config, testFiles) {
      // However the runner ends (Ctrl-C included), the X server and the driver end with it.
      process.once('exit', () => {
        driverServer?.child.kill();
        xServer?.child.kill();
      });
      xServer = await startXvfb(xvfb);
      driverServer = await startDriver(driver, xServer.display);
      webdriver = webdriverLauncher({
        hostname: '127.0.0.1',
        port: driverServer.port,
        logLevel: 'error',
        capabilities: {
          browserName: 'MiniBrowser',
          // WebKitWebDriver speaks classic WebDriver only.
          'wdio:enforceWebDriverClassic': true,
          // Navigations return at once: a test page whose load event waits on a frame that
          // never loads (a test of a hanging endpoint) must not hold the runner up.
          pageLoadStrategy: 'none',
          'webkitgtk:browserOptions': { binary: miniBrowser, args: ['--automation'] },
        },
      });
      // The stock launcher runs the files one after another in one window only when told the
      // run's concurrency is 1 (otherwise it puts each file in an iframe of one page).
      await webdriver.initialize({ ...config, concurrency: 1 }, testFiles);
    },

    async stop() {
      await webdriver?.stop();
      driverServer?.child.kill();
      xServer?.child.kill();
    },

    startSession: (id, url) => webdriver.startSession(id, url),

    startDebugSession() {
      throw new Error('WebKit runs without a visible window here: debug in Chromium or Firefox.');
    },

    isActive: (id) => webdriver?.isActive(id) ?? false,

    getBrowserUrl: (id) => webdriver.getBrowserUrl(id),

    stopSession: (id) => webdriver.stopSession(id),
  };
}
