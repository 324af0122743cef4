import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DependencyContainer } from 'tsyringe';
import { buildContainer, registrySettings } from './container.js';
import type { Settings } from './config/settings.js';
import { bootstrapIfEmpty } from './db/bootstrap.js';
import { migrate } from './db/migrate.js';
import { MIGRATIONS } from './db/migrations/index.js';
import { SqliteDatabase } from './db/sqlite-database.js';
import { startImageWork, type ImageWork } from './images/image-work.js';
import { LockFile } from './lock-file.js';
import { startMonitor, type Monitor } from './monitor/index.js';
import { DaemonLog } from './log/events.js';
import { createWinstonLogger } from './log/logger.js';
import type { PluginRegistry } from './plugins/plugin-registry.js';
import { Tokens } from './tokens.js';
import type { VmLog } from './vm-log/vm-log.js';
import { buildMethodTable } from '../rpc/methods/index.js';
import { recoverInterruptedFlows } from './lifecycle/recover-interrupted.js';
import { Dispatcher } from '../rpc/server/dispatcher.js';
import { RpcHttpServer, RPC_PATH } from '../rpc/server/http-server.js';

/** How long a stopping daemon waits for VM operations and monitor calls in progress, in milliseconds. */
const FLOW_STOP_GRACE_MS = 10_000;

export interface DaemonOptions {
  home: string;
  settings: Settings;
  /** Also write warnings and errors to standard error. */
  consoleLog?: boolean;
  /** Current time in seconds; tests pass a fake clock. */
  now?: () => number;
}

/** The parts of a running daemon that `stop` shuts down besides the server. */
interface DaemonParts {
  lock: LockFile;
  server: RpcHttpServer;
  database: SqliteDatabase;
  log: DaemonLog;
  plugins: PluginRegistry;
  vmLog: VmLog;
  imageWork: ImageWork;
  monitor: Monitor;
}

/**
 * Creates the configured plugin folders that lie in the home folder, such as
 * HOME/plugins, so that plugins can be dropped there. Folders elsewhere are left
 * alone; a folder that cannot be created is logged and skipped.
 */
function createHomePluginFolders(home: string, settings: Settings, log: DaemonLog): void {
  for (const folder of registrySettings(settings, home).folders) {
    const relative = path.relative(home, folder);
    if (relative.startsWith('..') || path.isAbsolute(relative)) continue;

    try {
      mkdirSync(folder, { recursive: true, mode: 0o750 });
    } catch (error) {
      log.warn('plugins.folder_not_created', { folder, error: (error as Error).message });
    }
  }
}

/**
 * Starts the plugin registry. The registry rejects and logs a plugin that fails to
 * load. A failure of the registry itself, such as of the folder watcher, is logged
 * here, and the daemon serves with the plugins that did load.
 */
async function startPlugins(plugins: PluginRegistry, log: DaemonLog): Promise<void> {
  try {
    await plugins.start();
  } catch (error) {
    log.internalError({ step: 'plugins.start' }, error);
  }
}

/**
 * One running stratusd: its home folder lock, database, plugins, services and
 * XML-RPC server. `start` does all the I/O; `stop` undoes it in reverse order.
 */
export class Daemon {
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly home: string,
    readonly url: string,
    readonly port: number,
    readonly container: DependencyContainer,
    readonly adminAuthFile: string,
    private readonly parts: DaemonParts,
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

