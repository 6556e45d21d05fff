// The demo page's script (a file of its own: the page's CSP allows no inline script).
// It shows the element's spotnana-* events (never a token: the events carry none) and
// wires the account controls to the element's API: reload() when the user changes,
// signOut() when they sign out.
const embed = () => document.querySelector('spotnana-embed');
const $ = (selector) => document.querySelector(selector);
const events = $('[data-events]');

const describe = {
  'spotnana-load': (detail) => detail.url,
  'spotnana-token-request': () => 'the iframe asked for tokens (TOKEN_EXCHANGE_REQUEST)',
  'spotnana-token-sent': (detail) => `tokens posted to the iframe${detail.prefetched ? ' (prefetched)' : ''}`,
  'spotnana-error': (detail) =>
    `${detail.source} · ${detail.code}${detail.status ? ` · HTTP ${detail.status}` : ''}: ${detail.message}`,
  'spotnana-message': (detail) => `message ${JSON.stringify(detail.data?.type ?? typeof detail.data)}`,
};

function record(type, detail = {}) {
  const item = document.createElement('li');
  const CLASS_OF_EVENT = { 'spotnana-error': 'error', 'spotnana-token-sent': 'sent' };
  item.className = CLASS_OF_EVENT[type] ?? '';
  item.dataset.event = type;
  if (detail.code) item.dataset.code = detail.code;
  const time = document.createElement('time');
  time.textContent =
    new Date().toLocaleTimeString([], { hour12: false }) + '.' + String(Date.now() % 1000).padStart(3, '0');
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = type;
  const text = document.createElement('span');
  text.className = 'detail';
  text.textContent = (describe[type] ?? (() => ''))(detail);
  item.append(time, name, text);
  events.append(item);
  events.scrollTop = events.scrollHeight;
}

// Events bubble and are composed: one listener on the document sees every element's.
for (const type of Object.keys(describe)) {
  document.addEventListener(type, (event) => record(type, event.detail));
}

function note(text) {
  const item = document.createElement('li');
  item.dataset.event = 'note';
  const time = document.createElement('time');
  time.textContent = new Date().toLocaleTimeString([], { hour12: false });
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = 'page';
  const detail = document.createElement('span');
  detail.className = 'detail';
  detail.textContent = text;
  item.append(time, name, detail);
  events.append(item);
  events.scrollTop = events.scrollHeight;
}

function showUser(user, switchTo) {
  $('[data-account]').hidden = !user;
  $('[data-signed-out]').hidden = Boolean(user);
  if (!user) return;
  $('[data-user-name]').textContent = user.name;
  $('[data-user-email]').textContent = user.email;
  $('[data-user-initials]').textContent = user.name
    .split(/\s+/)
    .map((part) => part[0])
    .join('')
    .slice(0, 2)
    .toUpperCase();
  if (switchTo) $('[data-switch]').textContent = `Switch to ${switchTo}`;
}

// Account controls: plain forms that also work without this script; with it, the page
// stays and the element is told: reload() for a new user, signOut() for none.
for (const form of document.querySelectorAll('[data-session-form]')) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const response = await fetch(form.action, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(new FormData(form)),
    });
    if (!response.ok) return note(`session change failed: HTTP ${response.status}`);
    const { user, switchTo } = await response.json();
    showUser(user, switchTo);
    const element = embed();
    if (element) element.hidden = !user;
    if (!user) {
      note('signed out: element.signOut()');
      element?.signOut();
    } else if (element) {
      note(`signed in as ${user.email}: element.reload()`);
      element.reload();
    } else {
      location.reload(); // the page was rendered signed out, without the element
    }
  });
}

$('[data-reload]').addEventListener('click', () => {
  note('element.reload()');
  embed()?.reload();
});

// Hands the iframe a token that Spotnana never issued, through the element's tokenProvider
// hook, to show the TOKEN_EXCHANGE_ERROR path. Pressing again goes back to the endpoint.
const badToken = $('[data-bad-token]');
badToken.addEventListener('click', () => {
  const element = embed();
  if (!element) return;
  const on = badToken.getAttribute('aria-pressed') !== 'true';
  badToken.setAttribute('aria-pressed', String(on));
  badToken.textContent = on ? 'Use real tokens again' : 'Simulate a rejected token';
  element.tokenProvider = on
    ? async () => ({ accessToken: 'revoked-demo-token', refreshToken: 'revoked-demo-token', expiresIn: 3600 })
    : undefined;
  note(
    on
      ? 'tokenProvider now returns a revoked token: element.reload()'
      : 'back to /api/spotnana-token: element.reload()',
  );
  element.reload();
});
