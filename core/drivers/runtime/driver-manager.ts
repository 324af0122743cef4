import { setTimeout as sleepFor } from 'node:timers/promises';
import { messageOf } from './deadline.js';
import type { DriverDirectory, InstalledDriver, RetrySettings } from './driver-directory.js';
import { DriverError, isRetryable, type DriverCallContext } from './driver-error.js';
import type { DriverLogSink } from './driver-log-sink.js';
import type { EventLog } from './event-log.js';
import { checkMessage, findAction, type ActionName, type ActionSpec, type DRIVER_FAMILIES, type DriverKind, type ReplyOf, type RequestOf } from './protocol-types.js';

type Family<K extends DriverKind> = (typeof DRIVER_FAMILIES)[K];

/** Settings of driver calls that plugin.json may override per plugin. */
export interface DriverCallSettings {
  /** Deadlines per kind and action, in seconds, used when plugin.json sets none. */
  timeouts: Partial<Record<DriverKind, Readonly<Record<string, number>>>>;
  /** Retries of actions a plugin declares safe to retry, when plugin.json sets none. */
  retries: RetrySettings;
  /** Maximum delay between two tries, in milliseconds. */
  maxBackoffMs: number;
}

export const DEFAULT_CALL_SETTINGS: DriverCallSettings = {
  timeouts: {},
  retries: { attempts: 3, backoffMs: 1000 },
  maxBackoffMs: 30_000,
};

export interface DriverManagerDependencies {
  drivers: DriverDirectory;
  sink: DriverLogSink;
  log: EventLog;
  settings?: DriverCallSettings;
  /** Waits between retries; tests pass a recorder. */
  sleep?: (ms: number) => Promise<void>;
}

export interface DriverCallRequestOptions {
  /** The object the request is about (VM, image, user id), or -1. */
  objectId: number;
  /**
   * The caller logs a FAILURE reply of the driver itself, as authentication does for
   * a refused password, so the manager does not warn about it. Every other failure
   * (crash, timeout, invalid reply, plugin missing) is still logged here.
   */
  callerLogsFailureReply?: boolean;
}

/**
 * The one way the core calls a driver. It applies the deadline of the action
 * (plugin.json, else the configuration, else the protocol default), retries the
 * actions a plugin declares safe to retry with exponential backoff, and raises only
 * DriverError. Every failure about an object also goes to that object's log.
 */
export class DriverManager {
  private readonly settings: DriverCallSettings;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: DriverManagerDependencies) {
    this.settings = deps.settings ?? DEFAULT_CALL_SETTINGS;
    this.sleep = deps.sleep ?? ((ms) => sleepFor(ms));
  }

  async call<K extends DriverKind, A extends ActionName<K>>(
    kind: K,
    driverName: string,
    action: A,
    request: RequestOf<Family<K>[A]>,
    options: DriverCallRequestOptions,
  ): Promise<ReplyOf<Family<K>[A]>> {
    const context: DriverCallContext = { kind, driver: driverName, action, objectId: options.objectId };
    const spec = this.checkRequest(context, request);
    let attempts = 1;

    for (let attempt = 1; ; attempt += 1) {
      try {
        const driver = await this.findDriver(context);
        attempts = this.attemptsFor(driver, action);
        const timeoutMs = this.timeoutFor(driver, context, spec);
        return (await driver.handle.call(action, request, { objectId: options.objectId, timeoutMs })) as ReplyOf<Family<K>[A]>;
      } catch (error) {
        const failure = this.asDriverError(error, context);
        if (attempt >= attempts || !isRetryable(failure)) {
          this.report(failure, options);
          throw failure;
        }
        await this.waitBeforeRetry(failure, attempt, attempts);
      }
    }
  }

  /** Tells whether the installed plugin of that name claims the action; false when it is absent or broken. */
  async implements(kind: DriverKind, driverName: string, action: string): Promise<boolean> {
    const lookup = await this.deps.drivers.resolve(kind, driverName);
    return lookup.status === 'loaded' && lookup.driver.actions.includes(action);
  }

  /** Checks the request against the protocol before it is sent to any driver. */
  private checkRequest(context: DriverCallContext, request: unknown): ActionSpec {
    const spec = findAction(context.kind, context.action);
    if (spec === undefined) {
      const failure = new DriverError('UNSUPPORTED_ACTION', context, `the ${context.kind} protocol has no action ${context.action}`);
      this.report(failure);
      throw failure;
    }

    const problem = checkMessage(spec.request, request);
    if (problem !== undefined) {
      const failure = new DriverError('INVALID_REQUEST', context, `the request does not match the protocol: ${problem}`);
      this.report(failure);
      throw failure;
    }
    return spec;
  }

  private async findDriver(context: DriverCallContext): Promise<InstalledDriver> {
    const lookup = await this.deps.drivers.resolve(context.kind, context.driver);
    if (lookup.status === 'absent') {
      const folders = lookup.folders.length > 0 ? lookup.folders.join(', ') : 'none configured';
      throw new DriverError('NOT_INSTALLED', context, `no ${context.kind} plugin named "${context.driver}" is installed (plugin folders: ${folders})`);
    }
    if (lookup.status === 'broken') {
      throw new DriverError('BROKEN', context, `the plugin in ${lookup.dir} was rejected: ${lookup.reason}`);
    }

    if (!lookup.driver.actions.includes(context.action)) {
      const claimed = lookup.driver.actions.join(', ');
      throw new DriverError('UNSUPPORTED_ACTION', context, `the plugin in ${lookup.driver.dir} does not implement ${context.action} (it implements ${claimed})`);
    }
    return lookup.driver;
  }

  private attemptsFor(driver: InstalledDriver, action: string): number {
    if (!driver.retry.includes(action)) return 1;
    return (driver.retries ?? this.settings.retries).attempts;
  }

  private timeoutFor(driver: InstalledDriver, context: DriverCallContext, spec: ActionSpec): number {
    const seconds = driver.timeouts[context.action] ?? this.settings.timeouts[context.kind]?.[context.action] ?? spec.timeoutSeconds;
    return Math.round(seconds * 1000);
  }

  private async waitBeforeRetry(failure: DriverError, attempt: number, attempts: number): Promise<void> {
    const lookup = await this.deps.drivers.resolve(failure.context.kind, failure.context.driver);
    const retries = (lookup.status === 'loaded' ? lookup.driver.retries : undefined) ?? this.settings.retries;
    const delayMs = Math.min(retries.backoffMs * 2 ** (attempt - 1), this.settings.maxBackoffMs);

    const { kind, driver, action, objectId } = failure.context;
    this.deps.log.warn('driver.retry', { kind, driver, action, objectId, attempt, attempts, delayMs, code: failure.code, reason: failure.detail });
    await this.sleep(delayMs);
  }

  private asDriverError(error: unknown, context: DriverCallContext): DriverError {
    if (error instanceof DriverError) return error;
    this.deps.log.internalError({ kind: context.kind, driver: context.driver, action: context.action, objectId: context.objectId }, error);
    return new DriverError('FAILURE', context, `internal error: ${messageOf(error)}`, { cause: error });
  }

  private report(failure: DriverError, options?: DriverCallRequestOptions): void {
    const { kind, driver, action, objectId } = failure.context;
    const loggedByCaller = failure.code === 'FAILURE' && options?.callerLogsFailureReply === true;
    if (!loggedByCaller) {
      this.deps.log.warn('driver.call_failed', { kind, driver, action, objectId, code: failure.code, reason: failure.detail });
    }
    if (objectId >= 0) this.deps.sink.driverLog(kind, driver, objectId, 'E', failure.message);
  }
}
