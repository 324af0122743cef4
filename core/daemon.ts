import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DependencyContainer } from 'tsyringe';
import { buildContainer } from './container.js';
import type { Settings } from './config/settings.js';
import { bootstrapIfEmpty } from './db/bootstrap.js';
import { migrate } from './db/migrate.js';
import { MIGRATIONS } from './db/migrations/index.js';
import { SqliteDatabase } from './db/sqlite-database.js';
import { LockFile } from './lock-file.js';
import { DaemonLog } from './log/events.js';
import { createWinstonLogger } from './log/logger.js';
import { Tokens } from './tokens.js';
import { buildMethodTable } from '../rpc/methods/index.js';
import { Dispatcher } from '../rpc/server/dispatcher.js';
import { RpcHttpServer, RPC_PATH } from '../rpc/server/http-server.js';

export interface DaemonOptions {
  home: string;
  settings: Settings;
  /** Also write warnings and errors to standard error. */
  consoleLog?: boolean;
  /** Current time in seconds; tests pass a fake clock. */
  now?: () => number;
}

/**
 * One running stratusd: its home folder lock, database, services and XML-RPC server.
 * `start` does all the I/O; `stop` undoes it in reverse order.
 */
export class Daemon {
  private constructor(
    readonly home: string,
    readonly url: string,
    readonly port: number,
    readonly container: DependencyContainer,
    readonly adminAuthFile: string,
    private readonly lock: LockFile,
    private readonly server: RpcHttpServer,
    private readonly database: SqliteDatabase,
    private readonly log: DaemonLog,
  ) {}

  static async start(options: DaemonOptions): Promise<Daemon> {
    const home = path.resolve(options.home);
    mkdirSync(home, { recursive: true, mode: 0o750 });
    const lock = LockFile.acquire(path.join(home, 'stratusd.lock'));

    try {
      return await Daemon.startLocked(home, lock, options);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  private static async startLocked(home: string, lock: LockFile, options: DaemonOptions): Promise<Daemon> {
    const { settings } = options;
    const log = new DaemonLog(
      createWinstonLogger({ logDir: path.join(home, 'log'), level: settings.logLevel, console: options.consoleLog }),
    );

    const dbFile = path.join(home, 'stratus.db');
    const database = await SqliteDatabase.open(dbFile, settings.db);
    const schemaVersion = await migrate(database, MIGRATIONS);
    log.databaseOpened({ file: dbFile, schemaVersion });

    const container = buildContainer({ settings, home, log, database, now: options.now });
    const store = container.resolve(Tokens.Store);
    const acl = container.resolve(Tokens.AclStore);
    const created = await bootstrapIfEmpty(store, acl, home);
    if (created) log.bootstrapCreated({ adminAuthFile: created });
    await acl.load(database);

    const methods = buildMethodTable(container.resolve(Tokens.CoreApi));
    const dispatcher = new Dispatcher(methods, container.resolve(Tokens.Authenticator), log, {
      maxDepth: settings.rpc.maxDepth,
      maxStringLength: settings.rpc.maxStringLength,
      maxParams: settings.rpc.maxParams,
    });
    const server = new RpcHttpServer(dispatcher, settings.rpc, log);
    const port = await server.listen(settings.listenAddress, settings.port);

    const host = settings.listenAddress.includes(':') ? `[${settings.listenAddress}]` : settings.listenAddress;
    const url = `http://${host}:${port}${RPC_PATH}`;
    log.daemonStarted({ home, url, pid: process.pid });

    const adminAuthFile = path.join(home, 'one_auth');
    return new Daemon(home, url, port, container, adminAuthFile, lock, server, database, log);
  }

  /** Stops serving, waits for calls in progress, closes the database and releases the lock. */
  async stop(): Promise<void> {
    await this.server.close();
    await this.database.close();
    this.log.daemonStopped();
    await this.log.close();
    this.lock.release();
  }
}
