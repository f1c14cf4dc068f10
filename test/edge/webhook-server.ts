// A notice webhook for the edge tests, on the Node side of the pool: it records each POST (its
// authorization header and JSON body) and hands the list back on GET /received. It listens on
// 127.0.0.1 only and never keeps the test process alive.
import { createServer } from 'node:http';

export async function startWebhookServer(): Promise<string> {
  const received: { authorization: string | null; body: unknown }[] = [];
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/received') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(received));
      return;
    }
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      if (req.url === '/refuse') {
        res.writeHead(503).end();
        return;
      }
      received.push({
        authorization: req.headers.authorization ?? null,
        body: JSON.parse(Buffer.concat(parts).toString('utf8')),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}
