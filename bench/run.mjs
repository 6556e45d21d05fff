// The benchmark: `npm run bench` (= npm run build && node bench/run.mjs).
//
// Measures, against the built package (dist/):
//   1. size           the CDN file and the element's own code (scripts/size.mjs)
//   2. auth           time to authenticated: eager / on-request element vs the docs' baseline
//   3. reply          reply latency with tokens held vs the bare postMessage round trip
//   4. memory         heap and `message` listeners before and after 200, then 1000 mount/unmount
//                     cycles, and 200 prerender()/cancel() cycles (listeners, iframes, frames too)
//   5. load, overhead the token handler under 1/10/100 concurrent clients, and its overhead
//                     over a direct exchangeToken
//   6. network        time to authenticated on loopback, Slow 4G and 3G with connection set-up
//                     modeled: the docs' page, the element, the early frame, and the limit
//   7. spa            a single-page app's route change to the signed-in frame: without
//                     prerender, with SpotnanaEmbed.prerender(), the docs' page; Chromium and
//                     Firefox, on loopback, Slow 4G and 3G (a Node-side network shaper)
// Prints a markdown report to stdout (progress goes to stderr) and writes it, with the machine,
// the versions and every raw sample, to bench/results.md (and the network charts, SVG, beside it). Exits non-zero only when the bench
// itself failed (a section threw, or a cell ended short of samples), never for a missed goal.
//
// Knobs (environment):
//   BENCH_RUNS=15               runs per variant and latency (auth), samples per side (reply)
//   BENCH_LATENCIES=0,150,300,600  token endpoint latencies, ms
//   BENCH_BOOT=300              the fake frame's boot delay after its load, ms (auth)
//   BENCH_HELD_BOOT=500         the boot delay of the reply benchmark (prefetch long done), ms
//   BENCH_CYCLES=200,1000       mount/unmount cycles: the totals at which memory is measured
//   BENCH_PRERENDER_CYCLES=200  prerender()/cancel() cycles of the memory section
//   BENCH_CONNECTIONS=1,10,100  concurrent clients of the load test
//   BENCH_DURATION=5            seconds of load per level
//   BENCH_OVERHEAD_CALLS=200    calls of each in the handler-overhead measurement
//   BENCH_NET_RUNS=15           runs per variant and cell of the network section
//   BENCH_NET_PARALLEL=5        runs at a time on 3G (Slow 4G and loopback: always 1)
//   BENCH_NET_PROFILES=loopback,slow-4g,3g   BENCH_NET_CASES=short,realistic
//   BENCH_SPA_BROWSERS=chromium,firefox   the browsers of the spa section (it uses BENCH_NET_RUNS,
//                               BENCH_NET_PARALLEL and BENCH_NET_PROFILES too)
//   BENCH_ONLY=size,auth,reply,memory,load,overhead,network,spa   a subset of sections
//   BENCH_OUT=bench/results.md  where the results file goes ("-" for none)
//   BENCH_FRESH_CONTEXT=1       a fresh browser context per run (slower) instead of one tab
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { measureSizes } from '../scripts/size.mjs';
import {
  createTab,
  launchBrowser,
  measureMemory,
  measurePrerenderMemory,
  measureReply,
  measureTimeToAuth,
} from './browser.mjs';
import { CASES, PROFILES, launchNetworkBrowser, measureNetwork, startNetworkServers } from './network.mjs';
import { writeNetworkCharts } from './network-report.mjs';
import { writeSpaChart } from './spa-report.mjs';
import { measureSpa, SPA_BROWSERS, startSpaServers } from './spa.mjs';
import { startPageServers } from './pages.mjs';
import { renderReport } from './report.mjs';
import { compactJson } from './stats.mjs';
import { measureLoad, measureOverhead } from './server.mjs';

const SECTIONS = ['size', 'auth', 'reply', 'memory', 'load', 'overhead', 'network', 'spa'];
const env = process.env;
const int = (value, fallback) => (value ? Math.max(1, Number.parseInt(value, 10)) || fallback : fallback);
const names = (value, known) => (value ? value.split(',').map((v) => v.trim()) : known);
const list = (value, fallback) =>
  value
    ? value
        .split(',')
        .map((v) => Number(v.trim()))
        .filter((v) => Number.isFinite(v) && v >= 0)
    : fallback;

