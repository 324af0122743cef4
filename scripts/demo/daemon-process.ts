import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RunningDaemon {
  child: ChildProcess;
  url: string;
  exited: Promise<number | string>;
  /** The file that receives the daemon's standard output and error. */
  outputFile: string;
}

const LISTEN_POLL_MS = 100;

/**
 * Starts bin/stratusd.js on a free port and resolves once it prints its listening line.
 * The daemon writes its standard output and error to a file next to its home folder,
 * not to pipes, so that with `detached` it outlives the demo. The demo can then exit,
 * and Ctrl-C in the demo's terminal does not reach the daemon.
 */
export async function startDaemon(root: string, home: string, env: NodeJS.ProcessEnv, detached: boolean): Promise<RunningDaemon> {
  mkdirSync(path.dirname(home), { recursive: true });
  const outputFile = `${home}-stratusd.out`;
  const output = openSync(outputFile, 'w');
  const child = spawn(process.execPath, [path.join(root, 'bin', 'stratusd.js'), '--home', home, '--port', '0'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', output, output],
    detached,
  });
  closeSync(output);

  let exitCode: number | string | undefined;
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => {
      exitCode = code ?? signal ?? -1;
      resolve(exitCode);
    }),
  );

  for (;;) {
    const text = readFileSync(outputFile, 'utf8');
    const match = /stratusd listening on (\S+)/.exec(text);
    if (match) return { child, url: match[1], exited, outputFile };
    if (exitCode !== undefined) throw new Error(`stratusd exited (${exitCode}) before it listened: ${text.trim()}`);
    await sleep(LISTEN_POLL_MS);
  }
}

/** Stops the daemon with SIGTERM and waits for it to exit. */
export async function stopDaemon(daemon: RunningDaemon): Promise<void> {
  daemon.child.kill('SIGTERM');
  await daemon.exited;
}

/** Returns the pid of the live process whose lock file sits in `home`, or undefined. */
function lockHolder(home: string): number | undefined {
  const lockFile = path.join(home, 'stratusd.lock');
  if (!existsSync(lockFile)) return undefined;

  const pid = Number(readFileSync(lockFile, 'utf8').trim());
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** Returns the pids of QEMU processes whose command line names a file under `home`. */
function guestsUsing(home: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string;
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (args.includes('qemu-system') && args.includes(`${home}/`)) pids.push(Number(entry));
  }
  return pids;
}

/**
 * Throws when an earlier demo still runs in `home`: its daemon, or a guest whose daemon
 * was stopped without terminating it. Removing the folder under them would delete the
 * disks they use and leave them running.
 */
export function checkNoDemoRunning(home: string): void {
  const daemonPid = lockHolder(home);
  if (daemonPid !== undefined) {
    const output = existsSync(`${home}-stratusd.out`) ? readFileSync(`${home}-stratusd.out`, 'utf8') : '';
    const url = /stratusd listening on (\S+)/.exec(output)?.[1] ?? 'URL';
    throw new Error(
      `an earlier demo's stratusd (pid ${daemonPid}) still runs in ${home}. Terminate its VM and stop it first:\n` +
        `  ONE_AUTH=${home}/one_auth ONE_XMLRPC=${url} node bin/stratus.js vm terminate demo-vm --wait && kill ${daemonPid}`,
    );
  }
  const guests = guestsUsing(home);
  if (guests.length > 0) {
    throw new Error(`QEMU guests of an earlier demo still run from ${home} without their daemon (pids ${guests.join(', ')}); stop them with: kill ${guests.join(' ')}`);
  }
}
