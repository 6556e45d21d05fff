// The example app's sign-in, tested through the Spotnana emulator: the happy path, and each
// way Spotnana can misbehave, as the user and the host page see it.
import { test as base, expect } from 'spotnana-embed/testing';
import { ALICE, startApp, type ExampleApp } from './app.js';

/**
 * The silent-frame delay in these tests: the time the element gives a frame to ask before it
 * reports `no-request` (15 s by default, shortened through `spotnana.setTiming`).
 */
const SILENT_FRAME_MS = 2000;

const test = base.extend<{ app: ExampleApp }>({
  // The app listens first: the emulator is told its origin and its user-detail URL...
  // eslint-disable-next-line no-empty-pattern
  app: async ({}, use) => {
    const app = await startApp();
    await use(app);
    await app.close();
  },
  spotnanaOptions: async ({ app }, use) => {
    await use({ userDetailUrl: app.userDetailUrl, allowedOrigins: [app.url], users: [ALICE.email] });
  },
});
// ...then the app is given the emulator's URLs and client.
test.beforeEach(({ app, spotnana }) => app.connect(spotnana));

/** The events the host page listed (public/host.js), by type. */
const hostEvents = (page: import('@playwright/test').Page, type: string) =>
  page.locator(`#events [data-event="spotnana-${type}"]`);
/** The element's error view (what the user sees when the host page does not prevent it). */
const errorView = (page: import('@playwright/test').Page) => page.locator('spotnana-embed').getByRole('alert');
const at = async (locator: import('@playwright/test').Locator) => Number(await locator.getAttribute('data-at'));

test('signs in through the emulator as the user of the session', async ({ page, app, spotnana }) => {
  await page.goto(app.url);
  expect(await spotnana.signedIn(page)).toBe(ALICE.email);
  await expect(page.locator('#travel-status')).toHaveText('Travel is ready.');
  await expect(hostEvents(page, 'error')).toHaveCount(0);
});

test('(a) a rejected token exchange: the page says travel is unavailable, and a reload signs in', async ({
  page,
  app,
  spotnana,
}) => {
  spotnana.scenario({ rejectNextExchange: true });
  await page.goto(app.url);
  // The emulator answered 400 invalid_grant; the token route turned it into 403 exchange_rejected.
  await expect(hostEvents(page, 'error').first()).toHaveAttribute('data-code', 'token-endpoint http-error 403');
  // The rejection was once: the host's own "Reload travel" (the element's reload()) signs in.
  await page.getByRole('button', { name: 'Reload travel' }).click();
  expect(await spotnana.signedIn(page)).toBe(ALICE.email);
  await expect(page.locator('#travel-status')).toHaveText('Travel is ready.');
  expect(spotnana.log.filter((line) => line.includes('scenario rejectNextExchange'))).toHaveLength(1);
  expect(app.tokenErrors).toEqual(['invalid_grant']);
});

test('(a) a token exchange rejected when the frame asks again: the error view shows, and "Try again" signs in', async ({
  page,
  app,
  spotnana,
}) => {
  await page.goto(app.url);
  await spotnana.signedIn(page);
  spotnana.scenario({ rejectNextExchange: true });
  // The frame reloads (its own button) and asks again: that exchange is refused, and the request stays unanswered.
  await spotnana
    .frame(page)
    .getByRole('button', { name: /Reload/ })
    .click();
  await expect(errorView(page)).toContainText('exchange_rejected');
  await expect(hostEvents(page, 'error')).toHaveAttribute('data-code', 'token-endpoint http-error 403');
  await page.locator('spotnana-embed').getByRole('button', { name: 'Try again' }).click();
  expect(await spotnana.signedIn(page)).toBe(ALICE.email);
  await expect(errorView(page)).toHaveCount(0);
});

test('(b) the frame rejects the tokens it gets: INVALID_TOKEN reaches the page, and signedIn() says what it saw', async ({
  page,
  app,
  spotnana,
}) => {
  spotnana.scenario({ rejectTokens: true });
  await page.goto(app.url);
  await expect(hostEvents(page, 'error')).toHaveAttribute('data-code', 'spotnana INVALID_TOKEN');
  await expect(page.locator('#travel-status')).toHaveText('Travel is unavailable right now (INVALID_TOKEN).');
  await expect(spotnana.frame(page).getByRole('alert')).toContainText('Sign-in failed');
  await expect(errorView(page)).toContainText("The access token was rejected (the emulator's rejectTokens scenario).");
  await expect(spotnana.signedIn(page, { timeout: 1000 })).rejects.toThrow(
    /did not show a signed-in user within 1000 ms\. It shows "Sign-in failed" with INVALID_TOKEN: "The access token was rejected \(the emulator's rejectTokens scenario\)\." \(it has posted 1 token request and signed in with 0 token sets\)\. The element shows its error view/,
  );
});

test('(c) a frame that never asks: the element reports no-request after its silent-frame delay', async ({
  page,
  app,
  spotnana,
}) => {
  await spotnana.setTiming(page, { silentFrameMs: SILENT_FRAME_MS });
  spotnana.scenario({ silentFrame: true });
  await page.goto(app.url);
  await expect(hostEvents(page, 'load')).toHaveCount(1);
  const error = hostEvents(page, 'error');
  await expect(error).toHaveAttribute('data-code', 'spotnana no-request');
  expect((await at(error)) - (await at(hostEvents(page, 'load')))).toBeGreaterThanOrEqual(SILENT_FRAME_MS - 100);
  await expect(page.locator('#travel-status')).toHaveText('Travel is unavailable right now (no-request).');
  await expect(errorView(page)).toContainText(`No token request ${SILENT_FRAME_MS / 1000} s after the frame loaded`);
  await expect(hostEvents(page, 'token-request')).toHaveCount(0);
  await expect(spotnana.frame(page).locator('body')).toHaveAttribute('data-requests', '0');
});

test('(d) a slow boot: the frame asks late, and signs in with no error', async ({ page, app, spotnana }) => {
  const bootDelay = 3000;
  spotnana.scenario({ bootDelay });
  await page.goto(app.url);
  expect(await spotnana.signedIn(page)).toBe(ALICE.email);
  const asked = await at(hostEvents(page, 'token-request'));
  const loaded = await at(hostEvents(page, 'load'));
  // The frame's script starts after the host page's (the clock of `data-at`), and a little
  // before its own load event.
  expect(asked).toBeGreaterThanOrEqual(bootDelay);
  expect(asked - loaded).toBeGreaterThanOrEqual(bootDelay - 1000);
  await expect(hostEvents(page, 'error')).toHaveCount(0);
  await expect(errorView(page)).toHaveCount(0);
});

test('(e) a second request: the frame asks again and shows the second token set', async ({ page, app, spotnana }) => {
  spotnana.scenario({ askAgainAfter: 1500 });
  await page.goto(app.url);
  expect(await spotnana.signedIn(page)).toBe(ALICE.email);
  expect(await spotnana.signedIn(page, { tokenSet: 2 })).toBe(ALICE.email);
  await expect(spotnana.frame(page).getByTestId('token-set')).toHaveText('2');
  await expect(hostEvents(page, 'token-request')).toHaveCount(2);
  await expect(hostEvents(page, 'token-sent')).toHaveCount(2);
  // The first set was the eager prefetch; the second was fetched for the second request.
  await expect(hostEvents(page, 'token-sent').nth(1)).toHaveAttribute('data-prefetched', 'false');
  await expect(hostEvents(page, 'error')).toHaveCount(0);
});
