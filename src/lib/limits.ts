// Shared abuse limits: load meters of paid work, the global look-up cap, and single-use marks.
// One portal must see one set of them: on Node they live in the process; on Workers in one
// Durable Object (src/entry/limits-object.ts), since each isolate's memory would limit nothing.
import { SlidingCounter, TokenBucket } from './rate';

export type Slot = { ok: true } | { ok: false; retryAfter: number };
export type Meter = 'submit' | 'lookup';

export interface Limits {
  /** Counts one proof of work that was checked and paid; free requests are never counted. */
  paid(meter: Meter, nowMs: number): Promise<void>;
  /** Paid work of this kind in the last minute. */
  load(meter: Meter, nowMs: number): Promise<number>;
  /** One look-up from the global cap, or how long to wait for one. */
  takeLookup(nowMs: number): Promise<Slot>;
  /** Marks a single-use token used until `expiresAt` (seconds); false if it already was. */
  claim(hash: string, expiresAt: number, nowMs: number): Promise<boolean>;
}

export const MAX_CLAIMS_IN_MEMORY = 200_000;

/** The limits held in one process's memory: counts of events, never of who caused them. */
export class MemoryLimits implements Limits {
  private readonly meters = { submit: new SlidingCounter(60), lookup: new SlidingCounter(60) };
  private readonly lookups: TokenBucket;
  /** Claimed token hash → expiry (seconds), oldest first. */
  readonly claims = new Map<string, number>();

  constructor(lookupsPerSecond: number) {
    this.lookups = new TokenBucket(lookupsPerSecond, lookupsPerSecond * 2);
  }

  async paid(meter: Meter, nowMs: number): Promise<void> {
    this.meters[meter].add(nowMs);
  }

  async load(meter: Meter, nowMs: number): Promise<number> {
    return this.meters[meter].total(nowMs);
  }

  async takeLookup(nowMs: number): Promise<Slot> {
    return this.lookups.take(nowMs);
  }

  async claim(hash: string, expiresAt: number, nowMs: number): Promise<boolean> {
    if (this.claims.has(hash)) return false;
    this.makeRoom(Math.floor(nowMs / 1000));
    this.claims.set(hash, expiresAt);
    return true;
  }

  /**
   * When the map is full, room is made from its oldest end: expired entries go, then, if it is
   * still full, the oldest live one (its work was paid, and it expires soon). The sweep stops at
   * the first live entry once there is room, so a full map costs a few steps, not a full pass.
   */
  private makeRoom(now: number): void {
    if (this.claims.size < MAX_CLAIMS_IN_MEMORY) return;
    for (const [hash, expires] of this.claims) {
      if (expires >= now && this.claims.size < MAX_CLAIMS_IN_MEMORY) break;
      this.claims.delete(hash);
    }
  }
}