    let database: SqliteDatabase | undefined;
    try {
      const dbFile = path.join(home, 'stratus.db');
      database = await SqliteDatabase.open(dbFile, settings.db);
      const schemaVersion = await migrate(database, MIGRATIONS);
      log.databaseOpened({ file: dbFile, schemaVersion });

      return await Daemon.serve(home, lock, options, log, database);
    } catch (error) {
      log.startFailed(error);
      await database?.close().catch(() => undefined);
      await log.close();
      throw error;
    }
  }

  private static async serve(
    home: string,
    lock: LockFile,
    options: DaemonOptions,
    log: DaemonLog,
    database: SqliteDatabase,
  ): Promise<Daemon> {
    const { settings } = options;
    const container = buildContainer({ settings, home, log, database, now: options.now });
    const store = container.resolve(Tokens.Store);
    const acl = container.resolve(Tokens.AclStore);
    const created = await bootstrapIfEmpty(store, acl, home);
    if (created) log.bootstrapCreated({ adminAuthFile: created });
    await acl.load(database);

    const plugins = container.resolve(Tokens.Plugins);
    const vmLog = container.resolve(Tokens.VmLog);
    createHomePluginFolders(home, settings, log);
    await startPlugins(plugins, log);
    const imageWork = await startImageWork(container);
    await recoverInterruptedFlows(store, log, container.resolve(Tokens.CoreServices).now());

    try {
      const server = Daemon.buildServer(container, settings, log);
      const port = await server.listen(settings.listenAddress, settings.port);

      const host = settings.listenAddress.includes(':') ? `[${settings.listenAddress}]` : settings.listenAddress;
      const url = `http://${host}:${port}${RPC_PATH}`;
      log.daemonStarted({ home, url, pid: process.pid });
      container.resolve(Tokens.Scheduler).start();

      const adminAuthFile = path.join(home, 'one_auth');
      const monitor = startMonitor(container);
      return new Daemon(home, url, port, container, adminAuthFile, { lock, server, database, log, plugins, vmLog, imageWork, monitor });
    } catch (error) {
      await Daemon.stopPlugins(plugins, vmLog, log, imageWork);
      throw error;
    }
  }

  private static buildServer(container: DependencyContainer, settings: Settings, log: DaemonLog): RpcHttpServer {
    const methods = buildMethodTable(container.resolve(Tokens.CoreApi), {
      plugins: container.resolve(Tokens.Plugins),
      vmLog: container.resolve(Tokens.VmLog),
      lifecycle: container.resolve(Tokens.Lifecycle),
    });
    const dispatcher = new Dispatcher(methods, container.resolve(Tokens.Authenticator), log, {
      maxDepth: settings.rpc.maxDepth,
      maxStringLength: settings.rpc.maxStringLength,
      maxParams: settings.rpc.maxParams,
    });
    return new RpcHttpServer(dispatcher, settings.rpc, log);
  }

  /**
   * Stops every driver, then finishes the VM log writes, which may update VMs, and accepts no more.
   * The image work records the outcome of the driver calls that the stop ends.
   */
  private static async stopPlugins(plugins: PluginRegistry, vmLog: VmLog, log: DaemonLog, imageWork: ImageWork): Promise<void> {
    const imageWorkStopped = imageWork.stop();
    try {
      await plugins.stop();
    } catch (error) {
      log.internalError({ step: 'plugins.stop' }, error);
    }
    await imageWorkStopped;
    await vmLog.close();
  }

  /**
   * Stops serving, waits for calls in progress, stops the drivers, closes the database
   * and releases the lock. `signal` names the signal that asked for the stop, for the
   * log. Later calls return the promise of the first.
   */
  stop(signal?: string): Promise<void> {
    this.stopping ??= this.shutDown(signal);
    return this.stopping;
  }

  /**
   * Gives VM operations and the monitor's driver calls in progress a short time to
   * finish before the drivers stop. An operation still running after that fails as its
   * driver stops, and the VM is left in that step's failure state with a message. A
   * monitor call still running then fails too, and its round records nothing.
   */
  private async waitForDriverCalls(monitorStopped: Promise<void>): Promise<void> {
    const lifecycle = this.container.resolve(Tokens.Lifecycle);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, FLOW_STOP_GRACE_MS);
    });
    await Promise.race([Promise.all([lifecycle.idle(), monitorStopped]), grace]);
    clearTimeout(timer);
  }

  private async shutDown(signal: string | undefined): Promise<void> {
    const { server, plugins, vmLog, database, log, lock, imageWork, monitor } = this.parts;
    log.daemonStopping({ signal });
    await server.close();
    // The scheduler and the monitor stop before the drivers, so that no new cycle or
    // round calls a driver that is stopping.
    await this.container.resolve(Tokens.Scheduler).stop();
    const monitorStopped = monitor.stop();
    await this.waitForDriverCalls(monitorStopped);
    await Daemon.stopPlugins(plugins, vmLog, log, imageWork);
    await monitorStopped;
    await database.close();
    log.daemonStopped();
    await log.close();
    lock.release();
  }
}
