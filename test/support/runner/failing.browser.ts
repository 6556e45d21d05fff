// Browser tests that fail on purpose, run by test/package/browser-runner.test.ts (never by the
// browser suites: their files are *.test.ts). Each must come back named, with its reason, and
// the file must finish.
import { expect } from '@open-wc/testing';
import { until } from '../../element/helpers.js';

/** A same-origin child page's window: its objects belong to another realm. */
async function childWindow(): Promise<Window & { answer?: Promise<number> }> {
  const host = document.createElement('iframe');
  host.srcdoc = '<script>window.answer = Promise.resolve(42)</script><iframe></iframe>';
  const loaded = new Promise((resolve) => host.addEventListener('load', resolve, { once: true }));
  document.body.append(host);
  await loaded;
  return host.contentWindow!;
}

describe('failing on purpose', () => {
  it('compares a DOM node', () => {
    expect(document.body, 'the page body').to.equal(null);
  });

  it("compares another page's element and promise", async () => {
    const child = await childWindow();
    expect([child.document.querySelector('iframe'), child.answer]).to.deep.equal([]);
  });

  it('runs out of time', async function () {
    this.timeout(500);
    await until(() => false, 'a sign that never comes');
  });
});
