// Request bodies on the Node server, read straight from Node's request rather than through a web
// stream: the same caps, memory budget and refusals as everywhere else, over real sockets.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { powHeaders, proofOfWork } from '../../src/client/pow';
import { type LiveServer, startLiveServer } from '../security/helpers/live-server';

let live: LiveServer;
beforeAll(async () => {
  live = await startLiveServer({ BODY_MEMORY_MB: '1' });
});
afterAll(() => live.stop());

const KB = 1024;

interface Exchange {
  /** Everything the server sent back until it closed the connection or `wait` ran out. */
  reply: Promise<string>;
  write: (data: string | Uint8Array) => void;
  cut: () => void;
}

/** A raw HTTP/1.1 exchange: the request's head now, its body as the test writes it. */
function exchange(head: string[], waitMs = 5000): Exchange {
  const socket = connect(live.port, '127.0.0.1');
  socket.on('error', () => undefined);
  let received = '';
  socket.on('data', (d) => {
    received += d.toString('latin1');
  });
  const reply = new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve(received), waitMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
  socket.write([...head, `Host: 127.0.0.1:${live.port}`, 'Connection: close', '', ''].join('\r\n'));
  return { reply, write: (d) => socket.write(d), cut: () => socket.destroy() };
}

const status = (reply: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0);
const errorCode = (reply: string) =>
  (JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) as { error: { code: string } }).error
    .code;

async function paidHead(length?: number): Promise<string[]> {
  const pow = powHeaders(await proofOfWork(live.fetcher, 'submit'));
  return [
    'POST /api/reports HTTP/1.1',
    'Content-Type: application/json',
    length === undefined ? 'Transfer-Encoding: chunked' : `Content-Length: ${length}`,
    ...Object.entries(pow).map(([k, v]) => `${k}: ${v}`),
  ];
}

/**
 * Sends `parts` as a paid chunked submission, again with fresh work until the answer has the
 * status `want` (at most 20 tries): the server takes in, or gives back, another sender's bytes at
 * its own pace, and a test must not guess how long that takes.
 */
async function answeredWith(want: number, parts: string[]): Promise<string> {
  let reply = '';
  for (let attempt = 0; attempt < 20 && status(reply) !== want; attempt++) {
    const sent = exchange(await paidHead(), 2000);
    for (const part of parts) sent.write(part);
    reply = await sent.reply;
    sent.cut();
  }
  return reply;
}

const chunk = (data: string) => `${data.length.toString(16)}\r\n${data}\r\n`;

describe('request bodies on the Node server', () => {
  it('parses a JSON body, and says which fields are wrong', async () => {
    const res = await live.fetcher('/api/reports', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...powHeaders(await proofOfWork(live.fetcher, 'submit')),
      },
      body: JSON.stringify({ unitId: 'x'.repeat(20 * KB) }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.message).toBe('The request body is not valid.');
    const bad = await live.fetcher('/api/reports', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...powHeaders(await proofOfWork(live.fetcher, 'submit')),
      },
      body: '{"unitId":',
    });
    expect(((await bad.json()) as { error: { message: string } }).error.message).toBe(
      'The body is not valid JSON.',
    );
  });

  it('refuses a chunked body past the cap with 413, without a length to refuse it early', async () => {
    const sign = exchange([
      'POST /api/auth/sign-in HTTP/1.1',
      'Content-Type: application/json',
      'Transfer-Encoding: chunked',
    ]);
    for (let i = 0; i < 40; i++) sign.write(chunk(' '.repeat(KB)));
    const reply = await sign.reply;
    expect(status(reply)).toBe(413);
    expect(errorCode(reply)).toBe('payload_too_large');
  });

  it('holds bodies against the memory budget as they arrive, and frees a body cut off midway', async () => {
    // 700 KiB of a paid submission's body is on its way: 700 of the 1,024 KiB budget once read.
    const held = exchange(await paidHead(900 * KB), 60_000);
    held.write(`{"x":"${' '.repeat(700 * KB)}`);
    // Another one then finds the budget taken once its bytes pass the rest: 429, nothing stored.
    const refusal = await answeredWith(429, [chunk(' '.repeat(400 * KB))]);
    expect(status(refusal)).toBe(429);
    expect(errorCode(refusal)).toBe('too_many_requests');
    // The first sender goes away mid-body: its 700 KiB are given back, so the same 400 KiB,
    // refused a moment ago, is now read whole (and refused as not JSON, a 400).
    held.cut();
    expect(await held.reply).toBe('');
    const answer = await answeredWith(400, [chunk(' '.repeat(400 * KB)), '0\r\n\r\n']);
    expect(status(answer)).toBe(400);
    expect(errorCode(answer)).toBe('invalid_request');
  }, 60_000);
});
