// The payloads of the hostile-message matrix (test/security/hostile-matrix.test.ts). Plain
// JavaScript with no imports: the test page imports it, and the fake frame loads it from
// /__hostile-payloads.mjs so that every payload is built in the sender's own realm (getters,
// proxies and prototypes are then the sender's, and postMessage's structured clone is real).
//
// `requests`: how many valid TOKEN_EXCHANGE_REQUESTs the payload is *after* the structured
// clone (or, for a forged event, as is): what the element's own frame at the embed origin
// would have answered. Every kind builds the same verdict for both paths.

const REQUEST = 'TOKEN_EXCHANGE_REQUEST';
const request = () => ({ type: REQUEST, from: 'spotnana-embed' });

const throwingProxy = () =>
  new Proxy(
    {},
    Object.fromEntries(
      [
        'get',
        'has',
        'ownKeys',
        'getOwnPropertyDescriptor',
        'getPrototypeOf',
        'defineProperty',
        'set',
        'deleteProperty',
      ].map((trap) => [
        trap,
        () => {
          throw new Error(`hostile ${trap} trap`);
        },
      ]),
    ),
  );

const revokedProxy = () => {
  const { proxy, revoke } = Proxy.revocable({ type: REQUEST }, {});
  revoke();
  return proxy;
};

const deep = (levels) => {
  let o = request();
  for (let i = 0; i < levels; i++) o = { type: 'NESTED', next: o };
  return o;
};

const junk = () => [
  null,
  undefined,
  0,
  42,
  true,
  10n,
  REQUEST,
  JSON.stringify(request()),
  [request()],
  Object.assign([request()], { type: REQUEST }),
  new Date(),
  new Map([['type', REQUEST]]),
  new Set([REQUEST]),
  new ArrayBuffer(8),
  new Uint8Array([1, 2, 3]),
  /TOKEN_EXCHANGE_REQUEST/,
  new Error(REQUEST),
  new String(REQUEST),
  new Boolean(true),
];

/** kind -> { requests, build(): unknown[] } */
export const PAYLOADS = {
  // The valid request, and what still is one after the clone.
  valid: { requests: 1, build: () => [request()] },
  'wrong-from': { requests: 1, build: () => [{ type: REQUEST, from: 'evil.example' }] },
  'null-prototype': { requests: 1, build: () => [Object.assign(Object.create(null), request())] },
  // An own, enumerable getter: the clone (or the element) reads it once, as a string.
  getter: {
    requests: 1,
    build: () => [
      {
        from: 'spotnana-embed',
        get type() {
          return REQUEST;
        },
      },
    ],
  },
  'huge-valid': { requests: 1, build: () => [{ ...request(), pad: 'x'.repeat(1 << 20) }] },
  burst: { requests: 20, build: () => Array.from({ length: 20 }, request) },

  // Never a request.
  'wrong-type': {
    requests: 0,
    build: () => [
      { type: 'TOKEN_EXCHANGE_REQUESTS', from: 'spotnana-embed' },
      { type: 'token_exchange_request', from: 'spotnana-embed' },
      { type: ` ${REQUEST}`, from: 'spotnana-embed' },
      { type: 'TOKEN_EXCHANGE_RESPONSE', payload: { accessToken: 'x', refreshToken: 'y' } },
      { from: 'spotnana-embed' },
      { type: new String(REQUEST) },
      { type: [REQUEST] },
      { type: null },
      { data: request() },
    ],
  },
  'non-object': { requests: 0, build: junk },
  'inherited-getter': {
    requests: 0,
    build: () => [
      Object.create({
        get type() {
          return REQUEST;
        },
      }),
    ],
  },
  throwing: {
    requests: 0,
    build: () => [
      {
        get type() {
          throw new Error('hostile getter');
        },
      },
      throwingProxy(),
      revokedProxy(),
    ],
  },
  'proto-poison': {
    requests: 0,
    build: () => [
      JSON.parse(`{"__proto__":{"type":"${REQUEST}","polluted":true}}`),
      JSON.parse(`{"constructor":{"prototype":{"type":"${REQUEST}","polluted":true}}}`),
      Object.create({ type: REQUEST }),
      Object.setPrototypeOf({ from: 'spotnana-embed' }, request()),
    ],
  },
  huge: { requests: 0, build: () => [{ type: 'NOT_A_REQUEST', blob: 'x'.repeat(1 << 20) }, 'x'.repeat(1 << 20)] },
  deep: { requests: 0, build: () => [deep(2000)] },
  'burst-junk': { requests: 0, build: () => Array.from({ length: 15 }, junk).flat() },
};

/** Posts every payload of `kind` to `target` (a sender that cannot clone one just skips it), then the marker. */
export function send(target, kind, marker, targetOrigin = '*') {
  for (const data of PAYLOADS[kind].build()) {
    try {
      target.postMessage(data, targetOrigin);
    } catch {
      // DataCloneError, or a getter that throws: the browser refuses to send it.
    }
  }
  target.postMessage({ __marker: marker }, targetOrigin);
}
