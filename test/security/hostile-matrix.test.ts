// The hostile-message matrix: every sender that can reach the host page's window × every
// payload kind of test/support/hostile-payloads.mjs, generated, not hand-listed. Real
// frames on real origins, real postMessage and structured clone; the payloads are built in
// the sender's own realm. For every cell:
//   - no token reaches anyone but the element's own frame at the embed origin (every frame
//     of the cell reports what it received, and the host page watches its own window);
//   - nothing is even fetched or announced for a sender that is not the element's own frame
//     at the embed origin (token-fetch="on-request": the endpoint's log counts every fetch);
//   - nothing throws (window `error` / `unhandledrejection`) and Object.prototype is untouched;
//   - the element still works afterwards: its own frame asks and gets a fresh set.
// The cells of one sender run in parallel; a failure names every failing cell.
import { expect } from '@open-wc/testing';
import type { SpotnanaEmbed } from '../../src/index.js';
import { PAYLOADS, send } from '../support/hostile-payloads.mjs';
import {
  EMBED_ORIGIN,
  EMBED_URL,
  command,
  control,
  embed,
  errors,
  frameOf,
  ofType,
  type Recorded,
  reports,
  responses,
  sleep,
  thirdOrigin,
  tokenLog,
  uid,
  until,
} from '../element/helpers.js';

type Kind = keyof typeof PAYLOADS;
const KINDS = Object.keys(PAYLOADS) as Kind[];
const LOOP_LIMIT = 5;

// What the host page's own window sees: markers (a sender is done) and any token response.
const markers = new Set<string>();
const tokensSeenByPage: unknown[] = [];
addEventListener('message', (e) => {
  try {
    const d = e.data;
    if (d && typeof d === 'object' && typeof d.__marker === 'string') markers.add(d.__marker);
    // Tokens of the fake endpoint are at-<key>-<n>; the payloads' own fake response is not one.
    if (d && typeof d === 'object' && /^at-/.test(d.payload?.accessToken)) tokensSeenByPage.push(d);
  } catch {
    // a forged event's hostile data: not this listener's business
  }
});

const pageErrors: unknown[] = [];
addEventListener('error', (e) => pageErrors.push(e.error ?? e.message));
addEventListener('unhandledrejection', (e) => pageErrors.push(e.reason));

const marked = (marker: string) => until(() => markers.has(marker), `marker ${marker}`);
const PARALLEL_CELLS = 5;

function frame(src: string, sandbox?: string) {
  const f = document.createElement('iframe');
  if (sandbox !== undefined) f.setAttribute('sandbox', sandbox);
  f.src = src;
  document.body.append(f);
  return f;
}

const hostileQuery = (id: string, kind: Kind, marker: string, extra = '') =>
  `?id=${id}&ask=never&hostile=${kind}&marker=${marker}${extra}`;

/** One cell's context: a fresh element (on-request) whose own frame has loaded. */
interface Cell {
  el: SpotnanaEmbed;
  id: string;
  key: string;
  events: Recorded[];
  kind: Kind;
  marker: string;
  /** Frames of the cell other than the element's own frame: none of them may get a token. */
  others: string[];
  /** The element's own frame has left the embed origin (it needs reload() to work again). */
  ownFrameGone?: boolean;
}

interface Sender {
  name: string;
  /** Gets `answered` requests answered (and fetched) in its own frame when the payload has that many. */
  trusted?: boolean;
  /** The element sees and fetches for valid requests, but no token may land anywhere. */
  seenButUndeliverable?: boolean;
  /** Endpoint script of the cell (default ok), and attributes. */
  script?: string;
  attrs?: Record<string, string>;
  /**
   * Its cells run one at a time, each as a test of its own: they hold fetches open at the
   * endpoint, and a browser opens at most 6 connections to one origin. Cells side by side
   * could each hold some and wait for the rest, which no connection would be left to carry.
   */
  oneCellAtATime?: boolean;
  send(cell: Cell): Promise<void>;
}

/** Thrown where the engine refuses to forge the event at all (Firefox: a cross-origin window as `source`). */
class Unforgeable extends Error {}

const forge = (cell: Cell, origin: string, source: MessageEventSource | null) => {
  for (const data of PAYLOADS[cell.kind].build()) {
    let event: MessageEvent;
    try {
      event = new MessageEvent('message', { data, origin, source });
    } catch (error) {
      throw new Unforgeable(String(error));
    }
    window.dispatchEvent(event);
  }
};

