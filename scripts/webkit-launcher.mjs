// A Web Test Runner launcher for WebKit (the engine of Safari): WebKitGTK's MiniBrowser driven
// over classic WebDriver (https://www.w3.org/TR/webdriver2/) by WebKitWebDriver, spoken with
// `fetch`. MiniBrowser has no headless mode, so the launcher starts its own X server (Xvfb)
// and its own driver, and stops both at the end. One browser session, one page at a time:
// each test file is a navigation of that session.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

/** How long one WebDriver command may take before the run is failed (a hung driver, not a slow test). */
const COMMAND_TIMEOUT_MS = 120_000;
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

/** @param {{ driver: string, miniBrowser: string, xvfb: string, concurrency?: number }} options */
export function webkitLauncher({ driver, miniBrowser, xvfb }) {
  let xServer;
  let driverProcess;
  let base;
  let sessionId;
  const pages = new Map(); // test session id -> url
  let queue = Promise.resolve();

  /** One WebDriver command; a WebDriver error becomes an Error with its message. */
  async function command(method, path, body) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(COMMAND_TIMEOUT_MS),
    });
    const { value } = await response.json();
    if (!response.ok) throw new Error(`WebKitWebDriver ${method} ${path}: ${value?.error}: ${value?.message}`);
    return value;
  }

  /** Commands run one after another: one MiniBrowser window serves every test file. */
  const serial = (task) => {
    const run = queue.then(task);
    queue = run.catch(() => {});
    return run;
  };

  return {
    name: 'WebKit',
    type: 'webkit-webdriver',
    concurrency: 1,

    async initialize() {
      // However the runner ends (Ctrl-C included), the X server and the driver end with it.
      process.once('exit', () => {
        driverProcess?.kill();
        xServer?.child.kill();
      });
      xServer = await startXvfb(xvfb);
      const port = await freePort();
      driverProcess = spawn(driver, [`--port=${port}`, '--host=127.0.0.1'], {
        stdio: 'ignore',
        env: { ...process.env, DISPLAY: xServer.display },
      });
      base = `http://127.0.0.1:${port}`;
      const exited = once(driverProcess, 'exit').then(([code]) => {
        throw new Error(`WebKitWebDriver exited (${code}) before it was ready`);
      });
      const ready = (async () => {
        for (;;) {
          const up = await fetch(`${base}/status`).then(
            (r) => r.ok,
            () => false,
          );
          if (up) return;
          await new Promise((resolve) => setTimeout(resolve, STATUS_POLL_MS));
        }
      })();
      await Promise.race([ready, exited]);
      const session = await command('POST', '/session', {
        capabilities: {
          alwaysMatch: {
            browserName: 'MiniBrowser',
            // Navigations return at once: a test page whose load event waits on a frame that
            // never loads (a test of a hanging endpoint) must not hold the runner up.
            pageLoadStrategy: 'none',
            'webkitgtk:browserOptions': { binary: miniBrowser, args: ['--automation'] },
          },
        },
      });
      sessionId = session.sessionId;
    },

    async stop() {
      if (sessionId) await command('DELETE', `/session/${sessionId}`).catch(() => {});
      driverProcess?.kill();
      xServer?.child.kill();
    },

    startSession(id, url) {
      return serial(async () => {
        pages.set(id, url);
        await command('POST', `/session/${sessionId}/url`, { url });
      });
    },

    startDebugSession() {
      throw new Error('WebKit runs without a visible window here: debug in Chromium or Firefox.');
    },

    isActive: (id) => pages.has(id),

    getBrowserUrl: (id) => pages.get(id),

    stopSession(id) {
      return serial(async () => {
        pages.delete(id);
        // An empty page between test files, so that nothing of one file runs into the next.
        await command('POST', `/session/${sessionId}/url`, { url: 'about:blank' });
        return {};
      });
    },
  };
}
