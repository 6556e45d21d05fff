// The Spotnana emulator: one Node http server, API and embed app on one origin.
//   POST /v2/auth/oauth2-token   token exchange and client_credentials (token-api.ts)
//   GET  /v2/auth/session        the embed app checks its access token (Bearer) -> {"user":{"email"},"expiresIn"}
//   GET  /__emulator/app.{js,css} the embed app's assets
//   GET  any other path           the embed app with ?idp=token-exchange-auth, else a status page
// A scenario (scenario.ts), set at start or at run time, makes it misbehave on purpose.
// It logs each step of the sequence through `log`, never a secret or a token, and with
// every control character escaped. It answers 421 to a Host that is not its own, so
// that a DNS-rebinding page cannot read it.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APP_JS } from './app/script.js';
import { ASSET_PREFIX, PAGE_CSP, SESSION_PATH, renderEmbedPage, renderStatusPage } from './app/pages.js';
import { APP_CSS } from './app/style.js';
import { describeScenario, toActiveScenario, type ActiveScenario, type EmulatorScenario } from './scenario.js';
import { handleTokenRequest } from './token-api.js';
import { TokenStore } from './token-store.js';

/** The command line's defaults. */
export const DEFAULTS = Object.freeze({
  port: 0,
  host: '127.0.0.1',
  clientId: 'demo-client',
  clientSecret: 'demo-secret',
  allowedOrigins: Object.freeze(['http://localhost:3000']),
  orgs: Object.freeze(['demo-org']),
});

export interface EmulatorOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** The host's user-detail API (step 3). Without it every token exchange fails with `invalid_request`. */
  userDetailUrl?: string;
  /** Default `demo-client`. */
  clientId?: string;
  /** Default `demo-secret`. */
  clientSecret?: string;
  /** Parent origins the embed app talks to. Default `['http://localhost:3000']`, as Spotnana's own default. */
  allowedOrigins?: readonly string[];
  /**
   * The org ids it knows. The embed app refuses another `orgId` (a page without one is
   * served as the first org's): it shows the error and posts `TOKEN_EXCHANGE_ERROR`
   * `UNKNOWN_ORG` to the host page. Default `['demo-org']`.
   */
  orgs?: readonly string[];
  /** Known emails. Default: every email is known. */
  users?: readonly string[];
  /**
   * More host names the emulator answers to (each with its port), beside `localhost`,
   * `127.0.0.1`, `[::1]` and `host`: a name in /etc/hosts, a dev proxy's. Any other
   * `Host` gets 421.
   */
  allowedHosts?: readonly string[];
  /** Receives one line per step of the sequence. Default: nothing is printed. */
  log?: (line: string) => void;
  /**
   * How it misbehaves from the start (see `EmulatorScenario`); `reset()` comes back to it.
   * Default: it does not.
   */
  scenario?: EmulatorScenario;
}

export interface RunningEmulator {
  /** `http://<host>:<port>`: the API base (`apiUrl`) and the embed base (`embed-url`). */
  url: string;
  port: number;
  /**
   * Replaces the scenario (parts left out are off). The token API applies it from the next
   * request; the embed app from its next page load. Throws a `TypeError` on a bad setting.
   */
  scenario(scenario: EmulatorScenario): void;
  /** Back to the scenario it was started with (by default: none), a pending rejection dropped. */
  reset(): void;
  /** Stops listening and ends open connections. */
  close(): Promise<void>;
}

const MAX_FORM_BYTES = 16 * 1024;
const MISDIRECTED = 421;
/** The names the emulator always answers to, beside its `host`. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
/** A host name or an IP address, without a port. */
const HOST_NAME = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])$/i;
/**
 * C0 and C1 control characters but tab, DEL, the line and paragraph separators, and the
 * characters that make a line read otherwise than it holds: bidirectional controls (marks,
 * embeddings, overrides, isolates) and zero-width characters.
 */
const CONTROL_CHARACTERS =
  // eslint-disable-next-line no-control-regex -- finding them is the point
  /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** A log line as a terminal may safely print it: each of those characters written as \xNN or \uNNNN. */
