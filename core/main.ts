import { Command, InvalidArgumentError } from 'commander';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadSettings } from './config/load-settings.js';
import { Daemon } from './daemon.js';
import { HomeInUseError } from './lock-file.js';
import { wasLoggedAsStartFailure } from './log/events.js';
import { ListenError } from '../rpc/server/http-server.js';
import { STRATUS_VERSION } from './version.js';

/** The checkout (or installed package) folder: dist/core/main.js is two levels below it. */
const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new InvalidArgumentError(`"${value}" is not a port number from 0 to 65535 (0 picks a free port).`);
  }
  return port;
}

/** The home folder cannot hold the daemon's files. */
class HomeFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HomeFolderError';
  }
}

/**
 * Creates the home folder when it is missing and checks that the daemon can write in
 * it. `source` names where the path came from (`--home`, `STRATUS_HOME`), for the message.
 */
function prepareHomeFolder(home: string, source: string): void {
  const fix = 'give a folder for the database, datastores and logs';
  try {
    mkdirSync(home, { recursive: true, mode: 0o750 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // EEXIST means the path is a file, and ENOTDIR that one of its parent paths is a file.
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new HomeFolderError(`${source} ${home} is not a folder; ${fix}`);
    throw new HomeFolderError(`cannot create ${source} ${home}: ${(error as Error).message}; ${fix}`);
  }

  try {
    accessSync(home, constants.W_OK | constants.X_OK);
  } catch {
    throw new HomeFolderError(`${source} ${home} is not writable by this user; ${fix} that stratusd can write to`);
  }
}

/** Names where the home folder path came from, as the user wrote it. */
function homeSource(options: { home?: string }): string {
  if (options.home !== undefined) return '--home';
  return process.env.STRATUS_HOME !== undefined ? 'STRATUS_HOME' : 'the default home folder';
}

/**
 * Prints why the start failed. `main` starts the daemon with its console log on, so a
 * failure that the daemon logged as `daemon.start_failed` is on standard error already.
 */
function reportStartFailure(error: unknown): void {
  if (wasLoggedAsStartFailure(error)) return;

  const known = error instanceof ConfigError || error instanceof HomeInUseError || error instanceof ListenError || error instanceof HomeFolderError;
  const reason = known ? (error as Error).message : String((error as Error).stack ?? error);
  process.stderr.write(`stratusd: ${reason}\n`);
}

function defaultConfigFile(): string | undefined {
  const shipped = path.join(PROJECT_ROOT, 'etc', 'stratusd.conf');
  return existsSync(shipped) ? shipped : undefined;
}

/** Runs stratusd until SIGTERM or SIGINT. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('stratusd')
    .description('Stratus core daemon: OpenNebula-compatible XML-RPC API over SQLite')
    .version(STRATUS_VERSION)
    .option('--home <dir>', 'data folder (database, datastores, logs); default $STRATUS_HOME, else var/ in the checkout')
    .option('--listen <address>', 'address to listen on (default from the configuration: 127.0.0.1)')
    .option('--port <port>', 'TCP port; 0 picks a free one (default from the configuration: 2633)', parsePort)
    .option('--config <file>', 'configuration file (default etc/stratusd.conf of the checkout)')
    .parse(argv);

  const options = program.opts<{ home?: string; listen?: string; port?: number; config?: string }>();
  const source = homeSource(options);
  const home = options.home ?? process.env.STRATUS_HOME ?? path.join(PROJECT_ROOT, 'var');
  // Shipped drivers find the data folder (datastore roots, control files) through it.
  process.env.STRATUS_HOME = path.resolve(home);

  let daemon: Daemon;
  try {
    prepareHomeFolder(home, source);
    if (options.config !== undefined && !existsSync(options.config)) {
      throw new ConfigError(`configuration file ${options.config} does not exist; check the --config path`);
    }
    const settings = loadSettings(options.config ?? defaultConfigFile());
    if (options.listen !== undefined) settings.listenAddress = options.listen;
    if (options.port !== undefined) settings.port = options.port;
    daemon = await Daemon.start({ home, settings, consoleLog: true });
  } catch (error) {
    reportStartFailure(error);
    process.exitCode = 1;
    return;
  }

  process.stdout.write(`stratusd listening on ${daemon.url}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    daemon
      .stop(signal)
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        process.stderr.write(`stratusd: error while stopping after ${signal}: ${String(error)}\n`);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
