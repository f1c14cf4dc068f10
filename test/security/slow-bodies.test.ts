// Attack 1, slow bodies: idle connections that announce large bodies and trickle a byte now and
// then, and others that never finish their headers. Bytes count against the body budget only as
// they arrive, and the Node entry cuts off senders below the minimum rate, so real reporters and
// supervisors keep working during the attack and after it.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { powHeaders, proofOfWork } from '../../src/client/pow';
import { type LiveServer, startLiveServer } from './helpers/live-server';
import { REAL_USERS_WITHIN_MS, realUsersSucceed } from './helpers/real-users';

let live: LiveServer;
beforeAll(async () => {
  // A small budget (the old attack held it with 2 connections) and a one-second rate window, so
  // the test waits seconds; the defaults are 64 MB, 2 KiB/s over 10 s, headers within 10 s.
  live = await startLiveServer({
    BODY_MEMORY_MB: '8',
    BODY_MIN_BYTES_PER_SECOND: '1024',
    BODY_RATE_WINDOW_SECONDS: '1',
    HEADERS_TIMEOUT_SECONDS: '2',
  });
});
afterAll(() => live.stop());

interface Attacker {
  socket: Socket;
  /** Resolves when the server has closed the connection; the attacker never closes it. */
  closed: Promise<void>;
  stop: () => void;
}

/** Opens a connection, writes `head`, then one byte of `drip` every 250 ms until cut off. */
function attacker(head: string, drip: string): Attacker {
  const socket = connect(live.port, '127.0.0.1');
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(head);
  const timer = setInterval(() => {
    if (!socket.destroyed) socket.write(drip);
  }, 250);
  closed.then(() => clearInterval(timer));
  return { socket, closed, stop: () => clearInterval(timer) };
}

async function paidSlowSubmission(): Promise<Attacker> {
  const pow = powHeaders(await proofOfWork(live.fetcher, 'submit'));
  const head = [
    'POST /api/reports HTTP/1.1',
    `Host: 127.0.0.1:${live.port}`,
    'Content-Type: application/json',
    `Content-Length: ${4 * 1024 * 1024}`,
    ...Object.entries(pow).map(([k, v]) => `${k}: ${v}`),
    '',
    '{',
  ].join('\r\n');
  return attacker(head, ' ');
}

describe('slow bodies', () => {
  it(
    'cuts off trickling senders, and real users succeed during and after the attack',
    async () => {
      // 16 paid submissions announcing 4 MB each (64 MB, eight times the budget) and 4
      // connections that never finish their headers.
      const attackers = await Promise.all(Array.from({ length: 16 }, paidSlowSubmission));
      for (let i = 0; i < 4; i++)
        attackers.push(
          attacker(`POST /api/reports HTTP/1.1\r\nHost: 127.0.0.1:${live.port}\r\n`, 'X'),
        );
      // During the attack: announced bytes hold nothing, so there is room for the real ones.
      await realUsersSucceed(live.fetcher, await live.demoKey('basic-supervisor'));
      // Every attacking connection is closed by the server, not by the attacker.
      await Promise.all(attackers.map((a) => a.closed));
      expect(attackers.every((a) => a.socket.destroyed)).toBe(true);
      await realUsersSucceed(live.fetcher, await live.demoKey('basic-supervisor'));
    },
    REAL_USERS_WITHIN_MS,
  );
});
