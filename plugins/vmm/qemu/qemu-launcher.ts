import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { DEFAULT_QEMU_BINARY } from './config.js';

const execFileAsync = promisify(execFile);

/** How long QEMU may take to set the VM up before `-daemonize` returns, in milliseconds. */
const START_TIMEOUT_MS = 60_000;
const MAX_MESSAGE_CHARS = 4000;

const INSTALL_COMMAND = 'apt-get install -y qemu-system-x86';

/** Joins QEMU's message lines with "; ", so that an error message stays one line. */
export function joinLines(text: string): string {
  return text.trim().split(/\s*\n\s*/).join('; ');
}

/** Builds the message for a QEMU binary that cannot be run, with what to do about it. */
export function missingBinaryMessage(binary: string, code: string | undefined): string {
  if (binary === DEFAULT_QEMU_BINARY && code === 'ENOENT') return `${DEFAULT_QEMU_BINARY} is not installed: ${INSTALL_COMMAND}`;

  const problem = code === 'ENOENT' ? 'was not found' : `cannot be run (${code ?? 'unknown error'})`;
  return `the QEMU binary "${binary}" set by STRATUS_QEMU_BINARY ${problem}: correct STRATUS_QEMU_BINARY, or unset it and run ${INSTALL_COMMAND}`;
}

/**
 * Runs QEMU with `args`, which must contain `-daemonize`: the first process exits
 * once the VM is set up, and the VM keeps running in the background. Errors found
 * before that point (a missing disk, a bad option) fail the call with QEMU's own
 * message. With `-daemonize` and `-D`, QEMU 7.2 writes its messages into the -D
 * file `errorLog` instead of standard error, so the message is read from there.
 */
export async function startQemu(binary: string, args: string[], vmId: number, errorLog: string): Promise<void> {
  try {
    await execFileAsync(binary, args, { timeout: START_TIMEOUT_MS, maxBuffer: 1024 * 1024 });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string; killed?: boolean };
    if (failure.code === 'ENOENT' || failure.code === 'EACCES') throw new Error(`cannot start VM ${vmId}: ${missingBinaryMessage(binary, failure.code)}`);
    if (failure.killed === true) throw new Error(`cannot start VM ${vmId}: QEMU did not finish setting up the VM within ${START_TIMEOUT_MS / 1000} s and was stopped; check the host's load and the VM's disks`);

    const logged = await readFile(errorLog, 'utf8').catch(() => '');
    const message = joinLines(`${failure.stderr ?? ''}\n${logged}`).slice(-MAX_MESSAGE_CHARS) || 'QEMU printed no message';
    throw new Error(`QEMU failed to start VM ${vmId} (exit code ${String(failure.code)}): ${message}`);
  }
}
