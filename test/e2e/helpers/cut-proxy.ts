// A loopback TCP proxy in front of the portal that upsets the requests whose first line matches,
// the first `times` times, and lets every other byte pass untouched, so uploads run at full speed.
// - `cut` (the default) drops the connection in the middle of the request: a real cut (the
//   server gets a truncated body, the browser a reset). Chromium itself sends a request again (up
//   to twice) when a reused connection is reset before any answer: cut more often than that to
//   make sure the page sees the failure.
// - `hold` keeps the connection open and stops reading it: nothing of the request reaches the
//   portal, the browser's socket buffers fill and no more of its body leaves, as over a Tor
//   circuit that stalled. Only the page's own timer can end it. `release()` then drains what the
//   held connections still carry, discarding it, so that one the browser gave up shows its end.
// - `mute` reads the whole request and throws it away, and never answers: the body is sent, and
//   the answer never comes, as when the portal or the circuit dies after the body.
import { connect, createServer, type Socket } from 'node:net';

export interface CutProxy {
  base: string;
  /** How many times a connection was cut. */
  cuts(): number;
  /** How many requests were held (or muted). */
  held(): number;
  /** Held requests whose connection the browser closed (seen once they are released). */
  abandoned(): number;
  /** How many requests matched `line`, upset or not (a request sent again counts again). */
  matched(): number;
  /** Reads what the held connections still carry, and throws it away. */
  release(): void;
  close(): Promise<void>;
}

export interface CutOptions {
  /** How many matching requests are upset; those after pass. */
  times?: number;
  /** `cut`: how much of the body passes before the cut. */
  bodyBytes?: number;
  mode?: 'cut' | 'hold' | 'mute';
}

/** Finds `line` in what a connection sends, across reads, each match once. */
function lineFinder(line: RegExp) {
  const all = new RegExp(line.source, line.flags.includes('g') ? line.flags : `${line.flags}g`);
  let read = 0; // bytes of the connection read so far
  let tail = ''; // the end of what came before: a request line may span two reads
  let next = 0; // where the last match ended, counted from the connection's first byte
  /** The matches' offsets in `d` (negative when the line began in an earlier read). */
  return (d: Buffer): number[] => {
    const seen = tail + d.toString('latin1');
    const start = read - tail.length;
    read += d.length;
    tail = seen.slice(-200);
    const hits: number[] = [];
    for (const m of seen.matchAll(all)) {
      if (start + m.index < next) continue;
      next = start + m.index + m[0].length;
      hits.push(start + m.index - (read - d.length));
    }
    return hits;
  };
}

/**
 * Forwards to `target` (an http://127.0.0.1:port URL). The first `times` requests whose request
 * line matches `line` (not anchored: on a kept-alive connection a request follows the last
 * byte of the one before, with no line break) are cut after their head and `bodyBytes` of
 * their body, or held (see the file's header).
 */
export async function startCutProxy(
  target: string,
  line: RegExp,
  { times = 2, bodyBytes = 1024 * 1024, mode = 'cut' }: CutOptions = {},
): Promise<CutProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const holding = new Set<Socket>();
  let cuts = 0;
  let held = 0;
  let abandoned = 0;
  let matched = 0;
  let closing = false;
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    let hold = false;
    upstream.pipe(client);
    client.on('end', () => upstream.end());
    // A side that closes abruptly takes the other with it, as one connection would; a held
    // connection has no other side any more.
    upstream.on('close', () => hold || client.destroy());
    client.on('close', () => {
      upstream.destroy();
      if (hold && holding.delete(client) && !closing) abandoned++;
    });
    // Back-pressure by hand (the client side is read to find the line): pause while it drains.
    const send = (d: Buffer) => {
      if (!upstream.write(d)) {
        client.pause();
        upstream.once('drain', () => hold || client.resume());
      }
    };
    const find = lineFinder(line);
    let left = -1; // bytes still let through before the cut, once it is armed
    client.on('data', (d: Buffer) => {
      if (hold) return; // released, or muted: read and thrown away
      const hits = find(d);
      matched += hits.length;
      const at = hits[0];
      if (at !== undefined && mode !== 'cut' && held < times) {
        held++;
        hold = true;
        holding.add(client);
        send(d.subarray(0, Math.max(0, at))); // the end of an earlier request, if any
        upstream.unpipe(client);
        upstream.end(); // the portal sees an idle connection closed, and nothing of this request
        if (mode === 'hold') client.pause();
        return;
      }
      if (at !== undefined && mode === 'cut' && cuts < times && left < 0) {
        cuts++;
        left = bodyBytes + at + 2048; // head, then some body
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
    held: () => held,
    abandoned: () => abandoned,
    matched: () => matched,
    release: () => {
      for (const s of holding) s.resume();
    },
    close: async () => {
      closing = true;
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
