// The emulator's HTML pages: the embed app (any path with idp=token-exchange-auth) and a
// status page (any other path). No inline script or style: the page's configuration
// travels in a <meta> tag, read by /__emulator/app.js: the allowed origins, and the embed
// app's part of the scenario as it stood when the page was served.
import type { FrameScenario } from '../scenario.js';

export const ASSET_PREFIX = '/__emulator/';
export const SESSION_PATH = '/v2/auth/session';

/** The page's Content-Security-Policy: everything from the emulator's own origin, nothing inline. */
export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'self'; object-src 'none'";

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const LOGO = `<svg viewBox="0 0 32 32" aria-hidden="true"><circle cx="16" cy="16" r="15" fill="#2f6fed"/><path d="M7 17.5l17-7.5-5.5 14-3.2-5.3z" fill="#fff"/><path d="M15.3 18.7l8.7-8.7" stroke="#2f6fed" stroke-width="1.4"/></svg>`;

// Small icons of our own, as markup (emoji fonts are not everywhere).
const icon = (body: string) =>
  `<svg class="ico" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">${body}</svg>`;
const PLANE = icon(
  '<path d="M2.5 12.8l7.2-1.6 3.9-7.2h2.1l-1.9 7.3 5.7.9c.8.1.8 1.5 0 1.6l-5.7.9 1.9 7.3h-2.1l-3.9-7.2-7.2-1.6z"/>',
);
const BED = icon(
  '<rect x="2" y="11" width="20" height="6" rx="1.5"/><rect x="3" y="7" width="7" height="4" rx="1.5"/><rect x="2" y="17" width="2" height="3"/><rect x="20" y="17" width="2" height="3"/>',
);
const TRAIN = icon(
  '<path d="M8 2h8a3 3 0 0 1 3 3v10a3 3 0 0 1-3 3H8a3 3 0 0 1-3-3V5a3 3 0 0 1 3-3zm-1 4v4h10V6zm2 7.2a1.3 1.3 0 1 0 0 2.6 1.3 1.3 0 0 0 0-2.6zm6 0a1.3 1.3 0 1 0 0 2.6 1.3 1.3 0 0 0 0-2.6zM8 19h2l-1.5 3h-2zm6 0h2l1.5 3h-2z"/>',
);
const CAR = icon(
  '<path d="M6.5 5h11l2.5 6v7h-2.5v-2h-11v2H4v-7zm1.3 2L6.3 10.5h11.4L16.2 7zM7 12.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm10 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z"/>',
);

