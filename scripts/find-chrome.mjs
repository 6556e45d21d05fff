// Finds the machine's browsers: Chrome or Chromium for the browser tests, the e2e tests and
// the benchmarks; Firefox and WebKit (WebKitGTK's MiniBrowser) as the browser tests' other two
// engines. An environment variable wins (CHROME_PATH, FIREFOX_PATH, WEBKIT_DRIVER_PATH; `none`
// turns Firefox or WebKit off); then the usual install locations; then the PATH.
import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const candidates = {
  linux: [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/snap/bin/chromium',
  ],
  darwin: [
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
  ],
  win32: [
    `${process.env.PROGRAMFILES}\\Google\\Chrome\\Application\\chrome.exe`,
    `${process.env['PROGRAMFILES(X86)']}\\Google\\Chrome\\Application\\chrome.exe`,
    `${process.env.LOCALAPPDATA}\\Google\\Chrome\\Application\\chrome.exe`,
  ],
};
const names = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];

const executable = (file) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** @returns {string | undefined} the path of a Chrome or Chromium executable */
export function findChrome() {
  if (process.env.CHROME_PATH) return process.env.CHROME_PATH;
  const onPath = (process.env.PATH ?? '').split(delimiter).flatMap((dir) => names.map((n) => join(dir, n)));
  return [...(candidates[process.platform] ?? []), ...onPath].find(executable);
}

export const chromeHint =
  'No Chrome or Chromium found: install one (Debian: apt-get install -y chromium) or set CHROME_PATH.';
export const firefoxHint =
  'No Firefox found: the browser tests run without it. Install it (Debian: apt-get install -y firefox-esr) or set FIREFOX_PATH.';
export const webkitHint =
  'No WebKit found: the browser tests run without it. Install it (Debian: apt-get install -y webkit2gtk-driver xvfb xauth) or set WEBKIT_DRIVER_PATH.';

/** Flags for headless runs on CI machines: root needs --no-sandbox, and nothing may phone home. */
export const chromeArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

const firefoxCandidates = {
  linux: ['/usr/bin/firefox-esr', '/usr/bin/firefox', '/usr/lib/firefox-esr/firefox-esr', '/snap/bin/firefox'],
  darwin: ['/Applications/Firefox.app/Contents/MacOS/firefox'],
  win32: [`${process.env.PROGRAMFILES}\\Mozilla Firefox\\firefox.exe`],
};
const firefoxNames = ['firefox-esr', 'firefox'];

/**
 * @returns {string | undefined} the path of a Firefox executable (Debian's firefox-esr), for
 * the browser tests' second engine; FIREFOX_PATH wins, and FIREFOX_PATH=none turns it off.
 */
export function findFirefox() {
  if (process.env.FIREFOX_PATH) return process.env.FIREFOX_PATH === 'none' ? undefined : process.env.FIREFOX_PATH;
  const onPath = (process.env.PATH ?? '').split(delimiter).flatMap((dir) => firefoxNames.map((n) => join(dir, n)));
  return [...(firefoxCandidates[process.platform] ?? []), ...onPath].find(executable);
}

/** WebKitGTK installs MiniBrowser beside its libraries, under a versioned directory. */
function findMiniBrowser() {
  if (process.env.MINIBROWSER_PATH) return process.env.MINIBROWSER_PATH;
  for (const root of ['/usr/lib', '/usr/libexec', '/usr/local/libexec']) {
    const dirs = [
      root,
      ...readdirSafe(root)
        .filter((d) => /-linux-gnu$/.test(d))
        .map((d) => join(root, d)),
    ];
    for (const dir of dirs) {
      for (const sub of readdirSafe(dir)
        .filter((d) => /^webkit2?gtk-[\d.]+$/.test(d))
        .sort()
        .reverse()) {
        const file = join(dir, sub, 'MiniBrowser');
        if (executable(file)) return file;
      }
    }
  }
  return undefined;
}

function readdirSafe(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

const onPath = (name) =>
  (process.env.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, name))
    .find(executable);

/**
 * @returns {{ driver: string, miniBrowser: string, xvfb: string } | undefined} what the WebKit
 * engine needs (scripts/webkit-launcher.mjs): WebKitWebDriver, MiniBrowser and Xvfb (Linux
 * only: MiniBrowser has no headless mode); WEBKIT_DRIVER_PATH wins, WEBKIT_DRIVER_PATH=none
 * turns it off.
 */
export function findWebKit() {
  if (process.env.WEBKIT_DRIVER_PATH === 'none') return undefined;
  const driver = process.env.WEBKIT_DRIVER_PATH || onPath('WebKitWebDriver');
  const miniBrowser = findMiniBrowser();
  const xvfb = onPath('Xvfb');
  return driver && miniBrowser && xvfb ? { driver, miniBrowser, xvfb } : undefined;
}

/**
 * Browser paths given in the environment that do not lead to an executable file, each named
 * with its variable: a mistyped CHROME_PATH must not look like "no browser installed".
 * @returns {string[]}
 */
export function browserPathProblems() {
  const problems = [];
  for (const name of ['CHROME_PATH', 'FIREFOX_PATH', 'WEBKIT_DRIVER_PATH', 'MINIBROWSER_PATH']) {
    const value = process.env[name];
    if (!value || (value === 'none' && name !== 'CHROME_PATH' && name !== 'MINIBROWSER_PATH')) continue;
    if (!executable(value)) problems.push(`${name}=${value} is not an executable file: fix or unset it.`);
  }
  return problems;
}
