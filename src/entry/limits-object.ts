// Workers only: the portal's shared limits in one Durable Object, so that the load meters, the
// look-up cap and single-use marks hold across isolates and locations, where each isolate's own
// memory would limit nothing. It keeps counts in memory only: nothing about a client, and nothing
// on disk. If Cloudflare evicts it, the meters start again from zero, as after a Node restart.
import type { Limits, Meter, Slot } from '../lib/limits';
import { MemoryLimits } from '../lib/limits';

type Op =
  | { op: 'paid'; meter: Meter; now: number }
  | { op: 'load'; meter: Meter; now: number }
  | { op: 'takeLookup'; now: number; rate: number }
  | { op: 'claim'; hash: string; expiresAt: number; now: number };

/** The Durable Object class (wrangler.toml: binding LIMITS, class PortalLimits). */
export class PortalLimits {
  /** One set of limits per look-up rate, so a changed setting starts a fresh bucket. */
  private readonly byRate = new Map<number, MemoryLimits>();
  private readonly shared = new MemoryLimits(1);

  async fetch(request: Request): Promise<Response> {
    const op = (await request.json()) as Op;
    // Wrapped, since `paid` answers nothing and an empty body is not JSON.
    return Response.json({ value: (await this.run(op)) ?? null });
  }

  private run(op: Op): Promise<unknown> {
    switch (op.op) {
      case 'paid':
        return this.shared.paid(op.meter, op.now);
      case 'load':
        return this.shared.load(op.meter, op.now);
      case 'claim':
        return this.shared.claim(op.hash, op.expiresAt, op.now);
      case 'takeLookup': {
        const limits = this.byRate.get(op.rate) ?? new MemoryLimits(op.rate);
        this.byRate.set(op.rate, limits);
        return limits.takeLookup(op.now);
      }
    }
  }
}

export interface LimitsStub {
  fetch(request: Request): Promise<Response>;
}

export interface LimitsNamespace {
  idFromName(name: string): unknown;
  get(id: unknown): LimitsStub;
}

/** The Worker's side: each call is one request to the one object every isolate shares. */
export class DurableLimits implements Limits {
  private readonly stub: LimitsStub;

  constructor(
    namespace: LimitsNamespace,
    private readonly lookupsPerSecond: number,
  ) {
    this.stub = namespace.get(namespace.idFromName('portal-limits'));
  }

  private async call<T>(op: Op): Promise<T> {
    const res = await this.stub.fetch(
      new Request('https://limits.internal/', { method: 'POST', body: JSON.stringify(op) }),
    );
    if (!res.ok) throw new Error(`limits object answered ${res.status}`);
    return ((await res.json()) as { value: T }).value;
  }

  async paid(meter: Meter, now: number): Promise<void> {
    await this.call({ op: 'paid', meter, now });
  }

  load(meter: Meter, now: number): Promise<number> {
    return this.call({ op: 'load', meter, now });
  }

  takeLookup(now: number): Promise<Slot> {
    return this.call({ op: 'takeLookup', now, rate: this.lookupsPerSecond });
  }

  claim(hash: string, expiresAt: number, now: number): Promise<boolean> {
    return this.call({ op: 'claim', hash, expiresAt, now });
  }
}
