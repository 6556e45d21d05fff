// The SPA navigation section of the report: per browser and profile the medians of each
// variant, prerender's ratio to the element without it (the goal), and an SVG chart.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROFILES } from './network.mjs';
import { SPA_BROWSERS, SPA_GOAL, SPA_VARIANTS } from './spa.mjs';
import { fmtRatio, median, ms, msRange, ratio, summary, table } from './stats.mjs';

export const SPA_CHART = 'spa-navigation.svg';

const profileLabel = (key) => PROFILES.find((p) => p.key === key)?.label ?? key;
const browserLabel = (key) => SPA_BROWSERS.find((b) => b.key === key)?.label ?? key;

/** The measured cells, in table order: { browser, profile, byVariant }. */
function cells(spa) {
  const out = [];
  for (const profile of PROFILES)
    for (const browser of SPA_BROWSERS) {
      const byVariant = spa.samples[`${browser.key}/${profile.key}`];
      if (byVariant) out.push({ browser: browser.key, profile: profile.key, byVariant });
    }
  return out;
}

const medianOf = (list) => median(list.map((s) => s.ms));
/** A verdict: met, missed, or — (no goal here, or not measured). */
function verdict(met) {
  if (met === undefined) return '—';
  return met ? 'met' : '**missed**';
}
function tickLabel(t) {
  if (t === 0) return '0';
  return t >= 1000 ? `${t / 1000} s` : `${t} ms`;
}

/** Each cell's prerender ÷ without, and whether it meets the goal (on the goal's profiles). */
export function spaVerdicts(spa) {
  return cells(spa).map((c) => {
    const r = ratio(medianOf(c.byVariant.prerender), medianOf(c.byVariant.element));
    const goal = SPA_GOAL.profiles.includes(c.profile);
    return {
      ...c,
      ratio: r,
      goal,
      met: goal && Number.isFinite(r) ? r <= SPA_GOAL.max : undefined,
      n: Math.min(c.byVariant.prerender.length, c.byVariant.element.length),
    };
  });
}

/** Rows for the report's summary table. */
export function spaSummaryRows(spa) {
  if (spa.error) return [['SPA navigation', `failed: ${String(spa.error).split('\n')[0]}`, '', '—']];
  return spaVerdicts(spa)
    .filter((v) => v.goal)
    .map((v) => [
      `SPA route change to signed in, ${browserLabel(v.browser)}, ${profileLabel(v.profile)}: with prerender ÷ without`,
      Number.isFinite(v.ratio) ? `${v.ratio.toFixed(4)} (medians of ${v.n})` : 'not measured',
      `≤ ${SPA_GOAL.max}`,
      verdict(v.met),
    ]);
}

