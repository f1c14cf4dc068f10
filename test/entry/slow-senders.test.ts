// The slow-sender guard on a kept-alive connection: each request's watch ends with the request,
// so a connection that carries many requests with bodies does not pile up listeners (and with
// them every request it carried) until it closes.
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cutSlowSenders } from '../../src/entry/slow-senders';

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.end('ok'));
});
const sockets: Socket[] = [];
server.on('connection', (s) => sockets.push(s));
beforeAll(async () => {
  cutSlowSenders(server, {
    headersTimeoutMs: 5000,
    bodyMinBytesPerSecond: 1,
    bodyRateWindowMs: 60_000,
    requestTimeoutMs: 60_000,
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('the slow-sender guard', () => {
  it('leaves no listener behind on a kept-alive socket after each request', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const { port } = server.address() as AddressInfo;
    const post = () =>
      new Promise<string>((resolve, reject) => {
        const req = request(
          { port, host: '127.0.0.1', method: 'POST', path: '/', agent },
          (res) => {
            let body = '';
            res.on('data', (d) => (body += d));
            res.on('end', () => resolve(body));
          },
        );
        req.on('error', reject);
        req.end('{"a":1}');
      });
    const before = await post();
    const listeners = sockets[0]!.listenerCount('close');
    for (let i = 0; i < 30; i++) expect(await post()).toBe('ok');
    expect(before).toBe('ok');
    // Every request went over the one connection, and left its listener count as it found it.
    expect(sockets).toHaveLength(1);
    expect(sockets[0]!.listenerCount('close')).toBe(listeners);
    agent.destroy();
  });
});