export function escapeControls(line: string): string {
  return line.replace(CONTROL_CHARACTERS, (c) => {
    const code = c.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`;
  });
}

/** Starts the emulator; resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const print = options.log ?? (() => {});
  // Lines quote values from requests (a path, a client id, an email): never raw.
  const log = (line: string) => print(escapeControls(line));
  const allowedHosts = (options.allowedHosts ?? []).map(toHostName);
  const clientId = options.clientId ?? DEFAULTS.clientId;
  const clientSecret = options.clientSecret ?? DEFAULTS.clientSecret;
  const allowedOrigins = (options.allowedOrigins?.length ? options.allowedOrigins : DEFAULTS.allowedOrigins).map(
    toOrigin,
  );
  const users = options.users?.length ? options.users : undefined;
  const orgs = options.orgs?.length ? [...options.orgs] : [...DEFAULTS.orgs];
  const userDetailUrl = options.userDetailUrl || undefined;
  if (userDetailUrl) new URL(userDetailUrl); // throws early on a typo
  const initialScenario = toActiveScenario(options.scenario);
  let scenario: ActiveScenario = initialScenario;
  const setScenario = (next: ActiveScenario) => {
    scenario = next;
    const parts = describeScenario(next);
    log(`   scenario: ${parts.length ? parts.join(', ') : 'none'}`);
  };
  /** Uses up a pending rejectNextExchange, if any. */
  const takeRejection = () => {
    const rejection = scenario.rejectNextExchange;
    if (!rejection) return undefined;
    scenario = { ...scenario, rejectNextExchange: undefined };
    return { status: rejection.status, body: { error: rejection.error, error_description: rejection.description } };
  };
  const store = new TokenStore();
  let url = '';
  /** `name:port` for each name the emulator answers to; set once it listens. */
  let ownHosts = new Set<string>();

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      log(`emulator error: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent) send(response, 500, { error: 'server_error', error_description: 'Emulator error.' });
      else response.destroy();
    });
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const hostHeader = (request.headers.host ?? '').toLowerCase();
    if (!ownHosts.has(hostHeader)) {
      log(
        `   421 to a request for host ${JSON.stringify(hostHeader)} (not this emulator's: add it with --allowed-host)`,
      );
      return send(response, MISDIRECTED, {
        error: 'misdirected_request',
        error_description: 'This server answers only at its own address.',
      });
    }
    const target = new URL(request.url ?? '/', 'http://emulator.invalid');
    const method = request.method ?? 'GET';

    if (target.pathname === '/v2/auth/oauth2-token') {
      if (method !== 'POST')
        return send(response, 405, { error: 'invalid_request', error_description: 'Use POST.' }, { allow: 'POST' });
      const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/x-www-form-urlencoded') {
        await drain(request);
        log('2  token request rejected: 400 invalid_request (not form-encoded)');
        return send(response, 400, {
          error: 'invalid_request',
          error_description: 'The body must be application/x-www-form-urlencoded.',
        });
      }
      const body = await readBody(request);
      if (body === undefined) {
        return send(response, 413, { error: 'invalid_request', error_description: 'The body is too large.' });
      }
      const answer = await handleTokenRequest(new URLSearchParams(body), {
        clientId,
        clientSecret,
        userDetailUrl,
        users: users && new Set(users.map((email) => email.toLowerCase())),
        store,
        log,
        takeRejection,
      });
      return send(response, answer.status, answer.body, { pragma: 'no-cache' });
    }

    if (target.pathname === SESSION_PATH) {
      if (method !== 'GET' && method !== 'HEAD')
        return send(response, 405, { error: 'method_not_allowed' }, { allow: 'GET' });
      const match = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '');
      const record = match ? store.find(match[1]!) : undefined;
      if (record && scenario.rejectTokens) {
        log('7  embed app: access token rejected (scenario rejectTokens): TOKEN_EXCHANGE_ERROR INVALID_TOKEN');
        return send(
          response,
          401,
          {
            error: 'invalid_token',
            error_description: "The access token was rejected (the emulator's rejectTokens scenario).",
          },
          { 'www-authenticate': 'Bearer error="invalid_token"' },
        );
      }
      if (!record || record.kind !== 'access' || record.grant !== 'token-exchange') {
        log(
          '7  embed app: access token rejected (not one this emulator issued by token exchange, or expired): TOKEN_EXCHANGE_ERROR INVALID_TOKEN',
        );
        return send(response, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
      }
      log(`7  embed app: access token accepted, ${record.email} is signed in`);
      return send(response, 200, {
        user: { email: record.email },
        expiresIn: Math.max(0, Math.round((record.expiresAt - Date.now()) / 1000)),
      });
    }

    if (method !== 'GET' && method !== 'HEAD') {
      return send(response, 405, { error: 'method_not_allowed' }, { allow: 'GET' });
    }
    if (target.pathname === `${ASSET_PREFIX}app.js`) return sendText(response, 'text/javascript', APP_JS);
    if (target.pathname === `${ASSET_PREFIX}app.css`) return sendText(response, 'text/css', APP_CSS);
    if (target.pathname === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    if (target.searchParams.get('idp') === 'token-exchange-auth') {
      const frameParts = describeScenario({ rejectTokens: false, frame: scenario.frame });
      const orgId = target.searchParams.get('orgId') ?? '';
      const unknownOrg = orgId !== '' && !orgs.includes(orgId);
      log(
        unknownOrg
          ? `6  GET ${target.pathname}${target.search}: embed app page for an unknown org ${JSON.stringify(orgId)}: refused with UNKNOWN_ORG (known: ${orgs.join(', ')}; add it with --org)`
          : `6  GET ${target.pathname}${target.search}: embed app page (org ${orgId || '(none)'}${frameParts.length ? `; scenario: ${frameParts.join(', ')}` : ''})`,
      );
      const refusal = unknownOrg ? { orgId, knownOrgs: orgs } : undefined;
      return sendText(response, 'text/html', renderEmbedPage(allowedOrigins, scenario.frame, refusal), {
        'content-security-policy': PAGE_CSP,
      });
    }
    return sendText(
      response,
      'text/html',
      renderStatusPage({
        url,
        clientId,
        userDetailUrl,
        allowedOrigins,
        orgs,
        users,
        scenario: describeScenario(scenario),
      }),
      { 'content-security-policy': PAGE_CSP },
    );
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULTS.port, options.host ?? DEFAULTS.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  url = `http://${options.host === 'localhost' ? 'localhost' : host}:${address.port}`;
  const names = [...LOOPBACK_NAMES, host, toHostName(options.host ?? DEFAULTS.host), ...allowedHosts];
  ownHosts = new Set(names.map((name) => `${name.toLowerCase()}:${address.port}`));

  log(`   allowed parent origins: ${allowedOrigins.join(', ')}`);
  log(`   known orgs: ${orgs.join(', ')}`);
  log(`   known users: ${users ? users.join(', ') : 'every email'}`);
  log(
    userDetailUrl
      ? `   user-detail URL: ${userDetailUrl}`
      : '   no user-detail URL: every token exchange will fail with invalid_request (set --user-detail-url)',
  );

  if (describeScenario(scenario).length) log(`   scenario: ${describeScenario(scenario).join(', ')}`);

  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    scenario: (next) => setScenario(toActiveScenario(next)),
    reset: () => setScenario(initialScenario),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        store.clear();
      });
      return closing;
    },
  };
}

/** A host name as a `Host` header carries it: lower case, an IPv6 address in brackets. */
function toHostName(value: string): string {
  const name = value.includes(':') && !value.startsWith('[') ? `[${value}]` : value;
  if (!HOST_NAME.test(name)) throw new TypeError(`Not a host name (without a port): ${JSON.stringify(value)}`);
  return name.toLowerCase();
}

function toOrigin(value: string): string {
  const origin = new URL(value).origin;
  if (origin === 'null') throw new TypeError(`Not an origin: ${value}`);
  return origin;
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

function sendText(response: ServerResponse, type: string, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(200, {
    'content-type': `${type}; charset=utf-8`,
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  response.end(text);
}

/** The body as text, or undefined when it is over the limit. */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function drain(request: IncomingMessage): Promise<void> {
  request.resume();
  await once(request, 'end');
}