/** A horizontal bar chart: per browser and profile, a bar per variant at its median, min–max, a dot per run. */
export function spaChart(spa) {
  const rowHeight = 20;
  const left = 330;
  const plotWidth = 500;
  const top = 40;
  const groups = cells(spa);
  const all = groups.flatMap((g) => SPA_VARIANTS.flatMap((v) => g.byVariant[v.key].map((s) => s.ms)));
  const maxMs = Math.max(1, ...all);
  const step = [100, 200, 500, 1000, 2000, 5000, 10_000].find((s) => maxMs / s <= 8) ?? 20_000;
  const scaleMax = Math.ceil(maxMs / step) * step;
  const x = (value) => left + (value / scaleMax) * plotWidth;
  const colors = { element: '#d9822b', prerender: '#2e9d57', docs: '#8c8c8c' };
  const parts = [];
  let y = top;
  for (const g of groups) {
    parts.push(
      `<text x="10" y="${y + 14}" font-weight="bold">${browserLabel(g.browser)}, ${profileLabel(g.profile)}</text>`,
    );
    y += rowHeight;
    for (const v of SPA_VARIANTS) {
      const values = g.byVariant[v.key].map((s) => s.ms);
      const s = summary(values);
      parts.push(`<text x="20" y="${y + 14}">${v.label.replace(/'/g, '&#39;')}</text>`);
      if (Number.isFinite(s.median)) {
        parts.push(
          `<rect x="${left}" y="${y + 4}" width="${Math.max(1, x(s.median) - left).toFixed(1)}" height="${rowHeight - 8}" fill="${colors[v.key]}" opacity="0.8"/>`,
          `<line x1="${x(s.min).toFixed(1)}" x2="${x(s.max).toFixed(1)}" y1="${y + rowHeight / 2}" y2="${y + rowHeight / 2}" stroke="#222"/>`,
          ...values.map(
            (value) =>
              `<circle cx="${x(value).toFixed(1)}" cy="${y + rowHeight / 2}" r="1.6" fill="#222" opacity="0.5"/>`,
          ),
          `<text x="${(x(s.max) + 6).toFixed(1)}" y="${y + 14}">${Math.round(s.median)} ms</text>`,
        );
      }
      y += rowHeight;
    }
    y += 12;
  }
  const axisY = y;
  const ticks = [];
  for (let t = 0; t <= scaleMax; t += step) {
    const label = tickLabel(t);
    ticks.push(
      `<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${top}" y2="${axisY}" stroke="#ddd"/>`,
      `<text x="${x(t).toFixed(1)}" y="${axisY + 16}" text-anchor="middle">${label}</text>`,
    );
  }
  const width = left + plotWidth + 90;
  const height = axisY + 30;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="22" font-size="14" font-weight="bold">SPA route change to the frame signed in and painted: median (bar), min–max (line), each run (dot)</text>
${ticks.join('\n')}
${parts.join('\n')}
</svg>
`;
}

/** Writes the chart into `dir`; returns its file name (undefined when nothing was measured). */
export async function writeSpaChart(spa, dir) {
  if (!spa || spa.error || !cells(spa).length) return undefined;
  await writeFile(join(dir, SPA_CHART), spaChart(spa));
  return SPA_CHART;
}

/** The section: method, chart, the medians and ratios, where the time goes, the checks. */
export function spaSection({ spa }, config, chart) {
  if (!spa) return '';
  if (spa.error) return `## SPA navigation\n\nfailed: ${String(spa.error).split('\n')[0]}\n`;
  const verdicts = spaVerdicts(spa);
  const rows = verdicts.map((v) => {
    const s = Object.fromEntries(SPA_VARIANTS.map((x) => [x.key, summary(v.byVariant[x.key].map((r) => r.ms))]));
    return [
      profileLabel(v.profile),
      browserLabel(v.browser),
      msRange(s.element, 0),
      msRange(s.prerender, 0),
      msRange(s.docs, 0),
      Number.isFinite(v.ratio) ? v.ratio.toFixed(4) : '—',
      fmtRatio(ratio(s.docs.median, s.element.median)),
      verdict(v.met),
    ];
  });
  const med = (list, key) => ms(median(list.map((s) => s[key]).filter((t) => Number.isFinite(t))), 0);
  const where = verdicts.flatMap((v) =>
    SPA_VARIANTS.map((x) => {
      const list = v.byVariant[x.key];
      return [
        profileLabel(v.profile),
        browserLabel(v.browser),
        x.key,
        med(list, 'frameLoadMs'),
        med(list, 'frameAskedMs'),
        med(list, 'tokensMs'),
        med(list, 'inBoxMs'),
        med(list, 'paintedMs'),
        med(list, 'ms'),
      ];
    }),
  );
  const all = Object.values(spa.samples).flatMap((byVariant) => Object.values(byVariant).flat());
  const versions = Object.entries(spa.versions ?? {})
    .map(([k, v]) => `${browserLabel(k)} ${v}`)
    .join(', ');
  return `## SPA navigation (prerender)

A single-page app whose page has long loaded changes its route to the one that shows Spotnana:
from that moment (the app appends \`<spotnana-embed>\`, or, on the docs' page, creates its
iframe) to the later of the fake frame receiving its tokens (its own clock, as in the network
section) and the first paint after which the frame's rect is the element's box (checked in
each animation frame). ${spa.case.label}. Variants, alternating run by run, each run in a fresh
browser context: **without prerender** (the element mounts at the route change; the element's
file loaded at start-up), **with prerender** (the app called \`SpotnanaEmbed.prerender()\` at
start-up with the element's options, and the route changes once that frame holds its tokens),
and the **docs' hand-written page** (its listener from start-up, its iframe created at the
route change). Every run checks one frame load, one token request and one answer (with
prerender: none of them after the route change, and \`spotnana-load\` and
\`spotnana-token-sent\` with \`prerendered: true\`).

Network: Firefox can only be set offline over WebDriver BiDi, so neither browser uses its own
emulation here: a TCP proxy in Node in front of each origin (app and token endpoint
\`127.0.0.1\`, CDN \`127.0.0.2\`, frame \`127.0.0.3\`) delays each byte by half a round trip each
way, sends at the profile's rate per connection and direction, and lets no byte of a new
connection reach the server before it is ${spa.setupRoundTrips} round trips old (DNS, TCP,
TLS). The profiles' round trips and rates are Chromium's presets. The token endpoint answers
after its exchange time (the proxy adds the round trip). Chromium runs with site isolation (the
frame out of process), Firefox as shipped. ${config.netRuns} runs per variant and cell after a
discarded warm-up round; up to ${config.netParallel} at a time on 3G, one at a time elsewhere.
Browsers: ${versions || '—'}.

${chart ? `![SPA navigation](${chart})\n\n` : ''}${table(
    [
      'network',
      'browser',
      'without prerender',
      'with prerender',
      "docs' page",
      'with ÷ without',
      "docs' ÷ without",
      `goal ≤ ${SPA_GOAL.max}`,
    ],
    rows,
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'l'],
  )}

Medians, min–max in brackets; the goal applies to ${SPA_GOAL.profiles.map(profileLabel).join(' and ')}.

Where the time goes (medians, ms from the route change; negative: before it):

${table(
  [
    'network',
    'browser',
    'variant',
    'frame loaded',
    'frame asked',
    'frame has tokens',
    'frame in the box',
    'painted',
    'end',
  ],
  where,
  ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
)}

Checks: ${all.length} runs kept, each passed its checks${spa.failures.length ? `; ${spa.failures.length} failed attempt(s), retried (see raw data)` : ''}.
`;
}
