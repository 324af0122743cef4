/**
 * Runs an async task after a first delay and then again `intervalMs` after each run
 * ends, so two runs never overlap. The timers do not keep the process alive.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly timing: { firstDelayMs: number; intervalMs: number },
    /** Receives a rejection of the task; the next run is scheduled anyway. */
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.schedule(this.timing.firstDelayMs);
  }

  /** Cancels the next run and waits for the run in progress. Never rejects. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.run(), delayMs);
    this.timer.unref();
  }

  private run(): void {
    this.timer = undefined;
    this.running = this.task()
      .catch((error: unknown) => this.onError(error))
      .finally(() => {
        this.running = undefined;
        this.schedule(this.timing.intervalMs);
      });
  }
}
