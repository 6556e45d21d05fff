// Layout of the demo (`npm start`) at the widths users open it: nothing spills out of its box
// and nothing needs a sideways scroll, on the demo's page or in the emulator's embed app inside
// it; the side panel scrolls when it is taller than the window. Chromium through puppeteer-core;
// it runs the built package (`npm run build` first when run alone).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Frame, Page } from 'puppeteer-core';
import { demoInChrome, untilPrerendered } from './demo-in-chrome.ts';

/** Window sizes: a laptop, and a narrow window where the panels stack under the embed. */
const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 800, height: 800 },
];
/** Sub-pixel rounding that is not an overflow. */
const TOLERANCE_PX = 1;

const session = demoInChrome();

/** Opens the demo and waits until the embed app shows its signed-in view. */
async function openSignedIn(page: Page): Promise<Frame> {
  await page.goto(`${session.demo.url}/`, { waitUntil: 'load' });
  const frame = await page.waitForFrame((candidate) => candidate.url().startsWith(session.demo.embedUrl), {
    timeout: 0,
  });
  await frame.waitForSelector('[data-view="signed-in"]:not([hidden])', { visible: true, timeout: 0 });
  return frame;
}

/**
 * Every visible element under a `boxes` element that reaches past that box's right edge, one
 * line each, and whether the document itself is wider than the window.
 */
function overflows(context: Page | Frame, boxes: string): Promise<string[]> {
  return context.evaluate(
    (boxes, tolerance) => {
      const found: string[] = [];
      const root = document.documentElement;
      if (root.scrollWidth > root.clientWidth + tolerance)
        found.push(`the document is ${root.scrollWidth} px wide in a ${root.clientWidth} px window`);
      for (const box of document.querySelectorAll<HTMLElement>(boxes)) {
        if (!box.checkVisibility()) continue;
        const edge = box.getBoundingClientRect().right;
        for (const child of box.querySelectorAll('*')) {
          if (!child.checkVisibility()) continue;
          const right = child.getBoundingClientRect().right;
          if (right > edge + tolerance) {
            const [firstClass] = (child.getAttribute('class') ?? '').split(' ');
            const name = child.id ? `#${child.id}` : firstClass && `.${firstClass}`;
            found.push(
              `${child.localName}${name} ends at ${Math.round(right)} px, past its box's ${Math.round(edge)} px`,
            );
          }
        }
      }
      return found;
    },
    boxes,
    TOLERANCE_PX,
  );
}

describe('layout of the demo', () => {
  for (const viewport of VIEWPORTS) {
    it(`${viewport.width}×${viewport.height}: nothing spills out of its card, on the page or in the embed app`, async () => {
      const page = await session.browser.newPage();
      try {
        await page.setViewport(viewport);
        const frame = await openSignedIn(page);
        assert.deepEqual(await overflows(page, '.card, .panel'), [], 'the demo page');
        assert.deepEqual(await overflows(frame, '.card'), [], 'the embed app');
      } finally {
        await page.close();
      }
    });
  }

  for (const viewport of VIEWPORTS) {
    it(`${viewport.width}×${viewport.height}: Expenses, nothing spills out of its card, and no hidden frame takes room`, async () => {
      const page = await session.browser.newPage();
      try {
        await page.setViewport(viewport);
        await openSignedIn(page);
        await page.evaluate(() => document.querySelector<HTMLElement>('a[data-route="expenses"]')!.click());
        // Travel's prerendered frame, hidden: it must not widen or lengthen the page.
        await untilPrerendered(page);
        assert.deepEqual(await overflows(page, '.card, .panel, .stats, .page-head'), [], 'the Expenses page');
        const room = await page.evaluate(() => ({
          scrollHeight: document.documentElement.scrollHeight,
          withoutFrames: (() => {
            const holders = [...document.querySelectorAll('iframe')].map((iframe) => iframe.closest('[inert]')!);
            for (const holder of holders) holder.setAttribute('hidden', '');
            const height = document.documentElement.scrollHeight;
            for (const holder of holders) holder.removeAttribute('hidden');
            return height;
          })(),
        }));
        assert.equal(room.scrollHeight, room.withoutFrames, 'the hidden frame makes the page taller');
      } finally {
        await page.close();
      }
    });
  }

  it('the side panel scrolls when it is taller than the window', async () => {
    const page = await session.browser.newPage();
    try {
      await page.setViewport({ width: 1280, height: 600 });
      await openSignedIn(page);
      const panel = await page.$eval('.panel', (element) => ({
        overflowY: getComputedStyle(element).overflowY,
        scrollHeight: element.scrollHeight,
        clientHeight: element.clientHeight,
      }));
      assert.ok(panel.scrollHeight > panel.clientHeight, 'at 600 px high the panel is taller than its box');
      assert.ok(['auto', 'scroll'].includes(panel.overflowY), `the panel's overflow-y is ${panel.overflowY}`);
    } finally {
      await page.close();
    }
  });
});
