// The demo page's script (a file of its own: the page's CSP allows no inline script).
// It shows the element's spotnana-* events (never a token: the events carry none), and it
// runs the page as a single-page app with two routes, Travel (/) and Expenses (/expenses),
// switched without a page load:
//   - Travel holds <spotnana-embed>; leaving it removes the element, as a framework's route does;
//   - on Expenses (or when the pointer or focus reaches a Travel link) the page calls
//     SpotnanaEmbed.prerender() with the element's options, so that the next Travel view's
//     element takes over a frame that is already signed in;
//   - a sign-out or a change of user calls SpotnanaEmbed.signOutAll(): the element signs out
//     and no prerendered frame of the previous user is left for the next one to take over.
const embed = () => document.querySelector('spotnana-embed');
const $ = (selector) => document.querySelector(selector);
const events = $('[data-events]');
const stage = $('[data-stage]');

const describe = {
  'spotnana-load': (detail) =>
    detail.prerendered ? `${detail.url} (the prerendered frame, moved in without a reload)` : detail.url,
  'spotnana-token-request': () => 'the iframe asked for tokens (TOKEN_EXCHANGE_REQUEST)',
  'spotnana-token-sent': (detail) =>
    detail.prerendered
      ? 'tokens were posted to the frame while it was prerendered: signed in before the route opened'
      : `tokens posted to the iframe${detail.prefetched ? ' (prefetched)' : ''}`,
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
  if (detail.prerendered) {
    item.dataset.prerendered = 'true';
    const tag = document.createElement('span');
    tag.className = 'tag';
    tag.textContent = 'prerendered';
    text.prepend(tag);
  }
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

let signedIn = !$('[data-account]').hidden;

function showUser(user, switchTo) {
  signedIn = Boolean(user);
  $('[data-account]').hidden = !user;
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

// ---- Routes ----------------------------------------------------------------------------

const ROUTES = { travel: { path: '/', title: 'Travel' }, expenses: { path: '/expenses', title: 'Expenses' } };
const routeOf = (pathname) => (pathname === ROUTES.expenses.path ? 'expenses' : 'travel');
let route = routeOf(location.pathname);

/** The element's options, as the server rendered them on the stage (by property name). */
function embedOptions() {
  const { tokenEndpoint, env, orgId, embedUrl, frameTitle } = stage.dataset;
  return { tokenEndpoint, env, orgId, frameTitle, ...(embedUrl ? { embedUrl } : {}) };
}

const ATTRIBUTES = {
  tokenEndpoint: 'token-endpoint',
  env: 'env',
  orgId: 'org-id',
  embedUrl: 'embed-url',
  frameTitle: 'frame-title',
};

/** A new element with the page's options, as a framework renders it when its route opens. */
function addEmbed() {
  const element = document.createElement('spotnana-embed');
  for (const [name, value] of Object.entries(embedOptions())) element.setAttribute(ATTRIBUTES[name], value);
  $('[data-view="travel"]').append(element);
  return element;
}

/** Seconds a prerendered frame waits for the Travel route: then it ends, and the next hover starts another. */
const PRERENDER_KEEP_S = 600;
/** The running prerender, if any: its handle and when its `keep` runs out. */
let prerendered;
/** While the session changes, no prerender starts: it would sign in as whichever user the cookie names. */
let sessionChanging = false;

/** Signs the Travel route's frame in, hidden, unless a prerender is already running (a second one would fetch again). */
function prerenderTravel(why) {
  if (!signedIn || sessionChanging || route === 'travel') return;
  if (prerendered && prerendered.until > Date.now()) return;
  const SpotnanaEmbed = customElements.get('spotnana-embed');
  if (!SpotnanaEmbed) return;
  try {
    const handle = SpotnanaEmbed.prerender({ ...embedOptions(), keep: PRERENDER_KEEP_S });
    prerendered = { handle, until: Date.now() + PRERENDER_KEEP_S * 1000 };
    // Without moveBefore (Safari) a frame cannot change places without a reload: the prerender fetches the tokens only.
    note(
      'moveBefore' in Element.prototype
        ? `${why}: SpotnanaEmbed.prerender() signs the Travel frame in, hidden`
        : `${why}: SpotnanaEmbed.prerender() fetches Travel's tokens ahead (this browser cannot move a frame)`,
    );
  } catch (error) {
    note(`SpotnanaEmbed.prerender() failed: ${error.message}`);
  }
}

/** Ends the running prerender, unless an element has taken it over (cancel() then does nothing). */
function cancelPrerender() {
  prerendered?.handle.cancel();
  prerendered = undefined;
}

/** Shows the current route and the signed-in or signed-out state: the views, the nav, the title and the controls. */
function render() {
  const { title } = ROUTES[route];
  document.title = `${title} · Acme Workplace`;
  for (const link of document.querySelectorAll('a[data-route]')) {
    if (!link.closest('.appnav')) continue;
    if (link.dataset.route === route) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  for (const view of document.querySelectorAll('[data-view]')) view.hidden = !signedIn || view.dataset.view !== route;
  $('[data-signed-out]').hidden = signedIn;
  // The page's heading: the Expenses view shows its own; Travel's (and a signed-out page's) is read, not shown.
  const heading = $('[data-page-title]');
  heading.textContent = title;
  heading.hidden = signedIn && route === 'expenses';
  const element = embed();
  if (element) element.hidden = !signedIn;
  for (const button of document.querySelectorAll('[data-reload], [data-bad-token]'))
    button.disabled = route !== 'travel' || !signedIn;
}

/** Opens a route in the page: Travel gets a new element (which takes the prerendered frame over), Expenses none. */
function go(next, { push = true, focus = true } = {}) {
  if (next === route) return;
  const previous = route;
  route = next;
  if (push) history.pushState({ route }, '', ROUTES[route].path);
  if (previous === 'travel') {
    // The route's element goes, as a framework removes it: its frame and tokens with it.
    embed()?.remove();
    resetBadToken();
  }
  render();
  if (route === 'travel' && signedIn) {
    note('Travel: a new <spotnana-embed>');
    const element = addEmbed();
    // Once its first update has run the element has taken the prerender over, if it could: whatever is left ends.
    void element.updateComplete.then(cancelPrerender);
  }
  prerenderTravel(`${ROUTES[route].title} opened`);
  if (focus) (route === 'expenses' ? $('[data-view="expenses"] h1') : $('[data-page-title]')).focus();
}

// Links to a route open it in the page (a click that asks for a new tab or window is the browser's).
document.addEventListener('click', (event) => {
  const link = event.target.closest?.('a[data-route]');
  if (!link || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  go(link.dataset.route);
});
addEventListener('popstate', () => go(routeOf(location.pathname), { push: false, focus: false }));
// The user is about to open Travel: a frame signed in now is ready when they do.
for (const type of ['pointerover', 'focusin']) {
  document.addEventListener(type, (event) => {
    if (event.target.closest?.('a[data-route="travel"]')) prerenderTravel('a Travel link is near');
  });
}

// ---- Account ---------------------------------------------------------------------------

// Account controls: plain forms that also work without this script; with it, the page
// stays, and SpotnanaEmbed.signOutAll() ends what the previous user had signed in: the
// element's session, and any prerendered frame. Then the new user's frame: the element's
// reload() on Travel, a new prerender on Expenses.
for (const form of document.querySelectorAll('[data-session-form]')) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    sessionChanging = true;
    // A prerender running now would answer as the user who is leaving.
    cancelPrerender();
    let response;
    try {
      response = await fetch(form.action, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(new FormData(form)),
      });
    } catch (error) {
      response = { ok: false, status: error.message };
    } finally {
      sessionChanging = false;
    }
    if (!response.ok) {
      note(`session change failed: HTTP ${response.status}`);
      prerenderTravel('still signed in');
      return;
    }
    const { user, switchTo } = await response.json();
    const SpotnanaEmbed = customElements.get('spotnana-embed');
    SpotnanaEmbed?.signOutAll();
    showUser(user, switchTo);
    render();
    if (!user) {
      note('signed out: SpotnanaEmbed.signOutAll()');
      return;
    }
    const element = embed();
    if (route !== 'travel') {
      note(`signed in as ${user.email}: SpotnanaEmbed.signOutAll()`);
      prerenderTravel('Expenses, for the new user');
    } else if (element) {
      note(`signed in as ${user.email}: SpotnanaEmbed.signOutAll(), then element.reload()`);
      element.reload();
    } else {
      note(`signed in as ${user.email}: a new <spotnana-embed>`);
      addEmbed(); // the page was rendered signed out, without the element
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
const badTokenLabel = badToken.textContent;
/** Back to real tokens: the next Travel view's element uses the token endpoint (and may take the prerender over). */
function resetBadToken() {
  if (badToken.getAttribute('aria-pressed') !== 'true') return;
  badToken.setAttribute('aria-pressed', 'false');
  badToken.textContent = badTokenLabel;
}
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

render();
// Opened on Expenses (a bookmark, a reload): Travel's frame is signed in for the first visit too.
prerenderTravel('Expenses opened');
