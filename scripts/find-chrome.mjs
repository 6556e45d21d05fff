// Finds the machine's Chrome or Chromium for the browser tests, the e2e tests and the
// benchmarks. CHROME_PATH wins; then the usual install locations; then the PATH.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const candidates = {
  linux: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'],
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
