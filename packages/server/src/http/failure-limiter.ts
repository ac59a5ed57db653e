/**
 * Counts failed authentication attempts per key (a source address or a
 * token hash) in a sliding window. A key with more than `limit` failures in
 * the last `windowMs` is blocked until its oldest counted failure leaves
 * the window.
 *
 * NOTE: the counts live in this process's memory. Several server instances
 * behind a load balancer each allow `limit` failures, and a restart forgets
 * them. That bounds guessing well enough for 256-bit tokens; a shared store
 * (Redis, the database) would be needed for an exact cluster-wide limit.
 */
export class FailureLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  /** Failure times in epoch milliseconds, oldest first, at most `limit + 1` per key. */
  readonly #failures = new Map<string, number[]>();

  constructor(options: { limit: number; windowMs: number; maxKeys?: number; now?: () => number }) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#maxKeys = options.maxKeys ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Records one failure for every key and returns the seconds to wait when
   * any of them is now over the limit, or undefined when none is.
   */
  recordFailure(keys: readonly string[]): number | undefined {
    const now = this.#now();
    let retryAfterMs: number | undefined;

    for (const key of keys) {
      const times = this.#recent(key, now);
      times.push(now);
      // Only the newest `limit + 1` failures decide whether the key is blocked.
      if (times.length > this.#limit + 1) times.shift();
      this.#failures.set(key, times);

      if (times.length > this.#limit) {
        const oldest = times[0] ?? now;
        const waitMs = oldest + this.#windowMs - now;
        retryAfterMs = Math.max(retryAfterMs ?? 0, waitMs);
      }
    }

    this.#evictIfFull(now);
    return retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(retryAfterMs / 1000));
  }

  /** Number of keys tracked, for tests of the memory bound. */
  get size(): number {
    return this.#failures.size;
  }

  #recent(key: string, now: number): number[] {
    const times = this.#failures.get(key) ?? [];
    return times.filter((time) => time > now - this.#windowMs);
  }

  /** Drops keys whose failures all left the window, then the oldest keys, so memory stays bounded. */
  #evictIfFull(now: number): void {
    if (this.#failures.size <= this.#maxKeys) return;

    for (const [key, times] of this.#failures) {
      if (times.every((time) => time <= now - this.#windowMs)) this.#failures.delete(key);
    }
    // Map iteration follows insertion order, so the first keys are the oldest.
    for (const key of this.#failures.keys()) {
      if (this.#failures.size <= this.#maxKeys) break;
      this.#failures.delete(key);
    }
  }
}
