// The server half's benchmark.
//
//   measureLoad      requests/s and latency of POST /api/spotnana-token (createTokenHandler over
//                    Node's http server, against the emulator) at 1, 10 and 100 concurrent
//                    clients, with autocannon in this process and the backend in a child process.
//                    Every answer must be 200 with both tokens: the rest is counted and reported.
//   measureOverhead  what the handler adds to a direct exchangeToken call, in-process: N
//                    sequential calls of each, alternating, against the same emulator.
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { BENCH, startBackend } from './backend.mjs';
import { percentile, round } from './stats.mjs';

const hasTokens = (text) => {
  try {
    const body = JSON.parse(text);
    return (
      typeof body.accessToken === 'string' &&
      body.accessToken !== '' &&
      typeof body.refreshToken === 'string' &&
      body.refreshToken !== ''
    );
  } catch {
    return false;
  }
};

/**
 * Starts bench/backend-child.mjs; resolves with { tokenUrl, stop() }. Tried up to three times,
 * 3 s apart: the child imports dist/ when it starts, and a rebuild running at that moment (dist/
 * is emptied first) makes the import fail.
 */
async function startChild() {
  for (let i = 1; ; i++) {
    try {
      return await startChildOnce();
    } catch (error) {
      if (i >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  }
}

function startChildOnce() {
  // The child's stdout goes to our stderr: our stdout is the report.
  const child = fork(new URL('./backend-child.mjs', import.meta.url), [], {
    stdio: ['ignore', process.stderr, 'inherit', 'ipc'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the backend child did not start within 15 s')), 15_000);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the backend child exited early (${code})`)));
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve({
        tokenUrl: message.tokenUrl,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        },
      });
    });
  });
}

/** One autocannon run; returns its summary and every response's latency (ms). */
async function cannon(url, connections, duration) {
  const latencies = [];
  const statuses = {};
  const instance = autocannon({
    url,
    method: 'POST',
    headers: { cookie: BENCH.cookie, accept: 'application/json' },
    connections,
    duration,
    verifyBody: hasTokens, // a 200 without both tokens counts as a mismatch
  });
  instance.on('response', (_client, status, _bytes, time) => {
    latencies.push(time);
    statuses[status] = (statuses[status] ?? 0) + 1;
  });
  const result = await instance;
  return { result, latencies, statuses };
}

/** Latencies as a histogram at 0.01 ms resolution: { "1.23": count }, for the raw-sample record. */
function histogram(latencies) {
  const h = {};
  for (const t of latencies) {
    const key = (Math.round(t * 100) / 100).toFixed(2);
    h[key] = (h[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(h).sort((a, b) => Number(a[0]) - Number(b[0])));
}

/**
 * For each level: a fresh backend child (a fresh emulator token store), a 1 s warm-up run that
 * is not counted, then `duration` seconds of load with `connections` concurrent clients.
 */
export async function measureLoad({ levels, duration, log }) {
  const out = [];
  for (const connections of levels) {
    const child = await startChild();
    try {
      await cannon(child.tokenUrl, connections, 1);
      const { result, latencies, statuses } = await cannon(child.tokenUrl, connections, duration);
      const ok = statuses[200] ?? 0;
      const level = {
        connections,
        durationS: duration,
        requests: latencies.length,
        requestsPerSecond: round(latencies.length / (result.duration || duration), 1), // result.duration: seconds
        autocannonAverageRps: result.requests.average,
        p50Ms: round(percentile(latencies, 50)),
        p99Ms: round(percentile(latencies, 99)),
        maxMs: round(Math.max(...latencies)),
        status200: ok,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        bodyMismatches: result.mismatches,
        statuses,
        perSecondRequests: result.requests, // autocannon's per-second stats
        latencyHistogramMs: histogram(latencies),
      };
      out.push(level);
      log(
        `  ${connections} connections: ${level.requestsPerSecond} req/s, p50 ${level.p50Ms} ms, p99 ${level.p99Ms} ms, non-2xx ${level.non2xx}, errors ${level.errors}, mismatches ${level.bodyMismatches}`,
      );
    } finally {
      await child.stop();
    }
  }
  return out;
}

/**
 * In-process: `calls` sequential calls of handler(new Request(...)) (timed until its body is
 * read as text) and of exchangeToken(...) against one emulator, alternating which goes first
 * in each pair, after 20 warm-up calls of each. Every answer is checked for tokens.
 */
export async function measureOverhead({ calls, log }) {
  const backend = await startBackend();
  try {
    const viaHandler = async () => {
      const started = performance.now();
      const response = await backend.tokenHandler(
        new Request(backend.tokenUrl, {
          method: 'POST',
          headers: { cookie: BENCH.cookie, accept: 'application/json' },
        }),
      );
      const text = await response.text();
      const time = performance.now() - started;
      if (response.status !== 200 || !hasTokens(text))
        throw new Error(`handler answered ${response.status} ${text.slice(0, 80)}`);
      return time;
    };
    const direct = async () => {
      const started = performance.now();
      const tokens = await backend.exchange();
      const time = performance.now() - started;
      if (!tokens.accessToken || !tokens.refreshToken) throw new Error('exchangeToken returned no tokens');
      return time;
    };
    for (let i = 0; i < 20; i++) {
      await viaHandler();
      await direct();
    }
    const handler = [];
    const exchange = [];
    for (let i = 0; i < calls; i++) {
      if (i % 2 === 0) {
        handler.push(round(await viaHandler(), 4));
        exchange.push(round(await direct(), 4));
      } else {
        exchange.push(round(await direct(), 4));
        handler.push(round(await viaHandler(), 4));
      }
    }
    log(`  ${calls} calls each done`);
    return { calls, handler, exchange };
  } finally {
    await backend.close();
  }
}
