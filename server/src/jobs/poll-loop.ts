/**
 * The loop behind the job runner and the notification dispatcher: `work` runs when woken (right
 * after something was committed) and every `pollMs` (for retries falling due). Wakes that arrive
 * while it runs make it run once more instead of overlapping.
 */
export class PollLoop {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  stopped = true;

  constructor(
    private readonly work: () => Promise<void>,
    private readonly pollMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), this.pollMs);
    this.timer.unref();
    this.wake();
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.runWhileWoken()
      .catch(this.onError)
      .finally(() => {
        this.running = null;
      });
  }

  /** Stops waking; the pass in progress goes on (see `settled`). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The pass in progress, if any. */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async runWhileWoken(): Promise<void> {
    do {
      this.again = false;
      await this.work();
    } while (this.again && !this.stopped);
  }
}

/** The wait before retrying after the n-th failed attempt (n ≥ 1): base·2^(n−1), at most `maxMs`. */
export function backoffMs(baseMs: number, attempt: number, maxMs = Infinity): number {
  return Math.min(maxMs, baseMs * 2 ** (attempt - 1));
}
