// In-memory counters for abuse control without tracking anyone: they count events, never who
// caused them. Shared across Workers isolates only through src/lib/limits.ts.

/** Events in the last `windowSeconds`, kept in one-second buckets. */
export class SlidingCounter {
  private readonly buckets: number[];
  private readonly stamps: number[];

  constructor(private readonly windowSeconds: number) {
    this.buckets = new Array(windowSeconds).fill(0);
    this.stamps = new Array(windowSeconds).fill(-1);
  }

  add(nowMs: number, n = 1): void {
    const second = Math.floor(nowMs / 1000);
    const i = second % this.windowSeconds;
    if (this.stamps[i] !== second) {
      this.stamps[i] = second;
      this.buckets[i] = 0;
    }
    this.buckets[i] = (this.buckets[i] ?? 0) + n;
  }

  total(nowMs: number): number {
    const second = Math.floor(nowMs / 1000);
    let sum = 0;
    for (let i = 0; i < this.windowSeconds; i++) {
      const stamp = this.stamps[i] ?? -1;
      if (stamp > second - this.windowSeconds && stamp <= second) sum += this.buckets[i] ?? 0;
    }
    return sum;
  }
}

/** A token bucket: `ratePerSecond` sustained, `burst` at once. */
export class TokenBucket {
  private tokens: number;
  private last = 0;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** Takes a token if one is there; otherwise says how many seconds until one will be. */
  take(nowMs: number): { ok: true } | { ok: false; retryAfter: number } {
    if (this.last === 0) this.last = nowMs;
    // A clock set back (a test's, or another instance's) refills nothing rather than draining.
    const elapsed = Math.max(0, nowMs - this.last);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed / 1000) * this.ratePerSecond);
    // Kept at the latest time seen: a clock that went back and returns refills nothing twice.
    this.last = Math.max(this.last, nowMs);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return {
      ok: false,
      retryAfter: Math.max(1, Math.ceil((1 - this.tokens) / this.ratePerSecond)),
    };
  }
}

/**
 * Bytes of request bodies received and held at once, across all requests. Bodies are read whole,
 * so without a cap a flood of large bodies would take the server's memory with it. Bytes are
 * taken as they arrive, never as announced, so a sender that announces much and sends little
 * holds nothing. A body bigger than the whole budget may still arrive when it is the only one.
 */
export class ByteBudget {
  private used = 0;

  constructor(private readonly limit: number) {}

  /** `own` is what the taker already holds: a taker that is alone is never refused. */
  take(bytes: number, own = 0): boolean {
    if (this.used > own && this.used + bytes > this.limit) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }

  get inUse(): number {
    return this.used;
  }
}
