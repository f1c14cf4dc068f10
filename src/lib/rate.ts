// In-memory counters for abuse control without tracking anyone: they count events, never who
// caused them. Per process (or per Workers isolate), which is enough to blunt a flood.

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
    this.tokens = Math.min(
      this.burst,
      this.tokens + ((nowMs - this.last) / 1000) * this.ratePerSecond,
    );
    this.last = nowMs;
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

/** Per-key failure counts that expire, for throttling repeated failed sign-ins on one key. */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  private recent(key: string, nowMs: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => t > nowMs - this.windowMs);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }

  blocked(key: string, nowMs: number): number | null {
    const list = this.recent(key, nowMs);
    if (list.length < this.max) return null;
    return Math.ceil(((list[0] ?? nowMs) + this.windowMs - nowMs) / 1000);
  }

  fail(key: string, nowMs: number): void {
    const list = this.recent(key, nowMs);
    list.push(nowMs);
    this.failures.set(key, list);
    if (this.failures.size > 10_000)
      this.failures.delete(this.failures.keys().next().value as string);
  }

  clear(key: string): void {
    this.failures.delete(key);
  }
}

/**
 * Bytes of request bodies being received or worked on at once, across all requests. A body is
 * read whole before the check it carries (a submission's proof of work is inside it), so without
 * a cap a flood of large bodies would take the server's memory with it. A request bigger than the
 * whole budget may still run when it is the only one.
 */
export class ByteBudget {
  private used = 0;

  constructor(private readonly limit: number) {}

  take(bytes: number): boolean {
    if (this.used > 0 && this.used + bytes > this.limit) return false;
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
