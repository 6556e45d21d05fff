// spotnana-embed/testing: what an integrator needs to test their own integration (their page
// with <spotnana-embed>, their token route, their user-detail route) in CI, with no Spotnana
// and no network. A Playwright fixture, `spotnana`, starts the emulator for each test, gives
// its URLs to hand to the app, switches its scenarios, and waits for the frame to show the
// signed-in user. Playwright (@playwright/test) is an optional peer: only this entry point
// imports it.
import { test as base, expect, type FrameLocator, type Locator, type Page } from '@playwright/test';
import {
  startEmulator,
  type EmulatorOptions,
  type EmulatorScenario,
  type OAuthErrorAnswer,
  type RunningEmulator,
} from '../emulator/index.js';
import type { Timing } from '../timing.js';

export { expect };
export type { EmulatorScenario, OAuthErrorAnswer, Timing };

/** The emulator's options, as `startEmulator` takes them (its log is kept by the fixture). */
export type SpotnanaOptions = Omit<EmulatorOptions, 'log'>;

export interface SignedInOptions {
  /** Milliseconds to wait. Default 10000. */
  timeout?: number;
  /** Wait until the frame shows this token set (2: the set of its second request). Default: the first it shows. */
  tokenSet?: number;
}

/** A running emulator, as the `spotnana` fixture and `startSpotnana` give it. */
export interface SpotnanaEmulator {
  /** The emulator's URL: `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** For the element's `embed-url`. */
  readonly embedUrl: string;
  /** For `createTokenHandler({ apiUrl })` (or `exchangeToken`). */
  readonly apiUrl: string;
  readonly port: number;
  /** The client id it accepts. */
  readonly clientId: string;
  /** The client secret it accepts. */
  readonly clientSecret: string;
  /** The lines it has logged (one per step of each sign-in; never a secret or a token). */
  readonly log: readonly string[];
  /**
   * Replaces the scenario (the parts left out are off): the token API applies it from the next
   * request, the embed app from its next page load, so set it before `page.goto`.
   */
  scenario(scenario: EmulatorScenario): void;
  /** Back to the scenario it started with (by default: none). */
  reset(): void;
  /** The frame of the `<spotnana-embed>` on `target` (a page, or a locator of one element). */
  frame(target: Page | Locator): FrameLocator;
  /**
   * Waits until the frame of the `<spotnana-embed>` on `target` shows a signed-in user, and
   * resolves with the email it shows. On time-out it rejects with an error that says what the
   * frame and the element showed instead.
   */
  signedIn(target: Page | Locator, options?: SignedInOptions): Promise<string>;
  /**
   * Sets fields of `SpotnanaEmbed.timing` in `page` from its next navigation on, as soon as the
   * element is defined: `{ silentFrameMs: 1000 }` makes a frame that never asks fail in 1 s
   * instead of 15 s. Call it before `page.goto`.
   */
  setTiming(page: Page, timing: Partial<Timing>): Promise<void>;
  /** Stops it (the fixture does this after each test). */
  close(): Promise<void>;
}

/** The fixtures `test` adds to Playwright's. */
export interface SpotnanaFixtures {
  /** The emulator, started for the test and closed after it. */
  spotnana: SpotnanaEmulator;
  /**
   * Its options, set with `test.use({ spotnanaOptions: { ... } })` or by a fixture of your own.
   * `allowedOrigins` defaults to the origin of `baseURL` when it is set.
   */
  spotnanaOptions: SpotnanaOptions;
}

const DEFAULT_SIGNED_IN_TIMEOUT = 10_000;
/** How long a look at what the frame shows may take, once the wait has failed. */
const LOOK_TIMEOUT = 1000;
const TEXT_SHOWN = 200;
/** The element's own iframe is in its shadow root; an early frame is its light-DOM child. Playwright's CSS pierces both. */
const FRAME_IN_ELEMENT = 'iframe';
const TAG = 'spotnana-embed';
const FRAME_ON_PAGE = `${TAG} ${FRAME_IN_ELEMENT}`;

/** Starts the emulator, for a fixture of your own (for example one per worker). */
export async function startSpotnana(options: SpotnanaOptions = {}): Promise<SpotnanaEmulator> {
  const log: string[] = [];
  const emulator: RunningEmulator = await startEmulator({ ...options, log: (line) => log.push(line) });
  return {
    url: emulator.url,
    embedUrl: emulator.url,
    apiUrl: emulator.url,
    port: emulator.port,
    clientId: options.clientId ?? 'demo-client',
    clientSecret: options.clientSecret ?? 'demo-secret',
    log,
    scenario: (scenario) => emulator.scenario(scenario),
    reset: () => emulator.reset(),
    frame,
    signedIn: (target, signedInOptions) => signedIn(emulator.url, target, signedInOptions),
    setTiming,
    close: () => emulator.close(),
  };
}

