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
// A sender's cells share one element (reloaded where the loop guard needs a new start, or its
// frame left), and each checks what happened since it began: a new element and frame for each
// cell cost about a sixth of the matrix's processor time in Chromium.
// Every cell is a test of its own (`GREP='<sender words> <kind>'` runs one). A cell waits on
// positive markers only: each sender's marker message, posted after its payloads (messages
// from one window to another arrive in order), and then its own frame's next request answered.
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
  thirdOrigin,
  tokenLog,
  uid,
  until,
} from '../element/helpers.js';
import { eventually, keepEmbedSiteAlive, nth, whenRecorded } from './support.js';

type Kind = keyof typeof PAYLOADS;
const KINDS = Object.keys(PAYLOADS) as Kind[];
const LOOP_LIMIT = 5;

// What the host page's own window sees: markers (a sender is done) and any token response.
const markers = new Set<string>();
const markerWaits = new Set<() => void>();
const tokensSeenByPage: unknown[] = [];
addEventListener('message', (e) => {
  try {
    const d = e.data;
    if (d && typeof d === 'object' && typeof d.__marker === 'string') {
      markers.add(d.__marker);
      for (const wake of markerWaits) wake();
    }
    // Tokens of the fake endpoint are at-<key>-<n>; the payloads' own fake response is not one.
    if (d && typeof d === 'object' && /^at-/.test(d.payload?.accessToken)) tokensSeenByPage.push(d);
  } catch {
    // a forged event's hostile data: not this listener's business
  }
});

const pageErrors: unknown[] = [];
addEventListener('error', (e) => pageErrors.push(e.error ?? e.message));
addEventListener('unhandledrejection', (e) => pageErrors.push(e.reason));

const marked = (marker: string) =>
  eventually<void>(`marker ${marker}`, (resolve) => {
    const wake = () => markers.has(marker) && resolve();
    markerWaits.add(wake);
    wake();
    return () => markerWaits.delete(wake);
  });

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
  /** Each cell gets an element of its own (the endpoint's script holds state per element). */
  elementPerCell?: boolean;
  attrs?: Record<string, string>;
  /** Before its first cell, and after its last: a sender frame that stands for all its cells. */
  setUp?(): Promise<void>;
  tearDown?(): void;
  send(cell: Cell): Promise<void>;
}

/**
 * A sender that is a frame of its own (the fake frame, `src` without its query; `sandbox` for
 * a sandboxed one): loaded once, before its sender's first cell, and told for each cell to
 * post that cell's payloads, which it builds in its own realm, and then the marker. Each cell
 * checks that it got no token (it reports every message it receives).
 */
function frameSender(name: string, src: () => Promise<string>, sandbox?: string): Sender {
  let standing: { id: string; frame: HTMLIFrameElement } | undefined;
  return {
    name,
    async setUp() {
      const id = uid('sender');
      const f = document.createElement('iframe');
      if (sandbox !== undefined) f.setAttribute('sandbox', sandbox);
      f.src = `${await src()}/?id=${id}&ask=never`;
      const loaded = eventually<void>(`the sender frame ${id} to load`, (resolve) => {
        const done = () => resolve();
        f.addEventListener('load', done);
        return () => f.removeEventListener('load', done);
      });
      document.body.append(f);
      await loaded;
      standing = { id, frame: f };
    },
    tearDown() {
      standing?.frame.remove();
    },
    async send(cell) {
      cell.others.push(standing!.id);
      standing!.frame.contentWindow!.postMessage({ cmd: 'hostile', kind: cell.kind, marker: cell.marker }, '*');
      await marked(cell.marker);
    },
  };
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
    // Released once, the endpoint's gate stays open for its element.
    elementPerCell: true,
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
      // The iframe's second load: the navigated frame (its script listens from then on).
      await nth(cell.events, 'spotnana-load', 2, 'the navigated frame to load');
      await control(`/__release?key=${encodeURIComponent(cell.key)}`);
      if (expected) await nth(cell.events, 'spotnana-token-sent', expected, 'the answers to be posted');
      // Posted, pinned to the embed origin: the browser must drop them. The frame, now on the
      // third origin, reports a message the page posts it afterwards, so it would have had them.
      await pinged(cell.el, away);
    },
  },
  frameSender('another frame of the embed origin', async () => EMBED_URL),
  frameSender("a frame of the host page's own origin", async () => `${location.origin}/fake-frame`),
  frameSender('a frame of a third origin', async () => `${await thirdOrigin()}/fake-frame`),
  {
    name: 'the host page itself',
    async send(cell) {
      send(window, cell.kind, cell.marker);
      await marked(cell.marker);
    },
  },
  frameSender('a sandboxed frame of the embed URL (origin "null")', async () => EMBED_URL, 'allow-scripts'),
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

