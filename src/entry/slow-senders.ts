// Node only: cuts off clients that send a request too slowly, so that a few idle connections
// trickling bytes cannot hold the server's sockets and memory for minutes. Headers must arrive
// within `headersTimeoutMs`; a body must keep up at least `minBytesPerSecond`, measured over each
// window of `windowMs`; a whole request must arrive within `requestTimeoutMs`.
import type { IncomingMessage, Server, ServerOptions } from 'node:http';

export interface SlowSenderLimits {
  headersTimeoutMs: number;
  bodyMinBytesPerSecond: number;
  bodyRateWindowMs: number;
  requestTimeoutMs: number;
}

/** Options for `http.createServer`: Node's own header and whole-request timeouts. */
export function timeoutOptions(l: SlowSenderLimits): ServerOptions {
  return {
    headersTimeout: l.headersTimeoutMs,
    requestTimeout: l.requestTimeoutMs,
    // How often Node checks the two timeouts above; its default (30 s) would let them run late.
    connectionsCheckingInterval: Math.min(1000, l.headersTimeoutMs),
    keepAliveTimeout: 5000,
  };
}

/**
 * Watches each request's body as it arrives, through the socket's byte count (the body stream
 * itself is left alone for the app to read), and destroys the connection of a sender that falls
 * below the minimum rate in any window. Nothing about the client is kept or logged.
 */
export function cutSlowSenders(server: Server, l: SlowSenderLimits): void {
  const needed = Math.ceil((l.bodyMinBytesPerSecond * l.bodyRateWindowMs) / 1000);
  server.on('request', (req: IncomingMessage) => {
    const socket = req.socket;
    if (req.complete || !hasBody(req)) return;
    let mark = socket.bytesRead;
    const timer = setInterval(() => {
      if (req.complete || socket.destroyed) return clearInterval(timer);
      const received = socket.bytesRead - mark;
      mark = socket.bytesRead;
      if (received < needed) {
        clearInterval(timer);
        socket.destroy();
      }
    }, l.bodyRateWindowMs);
    timer.unref();
    // The socket outlives the request when kept alive: its listener goes with the request, or
    // every request on the connection would add one and keep its request in memory.
    const stop = () => {
      clearInterval(timer);
      socket.removeListener('close', stop);
    };
    req.once('end', stop);
    req.once('close', stop);
    socket.once('close', stop);
  });
}

const hasBody = (req: IncomingMessage) =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
