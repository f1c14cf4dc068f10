// The load generator: autocannon on loopback with a fixed connection count, a fixed request count
// and a time cap, every request allowed its own body and headers. Portal and baseline share it.
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  /** Exactly this many requests are sent (unless the time cap stops the run first). */
  amount: number;
  connections: number;
  maxSeconds: number;
  /** Body and extra headers of request number i. */
  vary?: (i: number) => { body?: string; headers?: Record<string, string> };
}

export interface LoadResult {
  requests: number;
  ok: number;
  failed: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /**
   * The server's CPU time a request (all its threads, user and system, in ms): unlike the rate,
   * it does not move with what else runs on the machine, such as the load generator.
   */
  cpuMsPerRequest?: number;
  /** Status and start of the first failed response, to say why requests failed. */
  firstFailure?: string;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  let next = 0;
  const base = { ...(spec.headers ?? {}) };
  const vary = spec.vary;
  let firstFailure: string | undefined;
  const onResponse = (status: number, body: string) => {
    if (status >= 300 && firstFailure === undefined)
      firstFailure = `${status} ${body.slice(0, 200)}`;
  };
  const started = performance.now();
  let last = started;
  // Without a callback autocannon returns its instance, which is also a promise of the result.
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    amount: spec.amount,
    timeout: Math.max(5, spec.maxSeconds),
    requests: [
      {
        method: spec.method,
        path: spec.path,
        headers: base,
        onResponse,
        ...(vary
          ? {
              setupRequest: (req: autocannon.Request) => {
                const v = vary(next++);
                return {
                  ...req,
                  ...(v.body !== undefined ? { body: v.body } : {}),
                  headers: { ...base, ...(v.headers ?? {}) },
                };
              },
            }
          : {}),
      },
    ],
  }) as unknown as autocannon.Instance & Promise<autocannon.Result>;
  // autocannon notices the end of a counted run only on its next one-second tick, so the run's
  // length is taken from the last response instead.
  instance.on('response', () => {
    last = performance.now();
  });
  // The time cap: an unexpectedly slow server cannot stretch a run past it.
  const cap = setTimeout(() => instance.stop(), spec.maxSeconds * 1000);
  const result = await instance;
  clearTimeout(cap);
  const seconds = (last - started) / 1000;
  const ok = result['2xx'];
  return {
    requests: result.requests.total,
    ok,
    failed: result.non2xx + result.errors,
    seconds: Math.round(seconds * 100) / 100,
    rps: Math.round(ok / seconds),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ...(firstFailure ? { firstFailure } : {}),
  };
}
