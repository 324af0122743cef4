import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from './errors.js';

/**
 * Streams, environment and clock of the CLI. Tests pass their own so that a command
 * runs in process with captured output and a chosen environment.
 */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The environment used for credential and endpoint lookup. */
  env: NodeJS.ProcessEnv;
  /** The folder that relative file arguments are read from. */
  cwd: string;
  /** Reads all of standard input, for a file argument of `-`. */
  readStdin(): Promise<string>;
  /** Milliseconds since the epoch, for the age of VMs in listings. */
  now(): number;
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Returns the real process's streams, environment and clock. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    readStdin: readProcessStdin,
    now: () => Date.now(),
  };
}

/** Reads a UTF-8 file named on the command line, or standard input for `-`. */
export async function readFileArgument(io: CliIo, file: string): Promise<string> {
  if (file === '-') return io.readStdin();

  const fullPath = path.resolve(io.cwd, file);
  try {
    return await readFile(fullPath, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new CliError(`cannot read ${fullPath}: ${reason}`);
  }
}
