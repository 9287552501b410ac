/**
 * Fixed-window request counters in memory, one per key (`staff-login|ip:<ip>`, `upload|user:<id>` …).
 * Pure: the caller passes the time, so tests move it. A window allows `max` hits; the next one
 * is refused with the seconds until the window ends (Retry-After). At most twice `max` can pass
 * around a window boundary, which is fine for abuse limits.
 *
 * Memory stays bounded: run-out windows are swept (at most once per `sweepEveryMs`), and past
 * `maxKeys` the oldest windows are dropped (they are the ones closest to running out anyway). One
 * process, one table: behind several server processes each counts alone.
 */
export interface RateRule {
  max: number;
  windowMs: number;
}

export type RateVerdict = { allowed: true } | { allowed: false; retryAfterS: number };

export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private nextSweep = 0;

  constructor(private readonly options: { maxKeys?: number; sweepEveryMs?: number } = {}) {}

  hit(key: string, rule: RateRule, nowMs: number): RateVerdict {
    this.sweep(nowMs);
    let window = this.windows.get(key);
    if (!window || window.resetAt <= nowMs) {
      this.windows.delete(key);
      window = { count: 0, resetAt: nowMs + rule.windowMs };
      this.windows.set(key, window);
      this.trim();
    }
    if (window.count >= rule.max) return { allowed: false, retryAfterS: Math.max(1, Math.ceil((window.resetAt - nowMs) / 1000)) };
    window.count++;
    return { allowed: true };
  }

  get size(): number {
    return this.windows.size;
  }

  private sweep(nowMs: number): void {
    if (nowMs < this.nextSweep) return;
    this.nextSweep = nowMs + (this.options.sweepEveryMs ?? 60_000);
    for (const [key, window] of this.windows) if (window.resetAt <= nowMs) this.windows.delete(key);
  }

  private trim(): void {
    const maxKeys = this.options.maxKeys ?? 100_000;
    // Map order is insertion order: the first keys opened their windows longest ago.
    for (const key of this.windows.keys()) {
      if (this.windows.size <= maxKeys) break;
      this.windows.delete(key);
    }
  }
}
