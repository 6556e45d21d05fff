// The embed app's browser script, served as /__emulator/app.js (a file of its own, so
// the page needs no inline script). Steps 6-7 of the sequence, from the iframe's side:
//   - post TOKEN_EXCHANGE_REQUEST to the parent once per allowed origin, each as the
//     targetOrigin (never "*"), so that the browser delivers it only to an allowed parent;
//   - take a TOKEN_EXCHANGE_RESPONSE only from window.parent at an allowed origin;
//   - check its access token with the emulator (GET /v2/auth/session), then show the
//     signed-in travel UI, or post TOKEN_EXCHANGE_ERROR / INVALID_TOKEN to that origin;
//   - on a page for an org the emulator does not know, answer any tokens with UNKNOWN_ORG;
//   - follow the scenario its page was served with: never ask (silentFrame), ask after a
//     delay (bootDelay), ask once more after signing in (askAgainAfter).
// <body> carries data-state, data-requests and data-token-sets, for tests to wait on.
// Tokens stay in this script's memory: never in the DOM, storage or a log.
// It is plain browser JavaScript kept in a string (the emulator's tsconfig has no DOM types).
export const APP_JS = String.raw`// Spotnana emulator: embed app
const config = JSON.parse(document.querySelector('meta[name="spotnana-emulator"]').content);
const allowedOrigins = config.allowedOrigins;
const scenario = config.scenario || {};
const params = new URLSearchParams(location.search);
const orgId = params.get('orgId') || '';
const $ = (selector) => document.querySelector(selector);

function show(view) {
  for (const element of document.querySelectorAll('[data-view]')) element.hidden = element.dataset.view !== view;
  document.body.dataset.state = view;
}

function originOf(url) {
  try { return new URL(url).origin; } catch { return ''; }
}

for (const button of document.querySelectorAll('[data-action="reload"]')) {
  button.addEventListener('click', () => location.reload());
}

if (window.parent === window) {
  show('standalone');
} else {
  start();
}

function start() {
  show('waiting');
  // A response is taken only while a request of this page is waiting for one.
  let awaiting = false;
  let requests = 0;
  let tokenSets = 0;
  let lastAccessToken = '';

  window.addEventListener('message', async (event) => {
    // Trust comes from the sender's window and origin, never from the message itself.
    if (event.source !== window.parent || !allowedOrigins.includes(event.origin)) return;
    const data = event.data;
    if (data === null || typeof data !== 'object' || Array.isArray(data) || data.type !== 'TOKEN_EXCHANGE_RESPONSE') return;
    if (!awaiting) return;
    awaiting = false;
    const parentOrigin = event.origin;
    if (config.unknownOrg) {
      refuseOrg(parentOrigin, config.unknownOrg);
      return;
    }
    const payload = data.payload !== null && typeof data.payload === 'object' ? data.payload : {};
    const accessToken = payload.accessToken;
    if (typeof accessToken !== 'string' || accessToken === '' || typeof payload.refreshToken !== 'string' || payload.refreshToken === '') {
      reject(parentOrigin, 'The TOKEN_EXCHANGE_RESPONSE does not carry an access token and a refresh token.');
      return;
    }
    let response;
    try {
      response = await fetch(config.sessionPath, { headers: { authorization: 'Bearer ' + accessToken }, cache: 'no-store' });
    } catch {
      fail('The Spotnana emulator could not be reached to check the access token.', 'NETWORK_ERROR');
      return;
    }
    if (response.status === 401) {
      const answer = await response.json().catch(() => ({}));
      reject(parentOrigin, typeof answer.error_description === 'string'
        ? answer.error_description
        : 'The access token is not valid: it was not issued by this Spotnana emulator, or it has expired.');
      return;
    }
    if (!response.ok) {
      fail('The Spotnana emulator answered HTTP ' + response.status + ' to the token check.', 'SERVER_ERROR');
      return;
    }
    if (accessToken !== lastAccessToken) {
      lastAccessToken = accessToken;
      tokenSets += 1;
    }
    signedIn(await response.json(), tokenSets);
    // As when it refreshes: one more request, a while after the first sign-in.
    if (tokenSets === 1 && scenario.askAgainAfter > 0) setTimeout(ask, scenario.askAgainAfter);
  });

  function ask() {
    awaiting = true;
    requests += 1;
    document.body.dataset.requests = String(requests);
    for (const origin of allowedOrigins) {
      window.parent.postMessage({ type: 'TOKEN_EXCHANGE_REQUEST', from: 'spotnana-embed' }, origin);
    }
  }

  if (scenario.silentFrame) {
    $('#silent-hint').hidden = false;
    return;
  }
  if (scenario.bootDelay > 0) setTimeout(ask, scenario.bootDelay);
  else ask();

  // Help the developer whose page is not on the allow-list: the request above never reached it.
  const ancestor = (location.ancestorOrigins && location.ancestorOrigins[0]) || originOf(document.referrer);
  if (ancestor && !allowedOrigins.includes(ancestor)) {
    $('#hint-origin').textContent = ancestor;
    $('#hint-flag').textContent = '--allowed-origin ' + ancestor;
    $('#origin-hint').hidden = false;
  } else {
    setTimeout(() => { if (tokenSets === 0) $('#slow-hint').hidden = false; }, 5000 + (scenario.bootDelay || 0));
  }
}

function reject(parentOrigin, message) {
  window.parent.postMessage(
    { from: 'spotnana-embed', type: 'TOKEN_EXCHANGE_ERROR', payload: { errorCode: 'INVALID_TOKEN', errorMessage: message } },
    parentOrigin,
  );
  fail(message, 'INVALID_TOKEN');
}

// A stand-in: Spotnana's docs do not say how it answers an org it does not know. Here the
// app asks as usual and answers the tokens it gets as it answers rejected ones, with
// UNKNOWN_ORG and a message that says what to check.
function refuseOrg(parentOrigin, { orgId, knownOrgs }) {
  const message = 'The Spotnana emulator knows no org ' + JSON.stringify(orgId) +
    ": check the element's org-id (this emulator knows " + knownOrgs.join(', ') +
    '; start it with --org ' + orgId + ' to add it).';
  window.parent.postMessage(
    { from: 'spotnana-embed', type: 'TOKEN_EXCHANGE_ERROR', payload: { errorCode: 'UNKNOWN_ORG', errorMessage: message } },
    parentOrigin,
  );
  fail(message, 'UNKNOWN_ORG');
}

function fail(message, code) {
  $('#error-message').textContent = message;
  $('#error-code').textContent = code;
  $('#error-sent').hidden = code !== 'INVALID_TOKEN' && code !== 'UNKNOWN_ORG';
  show('error');
}

function signedIn(session, tokenSet) {
  const email = String(session.user && session.user.email || '');
  $('#user-email').textContent = email;
  $('#avatar').textContent = email.slice(0, 2);
  $('#welcome-name').textContent = email.split('@')[0].split(/[._-]+/)[0].replace(/^./, (c) => c.toUpperCase());
  $('#org').textContent = orgId || '(no orgId)';
  $('#expires').textContent = Math.round((session.expiresIn || 0) / 60) + ' min';
  $('#token-set').textContent = String(tokenSet);
  document.body.dataset.tokenSets = String(tokenSet);
  show('signed-in');
}

// The travel UI: fake data, real-looking.
const day = 24 * 3600 * 1000;
const iso = (date) => date.toISOString().slice(0, 10);
const nice = (date) => date.toLocaleDateString('en-US', { weekday: 'short', month: 'short', day: 'numeric' });
const today = new Date();
$('#depart').value = iso(new Date(today.getTime() + 14 * day));
$('#return').value = iso(new Date(today.getTime() + 17 * day));
for (const element of document.querySelectorAll('[data-offset]')) {
  const [from, to] = element.dataset.offset.split(',').map(Number);
  const start = new Date(today.getTime() + from * day);
  element.textContent = to ? nice(start) + ' – ' + nice(new Date(today.getTime() + to * day)) : nice(start);
}

$('#search').addEventListener('submit', (event) => {
  event.preventDefault();
  const from = $('#from').value.trim() || 'SFO';
  const to = $('#to').value.trim() || 'JFK';
  const results = $('#results');
  results.replaceChildren();
  const options = [
    ['07:05 – 15:40', 'Nonstop · 5h 35m · United', 412],
    ['10:30 – 19:12', 'Nonstop · 5h 42m · Delta', 389],
    ['13:15 – 23:55', '1 stop (ORD) · 7h 40m · American', 301],
  ];
  for (const [when, meta, price] of options) {
    const row = document.createElement('div');
    row.className = 'result';
    const left = document.createElement('div');
    const time = document.createElement('div');
    time.className = 'when';
    time.textContent = from.toUpperCase() + ' → ' + to.toUpperCase() + ' · ' + when;
    const info = document.createElement('div');
    info.className = 'meta';
    info.textContent = meta + ' · In policy';
    left.append(time, info);
    const cost = document.createElement('div');
    cost.className = 'price';
    cost.textContent = '$' + price;
    const select = document.createElement('button');
    select.type = 'button';
    select.className = 'btn';
    select.textContent = 'Select';
    row.append(left, cost, select);
    results.append(row);
  }
  results.hidden = false;
});
`;
