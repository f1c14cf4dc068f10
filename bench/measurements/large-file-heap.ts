// The tab's JS heap, sampled through the DevTools protocol while a page works: the page's own and
// every Web Worker's (the report page seals in one), each as `Runtime.getHeapUsage` counts it, the
// V8 heap plus the ArrayBuffer storage outside it (where file bytes and ciphertext live).
import type { Browser, CDPSession, Page } from 'playwright-core';

export interface HeapPeaks {
  /** Highest sum of the page's and its workers' heaps seen in one sample, in MB (2^20 bytes). */
  tabMb: number;
  pageMb: number;
  workerMb: number;
  samples: number;
}

interface HeapUsage {
  usedSize: number;
  backingStorageSize?: number;
}

const mb = (bytes: number) => Math.round(bytes / 104_857.6) / 10;
const heapOf = (u: HeapUsage | null) => (u ? u.usedSize + (u.backingStorageSize ?? 0) : 0);

/**
 * Workers are reached from a browser-level session in the protocol's non-flat mode (commands
 * wrapped in Target.sendMessageToTarget), as Playwright gives no session of a worker's own.
 */
class WorkerHeaps {
  private attached = new Map<string, string>(); // target id → session id
  private pending = new Map<number, (u: HeapUsage | null) => void>();
  private nextId = 0;

  constructor(private readonly cdp: CDPSession) {
    cdp.on('Target.receivedMessageFromTarget', (e) => {
      const m = JSON.parse(e.message) as { id?: number; result?: HeapUsage };
      if (m.id !== undefined) this.pending.get(m.id)?.(m.result ?? null);
    });
    cdp.on('Target.detachedFromTarget', (e) => {
      for (const [target, session] of this.attached) {
        if (session === e.sessionId) this.attached.delete(target);
      }
    });
  }

  private ask(sessionId: string): Promise<HeapUsage | null> {
    const id = ++this.nextId;
    return new Promise((resolve) => {
      // A worker that ended between the listing and the question never answers.
      const timer = setTimeout(() => resolve(null), 2000);
      this.pending.set(id, (u) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(u);
      });
      const message = JSON.stringify({ id, method: 'Runtime.getHeapUsage' });
      this.cdp
        .send('Target.sendMessageToTarget', { sessionId, message })
        .catch(() => resolve(null));
    });
  }

  async total(): Promise<number> {
    const { targetInfos } = await this.cdp.send('Target.getTargets');
    for (const t of targetInfos) {
      if (t.type !== 'worker' || this.attached.has(t.targetId)) continue;
      const { sessionId } = await this.cdp
        .send('Target.attachToTarget', { targetId: t.targetId, flatten: false })
        .catch(() => ({ sessionId: '' }));
      if (sessionId) this.attached.set(t.targetId, sessionId);
    }
    const usages = await Promise.all([...this.attached.values()].map((s) => this.ask(s)));
    return usages.reduce((sum, u) => sum + heapOf(u), 0);
  }
}

/** Samples every `everyMs` until `stop`, which answers the peaks. */
export async function sampleHeap(browser: Browser, page: Page, everyMs = 250) {
  const pageCdp = await page.context().newCDPSession(page);
  const browserCdp = await browser.newBrowserCDPSession();
  const workers = new WorkerHeaps(browserCdp);
  const peaks = { tab: 0, page: 0, worker: 0, samples: 0 };
  let running = true;
  const loop = (async () => {
    while (running) {
      const [p, w] = await Promise.all([
        pageCdp
          .send('Runtime.getHeapUsage')
          .then((u) => heapOf(u))
          .catch(() => 0),
        workers.total().catch(() => 0),
      ]);
      peaks.page = Math.max(peaks.page, p);
      peaks.worker = Math.max(peaks.worker, w);
      peaks.tab = Math.max(peaks.tab, p + w);
      peaks.samples++;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    stop: async (): Promise<HeapPeaks> => {
      running = false;
      await loop;
      await Promise.allSettled([pageCdp.detach(), browserCdp.detach()]);
      return {
        tabMb: mb(peaks.tab),
        pageMb: mb(peaks.page),
        workerMb: mb(peaks.worker),
        samples: peaks.samples,
      };
    },
  };
}