const SENDERS: Sender[] = [
  {
    name: "the element's own frame (the only one trusted)",
    trusted: true,
    async send(cell) {
      command(cell.el, { cmd: 'hostile', kind: cell.kind, marker: cell.marker });
      await marked(cell.marker);
    },
  },
  {
    name: "the element's own frame, navigating to another origin while its tokens are fetched",
    seenButUndeliverable: true,
    script: 'gate',
    oneCellAtATime: true,
    // Held fetches must not starve the test page's other requests of the browser's 6
    // connections per origin: credentials 'omit' fetches use a connection pool of their own.
    attrs: { 'token-timeout': '60000', 'token-credentials': 'omit' },
    async send(cell) {
      command(cell.el, { cmd: 'hostile', kind: cell.kind, marker: cell.marker });
      await marked(cell.marker);
      // The fetches are held at the endpoint until the frame has left the embed origin.
      const expected = Math.min(PAYLOADS[cell.kind].requests, LOOP_LIMIT);
      await until(async () => (await tokenLog(cell.key)).length >= expected, 'the fetches to start');
      const away = uid('away');
      cell.others.push(away);
      cell.ownFrameGone = true;
      command(cell.el, { cmd: 'navigate', url: `${await thirdOrigin()}/fake-frame/?id=${away}&ask=never` });
      await until(async () => (await reports(away)).some((r) => r.loaded), 'the navigated frame');
      await control(`/__release?key=${encodeURIComponent(cell.key)}`);
      await until(() => ofType(cell.events, 'spotnana-token-sent').length >= expected, 'the answers to be posted');
    },
  },
  {
    name: 'another frame of the embed origin',
    async send(cell) {
      const other = uid('sibling');
      cell.others.push(other);
      const f = frame(`${EMBED_URL}/${hostileQuery(other, cell.kind, cell.marker)}`);
      after(() => f.remove());
      await marked(cell.marker);
    },
  },
  {
    name: "a frame of the host page's own origin",
    async send(cell) {
      const other = uid('hostorigin');
      cell.others.push(other);
      const f = frame(`${location.origin}/fake-frame/${hostileQuery(other, cell.kind, cell.marker)}`);
      after(() => f.remove());
      await marked(cell.marker);
    },
  },
  {
    name: 'a frame of a third origin',
    async send(cell) {
      const other = uid('third');
      cell.others.push(other);
      const f = frame(`${await thirdOrigin()}/fake-frame/${hostileQuery(other, cell.kind, cell.marker)}`);
      after(() => f.remove());
      await marked(cell.marker);
    },
  },
  {
    name: 'the host page itself',
    async send(cell) {
      send(window, cell.kind, cell.marker);
      await marked(cell.marker);
    },
  },
  {
    name: 'a sandboxed frame of the embed URL (origin "null")',
    async send(cell) {
      const other = uid('sandboxed');
      cell.others.push(other);
      const f = frame(`${EMBED_URL}/${hostileQuery(other, cell.kind, cell.marker)}`, 'allow-scripts');
      after(() => f.remove());
      await marked(cell.marker);
    },
  },
  {
    name: "the element's own frame after it navigated to another origin",
    async send(cell) {
      const away = uid('navigated');
      cell.others.push(away);
      cell.ownFrameGone = true;
      command(cell.el, {
        cmd: 'navigate',
        url: `${await thirdOrigin()}/fake-frame/${hostileQuery(away, cell.kind, cell.marker)}`,
      });
      await marked(cell.marker);
    },
  },
  {
    name: 'a frame of the embed origin nested inside its own frame, posting to the top window',
    async send(cell) {
      const nested = uid('nested');
      cell.others.push(nested);
      command(cell.el, {
        cmd: 'nest',
        src: `${EMBED_URL}/${hostileQuery(nested, cell.kind, cell.marker, '&target=top')}`,
      });
      await marked(cell.marker);
    },
  },
  {
    name: 'a forged MessageEvent: the embed origin, but the page as source',
    async send(cell) {
      forge(cell, EMBED_ORIGIN, window);
    },
  },
  {
    name: 'a forged MessageEvent: its own frame as source, but another origin',
    async send(cell) {
      forge(cell, await thirdOrigin(), frameOf(cell.el)!.contentWindow);
    },
  },
  {
    // A script of the host page runs inside the trust boundary (it could call the token
    // endpoint itself); what matters here is that the data's getters, proxies and prototypes,
    // never cloned, make nothing throw, and that the answer still goes only to the own frame.
    name: 'a forged MessageEvent with its own frame as source and the embed origin (uncloned data)',
    trusted: true,
    async send(cell) {
      forge(cell, EMBED_ORIGIN, frameOf(cell.el)!.contentWindow);
    },
  },
];