/**
 * A positive marker that frame `id` (the element's own iframe, wherever it is now) has received
 * everything the host page posted to it so far: the page posts it a message of its own, and the
 * frame reports it. Messages from one window to another arrive in order, and the frame reports
 * each message it gets, in order (a token first, had one come).
 */
async function pinged(el: SpotnanaEmbed, id: string) {
  const ping = uid('ping');
  frameOf(el)!.contentWindow!.postMessage({ type: 'PING', ping }, '*');
  await until(async () => (await reports(id)).some((r) => r.data?.ping === ping), `frame ${id} to report ${ping}`);
}

/**
 * A row's element, kept from cell to cell, so that a cell loads a frame only when it must.
 * `answered` counts the requests answered since its frame last loaded, which the loop guard
 * counts too: a cell gets a reloaded frame (a new guard) when it needs more than the guard has
 * left, so that every cell sees the guard as a new element would.
 */
interface Standing {
  el: SpotnanaEmbed;
  id: string;
  key: string;
  events: Recorded[];
  answered: number;
}

async function reloaded(standing: Standing, what: string): Promise<void> {
  // Waits for the new iframe's own load event: a late report of the old frame's navigation
  // must not be mistaken for it (commands to a frame still loading are lost).
  const loadEvents = ofType(standing.events, 'spotnana-load').length;
  standing.el.reload();
  await nth(standing.events, 'spotnana-load', loadEvents + 1, what);
  standing.answered = 0;
}

/** What one cell makes happen: counts and codes since `before`. */
const since = <T>(all: T[], before: number) => all.slice(before);

