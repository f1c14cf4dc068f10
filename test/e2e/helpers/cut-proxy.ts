// A loopback TCP proxy in front of the portal that drops the connection in the middle of the
// requests whose first line matches, the first `times` times: a real cut (the server gets a
// truncated body, the browser a reset), and every other byte passes untouched, so uploads run at
// full speed. Chromium itself sends a request again (up to twice) when a reused connection is
// reset before any answer: cut more often than that to make sure the page sees the failure.
import { connect, createServer, type Socket } from 'node:net';

export interface CutProxy {
  base: string;
  /** How many times a connection was cut. */
  cuts(): number;
  close(): Promise<void>;
}

/**
 * Forwards to `target` (an http://127.0.0.1:port URL). The first `times` requests whose request
 * line matches `line` (not anchored: on a kept-alive connection a request follows the last
 * byte of the one before, with no line break) get their head and `bodyBytes` of their body through, then both sides of
 * the connection are reset.
 */
export async function startCutProxy(
  target: string,
  line: RegExp,
  { times = 2, bodyBytes = 1024 * 1024 } = {},
): Promise<CutProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let cuts = 0;
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    upstream.pipe(client);
    client.on('end', () => upstream.end());
    // A side that closes abruptly takes the other with it, as one connection would.
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
    // Back-pressure by hand (the client side is read to find the line): pause while it drains.
    const send = (d: Buffer) => {
      if (!upstream.write(d)) {
        client.pause();
        upstream.once('drain', () => client.resume());
      }
    };
    let tail = ''; // the end of what came before: a request line may span two reads
    let left = -1; // bytes still let through before the cut, once it is armed
    client.on('data', (d: Buffer) => {
      if (cuts < times && left < 0) {
        const seen = tail + d.toString('latin1');
        const at = seen.search(line);
        tail = seen.slice(-200);
        if (at >= 0) {
          cuts++;
          left = bodyBytes + (at - (seen.length - d.length)) + 2048; // head, then some body
        }
      }
      if (left < 0) return send(d);
      send(d.subarray(0, Math.max(0, left)));
      left -= d.length;
      if (left <= 0) {
        upstream.resetAndDestroy();
        client.resetAndDestroy();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const listening = typeof address === 'object' && address ? address.port : 0;
  return {
    base: `http://127.0.0.1:${listening}`,
    cuts: () => cuts,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
