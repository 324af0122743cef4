import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface RunningDaemon {
  child: ChildProcess;
  url: string;
  exited: Promise<number | string>;
}

/** Starts bin/stratusd.js on a free port and resolves once it prints its listening line. */
export function startDaemon(root: string, home: string, env: NodeJS.ProcessEnv): Promise<RunningDaemon> {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'stratusd.js'), '--home', home, '--port', '0'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));

  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });

  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /stratusd listening on (\S+)/.exec(output);
      if (match) resolve({ child, url: match[1], exited });
    });
    void exited.then((code) => reject(new Error(`stratusd exited (${code}) before it listened: ${errors.trim()}`)));
  });
}

/** Stops the daemon with SIGTERM and waits for it to exit. */
export async function stopDaemon(daemon: RunningDaemon): Promise<void> {
  daemon.child.kill('SIGTERM');
  await daemon.exited;
}
