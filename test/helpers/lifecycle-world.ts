import { spawn } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT, type DaemonProcess } from './daemon.js';

/**
 * Runs bin/stratusd.js as a child process with `environment` added to this process's
 * environment, and waits for its "listening" line. The daemon settles interrupted VM
 * operations before it listens, so the returned daemon has finished its recovery.
 * Unlike spawnDaemon, this sets variables that plugins read when they load, such as
 * STRATUS_DUMMY_CONTROL, in the child only.
 */
export async function spawnDaemonWithEnvironment(home: string, environment: Record<string, string>, args: string[] = []): Promise<DaemonProcess> {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'stratusd.js'), '--home', home, '--port', '0', ...args], {
    env: { ...process.env, ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });

  // Both pipes are read until the child exits, so that a full pipe never blocks the daemon.
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });

  const url = await new Promise<string>((resolve, reject) => {
    let stdout: string | undefined = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      if (stdout === undefined) return;
      stdout += chunk.toString();
      const match = /stratusd listening on (\S+)/.exec(stdout);
      if (match) {
        stdout = undefined;
        resolve(match[1]);
      }
    });
    void exited.then((code) => reject(new Error(`stratusd exited (${code}) before listening: ${stderr}`)));
  });

  return { child, url, port: Number(new URL(url).port), exited };
}
