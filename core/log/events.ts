import type winston from 'winston';
import type { LogFields } from './logger.js';

/** Errors that a DaemonLog logged as `daemon.start_failed`, so that the caller need not print them again. */
const loggedStartFailures = new WeakSet<object>();

/** Returns whether `startFailed` logged this error. A daemon started with `consoleLog` has then printed it on standard error. */
export function wasLoggedAsStartFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && loggedStartFailures.has(error);
}

/**
 * The daemon's log events. Each has a fixed name and level so that an operator can
 * search for it; the fields name the ids involved.
 */
export class DaemonLog {
  constructor(private readonly logger: winston.Logger) {}

  daemonStarted(fields: { home: string; url: string; pid: number }): void {
    this.logger.info('daemon.started', fields);
  }

  /** `signal` names the signal that asked for the stop, when one did. */
  daemonStopping(fields: { signal?: string }): void {
    this.logger.info('daemon.stopping', fields);
  }

  daemonStopped(): void {
    this.logger.info('daemon.stopped');
  }

  databaseOpened(fields: { file: string; schemaVersion: number }): void {
    this.logger.info('database.opened', fields);
  }

  startFailed(error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    this.logger.error('daemon.start_failed', { error: err.message, cause: causeMessage(err) });
    if (typeof error === 'object' && error !== null) loggedStartFailures.add(error);
  }

  bootstrapCreated(fields: { adminAuthFile: string }): void {
    this.logger.info('bootstrap.created', fields);
  }

  /** One line per API call. The session string is never passed here. */
  rpcCall(fields: {
    reqId: string;
    uid: number;
    client: string;
    method: string;
    code: number;
    ms: number;
  }): void {
    this.logger.info('rpc.call', fields);
  }

  rpcRejected(fields: { reqId: string; client: string; reason: string; status?: number }): void {
    this.logger.warn('rpc.rejected', fields);
  }

  internalError(fields: LogFields, error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    this.logger.error('internal.error', {
      ...fields,
      error: err.message,
      stack: err.stack,
      cause: causeMessage(err),
    });
  }

  warn(event: string, fields: LogFields): void {
    this.logger.warn(event, fields);
  }

  info(event: string, fields: LogFields): void {
    this.logger.info(event, fields);
  }

  /** Flushes and closes every transport. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.logger.on('finish', () => resolve());
      this.logger.end();
    });
  }
}

/** Joins the messages of an error's chain of causes, outermost first; undefined when it has none. */
function causeMessage(error: Error): string | undefined {
  const messages: string[] = [];
  let cause: unknown = error.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth += 1) {
    messages.push(cause instanceof Error ? cause.message : String(cause));
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return messages.length > 0 ? messages.join(' <- ') : undefined;
}
