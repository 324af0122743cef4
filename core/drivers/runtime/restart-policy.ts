const WINDOW_MS = 60_000;

export interface RestartPolicyOptions {
  maxRestartsPerMinute: number;
  restartBackoffMs: number;
  maxRestartBackoffMs: number;
  now?: () => number;
}

/**
 * Decides whether a crashed driver is restarted and after how long. Restarts in the
 * last 60 seconds are counted; the delay doubles with each of them, and past the
 * limit the driver is given up on.
 */
export class RestartPolicy {
  private restarts: number[] = [];
  private readonly now: () => number;

  constructor(private readonly options: RestartPolicyOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Records a crash. Returns the delay before the restart in milliseconds, or
   * undefined when the driver crashed too often in the last minute to restart.
   */
  nextDelay(): number | undefined {
    const now = this.now();
    this.restarts = this.restarts.filter((time) => now - time < WINDOW_MS);
    if (this.restarts.length >= this.options.maxRestartsPerMinute) return undefined;

    const delay = this.options.restartBackoffMs * 2 ** this.restarts.length;
    this.restarts.push(now);
    return Math.min(delay, this.options.maxRestartBackoffMs);
  }

  /** Restarts counted in the current window. */
  get recentRestarts(): number {
    return this.restarts.length;
  }
}