const config = {
  runs: int(env.BENCH_RUNS, 15),
  latencies: list(env.BENCH_LATENCIES, [0, 150, 300, 600]),
  boot: list(env.BENCH_BOOT, [300])[0],
  heldBoot: list(env.BENCH_HELD_BOOT, [500])[0],
  cycles: list(env.BENCH_CYCLES, [200, 1000]),
  prerenderCycles: int(env.BENCH_PRERENDER_CYCLES, 200),
  levels: list(env.BENCH_CONNECTIONS, [1, 10, 100]),
  duration: int(env.BENCH_DURATION, 5),
  overheadCalls: int(env.BENCH_OVERHEAD_CALLS, 200),
  freshContext: env.BENCH_FRESH_CONTEXT === '1',
  netRuns: int(env.BENCH_NET_RUNS, 15),
  netParallel: int(env.BENCH_NET_PARALLEL, 5),
  netProfiles: names(
    env.BENCH_NET_PROFILES,
    PROFILES.map((p) => p.key),
  ),
  netCases: names(
    env.BENCH_NET_CASES,
    CASES.map((c) => c.key),
  ),
  spaBrowsers: names(
    env.BENCH_SPA_BROWSERS,
    SPA_BROWSERS.map((b) => b.key),
  ),
  only: env.BENCH_ONLY ? env.BENCH_ONLY.split(',').map((s) => s.trim()) : SECTIONS,
};
const out = env.BENCH_OUT ?? fileURLToPath(new URL('./results.md', import.meta.url));
const cdnFile = fileURLToPath(new URL('../dist/spotnana-embed.min.js', import.meta.url));
const wants = (section) => config.only.includes(section);
const log = (line) => process.stderr.write(`${line}\n`);

const unknown = config.only.filter((s) => !SECTIONS.includes(s));
if (unknown.length) {
  log(`BENCH_ONLY: unknown section(s) ${unknown.join(', ')}; known: ${SECTIONS.join(', ')}`);
  process.exit(2);
}
const unknownNet = [
  ...config.netProfiles.filter((k) => !PROFILES.some((p) => p.key === k)),
  ...config.netCases.filter((k) => !CASES.some((c) => c.key === k)),
  ...config.spaBrowsers.filter((k) => !SPA_BROWSERS.some((b) => b.key === k)),
];
if (unknownNet.length) {
  log(
    `BENCH_NET_PROFILES / BENCH_NET_CASES / BENCH_SPA_BROWSERS: unknown ${unknownNet.join(', ')}; known: ${[...PROFILES, ...CASES, ...SPA_BROWSERS].map((x) => x.key).join(', ')}`,
  );
  process.exit(2);
}
if (!existsSync(cdnFile)) {
  log('dist/spotnana-embed.min.js is missing: run `npm run build` first (npm run bench does).');
  process.exit(2);
}

const results = {};
let benchFailed = false;