function head(title: string, config?: object): string {
  const meta = config ? `\n<meta name="spotnana-emulator" content="${escapeHtml(JSON.stringify(config))}">` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">${meta}
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${ASSET_PREFIX}app.css">
${config ? `<script type="module" src="${ASSET_PREFIX}app.js"></script>\n` : ''}</head>`;
}

const NO_SCENARIO: FrameScenario = Object.freeze({ silentFrame: false, bootDelay: 0, askAgainAfter: 0 });

/**
 * The embed app's page. Its `<body>` tells tests where it stands: `data-state` (`waiting`,
 * `signed-in`, `error`, `standalone`), `data-requests` (the TOKEN_EXCHANGE_REQUESTs it has
 * posted) and `data-token-sets` (the token sets it has signed in with).
 */
/** An `orgId` the emulator does not know, refused by the embed app with `UNKNOWN_ORG`. */
export interface OrgRefusal {
  orgId: string;
  knownOrgs: readonly string[];
}

export function renderEmbedPage(
  allowedOrigins: readonly string[],
  scenario: FrameScenario = NO_SCENARIO,
  unknownOrg?: OrgRefusal,
): string {
  return `${head('Spotnana (emulator)', { allowedOrigins, sessionPath: SESSION_PATH, scenario, unknownOrg })}
<body data-state="waiting" data-requests="0" data-token-sets="0">

<section data-view="waiting" class="center" aria-live="polite">
  <div class="panel">
    <div class="spinner" role="status" aria-label="Signing in"></div>
    <h1>Signing you in…</h1>
    <p>Asked the host page for tokens (<code>TOKEN_EXCHANGE_REQUEST</code>).</p>
    <div id="origin-hint" class="hint" hidden>
      The page embedding this app, <code id="hint-origin"></code>, is not on this emulator's allow-list,
      so the request was not delivered to it. Start the emulator with <code id="hint-flag"></code>.
    </div>
    <div id="silent-hint" class="hint" hidden>
      The emulator's <code>silentFrame</code> scenario is on: this app does not ask the host page for tokens.
    </div>
    <div id="slow-hint" class="hint" hidden>
      Still waiting for a <code>TOKEN_EXCHANGE_RESPONSE</code> from the host page.
      Check its token endpoint and the browser console.
    </div>
  </div>
</section>

<section data-view="error" class="center" hidden>
  <div class="panel" role="alert">
    <div class="error-icon" aria-hidden="true">!</div>
    <h1>Sign-in failed</h1>
    <p id="error-message"></p>
    <span id="error-code" class="error-code"></span>
    <p id="error-sent">Sent <code>TOKEN_EXCHANGE_ERROR</code> to the host page.</p>
    <button class="btn" type="button" data-action="reload">Try again</button>
  </div>
</section>

<section data-view="standalone" class="center" hidden>
  <div class="panel">
    <div class="error-icon info" aria-hidden="true">i</div>
    <h1>Spotnana emulator: embed app</h1>
    <p>This page signs in through its parent window. Open it inside <code>&lt;spotnana-embed&gt;</code>
      with <code>embed-url</code> set to this emulator.</p>
  </div>
</section>

<div data-view="signed-in" hidden>
  <header class="topbar">
    <div class="logo">${LOGO}<span>spotnana</span><span class="badge">Emulator</span></div>
    <nav class="nav" aria-label="Main">
      <a href="#" aria-current="page">Trips</a><a href="#">Book</a><a href="#">Approvals</a><a href="#">Profile</a>
    </nav>
    <div class="spacer"></div>
    <div class="user" title="Signed in by token exchange">
      <span class="avatar" id="avatar" aria-hidden="true"></span>
      <span class="user-email" id="user-email" data-testid="user-email"></span>
    </div>
    <button class="btn" type="button" data-action="reload" title="Reload the embed app: a new TOKEN_EXCHANGE_REQUEST">↻ Reload</button>
  </header>
  <main>
    <section class="card welcome">
      <div>
        <h1>Welcome back, <span id="welcome-name"></span></h1>
        <p>Where to next? Your company's travel policy is applied to every search.</p>
      </div>
      <div class="spacer"></div>
      <span class="pill">Signed in</span>
    </section>

    <section class="card" aria-labelledby="search-title">
      <h2 id="search-title">Book a trip</h2>
      <p class="sub">Flights, hotels and rail in one place.</p>
      <div class="tabs" aria-hidden="true"><span class="on">${PLANE}Flights</span><span>${BED}Hotels</span><span>${TRAIN}Rail</span><span>${CAR}Cars</span></div>
      <form id="search" class="search">
        <label>From <input id="from" value="SFO" autocomplete="off"></label>
        <label>To <input id="to" value="JFK" autocomplete="off"></label>
        <label>Depart <input id="depart" type="date"></label>
        <label>Return <input id="return" type="date"></label>
        <label>Travelers <select id="travelers"><option>1 adult</option><option>2 adults</option><option>3 adults</option></select></label>
        <label>Cabin <select id="cabin"><option>Economy</option><option>Premium economy</option><option>Business</option></select></label>
        <div class="actions"><button class="btn btn-primary" type="submit">Search flights</button></div>
      </form>
      <div id="results" class="results" hidden></div>
    </section>

    <section class="card" aria-labelledby="trips-title">
      <h2 id="trips-title">Upcoming trips</h2>
      <p class="sub">Sample itineraries of the emulator.</p>
      <div class="trips">
        <div class="trip"><span class="icon">${PLANE}</span><div><div class="route">San Francisco → New York</div><div class="dates" data-offset="6,9"></div></div><span class="status">Confirmed</span></div>
        <div class="trip"><span class="icon">${BED}</span><div><div class="route">Hotel · The Langham, Chicago</div><div class="dates" data-offset="20,22"></div></div><span class="status">Confirmed</span></div>
        <div class="trip"><span class="icon">${TRAIN}</span><div><div class="route">London → Paris · Eurostar</div><div class="dates" data-offset="34"></div></div><span class="status pending">Awaiting approval</span></div>
      </div>
    </section>

    <p class="foot">Spotnana emulator · org <span id="org"></span> · access token valid for <span id="expires"></span> · token set <span id="token-set" data-testid="token-set"></span> · nothing here is real</p>
  </main>
</div>
</body>
</html>
`;
}

export interface StatusPageInfo {
  url: string;
  clientId: string;
  userDetailUrl?: string;
  allowedOrigins: readonly string[];
  orgs: readonly string[];
  users?: readonly string[];
  /** The scenario's parts that are on. */
  scenario?: readonly string[];
}

export function renderStatusPage(info: StatusPageInfo): string {
  const list = (items: readonly string[]) => items.map((item) => `<code>${escapeHtml(item)}</code>`).join(' ');
  return `${head('Spotnana emulator')}
<body>
<div class="status-page">
  <div class="logo">${LOGO}<span>Spotnana emulator</span><span class="badge">Running</span></div>
  <section class="card">
    <h2>A local stand-in for Spotnana</h2>
    <p class="sub">Point your app's <code>embed-url</code> and your backend's <code>apiUrl</code> at <code>${escapeHtml(info.url)}</code>.</p>
    <dl>
      <dt>Token API</dt><dd><code>POST ${escapeHtml(info.url)}/v2/auth/oauth2-token</code></dd>
      <dt>Embed app</dt><dd>any path with <code>?idp=token-exchange-auth</code>, e.g. <code>${escapeHtml(info.url)}/?idp=token-exchange-auth&amp;orgId=${escapeHtml(encodeURIComponent(info.orgs[0] ?? ''))}</code></dd>
      <dt>Known orgs</dt><dd>${list(info.orgs)}</dd>
      <dt>Client id</dt><dd><code>${escapeHtml(info.clientId)}</code></dd>
      <dt>User-detail URL</dt><dd>${
        info.userDetailUrl
          ? `<code>${escapeHtml(info.userDetailUrl)}</code>`
          : '<span class="warn">not set: every token exchange fails (start with <code>--user-detail-url URL</code>)</span>'
      }</dd>
      <dt>Allowed parent origins</dt><dd>${list(info.allowedOrigins)}</dd>
      <dt>Known users</dt><dd>${info.users ? list(info.users) : 'every email'}</dd>
      <dt>Scenario</dt><dd>${info.scenario?.length ? list(info.scenario) : 'none: it behaves as Spotnana does'}</dd>
    </dl>
  </section>
</div>
</body>
</html>
`;
}
