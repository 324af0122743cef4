import { spawn } from 'node:child_process';

/** Debian commands that install each program the shipped drivers run. */
const INSTALL_COMMANDS: Readonly<Record<string, string>> = {
  'qemu-img': 'apt-get install -y qemu-utils',
  genisoimage: 'apt-get install -y genisoimage',
  'mkfs.ext2': 'apt-get install -y e2fsprogs',
  'mkfs.ext3': 'apt-get install -y e2fsprogs',
  'mkfs.ext4': 'apt-get install -y e2fsprogs',
  'mkfs.xfs': 'apt-get install -y xfsprogs',
  'mkfs.vfat': 'apt-get install -y dosfstools',
  cp: 'apt-get install -y coreutils',
};

const DEFAULT_TIMEOUT_MS = 600_000;
const MAX_STDOUT_BYTES = 4 * 1024 * 1024;
const MAX_STDERR_CHARS = 2000;

export interface CommandOptions {
  /** The object the command works on, for messages, such as "image 7" or "VM 42". */
  subject: string;
  /** Time the command may run before it is killed, in milliseconds. */
  timeoutMs?: number;
  /** Kills the command when aborted (the driver is stopping). */
  signal?: AbortSignal;
  /** The remedy appended to the message when the command exits with an error. */
  fix?: string;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/** Returns the command line for messages; arguments are shown as given, never run by a shell. */
export function describeCommand(program: string, args: readonly string[]): string {
  return [program, ...args].join(' ');
}

function installHint(program: string): string {
  const command = INSTALL_COMMANDS[program];
  return command === undefined ? `install ${program} and make sure it is on PATH` : `install it with \`${command}\``;
}

function lastLines(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > MAX_STDERR_CHARS ? `...${trimmed.slice(-MAX_STDERR_CHARS)}` : trimmed;
}

/**
 * Runs `program` with `args` as separate arguments (no shell) and resolves with its
 * output when it exits with code 0. Rejects with an Error whose message names the
 * command, the subject and the fix when the program is missing, times out, is
 * killed or exits with another code.
 */
export function runCommand(program: string, args: readonly string[], options: CommandOptions): Promise<CommandResult> {
  const commandLine = describeCommand(program, args);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let timedOut = false;

    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);

    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes <= MAX_STDOUT_BYTES) stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4 * MAX_STDERR_CHARS);
    });

    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === 'ENOENT') {
        reject(new Error(`${program} is not installed (needed for ${options.subject}): ${installHint(program)}`, { cause: error }));
        return;
      }
      if (error.name === 'AbortError') {
        reject(new Error(`\`${commandLine}\` for ${options.subject} was stopped because the driver is stopping; retry once the daemon runs again`, { cause: error }));
        return;
      }
      reject(new Error(`\`${commandLine}\` for ${options.subject} could not start: ${error.message}`, { cause: error }));
    });

    child.on('close', (code, signalName) => {
      clearTimeout(timer);
      if (code === 0) {
        resolve({ stdout: Buffer.concat(stdout).toString('utf8'), stderr });
        return;
      }
      if (timedOut) {
        reject(new Error(`\`${commandLine}\` for ${options.subject} timed out after ${timeoutMs / 1000} s and was killed; check that the storage is responsive, then retry`));
        return;
      }
      const outcome = code === null ? `was killed by ${signalName ?? 'a signal'}` : `exited with code ${code}`;
      const output = lastLines(stderr);
      const fix = options.fix === undefined ? '' : `; ${options.fix}`;
      reject(new Error(`\`${commandLine}\` for ${options.subject} ${outcome}${output === '' ? '' : `: ${output}`}${fix}`));
    });
  });
}
