// The matrix app on Node, through node:http and nothing else (so that it runs on the
// oldest Node that `engines` admits). Config: the SPOTNANA_MATRIX environment variable.
import { createServer } from 'node:http';
import { createApp } from './app.mjs';

const app = createApp(JSON.parse(process.env.SPOTNANA_MATRIX));

const server = createServer(async (req, res) => {
  // The page going away aborts the exchange.
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const request = new Request(new URL(req.url, `http://${req.headers.host}`), {
    method: req.method,
    headers: Object.entries(req.headers).flatMap(([name, value]) => [value].flat().map((v) => [name, v])),
    body: hasBody ? Buffer.concat(chunks) : undefined,
    signal: controller.signal,
  });
  const response = await app(request);
  res.writeHead(response.status, [...response.headers].flat());
  res.end(Buffer.from(await response.arrayBuffer()));
});
server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