async function runCell(sender: Sender, kind: Kind, row: { standing?: Standing }): Promise<void> {
  const requests = PAYLOADS[kind].requests;
  const seen = sender.trusted || sender.seenButUndeliverable ? Math.min(requests, LOOP_LIMIT) : 0;
  const delivered = sender.trusted ? seen : 0;
  const tripped = (sender.trusted || sender.seenButUndeliverable) && requests > LOOP_LIMIT;

  if (!row.standing) {
    const made = await embed({
      frame: { ask: 'never' },
      attrs: { 'token-fetch': 'on-request', ...sender.attrs },
      script: sender.script ?? 'ok',
      wait: false,
      outlivesTest: true,
    });
    row.standing = { ...made, answered: 0 };
    // The frame's script listens before its load event (commands reach it from then on).
    await nth(made.events, 'spotnana-load', 1, 'the frame to load');
  } else if (row.standing.answered + seen + 1 > LOOP_LIMIT || (tripped && row.standing.answered > 0)) {
    // The payloads' requests and the one afterwards must all be answered, or (a burst) trip
    // the guard exactly where a new element's would.
    await reloaded(row.standing, 'the frame, reloaded for a new loop guard, to load');
  }
  const { el, id, key, events } = row.standing;
  const marker = uid('marker');
  const cell: Cell = { el, id, key, events, kind, marker, others: [] };
  // What the element and the endpoint had done before this cell.
  const before = {
    events: events.length,
    calls: (await tokenLog(key)).length,
    responses: (await responses(id)).length,
  };
  const now = (type: string) => ofType(since(events, before.events), type).length;
  const atLeast = (type: string, count: number, what: string) => whenRecorded(events, what, () => now(type) >= count);
  running.add(cell);
  await sender.send(cell);

  // Every payload has been dispatched (the marker came after them; a forged event is
  // dispatched at once): what the element does on a message at once is done. It announces a
  // request it will answer, and the loop guard trips, before it fetches anything.
  expect(now('spotnana-token-request'), 'spotnana-token-request events').to.equal(seen);
  // (no-request, the silent-frame check after 15 s without a valid request, is timing, not security)
  const codes = () =>
    errors(since(events, before.events))
      .map((e) => e.code)
      .filter((c) => c !== 'no-request');
  expect(codes(), 'spotnana-error codes').to.deep.equal(tripped ? ['request-loop'] : []);
  expect(({} as Record<string, unknown>).polluted, 'Object.prototype polluted').to.equal(undefined);
  expect(({} as Record<string, unknown>).type, 'Object.prototype polluted').to.equal(undefined);
  // Each request it announced is answered (posted, pinned to the embed origin, even where the
  // browser then drops it: the element cannot see where its frame went).
  await atLeast('spotnana-token-sent', seen, 'the answers to the payloads to be posted');
  if (delivered)
    await until(async () => (await responses(id)).length - before.responses >= delivered, 'the expected answers');

  // Still works: its own frame (reloaded if it left or the loop guard tripped) asks and gets a
  // fresh set. Its request comes after every payload (their marker came first), so its answer,
  // the next token set of the endpoint, also shows that no payload started a fetch of its own:
  // the counts below are final.
  if (cell.ownFrameGone || tripped) await reloaded(row.standing, 'the reloaded frame to load');
  else row.standing.answered += seen;
  command(el, { cmd: 'ask' });
  row.standing.answered += 1;
  await atLeast('spotnana-token-sent', seen + 1, 'the answer afterwards to be posted');
  const all = await until(async () => {
    const r = since(await responses(id), before.responses);
    return r.length > delivered ? r : undefined;
  }, 'an answer afterwards');
  expect(all!.at(-1)!.data.payload.accessToken).to.equal(`at-${key}-${before.calls + seen + 1}`);
  // What the payloads made happen, and the one request afterwards.
  expect(now('spotnana-token-request'), 'spotnana-token-request events').to.equal(seen + 1);
  expect((await tokenLog(key)).length - before.calls, 'token endpoint calls').to.equal(seen + 1);
  expect(all!.length, 'token responses in its own frame').to.equal(delivered + 1);
  expect(now('spotnana-token-sent'), 'spotnana-token-sent events').to.equal(seen + 1);
  expect(codes(), 'spotnana-error codes, afterwards').to.deep.equal(tripped ? ['request-loop'] : []);
  for (const other of cell.others)
    expect(await responses(other), `token responses in frame ${other}`).to.deep.equal([]);
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
  // Every cell loads a frame of the embed origin, one cell after another.
  keepEmbedSiteAlive();
  afterEach(async function () {
    const err = this.currentTest?.err;
    if (this.currentTest?.state === 'failed' && err && running.size) err.message += ` (cells: ${await cellStates()})`;
    running.clear();
    expect(pageErrors.splice(0), 'errors thrown into the page').to.deep.equal([]);
    expect(tokensSeenByPage.splice(0), 'tokens posted to the host page').to.deep.equal([]);
  });

  for (const sender of SENDERS) {
    describe(sender.name, () => {
      const row: { standing?: Standing } = {};
      /** The next cell starts with a new element. */
      const discard = () => {
        row.standing?.el.remove();
        row.standing = undefined;
      };
      if (sender.setUp) before(() => sender.setUp!());
      if (sender.tearDown) after(() => sender.tearDown!());
      after(discard);
      for (const kind of KINDS) {
        it(kind, async function () {
          try {
            await runCell(sender, kind, row);
            if (sender.elementPerCell) discard();
          } catch (error) {
            // Firefox refuses a cross-origin window as a synthetic event's source: nothing to forge there.
            if (error instanceof Unforgeable) this.skip();
            // A cell that failed half-way leaves its element in a state the next cell cannot know.
            discard();
            throw error;
          }
        });
      }
    });
  }
});
