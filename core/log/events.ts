import type winston from 'winston';
import type { LogFields } from './logger.js';

/**
 * The daemon's log events. Each has a fixed name and level so that an operator can
 * search for it; the fields name the ids involved.
 */
export class DaemonLog {
  constructor(private readonly logger: winston.Logger) {}

  daemonStarted(fields: { home: string; url: string; pid: number }): void {
    this.logger.info('daemon.started', fields);
  }

  daemonStopping(fields: { signal: string }): void {
    this.logger.info('daemon.stopping', fields);
  }

  daemonStopped(): void {
    this.logger.info('daemon.stopped');
  }

  databaseOpened(fields: { file: string; schemaVersion: number }): void {
    this.logger.info('database.opened', fields);
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
      cause: err.cause instanceof Error ? err.cause.message : undefined,
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
