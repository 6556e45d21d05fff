// The OpenTelemetry recipe of docs/backend.md, run as it is written there: its code block is
// taken from the Markdown file (as test/docs/snippets.ts reads fences), given createTokenHandler's onExchange, and made to record an
// ok, a rejected and a failed exchange against the emulator, into the SDK's in-memory span
// and metric exporters. One span per exchange, with its outcome; no attribute of a span or
// of a metric data point holds a token, the subject token or a client secret.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { metrics, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type Histogram,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createTokenHandler, type TokenExchangeEvent } from '../../src/server/index.ts';
import { closedPortUrl } from '../support/servers.ts';
import { startSpotnana, type SpotnanaFixture } from '../support/spotnana.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const CLIENT_ID = 'otel-client';
const CLIENT_SECRET = 'otel-secret-8a7b6c5d4e3f';
const WRONG_SECRET = 'otel-wrong-secret-1b2c3d4e5f';
const SUBJECT = 'otel-subject-token-9e8d7c6b';
const APP = 'http://app.example';

/** The recipe's code block: the one TypeScript block of docs/backend.md that makes the span. */
function recipeCode(): string {
  const markdown = readFileSync(`${root}docs/backend.md`, 'utf8');
  const blocks = [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)]
    .map((match) => match[1]!)
    .filter((code) => code.includes("'spotnana.token_exchange'"));
  assert.equal(blocks.length, 1, 'docs/backend.md has one OpenTelemetry recipe');
  return blocks[0]!;
}

const spans = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const metricReader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
const meterProvider = new MeterProvider({ readers: [metricReader] });

let spotnana: SpotnanaFixture;
let recordTokenExchange: (event: TokenExchangeEvent) => void;

before(async () => {
  // The SDK first, as an app sets it up before loading its routes.
  assert.ok(trace.setGlobalTracerProvider(tracerProvider), 'the tracer provider is registered');
  assert.ok(metrics.setGlobalMeterProvider(meterProvider), 'the meter provider is registered');
  // In the repository, so that @opentelemetry/api resolves as in an app.
  const dir = `${root}.cache/otel-recipe/`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}recipe.ts`, recipeCode());
  ({ recordTokenExchange } = await import(pathToFileURL(`${dir}recipe.ts`).href));
  assert.equal(typeof recordTokenExchange, 'function', 'the recipe exports recordTokenExchange');
  spotnana = await startSpotnana({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    subjects: { [SUBJECT]: 'alice@example.com' },
    users: ['alice@example.com'],
  });
});

after(async () => {
  await spotnana?.close();
  await meterProvider.shutdown();
  await tracerProvider.shutdown();
  trace.disable();
  metrics.disable();
});

describe('the OpenTelemetry recipe of docs/backend.md', () => {
  it('records one span and one duration per exchange, with its outcome, and no secret', async () => {
    const events: TokenExchangeEvent[] = [];
    const handler = (apiUrl: string, clientSecret: string) =>
      createTokenHandler({
        apiUrl,
        clientId: CLIENT_ID,
        clientSecret,
        getSubjectToken: () => SUBJECT,
        onExchange: (event) => {
          events.push(event);
          recordTokenExchange(event);
        },
        onError: () => {},
      });
    const post = (method = 'POST') => new Request(`${APP}/api/spotnana-token`, { method, headers: { origin: APP } });

    const emulator = spotnana.emulator.url;
    // Refused before Spotnana is called: no span.
    assert.equal((await handler(emulator, CLIENT_SECRET)(post('GET'))).status, 405);
    const ok = await handler(emulator, CLIENT_SECRET)(post());
    assert.equal(ok.status, 200);
    const { accessToken, refreshToken } = (await ok.json()) as { accessToken: string; refreshToken: string };
    assert.equal((await handler(emulator, WRONG_SECRET)(post())).status, 403);
    assert.equal((await handler(await closedPortUrl(), CLIENT_SECRET)(post())).status, 502);

    const finished = spans.getFinishedSpans();
    assert.deepEqual(
      finished.map((span) => [span.name, span.attributes, span.status.code]),
      [
        [
          'spotnana.token_exchange',
          { 'spotnana.token_exchange.outcome': 'ok', 'http.response.status_code': 200 },
          SpanStatusCode.UNSET,
        ],
        [
          'spotnana.token_exchange',
          {
            'spotnana.token_exchange.outcome': 'rejected',
            'error.type': 'invalid_client',
            'http.response.status_code': 401,
          },
          SpanStatusCode.ERROR,
        ],
        [
          'spotnana.token_exchange',
          { 'spotnana.token_exchange.outcome': 'error', 'error.type': 'network_error' },
          SpanStatusCode.ERROR,
        ],
      ],
    );
    assert.equal(events.length, 3);
    finished.forEach((span, i) => {
      const ms = span.duration[0] * 1e3 + span.duration[1] / 1e6;
      assert.ok(
        Math.abs(ms - events[i]!.durationMs) <= 1,
        `span ${i} lasts ${ms} ms, the exchange ${events[i]!.durationMs}`,
      );
    });

    await metricReader.forceFlush();
    const histogram = metricExporter
      .getMetrics()
      .flatMap((resource) => resource.scopeMetrics)
      .flatMap((scope) => scope.metrics)
      .find((metric) => metric.descriptor.name === 'spotnana.token_exchange.duration');
    assert.ok(histogram, 'the duration histogram is exported');
    assert.equal(histogram.descriptor.unit, 'ms');
    assert.equal(histogram.dataPointType, DataPointType.HISTOGRAM);
    assert.deepEqual(
      histogram.dataPoints.map((point) => [point.attributes, (point.value as Histogram).count]),
      finished.map((span) => [span.attributes, 1]),
    );
    histogram.dataPoints.forEach((point, i) => {
      assert.equal((point.value as Histogram).sum, events[i]!.durationMs);
    });

    // Everything the exporters would send: names, attributes, status messages, events.
    const exported = JSON.stringify([
      finished.map((span) => [
        span.name,
        span.attributes,
        span.status,
        span.events,
        span.links,
        span.resource.attributes,
      ]),
      metricExporter.getMetrics(),
    ]);
    for (const secret of [accessToken, refreshToken, SUBJECT, CLIENT_SECRET, WRONG_SECRET]) {
      assert.ok(!exported.includes(secret), `the telemetry holds ${JSON.stringify(secret)}`);
    }
  });
});
