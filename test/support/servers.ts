// Real loopback servers for the node tests of spotnana-embed/server, the emulator and the demo.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';

export interface Running {
  url: string;
  close(): Promise<void>;
}

async function start(server: Server): Promise<Running> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Serves a Web fetch handler over Node's http, through @hono/node-server (as the README shows). */
export function serveFetch(handler: (request: Request) => Response | Promise<Response>): Promise<Running> {
  return start(createServer(getRequestListener(handler, { overrideGlobalObjects: false })));
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A raw server that records each request and answers with `answer` (which may never answer). */
export async function recordingServer(
  answer: (request: RecordedRequest, response: ServerResponse, index: number) => void,
): Promise<Running & { requests: RecordedRequest[] }> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const recorded = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    };
    requests.push(recorded);
    answer(recorded, res, requests.length - 1);
  });
  return Object.assign(await start(server), { requests });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** A port on loopback where nothing listens. */
export async function closedPortUrl(): Promise<string> {
  const running = await start(createServer());
  await running.close();
  return running.url;
}

export const TOKEN_RESPONSE = {
  access_token: 'spotnana-access-1',
  refresh_token: 'spotnana-refresh-1',
  token_type: 'Bearer',
  expires_in: 3600,
  scope: 'openid',
};

/** Everything an error exposes, as text: to check that no secret hides anywhere in it. */
export function everythingOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const own = Object.getOwnPropertyNames(error).map((name) => `${name}=${String((error as never)[name])}`);
  return [String(error), error.stack ?? '', JSON.stringify(error), ...own].join('\n');
}

const ENDLESS_CHUNK = 16 * 1024;
/** Far more than the 64 KiB cap: what a misbehaving upstream sent in a review. */
export const ENDLESS_LIMIT = 256 * 1024 * 1024;

/** Answers `status` with a body that goes on until the client goes away; resolves with the bytes sent. */
export function endless(res: ServerResponse, status: number): Promise<number> {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.write('{"access_token":"');
  const chunk = 'a'.repeat(ENDLESS_CHUNK);
  let sent = 0;
  return new Promise((resolve) => {
    const pump = () => {
      while (!res.destroyed && sent < ENDLESS_LIMIT) {
        sent += ENDLESS_CHUNK;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
    };
    res.once('close', () => resolve(sent));
    pump();
  });
}
