import { DriverError, type DriverCallContext, type DriverErrorCode } from './driver-error.js';

interface PendingRequest {
  context: DriverCallContext;
  resolve: (payload: unknown) => void;
  reject: (error: DriverError) => void;
  timer: NodeJS.Timeout;
}

/**
 * Requests sent to a driver and not yet answered, by request id. Each one settles
 * exactly once: by a reply, by its deadline or by `failAll`, and its timer is
 * cleared when it does.
 */
export class PendingRequests {
  private readonly requests = new Map<number, PendingRequest>();
  private idleWaiters: Array<() => void> = [];

  get size(): number {
    return this.requests.size;
  }

  /** Registers a request and returns the promise of its reply payload. */
  add(requestId: number, context: DriverCallContext, timeoutMs: number): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        const seconds = (timeoutMs / 1000).toFixed(timeoutMs % 1000 === 0 ? 0 : 1);
        this.settle(requestId)?.reject(new DriverError('TIMEOUT', context, `no reply within ${seconds} s`));
      }, timeoutMs);
      this.requests.set(requestId, { context, resolve, reject, timer });
    });
  }

  /** The context of a pending request, or undefined when none has that id. */
  contextOf(requestId: number): DriverCallContext | undefined {
    return this.requests.get(requestId)?.context;
  }

  resolve(requestId: number, payload: unknown): boolean {
    const request = this.settle(requestId);
    request?.resolve(payload);
    return request !== undefined;
  }

  reject(requestId: number, error: DriverError): boolean {
    const request = this.settle(requestId);
    request?.reject(error);
    return request !== undefined;
  }

  /** Fails every pending request with the same code and detail. */
  failAll(code: DriverErrorCode, detail: string): void {
    for (const requestId of [...this.requests.keys()]) {
      const request = this.settle(requestId);
      request?.reject(new DriverError(code, request.context, detail));
    }
  }

  /** Resolves once no request is pending. */
  idle(): Promise<void> {
    if (this.requests.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private settle(requestId: number): PendingRequest | undefined {
    const request = this.requests.get(requestId);
    if (request === undefined) return undefined;

    clearTimeout(request.timer);
    this.requests.delete(requestId);
    if (this.requests.size === 0) this.wakeIdleWaiters();
    return request;
  }

  private wakeIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
