import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, type DaemonProcess } from './daemon.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** Reads the oneadmin session string that the daemon wrote to HOME/one_auth on its first start. */
export function readAdminSession(home: string): string {
  return readFileSync(path.join(home, 'one_auth'), 'utf8').trim();
}

/** Kills the daemon with SIGKILL when the test ends, unless it has exited already, and waits for it. */
export function killOnTeardown(t: Teardown, daemon: DaemonProcess): void {
  t.teardown(async () => {
    if (hasExited(daemon)) return;
    daemon.child.kill('SIGKILL');
    await daemon.exited;
  });
}

export function hasExited(daemon: DaemonProcess): boolean {
  return daemon.child.exitCode !== null || daemon.child.signalCode !== null;
}

/** Resolves with the exit code (or signal name), or with 'timeout' when the process is still running after `ms`. */
export async function exitWithin(daemon: DaemonProcess, ms: number): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([daemon.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface FinishedRun {
  /** Exit code, signal name, or 'timeout' when the process was killed after the wait. */
  exit: number | string;
  stdout: string;
  stderr: string;
}

/**
 * Runs bin/stratusd.js with `args` and waits for it to exit, for start-up failures.
 * A process still running after `timeoutMs` is killed and reported as 'timeout'.
 */
export function runDaemonUntilExit(args: string[], timeoutMs = 30_000): Promise<FinishedRun> {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'stratusd.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });

  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    // 'close' comes after the output pipes are drained, unlike 'exit'.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ exit: timedOut ? 'timeout' : (code ?? signal ?? -1), stdout, stderr });
    });
  });
}
