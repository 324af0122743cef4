import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SETTINGS, type Settings } from '../../core/config/settings.js';
import { Daemon } from '../../core/daemon.js';
import { OneClient } from '../../rpc/client/client.js';

/** The project folder: this file runs from dist/test/helpers/. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface TestDaemon {
  daemon: Daemon;
  home: string;
  url: string;
  adminSession: string;
  /** A client logged in as oneadmin. */
  admin: OneClient;
  /** A client with any session string. */
  client(session: string): OneClient;
}

/** A new temporary home folder, removed when the test ends. */
export function temporaryHome(t: Teardown, prefix = 'stratus-test-'): string {
  const home = mkdtempSync(path.join(os.tmpdir(), prefix));
  t.teardown(() => rmSync(home, { recursive: true, force: true }));
  return home;
}

/** Maximum delay a Node.js timer accepts (2^31 - 1 ms, about 24 days), so a timer this long never fires during a test. */
const NEVER_MS = 2_147_483_647;

/**
 * Settings for tests: a free port on loopback, and no timed scheduler cycle or monitor
 * round, and no monitoring of new hosts. A test then gets only the cycles and rounds it
 * runs itself, and the cycles that `wake()` requests for new PENDING VMs. Defaults otherwise.
 */
export function testSettings(overrides: (settings: Settings) => void = () => {}): Settings {
  const settings = structuredClone(DEFAULT_SETTINGS);
  settings.port = 0;
  settings.db.synchronous = 'NORMAL';
  settings.scheduler.intervalMs = NEVER_MS;
  settings.monitor = { ...settings.monitor, hostIntervalMs: NEVER_MS, vmIntervalMs: NEVER_MS, firstDelayMs: NEVER_MS, newHosts: false };
  overrides(settings);
  return settings;
}

/** Starts a daemon in this process on a free port, stopped when the test ends. */
export async function startTestDaemon(
  t: Teardown,
  options: { settings?: Settings; home?: string; now?: () => number } = {},
): Promise<TestDaemon> {
  const home = options.home ?? temporaryHome(t);
  const daemon = await Daemon.start({ home, settings: options.settings ?? testSettings(), now: options.now });
  t.teardown(() => daemon.stop());

  const adminSession = readFileSync(path.join(home, 'one_auth'), 'utf8').trim();
  const client = (session: string) => new OneClient({ endpoint: daemon.url, session });
  return { daemon, home, url: daemon.url, adminSession, admin: client(adminSession), client };
}

export interface DaemonProcess {
  child: ChildProcess;
  url: string;
  port: number;
  /** Resolves with the exit code (or signal name) once the process ends. */
  exited: Promise<number | string>;
}

/** Runs bin/stratusd.js as a child process and waits for its "listening" line. */
export async function spawnDaemon(home: string, args: string[] = []): Promise<DaemonProcess> {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'stratusd.js'), '--home', home, '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });

  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });

  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /stratusd listening on (\S+)/.exec(stdout);
      if (match) resolve(match[1]);
    });
    exited.then((code) => reject(new Error(`stratusd exited (${code}) before listening: ${stderr}`)));
  });

  return { child, url, port: Number(new URL(url).port), exited };
}