/** Runs one section; a throw is recorded in its result (and fails the bench), not propagated. */
async function section(name, fn) {
  if (!wants(name)) return;
  const started = performance.now();
  log(`[${name}]`);
  try {
    results[name] = await fn();
  } catch (error) {
    benchFailed = true;
    results[name] = { error: String(error?.stack ?? error) };
    log(`  ${name} failed: ${error?.stack ?? error}`);
  }
  log(`  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

const startedAt = new Date();
const t0 = performance.now();
let browser;
let servers;
let chromiumVersion = 'not launched';
try {
  await section('size', async () => ({ sizes: await measureSizes() }));

  if (['auth', 'reply', 'memory'].some(wants)) {
    try {
      servers = await startPageServers({ cdnFile });
      browser = await launchBrowser();
      chromiumVersion = await browser.version();
    } catch (error) {
      benchFailed = true;
      for (const name of ['auth', 'reply', 'memory'].filter(wants))
        results[name] = { error: `browser setup: ${error?.message ?? error}` };
      log(`browser setup failed: ${error?.stack ?? error}`);
    }
  }
  if (browser) {
    const tab = createTab(browser, { fresh: config.freshContext });
    await section('auth', async () => {
      const r = await measureTimeToAuth(tab, servers, {
        latencies: config.latencies,
        runs: config.runs,
        boot: config.boot,
        log,
      });
      const short = Object.values(r.samples).some((byVariant) =>
        Object.values(byVariant).some((list) => list.length < config.runs),
      );
      if (short) benchFailed = true;
      return r;
    });
    await section('reply', async () => {
      const r = await measureReply(tab, servers, { runs: config.runs, boot: config.heldBoot, log });
      if (r.samples.element.length < config.runs || r.samples.floor.length < config.runs) benchFailed = true;
      return r;
    });
    await tab.close();
    await section('memory', async () => ({
      ...(await measureMemory(browser, servers, { checkpoints: config.cycles, log })),
      prerender: await measurePrerenderMemory(browser, servers, { cycles: config.prerenderCycles, log }),
    }));
  }

  await section('load', async () => ({
    levels: await measureLoad({ levels: config.levels, duration: config.duration, log }),
  }));
  await section('overhead', () => measureOverhead({ calls: config.overheadCalls, log }));
  await section('network', async () => {
    const netServers = await startNetworkServers({ cdnFile });
    let netBrowser;
    try {
      netBrowser = await launchNetworkBrowser();
      const cells = PROFILES.filter((p) => config.netProfiles.includes(p.key)).flatMap((profile) =>
        CASES.filter((c) => config.netCases.includes(c.key)).map((kase) => ({ profile, kase })),
      );
      const r = await measureNetwork(netBrowser, netServers, {
        cells,
        runs: config.netRuns,
        parallel: config.netParallel,
        log,
      });
      if (
        Object.values(r.samples).some((byVariant) => Object.values(byVariant).some((xs) => xs.length < config.netRuns))
      )
        benchFailed = true;
      return { ...r, listenerFrom: netServers.listenerFrom };
    } finally {
      await netBrowser?.close().catch(() => {});
      await netServers.close().catch(() => {});
    }
  });
  await section('spa', async () => {
    const spaServers = await startSpaServers({ cdnFile });
    try {
      const r = await measureSpa(spaServers, {
        browsers: config.spaBrowsers,
        profiles: config.netProfiles,
        runs: config.netRuns,
        parallel: config.netParallel,
        log,
      });
      const cells = Object.values(r.samples);
      if (
        cells.length < config.spaBrowsers.length * config.netProfiles.length ||
        cells.some((byVariant) => Object.values(byVariant).some((xs) => xs.length < config.netRuns))
      )
        benchFailed = true;
      return r;
    } finally {
      await spaServers.close().catch(() => {});
    }
  });
} catch (error) {
  benchFailed = true;
  log(`bench failed: ${error?.stack ?? error}`);
} finally {
  await browser?.close().catch(() => {});
  await servers?.close().catch(() => {});
}

const seconds = (performance.now() - t0) / 1000;
const cpus = os.cpus();
const settings =
  `runs ${config.runs}; latencies ${config.latencies.join(', ')} ms; boot ${config.boot} ms (reply: ${config.heldBoot} ms); ` +
  `${config.freshContext ? 'a fresh browser context per run' : 'one tab, cache disabled, a fresh document per run'}; memory checkpoints ${config.cycles.join(', ')} cycles, ${config.prerenderCycles} prerender cycles; clients ${config.levels.join(', ')} for ${config.duration} s; overhead calls ${config.overheadCalls}; network: ${config.netRuns} runs, ${config.netParallel} at a time, ${config.netProfiles.join('/')} × ${config.netCases.join('/')}; spa: ${config.spaBrowsers.join('/')}; sections ${config.only.join(', ')}`;
const header = [
  '# spotnana-embed benchmark',
  '',
  `- date: ${startedAt.toISOString()}`,
  `- machine: ${cpus[0]?.model?.trim() ?? 'unknown CPU'} × ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}`,
  `- Node ${process.version}; ${chromiumVersion}`,
  `- settings: ${settings}`,
  `- run time: ${seconds.toFixed(0)} s${benchFailed ? '; **the bench itself failed in part (see below)**' : ''}`,
  '',
].join('\n');
const charts = out === '-' ? {} : await writeNetworkCharts(results.network, dirname(out)).catch(() => ({}));
charts.spa = out === '-' ? undefined : await writeSpaChart(results.spa, dirname(out)).catch(() => undefined);
const report = `${header}\n${renderReport(results, config, charts)}`;
process.stdout.write(`${report}\n`);

if (out !== '-') {
  const raw = compactJson({
    date: startedAt.toISOString(),
    config,
    chromiumVersion,
    node: process.version,
    cpu: cpus[0]?.model,
    cores: cpus.length,
    results,
  });
  const file = `${report}
## Raw samples

Every measurement behind the tables above (times in ms unless named otherwise; time-to-authenticated
samples are ms from the host page's navigation start; the load test's latencies as a histogram of
0.01 ms buckets).

<details><summary>raw data (JSON)</summary>

\`\`\`json
${raw}
\`\`\`

</details>
`;
  await writeFile(out, file);
  log(`written: ${out}`);
}
log(`bench done in ${seconds.toFixed(0)} s${benchFailed ? ' (with failures)' : ''}`);
process.exit(benchFailed ? 1 : 0);
