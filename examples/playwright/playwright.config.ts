// Playwright for the example: Chromium as installed on the machine (no browser download),
// headless. In your project, point executablePath at your Chrome or Chromium (or leave it out
// and let `npx playwright install chromium` provide Playwright's own).
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import { findChrome } from '../../scripts/find-chrome.mjs';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../../.cache/playwright-example',
  // The silent-frame test waits for the element's 15 s silent-frame check.
  timeout: 30_000,
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  // JUnit XML beside the list, for CI (npm test reads it): test-results/ at the repository's
  // root, or the file PLAYWRIGHT_JUNIT_OUTPUT_FILE names.
  reporter: [
    ['list'],
    [
      'junit',
      {
        outputFile:
          process.env.PLAYWRIGHT_JUNIT_OUTPUT_FILE ||
          fileURLToPath(new URL('../../test-results/playwright.xml', import.meta.url)),
      },
    ],
  ],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: process.env.CHROME_PATH || findChrome() },
  },
});
