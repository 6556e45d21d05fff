// Rendering: shadow DOM, parts, slots, roles, default size, and where tokens must never be.
import { expect, fixture, html } from '@open-wc/testing';
import type { SpotnanaEmbed } from '../../src/index.js';
import {
  EMBED_URL,
  command,
  embed,
  errors,
  loads,
  frameOf,
  ofType,
  renderFixture,
  postedBefore,
  responses,
  until,
  view,
} from './helpers.js';

describe('views', () => {
  it('shows the loading view (role=status) until the tokens were sent, then only the frame', async () => {
    const { el, id, events } = await embed({ script: 'slow:600', wait: false });
    const loading = el.shadowRoot!.querySelector('[part=loading]')!;
    expect(loading.getAttribute('role')).to.equal('status');
    expect(loading.querySelector('slot[name=loading]')).to.not.equal(null);
    await until(() => ofType(events, 'spotnana-token-sent').length, 'tokens sent');
    await el.updateComplete;
    expect(view(el)).to.equal('none');
    expect(frameOf(el)!.getAttribute('part')).to.equal('frame');
    expect(await until(() => responses(id), 'the frame to report its tokens')).to.have.length(1);
  });

  it('shows the error view (role=alert) with a message and a retry button that reloads', async () => {
    const { el, id, events } = await embed({ script: '401,ok', frame: { ask: 'never' } });
    await until(() => errors(events).length, 'the error');
    await el.updateComplete;
    const error = el.shadowRoot!.querySelector('[part=error]')!;
    expect(error.getAttribute('role')).to.equal('alert');
    expect(error.textContent).to.contain('HTTP 401');
    const retry = error.querySelector<HTMLButtonElement>('[part=retry]')!;
    retry.click();
    await loads(id, 2);
    command(el, { cmd: 'ask' });
    await until(() => responses(id), 'tokens after retry');
    await el.updateComplete;
    expect(view(el)).to.equal('none');
  });

  it('preventDefault() on spotnana-error suppresses the error view', async () => {
    const el = document.createElement('spotnana-embed');
    el.addEventListener('spotnana-error', (e) => e.preventDefault());
    el.setAttribute('env', 'nope');
    await fixture(el);
    expect(el.shadowRoot!.querySelector('[part=error]')).to.equal(null);
  });

  it('slotted loading and error content replaces the defaults', async () => {
    const el = await fixture<SpotnanaEmbed>(
      html`<spotnana-embed env="nope">
        <p slot="error">Travel is unavailable</p>
        <p slot="loading">Please wait</p>
      </spotnana-embed>`,
    );
    const slot = el.shadowRoot!.querySelector<HTMLSlotElement>('slot[name=error]')!;
    expect(slot.assignedElements().map((e) => e.textContent)).to.deep.equal(['Travel is unavailable']);
  });
});

describe('size', () => {
  it('is a block box, 100% wide and 600px high by default', async () => {
    const wrapper = renderFixture(
      html`<div style="width: 800px">
        <spotnana-embed embed-url=${EMBED_URL} token-endpoint="/token"></spotnana-embed>
      </div>`,
    );
    const el = wrapper.querySelector('spotnana-embed')!;
    await el.updateComplete;
    expect(getComputedStyle(el).display).to.equal('block');
    const rect = el.getBoundingClientRect();
    expect(rect.width).to.equal(800);
    expect(rect.height).to.equal(600);
    expect(frameOf(el)!.getBoundingClientRect().height).to.equal(600);
  });

  it('--spotnana-embed-height and plain CSS size it', async () => {
    const el = await fixture<SpotnanaEmbed>(
      html`<spotnana-embed
        style="--spotnana-embed-height: 300px"
        embed-url=${EMBED_URL}
        token-endpoint="/token"
      ></spotnana-embed>`,
    );
    expect(el.getBoundingClientRect().height).to.equal(300);
    el.style.height = '450px';
    expect(el.getBoundingClientRect().height).to.equal(450);
  });
});

describe('tokens live only in memory', () => {
  it('never in an attribute, the DOM, storage or an event', async () => {
    const { el, id, key, events } = await embed({ frame: { ask: 'twice', reject: '1' } });
    await until(async () => (await responses(id)).length === 2, 'tokens');
    // The frame rejects each answer as it gets it: both rejections are in once it has posted
    // its marker, and the element has done with them (and rendered) by its next update.
    await until(() => errors(events).length, 'the rejection');
    await postedBefore(frameOf(el)!.contentWindow!, 'the marker after the rejections');
    await el.updateComplete;
    const secret = `-${key}-`;
    const places = {
      attributes: [...el.attributes].map((a) => a.value).join(' '),
      light: el.outerHTML,
      shadow: el.shadowRoot!.innerHTML,
      storage: JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie,
      events: JSON.stringify(events),
      properties: JSON.stringify(Object.fromEntries(Object.keys(el).map((k) => [k, String((el as any)[k])]))),
    };
    for (const [where, text] of Object.entries(places)) expect(text, where).to.not.contain(secret);
    expect(JSON.stringify((await responses(id)).map((r) => r.data))).to.contain(secret); // the frame did get them
  });
});