async function runCell(sender: Sender, kind: Kind): Promise<void> {
  const marker = uid('marker');
  const { el, id, key, events } = await embed({
    frame: { ask: 'never' },
    attrs: { 'token-fetch': 'on-request', ...sender.attrs },
    script: sender.script ?? 'ok',
  });
  const cell: Cell = { el, id, key, events, kind, marker, others: [] };
  running.add(cell);
  await sender.send(cell);

  const requests = PAYLOADS[kind].requests;
  const seen = sender.trusted || sender.seenButUndeliverable ? Math.min(requests, LOOP_LIMIT) : 0;
  const delivered = sender.trusted ? seen : 0;
  const tripped = (sender.trusted || sender.seenButUndeliverable) && requests > LOOP_LIMIT;

  // Settled: every message was dispatched (marker), and any answer would have had time to land.
  await until(async () => (await tokenLog(key)).length >= seen, 'the expected fetches');
  if (delivered) await until(async () => (await responses(id)).length >= delivered, 'the expected answers');
  await sleep(300);

  expect(ofType(events, 'spotnana-token-request').length, 'spotnana-token-request events').to.equal(seen);
  expect((await tokenLog(key)).length, 'token endpoint calls').to.equal(seen);
  expect((await responses(id)).length, 'token responses in its own frame').to.equal(delivered);
  for (const other of cell.others)
    expect(await responses(other), `token responses in frame ${other}`).to.deep.equal([]);
  // Posted (pinned to the embed origin) even when the browser then drops it: the element cannot see where its frame went.
  expect(ofType(events, 'spotnana-token-sent').length, 'spotnana-token-sent events').to.equal(seen);
  // (no-request, the silent-frame check after 15 s without a valid request, is timing, not security)
  const codes = errors(events)
    .map((e) => e.code)
    .filter((c) => c !== 'no-request');
  expect(codes, 'spotnana-error codes').to.deep.equal(tripped ? ['request-loop'] : []);
  expect(({} as Record<string, unknown>).polluted, 'Object.prototype polluted').to.equal(undefined);
  expect(({} as Record<string, unknown>).type, 'Object.prototype polluted').to.equal(undefined);

  // Still works: its own frame (reloaded if it left or the loop guard tripped) asks and gets a fresh set.
  if (cell.ownFrameGone || tripped) {
    // Wait for the new iframe's own load event: a late report of the old frame's
    // navigation must not be mistaken for it (commands to a frame still loading are lost).
    const loadEvents = ofType(events, 'spotnana-load').length;
    el.reload();
    await until(() => ofType(events, 'spotnana-load').length > loadEvents, 'the reloaded frame to load');
  }
  command(el, { cmd: 'ask' });
  const all = await until(async () => {
    const r = await responses(id);
    return r.length > delivered ? r : undefined;
  }, 'an answer afterwards');
  expect(all!.at(-1)!.data.payload.accessToken).to.equal(`at-${key}-${seen + 1}`);
  for (const other of cell.others)
    expect(await responses(other), `token responses in frame ${other}`).to.deep.equal([]);
  el.remove();
  running.delete(cell);
}

/** The cells of the running test, for the report of one that fails. */
const running = new Set<Cell>();

/** How far each cell got: its marker, and what each of its frames reported. */
async function cellStates(): Promise<string> {
  const states = await Promise.all(
    [...running].map(async (cell) => {
      const frames = await Promise.all(
        [cell.id, ...cell.others].map(async (id) => {
          const seen = await reports(id);
          const steps = seen.flatMap((r) => [
            ...(r.request ? ['requested'] : []),
            ...(r.loaded ? ['loaded'] : []),
            ...(r.navigating ? ['told to navigate'] : []),
            ...(r.hostile ? [r.hostile] : []),
          ]);
          return `${id}: ${steps.join(', ') || 'nothing'}`;
        }),
      );
      return `[${cell.kind}] marker ${markers.has(cell.marker) ? 'received' : 'not received'}, ${frames.join('; ')}`;
    }),
  );
  return states.join(' | ');
}

describe(`hostile-message matrix: ${SENDERS.length} senders × ${KINDS.length} payload kinds = ${SENDERS.length * KINDS.length} cells`, () => {
  afterEach(async function () {
    const err = this.currentTest?.err;
    if (this.currentTest?.state === 'failed' && err && running.size) err.message += ` (cells: ${await cellStates()})`;
    running.clear();
    expect(pageErrors.splice(0), 'errors thrown into the page').to.deep.equal([]);
    expect(tokensSeenByPage.splice(0), 'tokens posted to the host page').to.deep.equal([]);
  });

  for (const sender of SENDERS.filter((s) => s.oneCellAtATime)) {
    describe(sender.name, () => {
      for (const kind of KINDS) it(kind, () => runCell(sender, kind));
    });
  }

  for (const sender of SENDERS.filter((s) => !s.oneCellAtATime)) {
    it(`${sender.name}: every payload kind`, async function () {
      // Cells run side by side, a few at a time: all 14 at once overloads a 2-core CI machine.
      const results: PromiseSettledResult<void>[] = [];
      for (let i = 0; i < KINDS.length; i += PARALLEL_CELLS) {
        results.push(
          ...(await Promise.allSettled(KINDS.slice(i, i + PARALLEL_CELLS).map((kind) => runCell(sender, kind)))),
        );
      }
      // Firefox refuses a cross-origin window as a synthetic event's source: nothing to forge there.
      if (results.every((r) => r.status === 'rejected' && r.reason instanceof Unforgeable)) this.skip();
      const failed = results.flatMap((r, i) =>
        r.status === 'rejected' ? [`[${KINDS[i]}] ${(r.reason as Error)?.message ?? r.reason}`] : [],
      );
      expect(failed, `failing cells of "${sender.name}"`).to.deep.equal([]);
    });
  }
});
