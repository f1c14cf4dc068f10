// Node only: runs the checks on what clients send (src/crypto/checks.ts) on threads of their own,
// so that the one thread that serves requests and writes the database does not also parse every
// OpenPGP packet: look-ups and sign-ins no longer wait behind that parsing, and on the 2-core
// bench machine ingest went from about 305 to 390 reports a second (docs/performance.md).
//
// Each call goes to the thread with the fewest calls in hand. A thread that dies (out of memory,
// say) fails the calls it held with 503, since any one of them may have caused it, and is
// replaced; with no thread left the checks run inline, as on Workers.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type Checks, inlineChecks, type ReportCheck } from '../crypto/checks';
import { AppError } from '../lib/errors';
import type { CheckAnswer, CheckCall, CheckRequest } from './check-worker';

interface Thread {
  worker: Worker;
  pending: Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>;
}

const WORKER_URL = new URL('./check-worker.mjs', import.meta.url);

/**
 * Each thread's heap, a bound and not a reservation. A body budget's worth of the largest armored
 * reports at once (sixteen of 4 MiB) ran within 32 MiB and not within 16
 * (test/entry/check-pool.test.ts): this leaves four times that.
 */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 };

/** One thread fewer than the cores (the serving thread keeps one), at least 1 and at most 4. */
const defaultCheckThreads = () => Math.max(1, Math.min(4, availableParallelism() - 1));

const busy = () => new AppError('unavailable', 'The server is busy; please try again.');

export class CheckPool implements Checks {
  /** Threads that answer calls; `workers` also holds those still starting. */
  private threads: Thread[] = [];
  private readonly workers = new Set<Worker>();
  private next = 1;
  private closed = false;

  private constructor(private readonly log: (line: string) => void) {}

  /** Starts `size` threads and resolves once each has loaded its code. */
  static async start(size: number, log: (line: string) => void = () => {}): Promise<CheckPool> {
    const pool = new CheckPool(log);
    try {
      await Promise.all(Array.from({ length: size }, () => pool.spawn()));
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  private spawn(): Promise<void> {
    const worker = new Worker(WORKER_URL, { resourceLimits: RESOURCE_LIMITS });
    const thread: Thread = { worker, pending: new Map() };
    this.workers.add(worker);
    return new Promise<void>((ready, failed) => {
      let started = false;
      worker.on('message', (msg: CheckAnswer | 'ready') => {
        if (msg === 'ready') {
          started = true;
          this.threads.push(thread);
          ready();
          return;
        }
        const p = thread.pending.get(msg.id);
        if (!p) return;
        thread.pending.delete(msg.id);
        if ('error' in msg) p.reject(new Error(`a check failed: ${msg.error}`));
        else p.resolve(msg.result);
      });
      worker.on('error', (err) => this.log(`A check thread stopped: ${err.message}`));
      worker.on('exit', () => {
        this.workers.delete(worker);
        this.threads = this.threads.filter((t) => t !== thread);
        for (const p of thread.pending.values()) p.reject(busy());
        thread.pending.clear();
        if (!started) failed(new Error('A check thread could not start.'));
        else if (!this.closed)
          this.spawn().catch(() =>
            this.log(`A check thread could not be restarted; ${this.threads.length} left.`),
          );
      });
    });
  }

  private call(request: CheckRequest): Promise<unknown> | null {
    let thread: Thread | undefined;
    for (const t of this.threads) if (!thread || t.pending.size < thread.pending.size) thread = t;
    if (!thread) return null;
    const id = this.next++;
    const { worker, pending } = thread;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id } satisfies CheckCall);
    });
  }

  report(publicKey: string, lockedKey: string, message: string): Promise<ReportCheck> {
    return (this.call({ op: 'report', publicKey, lockedKey, message }) ??
      inlineChecks.report(publicKey, lockedKey, message)) as Promise<ReportCheck>;
  }

  encryptedTo(input: string | Uint8Array): Promise<string[] | null> {
    // Binary messages (file chunks) stay here: openpgp.js reads their packets as views, in under
    // a millisecond for 5 MiB, less than copying them to a thread would take. Armored text is
    // what costs: it is decoded whole.
    if (typeof input !== 'string') return inlineChecks.encryptedTo(input);
    return (this.call({ op: 'encryptedTo', input }) ?? inlineChecks.encryptedTo(input)) as Promise<
      string[] | null
    >;
  }

  /** Threads running now. */
  get size(): number {
    return this.threads.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.workers].map((w) => w.terminate()));
  }
}

/**
 * The pool for a server's configuration, or undefined for inline checks: when configured to 0,
 * or when no thread starts (said in the log; the portal serves as before, on one thread).
 */
export async function startChecks(
  configured: number | null,
  log: (line: string) => void,
): Promise<CheckPool | undefined> {
  const size = configured ?? defaultCheckThreads();
  if (size === 0) return undefined;
  try {
    return await CheckPool.start(size, log);
  } catch (err) {
    log(`Checks run on the serving thread: ${(err as Error).message}`);
    return undefined;
  }
}
