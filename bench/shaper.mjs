// A network shaper in Node, for browsers whose own network emulation the bench cannot drive
// (Firefox over WebDriver BiDi has only an offline mode) and so that every browser meets the
// same network: a TCP proxy in front of each server, on the address the browser connects to.
//
// Per connection, with the profile in force when it opened ({ latency, download, upload }:
// the round trip in ms and bytes per second each way, as in puppeteer's
// PredefinedNetworkConditions; null for none):
//   - set-up: no byte goes up before the connection is SETUP_ROUND_TRIPS round trips old
//     (DNS, TCP, TLS);
//   - latency: every byte arrives half a round trip after it was sent, each way;
//   - bandwidth: each direction sends one byte after the other at its rate (per connection: a
//     simplification, since the measured intervals carry a few KB).
// A server's own delay adds to the round trip, as on a real network.
import { createServer, connect } from 'node:net';
import { performance } from 'node:perf_hooks';

/** DNS, TCP and TLS: the round trips a new connection costs before its first request goes up. */
export const SHAPED_SETUP_ROUND_TRIPS = 3;

/**
 * One direction of a connection: chunks leave in order, each after its transmission at `rate`
 * bytes/s (none: instant) and `delay` ms of propagation, never before `notBefore()`.
 */
function pipe(write, { delay, rate, notBefore }) {
  const queue = [];
  let linkFreeAt = 0;
  let timer;
  let ended = false;
  let onDrained;
  const pump = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length && queue[0].at <= now) write(queue.shift().chunk);
    if (queue.length) timer = setTimeout(pump, Math.max(0, queue[0].at - now));
    else if (ended) onDrained?.();
  };
  return {
    push(chunk) {
      const now = performance.now();
      const start = Math.max(now, linkFreeAt);
      linkFreeAt = rate ? start + (chunk.length / rate) * 1000 : start;
      queue.push({ at: Math.max(linkFreeAt + delay, notBefore()), chunk });
      if (!timer) pump();
    },
    /** Calls `done` once every chunk pushed so far has left. */
    end(done) {
      ended = true;
      onDrained = done;
      if (!queue.length && !timer) done();
    },
    stop() {
      clearTimeout(timer);
      queue.length = 0;
    },
  };
}

function listen(server, host) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve(server.address().port);
    });
  });
}

/**
 * A shaping proxy on `host` (a loopback address) in front of `target` ({ host, port }); the
 * profile comes from `profile()` when each connection opens. Returns { port, close() }.
 */
export async function startShaper({ host, target, profile }) {
  const sockets = new Set();
  const server = createServer((client) => {
    const conditions = profile() ?? {};
    const rtt = conditions.latency ?? 0;
    const openedAt = performance.now();
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const up = pipe((chunk) => upstream.write(chunk), {
      delay: rtt / 2,
      rate: conditions.upload > 0 ? conditions.upload : 0,
      notBefore: () => openedAt + SHAPED_SETUP_ROUND_TRIPS * rtt,
    });
    const down = pipe((chunk) => client.write(chunk), {
      delay: rtt / 2,
      rate: conditions.download > 0 ? conditions.download : 0,
      notBefore: () => 0,
    });
    client.on('data', (chunk) => up.push(chunk));
    upstream.on('data', (chunk) => down.push(chunk));
    // A half-close goes through once what was sent before it has arrived.
    client.on('end', () => up.end(() => upstream.end()));
    upstream.on('end', () => down.end(() => client.end()));
    const destroy = () => {
      up.stop();
      down.stop();
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', destroy).on('close', destroy);
    upstream.on('error', destroy).on('close', () => down.end(destroy));
  });
  const port = await listen(server, host);
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