/** Playwright's `test`, with the `spotnana` fixture. */
export const test = base.extend<SpotnanaFixtures>({
  spotnanaOptions: [{}, { option: true }],
  spotnana: async ({ spotnanaOptions, baseURL }, use, testInfo) => {
    const allowedOrigins = spotnanaOptions.allowedOrigins ?? (baseURL ? [new URL(baseURL).origin] : undefined);
    const spotnana = await startSpotnana({ ...spotnanaOptions, allowedOrigins });
    try {
      await use(spotnana);
    } finally {
      if (testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach('spotnana-emulator.log', { body: spotnana.log.join('\n'), contentType: 'text/plain' });
      }
      await spotnana.close();
    }
  },
});

async function setTiming(page: Page, timing: Partial<Timing>): Promise<void> {
  await page.addInitScript(
    ([tag, values]) => {
      customElements
        .whenDefined(tag)
        .then((element) => Object.assign((element as unknown as { timing: Timing }).timing, values));
    },
    [TAG, timing] as const,
  );
}

const isPage = (target: Page | Locator): target is Page => typeof (target as Page).mainFrame === 'function';

const framesOf = (target: Page | Locator): Locator =>
  isPage(target) ? target.locator(FRAME_ON_PAGE) : target.locator(FRAME_IN_ELEMENT);

function frame(target: Page | Locator): FrameLocator {
  return isPage(target) ? target.frameLocator(`${FRAME_ON_PAGE} >> nth=0`) : target.frameLocator(FRAME_IN_ELEMENT);
}

async function signedIn(emulatorUrl: string, target: Page | Locator, options: SignedInOptions = {}): Promise<string> {
  const timeout = options.timeout ?? DEFAULT_SIGNED_IN_TIMEOUT;
  const { tokenSet } = options;
  if (tokenSet !== undefined && (!Number.isInteger(tokenSet) || tokenSet < 1)) {
    throw new TypeError('signedIn: tokenSet must be a whole number from 1.');
  }
  const embed = frame(target);
  const selector =
    tokenSet === undefined
      ? 'body[data-state="signed-in"]'
      : `body[data-state="signed-in"][data-token-sets="${tokenSet}"]`;
  try {
    await embed.locator(selector).waitFor({ state: 'attached', timeout });
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'TimeoutError') throw error;
    const wanted = tokenSet === undefined ? 'a signed-in user' : `a signed-in user with token set ${tokenSet}`;
    throw new Error(
      `spotnana.signedIn: the Spotnana frame did not show ${wanted} within ${timeout} ms. ${await whatItShows(emulatorUrl, target)}`,
      { cause: error },
    );
  }
  return ((await embed.locator('#user-email').textContent({ timeout: LOOK_TIMEOUT })) ?? '').trim();
}

const shorten = (text: string) => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > TEXT_SHOWN ? `${line.slice(0, TEXT_SHOWN)}…` : line;
};

const plural = (count: string | null, noun: string) => `${count ?? '?'} ${noun}${count === '1' ? '' : 's'}`;

/** What the frame and the element show, in a sentence or two, for an error message. */
async function whatItShows(emulatorUrl: string, target: Page | Locator): Promise<string> {
  const quick = { timeout: LOOK_TIMEOUT };
  const element = isPage(target) ? target.locator('spotnana-embed').first() : target;
  const errorView = element.locator('[part="error"]');
  const elementError = (await errorView.isVisible().catch(() => false))
    ? ` The element shows its error view: "${shorten(await errorView.innerText(quick).catch(() => ''))}".`
    : '';
  const frames = framesOf(target);
  const count = await frames.count().catch(() => 0);
  if (count === 0) {
    const elements = isPage(target) ? await target.locator('spotnana-embed').count() : 1;
    return elements === 0
      ? 'There is no <spotnana-embed> on the page.'
      : `The <spotnana-embed> has no frame.${elementError}`;
  }
  const src =
    (await frames
      .first()
      .getAttribute('src', quick)
      .catch(() => null)) ?? '(none)';
  const body = frame(target).locator('body');
  const state = await body.getAttribute('data-state', quick).catch(() => null);
  if (!state) {
    return `Its frame (src ${src}) does not show the emulator's embed app (${emulatorUrl}): is embed-url the emulator's URL, and did the frame load?${elementError}`;
  }
  const requests = await body.getAttribute('data-requests', quick).catch(() => null);
  const sets = await body.getAttribute('data-token-sets', quick).catch(() => null);
  const counts = `it has posted ${plural(requests, 'token request')} and signed in with ${plural(sets, 'token set')}`;
  if (state === 'signed-in') {
    const email = await frame(target)
      .locator('#user-email')
      .textContent(quick)
      .catch(() => '');
    return `It shows ${(email ?? '').trim() || 'a user'} signed in (${counts}).${elementError}`;
  }
  if (state === 'error') {
    const text = async (selector: string) =>
      shorten(
        (await frame(target)
          .locator(selector)
          .textContent(quick)
          .catch(() => '')) ?? '',
      );
    return `It shows "Sign-in failed" with ${(await text('#error-code')) || 'no code'}: "${await text('#error-message')}" (${counts}).${elementError}`;
  }
  const view = await frame(target)
    .locator(`[data-view="${state}"]`)
    .innerText(quick)
    .catch(() => '');
  return `It shows its ${state} view: "${shorten(view)}" (${counts}).${elementError}`;
}
