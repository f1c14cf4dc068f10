// Child process that runs one server under load: the real portal (`portal`) or the bare baseline
// with its yardsticks (`baseline`). It reports its port over IPC and stops when the parent goes away or time runs out.
import { serve } from '@hono/node-server';
import { startNodeServer } from '../src/entry/node';
import { createBaselineApp, openBaselineDb, openDurable } from './baseline';
import { createYardstickApp } from './yardstick';

const mode = process.argv[2];
const maxSeconds = Number(process.env.BENCH_MAX_SECONDS ?? '900');

async function start(): Promise<() => Promise<void>> {
  if (mode === 'portal') {
    const { close } = await startNodeServer({ ...process.env, PORTAL_QUIET: '1' }, () => {});
    return close;
  }
  if (mode === 'baseline') {
    const client = await openBaselineDb(process.env.DATABASE_URL ?? '');
    // The yardsticks, on a copy of the portal's seeded database.
    const same = await openDurable(process.env.SAME_DATABASE_URL ?? '');
    const app = createBaselineApp(client).route('/same', createYardstickApp(same));
    const server = serve({
      fetch: app.fetch,
      port: Number(process.env.PORT),
      hostname: '127.0.0.1',
    });
    return () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          client.close();
          same.close();
          resolve();
        }),
      );
  }
  throw new Error(`unknown server mode ${mode}`);
}

const close = await start();
let stopping = false;
const stop = (code: number) => {
  if (stopping) return;
  stopping = true;
  // A stuck connection must not keep the process alive: exit anyway shortly after.
  setTimeout(() => process.exit(code), 2000).unref();
  close().finally(() => process.exit(code));
};
// Bounded lifetime: even an abandoned server stops by itself.
setTimeout(() => stop(3), maxSeconds * 1000).unref();
process.on('disconnect', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.send?.({ ready: true });
