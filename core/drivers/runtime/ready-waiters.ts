/** The outcome of a wait for a restarting driver. */
export type WaitOutcome = 'ready' | 'timeout' | 'broken' | 'stopped';

interface Waiter {
  resolve: (outcome: WaitOutcome) => void;
  timer: NodeJS.Timeout;
}

/**
 * Calls waiting for a restarting driver to be ready again. Each wait resolves once,
 * with the outcome, and never rejects; its timer is cleared when it resolves.
 */
export class ReadyWaiters {
  private readonly waiters = new Set<Waiter>();

  wait(timeoutMs: number): Promise<WaitOutcome> {
    return new Promise<WaitOutcome>((resolve) => {
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          resolve('timeout');
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Ends every wait with the outcome. */
  settleAll(outcome: Exclude<WaitOutcome, 'timeout'>): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(outcome);
    }
  }
}
